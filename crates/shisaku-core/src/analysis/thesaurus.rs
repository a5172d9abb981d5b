//! The Sudachi synonym dictionary (`dictionaries/sudachi/`, Apache-2.0,
//! SudachiDict's synonyms.txt, unchanged), made to work on IPADIC terms:
//!
//! - **folding**: spellings of one lexeme (いじめ/苛め/虐め, 暮らし/暮し) are
//!   folded to the term of the lexeme's representative spelling, at index and
//!   at query time, by [`super::Analyzer::analyze`]. Only where folding is
//!   safe: same word form, not an abbreviation, a plain orthographic variant
//!   (not a misspelling); every spelling at least two characters (kana ones
//!   three) and kept whole by IPADIC; a term that would fold to two different
//!   terms, or is itself folded elsewhere, is left alone;
//! - **expansion**: the other words of a group (住居 → 住宅/住まい/居宅…) are
//!   offered at query time ([`Thesaurus::expansions`]), weighted below the
//!   word typed by the query compiler. The expansion flag is respected (2 =
//!   never, 1 = only as a target), and groups of specialist fields (企業名,
//!   人名, スポーツ, IT…) are not used.
//!
//! Headwords pass through the project's own analyzer first: Sudachi segments
//! differently from IPADIC. `dictionaries/sudachi_removals.txt` drops entries
//! that mislead on municipal plans.

use std::collections::{HashMap, HashSet};

use super::normalize::{fold_chars, is_kana_only};

/// Field labels whose groups are used; the others (企業名, 人名, 地名,
/// スポーツ, IT, 料理…) name things municipal plans do not mean.
const FIELDS: &[&str] = &["", "人", "医療", "教育", "法律", "政治", "交通", "時間"];

/// One line of the dictionary.
#[derive(Debug, Clone)]
struct Entry {
    /// 1 体言 (nouns), 2 用言 (verbs, adjectives); 0 not given.
    kind: u8,
    /// Lexeme number in the group; `u16::MAX` for an entry of several (never folded).
    lexeme: u16,
    /// 0 always expands, 1 only as a target, 2 never.
    flag: u8,
    /// Word-form kind: 0 the representative form, else translation, alias…
    form: u8,
    /// Abbreviation info: 0 not an abbreviation.
    abbr: u8,
    /// Orthographic-variant info: 0 representative, 1 alphabet, 2 variant, 3 misspelling.
    orth: u8,
    /// The headword after width folding and lowercasing.
    word: String,
}

#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    groups: Vec<Vec<Entry>>,
    /// Headword → the groups it stands in.
    by_word: HashMap<String, Vec<u32>>,
    /// Term → the term it folds to.
    fold: HashMap<String, String>,
}

impl Thesaurus {
    /// Parses the dictionary (CSV, groups separated by blank lines) and the
    /// removals list. `analyze` gives a headword's word terms as the
    /// analyzer (without this thesaurus) makes them, with whether IPADIC
    /// kept it as one token.
    pub fn parse(
        table: &str,
        removals: &str,
        analyze: impl Fn(&str) -> Vec<String>,
    ) -> Result<Thesaurus, String> {
        let removed: HashSet<String> = removals
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| fold_chars(l).text)
            .collect();
        let mut t = Thesaurus::default();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, line) in table.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 9 {
                return Err(format!(
                    "sudachi-synonyms.txt:{}: expected at least 9 comma-separated fields",
                    i + 1
                ));
            }
            let num = |k: usize| -> Result<u16, String> {
                let v = f[k].trim();
                if v.is_empty() {
                    return Ok(0);
                }
                v.parse().map_err(|_| {
                    format!(
                        "sudachi-synonyms.txt:{}: field {k} {v:?} is not a number",
                        i + 1
                    )
                })
            };
            // an entry shared by several lexemes of its group lists them: 1/2
            let shared = f[3].contains('/');
            let lexeme = if shared { u16::MAX } else { num(3)? };
            let (kind, flag, form, abbr, orth) = (num(1)?, num(2)?, num(4)?, num(5)?, num(6)?);
            let label = f[7].trim().trim_start_matches('(').trim_end_matches(')');
            let word = fold_chars(f[8].trim()).text;
            if word.is_empty() {
                return Err(format!("sudachi-synonyms.txt:{}: empty headword", i + 1));
            }
            let fields_ok = label.split('/').all(|l| FIELDS.contains(&l));
            if flag >= 2 || !fields_ok || removed.contains(&word) {
                continue;
            }
            let gi = *ids.entry(f[0]).or_insert_with(|| {
                t.groups.push(Vec::new());
                t.groups.len() - 1
            });
            let by = t.by_word.entry(word.clone()).or_default();
            if !by.contains(&(gi as u32)) {
                by.push(gi as u32);
            }
            t.groups[gi].push(Entry {
                kind: kind as u8,
                lexeme,
                flag: flag as u8,
                form: form as u8,
                abbr: abbr as u8,
                orth: orth as u8,
                word,
            });
        }
        t.fold = fold_table(&t.groups, analyze);
        Ok(t)
    }

    /// The term `term` folds to, if another spelling of its lexeme is the representative.
    pub fn fold<'a>(&'a self, term: &str) -> Option<&'a str> {
        self.fold.get(term).map(String::as_str)
    }

    /// Number of folded spellings (for `shisaku analyze`-like diagnostics and tests).
    pub fn fold_len(&self) -> usize {
        self.fold.len()
    }

    /// The headwords to expand `word` (a query word or term, width-folded)
    /// to: every other entry of every group `word` triggers, of the same kind
    /// (体言 or 用言: 移動 is not expanded to 移す), without duplicates and
    /// without one-character words. The representative spelling of each
    /// lexeme comes first (住宅, 居宅…), other spellings and forms after.
    pub fn expansions(&self, word: &str) -> Vec<&str> {
        let mut out: Vec<(bool, &str)> = Vec::new();
        for &gi in self.by_word.get(word).into_iter().flatten() {
            let g = &self.groups[gi as usize];
            let Some(trigger) = g.iter().find(|e| e.word == word && e.flag == 0) else {
                continue;
            };
            for e in g {
                if e.word != word
                    && e.kind == trigger.kind
                    && e.word.chars().count() >= 2
                    && !out.iter().any(|(_, w)| *w == e.word)
                {
                    let representative = e.form == 0 && e.abbr == 0 && e.orth == 0;
                    out.push((!representative, &e.word));
                }
            }
        }
        // stable: group order within each rank
        out.sort_by_key(|(rank, _)| *rank);
        out.into_iter().map(|(_, w)| w).collect()
    }
}

