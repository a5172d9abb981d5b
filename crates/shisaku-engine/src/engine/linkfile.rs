//! The links file of a generation (`related.links`): every measure's
//! related links as numbers, so that opening a large index reads them
//! without parsing text. In a text form every link's id and shared term is a
//! string to parse, allocate and look up, which makes the file several times
//! larger and most of the time an open takes. A generation that holds only
//! the retired text form (`related.jsonl`) is not read: like a links file of
//! another version, it asks for a rebuild.
//!
//! Layout (integers little-endian; strings are a `u32` byte length and
//! UTF-8):
//!
//! ```text
//! magic "SHISAKU-LINKS\n" · version u32
//! measure count u32 · the measures' ids, in build order
//! entry count u32 · entries, each a u32 byte length and then:
//!     measure u32 (build order)
//!     twice (other plans, all plans): link count u16, per link:
//!         target u32 (build order) · score f32 · term count u8 · terms u32…
//! term count u32 · the shared terms, by number
//! "END\n"
//! ```
//!
//! Entries are written in link order and may come in any order; a later
//! entry for a measure replaces an earlier one. Reading checks every count,
//! number and string against the file and names the file and the byte of
//! the first thing wrong. Entries are decoded a chunk at a time on all
//! cores.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::StoredLinks;
use super::links::{CompactLink, CompactList, LinkTable, MeasureLinks};
use crate::index::{IndexError, corrupt, io_err};

/// The file's name in a generation.
pub(super) const FILE: &str = "related.links";
const MAGIC: &[u8] = b"SHISAKU-LINKS\n";
const VERSION: u32 = 1;
/// The JSON-lines links file of generations older than this format; never
/// read, only recognized so that opening such a generation asks for a rebuild.
const RETIRED_JSON_FILE: &str = "related.jsonl";
const END: &[u8] = b"END\n";
/// Entries decoded together, on all cores.
const CHUNK: usize = 8192;

/// Writes a links file entry by entry; [`LinkWriter::finish`] completes it.
pub(super) struct LinkWriter<'a> {
    path: PathBuf,
    w: BufWriter<File>,
    /// Build-order number of each measure id.
    numbers: HashMap<&'a str, u32>,
    terms: HashMap<String, u32>,
    term_list: Vec<String>,
    entries: u32,
    /// Where the entry count goes once it is known.
    count_at: u64,
}