/// A spelling IPADIC keeps as one content word, long enough to be safe.
fn foldable(word: &str) -> bool {
    let n = word.chars().count();
    n >= 2 && (n >= 3 || !is_kana_only(word))
}

/// Term → representative term for the spellings of each lexeme.
fn fold_table(
    groups: &[Vec<Entry>],
    analyze: impl Fn(&str) -> Vec<String>,
) -> HashMap<String, String> {
    let mut targets: HashMap<String, HashSet<String>> = HashMap::new();
    for g in groups {
        let mut lexemes: Vec<u16> = g.iter().map(|e| e.lexeme).collect();
        lexemes.dedup();
        for lx in lexemes.into_iter().filter(|&l| l != u16::MAX) {
            let spellings: Vec<&Entry> = g
                .iter()
                .filter(|e| e.lexeme == lx && e.form == 0 && e.abbr == 0 && e.orth <= 2)
                .collect();
            if spellings.len() < 2 || !spellings.iter().all(|e| foldable(&e.word)) {
                continue;
            }
            let Some(rep) = spellings.iter().find(|e| e.orth == 0) else {
                continue;
            };
            let one = |w: &str| match analyze(w).as_slice() {
                [t] => Some(t.clone()),
                _ => None,
            };
            let Some(canonical) = one(&rep.word) else {
                continue;
            };
            for e in &spellings {
                if let Some(term) = one(&e.word)
                    && term != canonical
                {
                    targets.entry(term).or_default().insert(canonical.clone());
                }
            }
        }
    }
    let folded: HashSet<String> = targets.keys().cloned().collect();
    targets
        .into_iter()
        .filter(|(_, to)| to.len() == 1)
        .filter_map(|(from, to)| {
            let to = to.into_iter().next()?;
            (!folded.contains(&to)).then_some((from, to))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every headword is one term, itself.
    fn whole(w: &str) -> Vec<String> {
        vec![w.to_string()]
    }

    const TABLE: &str = "\
000001,1,0,1,0,0,0,(),住居,,
000001,1,0,2,0,0,0,(),住宅,,
000001,1,1,3,0,0,0,(),住まい,,
000001,1,1,3,0,0,2,(),住い,,
000001,2,0,4,0,0,0,(),住む,,
000001,1,2,5,0,0,0,(),宿,,
000001,1,2,6,0,0,0,(),ねぐら,,

000002,1,0,1,0,0,0,(企業名),住宅公社,,
000002,1,0,2,0,0,0,(企業名),公社,,

000003,1,0,1,0,0,0,(),苛め,,
000003,1,0,1,0,0,2,(),いじめ,,
000003,1,0,1,0,0,2,(),虐め,,
000003,1,0,1/2,0,2,0,(),いじ,,

000004,1,0,1,0,0,0,(),虐待,,
000004,1,0,1,0,0,2,(),虐め,,

000005,1,0,1,0,0,0,(),子,,
000005,1,0,1,0,0,2,(),こ,,
";

    #[test]
    fn spellings_of_one_lexeme_fold_where_safe() {
        let t = Thesaurus::parse(TABLE, "", whole).unwrap();
        assert_eq!(t.fold("いじめ"), Some("苛め"));
        assert_eq!(t.fold("住い"), Some("住まい"));
        // 虐め would fold to 苛め and to 虐待: ambiguous, left alone
        assert_eq!(t.fold("虐め"), None);
        // one-character and short kana spellings never fold
        assert_eq!(t.fold("こ"), None);
        // an abbreviation is not a spelling
        assert_eq!(t.fold("いじ"), None);
        assert_eq!(t.fold("苛め"), None, "the representative stays");
    }

    #[test]
    fn other_words_expand_by_flag_kind_and_field() {
        let t = Thesaurus::parse(TABLE, "", whole).unwrap();
        // 住まい (flag 1) is a target, never a trigger; 宿 (flag 2) is gone;
        // 住む is a 用言; the 企業名 group is not used
        assert_eq!(t.expansions("住居"), vec!["住宅", "住まい", "住い"]);
        assert!(t.expansions("住まい").is_empty());
        assert!(t.expansions("住宅公社").is_empty());
        assert!(!t.expansions("住宅").contains(&"住む"));
        let removed = Thesaurus::parse(TABLE, "# comment\n住宅\n", whole).unwrap();
        assert_eq!(removed.expansions("住居"), vec!["住まい", "住い"]);
    }

    #[test]
    fn a_malformed_line_is_named() {
        let e = Thesaurus::parse("000001,1,x,1,0,0,0,(),住居,,\n", "", whole).unwrap_err();
        assert!(e.contains(":1:") && e.contains("field 2"), "{e}");
        let e = Thesaurus::parse("000001,1,0\n", "", whole).unwrap_err();
        assert!(e.contains(":1:"), "{e}");
    }
}