impl<'a> LinkWriter<'a> {
    /// Starts the file at `path` for the measures `ids`, in build order.
    pub fn create(path: &Path, ids: &[&'a str]) -> Result<LinkWriter<'a>, IndexError> {
        let f = File::create(path).map_err(|e| io_err(path, e))?;
        let mut head = Vec::with_capacity(MAGIC.len() + 8 + ids.len() * 24);
        head.extend_from_slice(MAGIC);
        put_u32(&mut head, VERSION);
        put_u32(&mut head, count(ids.len(), path, "measures")?);
        for id in ids {
            put_str(&mut head, id);
        }
        let count_at = head.len() as u64;
        put_u32(&mut head, 0);
        let mut w = BufWriter::with_capacity(1 << 20, f);
        w.write_all(&head).map_err(|e| io_err(path, e))?;
        Ok(LinkWriter {
            path: path.to_path_buf(),
            w,
            numbers: ids
                .iter()
                .enumerate()
                .map(|(i, id)| (*id, i as u32))
                .collect(),
            terms: HashMap::new(),
            term_list: Vec::new(),
            entries: 0,
            count_at,
        })
    }

    /// Appends the entries of `links` (targets and terms are numbered on
    /// all cores, the terms then given their numbers in order).
    pub fn write(&mut self, links: &[StoredLinks]) -> Result<(), IndexError> {
        let numbers = &self.numbers;
        let encoded = links
            .par_iter()
            .map(|l| encode(l, numbers))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| io_err(&self.path, e))?;
        for (mut bytes, terms) in encoded {
            // the entry's term numbers are placeholders: fill in the file's
            // term numbers, given in order of first use
            for (at, term) in terms {
                let next = self.term_list.len() as u32;
                let n = *self.terms.entry(term).or_insert_with_key(|t| {
                    self.term_list.push(t.clone());
                    next
                });
                bytes[at..at + 4].copy_from_slice(&n.to_le_bytes());
            }
            let mut len = Vec::with_capacity(4);
            put_u32(&mut len, count(bytes.len(), &self.path, "entry bytes")?);
            self.w
                .write_all(&len)
                .and_then(|()| self.w.write_all(&bytes))
                .map_err(|e| io_err(&self.path, e))?;
            self.entries += 1;
        }
        Ok(())
    }

    /// Writes the term table and the end mark, fills in the entry count and
    /// syncs the file to disk.
    pub fn finish(mut self) -> Result<(), IndexError> {
        let path = self.path.clone();
        let mut tail = Vec::new();
        put_u32(&mut tail, count(self.term_list.len(), &path, "terms")?);
        for t in &self.term_list {
            put_str(&mut tail, t);
        }
        tail.extend_from_slice(END);
        self.w.write_all(&tail).map_err(|e| io_err(&path, e))?;
        let mut f = self.w.into_inner().map_err(|e| io_err(&path, e.error()))?;
        f.seek(std::io::SeekFrom::Start(self.count_at))
            .and_then(|_| f.write_all(&self.entries.to_le_bytes()))
            .and_then(|()| f.sync_all())
            .map_err(|e| io_err(&path, e))
    }
}

/// One entry's bytes, with its terms left to number: (byte offset of the
/// term's placeholder, term).
type Encoded = (Vec<u8>, Vec<(usize, String)>);

fn encode(l: &StoredLinks, numbers: &HashMap<&str, u32>) -> Result<Encoded, String> {
    let number = |id: &str| {
        numbers
            .get(id)
            .copied()
            .ok_or_else(|| format!("links of or to {id:?}, which is not one of the measures"))
    };
    let mut b = Vec::with_capacity(16 + 40 * 16);
    let mut terms = Vec::new();
    put_u32(&mut b, number(&l.id)?);
    for list in [&l.other_plans, &l.all_plans] {
        let n = u16::try_from(list.len()).map_err(|_| format!("{}: too many links", l.id))?;
        b.extend_from_slice(&n.to_le_bytes());
        for link in list {
            put_u32(&mut b, number(&link.id)?);
            b.extend_from_slice(&link.score.to_le_bytes());
            let k = u8::try_from(link.shared_terms.len())
                .map_err(|_| format!("{}: too many shared terms", l.id))?;
            b.push(k);
            for t in &link.shared_terms {
                terms.push((b.len(), t.clone()));
                put_u32(&mut b, 0);
            }
        }
    }
    Ok((b, terms))
}

/// The error for a links file this shisaku does not read (`found`: what the
/// file is): the generation must be rebuilt with `shisaku index`.
fn needs_rebuild(path: &Path, found: &str) -> IndexError {
    corrupt(
        path,
        format!("{found}; this shisaku reads version {VERSION} (run `shisaku index` to rebuild)"),
    )
}

/// Reads the links file at `path` into a table over an engine's measures,
/// `positions` giving each id's position (ids the engine does not hold are
/// kept as dangling targets; their own links are dropped).
pub(super) fn read(
    path: &Path,
    positions: &HashMap<String, usize>,
    measures: usize,
) -> Result<LinkTable, IndexError> {
    let retired = path.with_file_name(RETIRED_JSON_FILE);
    if !path.exists() && retired.exists() {
        return Err(needs_rebuild(&retired, "a JSON links file"));
    }
    let f = File::open(path).map_err(|e| io_err(path, e))?;
    let mut r = Reader {
        path,
        inner: BufReader::with_capacity(1 << 20, f),
        at: 0,
    };
    let mut magic = Vec::new();
    (&mut r.inner)
        .take(MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(|e| io_err(path, e))?;
    if magic != MAGIC {
        return Err(corrupt(
            path,
            "not a shisaku links file (it does not begin with \"SHISAKU-LINKS\")",
        ));
    }
    r.at = MAGIC.len() as u64;
    let version = r.u32()?;
    if version != VERSION {
        return Err(needs_rebuild(
            path,
            &format!("links file version {version}"),
        ));
    }
    // build-order number -> the engine's position, or measures + k for the
    // k-th id it does not hold
    let ids = (0..r.u32()?)
        .map(|_| r.string())
        .collect::<Result<Vec<_>, _>>()?;
    let found: Vec<Option<usize>> = ids
        .par_iter()
        .map(|id| positions.get(id).copied())
        .collect();
    let mut dangling = Vec::new();
    let target: Vec<u32> = found
        .iter()
        .zip(ids)
        .map(|(p, id)| match p {
            Some(p) => *p as u32,
            None => {
                dangling.push(id);
                (measures + dangling.len() - 1) as u32
            }
        })
        .collect();

    let mut lists: Vec<MeasureLinks> = (0..measures).map(|_| MeasureLinks::default()).collect();
    let entries = r.u32()? as usize;
    let mut max_term: Option<u32> = None;
    let mut done = 0;
    while done < entries {
        let mut chunk = Vec::with_capacity(CHUNK.min(entries - done));
        for _ in 0..CHUNK.min(entries - done) {
            let len = r.u32()? as usize;
            let at = r.at;
            chunk.push((at, r.bytes(len)?));
        }
        done += chunk.len();
        let decoded = chunk
            .par_iter()
            .map(|(at, bytes)| {
                decode(bytes, &target)
                    .map_err(|e| corrupt(path, format!("entry at byte {at}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (measure, links, top) in decoded {
            max_term = max_term.max(top);
            if (measure as usize) < measures {
                lists[measure as usize] = links;
            }
        }
    }
    let terms = (0..r.u32()?)
        .map(|_| r.string())
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(top) = max_term.filter(|&t| t as usize >= terms.len()) {
        return Err(corrupt(
            path,
            format!("shared term {top} is not one of the {} terms", terms.len()),
        ));
    }
    if r.bytes(END.len())? != END {
        return Err(corrupt(
            path,
            format!("no end mark at byte {}", r.at - END.len() as u64),
        ));
    }
    let mut rest = [0u8; 1];
    if r.inner.read(&mut rest).map_err(|e| io_err(path, e))? != 0 {
        return Err(corrupt(
            path,
            format!("unexpected bytes after the end mark at byte {}", r.at),
        ));
    }
    Ok(LinkTable::from_parts(lists, measures, dangling, terms))
}

/// Decodes one entry: (its measure's position, or a number at or above the
/// engine's measures; its links; the highest term number it uses).
fn decode(b: &[u8], target: &[u32]) -> Result<(u32, MeasureLinks, Option<u32>), String> {
    let mut c = Cursor { b, at: 0 };
    let measure = c.number(target)?;
    let mut top = None;
    let mut lists = [CompactList::default(), CompactList::default()];
    for list in &mut lists {
        let n = c.u16()? as usize;
        let mut links = Vec::with_capacity(n);
        let mut terms = Vec::new();
        for _ in 0..n {
            let to = c.number(target)?;
            let score = f32::from_le_bytes(c.take(4)?.try_into().unwrap());
            if !(0.0..=1.0).contains(&score) {
                return Err(format!("score {score} is outside [0, 1]"));
            }
            let k = c.take(1)?[0] as usize;
            let from = terms.len() as u32;
            for _ in 0..k {
                let t = c.u32()?;
                top = top.max(Some(t));
                terms.push(t);
            }
            links.push(CompactLink {
                target: to,
                score,
                terms_from: from,
                terms_to: terms.len() as u32,
            });
        }
        *list = CompactList::new(links, terms);
    }
    if c.at != b.len() {
        return Err(format!("{} bytes left over", b.len() - c.at));
    }
    let [other_plans, all_plans] = lists;
    Ok((
        measure,
        MeasureLinks {
            other_plans,
            all_plans,
        },
        top,
    ))
}

/// Reads an entry's bytes.
struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or_else(|| format!("cut short at its byte {}", self.at))?;
        self.at += n;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }

    /// A measure number, as the engine's target.
    fn number(&mut self, target: &[u32]) -> Result<u32, String> {
        let n = self.u32()?;
        target
            .get(n as usize)
            .copied()
            .ok_or_else(|| format!("measure {n} is not one of the {} measures", target.len()))
    }
}

/// Reads the file's sections, counting bytes for the errors.
struct Reader<'a> {
    path: &'a Path,
    inner: BufReader<File>,
    at: u64,
}

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, IndexError> {
        let mut v = Vec::new();
        let got = (&mut self.inner)
            .take(n as u64)
            .read_to_end(&mut v)
            .map_err(|e| io_err(self.path, e))?;
        if got < n {
            return Err(corrupt(
                self.path,
                format!(
                    "cut short at byte {} (the file is incomplete)",
                    self.at + got as u64
                ),
            ));
        }
        self.at += n as u64;
        Ok(v)
    }

    fn u32(&mut self) -> Result<u32, IndexError> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().unwrap()))
    }

    fn string(&mut self) -> Result<String, IndexError> {
        let len = self.u32()? as usize;
        let at = self.at;
        String::from_utf8(self.bytes(len)?)
            .map_err(|_| corrupt(self.path, format!("the text at byte {at} is not UTF-8")))
    }
}

fn put_u32(b: &mut Vec<u8>, n: u32) {
    b.extend_from_slice(&n.to_le_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    put_u32(b, s.len() as u32);
    b.extend_from_slice(s.as_bytes());
}

fn count(n: usize, path: &Path, what: &str) -> Result<u32, IndexError> {
    u32::try_from(n).map_err(|_| io_err(path, format!("too many {what} for the links file")))
}

#[cfg(test)]
mod tests {
    use super::super::links::link;
    use super::*;
    use crate::related::Link;

    fn entry(id: &str, other: Vec<Link>, all: Vec<Link>) -> StoredLinks {
        StoredLinks {
            id: id.into(),
            other_plans: other,
            all_plans: all,
        }
    }

    fn written(dir: &Path, ids: &[&str], batches: &[Vec<StoredLinks>]) -> PathBuf {
        let path = dir.join(FILE);
        let mut w = LinkWriter::create(&path, ids).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.finish().unwrap();
        path
    }

    /// What is written comes back: in another measure order, with an id the
    /// engine does not hold as a dangling target, a later entry replacing an
    /// earlier one, and entries spread over several decode chunks.
    #[test]
    fn links_come_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let n = CHUNK + 5;
        let ids: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let mut first: Vec<StoredLinks> = (0..n)
            .map(|i| {
                let to = &ids[(i + 1) % n];
                entry(&ids[i], vec![link(to, 0.5, &["相談", "窓口"])], vec![])
            })
            .collect();
        first[3].all_plans = vec![link("m0", 0.25, &[]), link("m1", 1.0, &["窓口"])];
        let again = vec![entry("m2", vec![link("m7", 0.125, &["支援"])], vec![])];
        let path = written(dir.path(), &id_refs, &[first.clone(), again]);

        // the engine holds every measure but m1, in reverse order
        let held: Vec<&str> = id_refs
            .iter()
            .rev()
            .copied()
            .filter(|&i| i != "m1")
            .collect();
        let positions: HashMap<String, usize> = held
            .iter()
            .enumerate()
            .map(|(p, id)| (id.to_string(), p))
            .collect();
        let table = read(&path, &positions, held.len()).unwrap();
        let links_of = |id: &str, all: bool| -> Vec<Link> {
            table
                .links(positions[id], all)
                .map(|l| l.to_link(&held))
                .collect()
        };
        assert_eq!(links_of("m5", false), first[5].other_plans);
        assert_eq!(links_of("m3", true), first[3].all_plans);
        assert_eq!(
            links_of("m0", false),
            first[0].other_plans,
            "a link to m1, which is not held"
        );
        assert_eq!(links_of("m2", false), vec![link("m7", 0.125, &["支援"])]);
        assert!(links_of("m2", true).is_empty());
        let last = &ids[n - 1];
        assert_eq!(links_of(last, false), first[n - 1].other_plans);
    }

    /// A file cut anywhere, or with a number out of range, is refused with
    /// the file and the place named — never read as fewer links.
    #[test]
    fn damaged_files_are_refused_with_the_place_named() {
        let dir = tempfile::tempdir().unwrap();
        let ids = ["a", "b", "c"];
        let entries = vec![
            entry(
                "a",
                vec![link("b", 0.5, &["相談"])],
                vec![link("c", 0.75, &["窓口", "支援"])],
            ),
            entry("b", vec![link("a", 0.5, &["相談"])], vec![]),
        ];
        let path = written(dir.path(), &ids, &[entries]);
        let good = std::fs::read(&path).unwrap();
        let positions: HashMap<String, usize> = ids
            .iter()
            .enumerate()
            .map(|(p, id)| (id.to_string(), p))
            .collect();
        assert!(read(&path, &positions, 3).is_ok());

        for cut in 0..good.len() {
            std::fs::write(&path, &good[..cut]).unwrap();
            let err = read(&path, &positions, 3).unwrap_err();
            // a damaged file is corruption, not a failed read
            assert!(
                matches!(err, IndexError::Corrupt { .. }),
                "cut at {cut}: {err:?}"
            );
            let err = err.to_string();
            assert!(err.contains(FILE), "cut at {cut}: {err}");
        }
        let mut longer = good.clone();
        longer.push(b'x');
        std::fs::write(&path, &longer).unwrap();
        let err = read(&path, &positions, 3).unwrap_err().to_string();
        assert!(err.contains("after the end mark"), "{err}");

        // the first entry's measure number (after magic, version, 3 ids,
        // entry count and the entry's length) set to 9
        let at = MAGIC.len() + 4 + 4 + 3 * 5 + 4 + 4;
        let mut bad = good.clone();
        bad[at..at + 4].copy_from_slice(&9u32.to_le_bytes());
        std::fs::write(&path, &bad).unwrap();
        let err = read(&path, &positions, 3).unwrap_err().to_string();
        assert!(
            err.contains(&format!("entry at byte {at}")) && err.contains("measure 9"),
            "{err}"
        );

        std::fs::write(&path, b"garbage").unwrap();
        let err = read(&path, &positions, 3).unwrap_err().to_string();
        assert!(err.contains("not a shisaku links file"), "{err}");

        let mut old = good.clone();
        old[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&7u32.to_le_bytes());
        std::fs::write(&path, &old).unwrap();
        let err = read(&path, &positions, 3).unwrap_err().to_string();
        assert!(err.contains("version 7"), "{err}");
    }

    /// A generation holding only the retired JSON links file names that file
    /// and asks for a rebuild, as a links file of another version does.
    #[test]
    fn a_generation_with_only_the_json_links_file_asks_for_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join(RETIRED_JSON_FILE);
        std::fs::write(
            &json,
            r#"{"id":"a","other_plans":[{"id":"b","score":0.5,"shared_terms":["相談"]}],"all_plans":[]}"#,
        )
        .unwrap();
        let positions: HashMap<String, usize> = [("a".to_string(), 0), ("b".to_string(), 1)].into();
        let err = read(&dir.path().join(FILE), &positions, 2)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(RETIRED_JSON_FILE)
                && err.contains("JSON links file")
                && err.contains("run `shisaku index` to rebuild"),
            "{err}"
        );

        // with neither file, the missing links file itself is named
        std::fs::remove_file(&json).unwrap();
        let err = read(&dir.path().join(FILE), &positions, 2)
            .unwrap_err()
            .to_string();
        assert!(err.contains(FILE) && !err.contains("rebuild"), "{err}");
    }

    #[test]
    fn a_link_to_an_unknown_measure_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let mut w = LinkWriter::create(&path, &["a"]).unwrap();
        let err = w
            .write(&[entry("a", vec![link("zz", 0.5, &[])], vec![])])
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"zz\""), "{err}");
    }
}
