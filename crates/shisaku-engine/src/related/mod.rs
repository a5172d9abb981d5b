//! Related measures across plans, the overlap report ([`overlap`]) and the
//! wording-reuse finder ([`reuse`]).
//!
//! A measure is profiled by what it *is*: the nouns of its title (×2) and
//! content, compound parts at half weight, synonyms folded to one term
//! (配偶者暴力 → DV), and — at low weight (×0.35), because the tabular reports
//! print nothing but a name — the content nouns of its progress texts. Terms
//! are TF-IDF weighted, (1 + ln tf) · ln(N/df)^1.5 so rare shared terms count
//! most, and L2-normalized. The boilerplate terms of
//! `dictionaries/related_stopwords.txt` and the plans' municipality names are
//! never part of a profile, so 実施 / 継続実施 / 新型コロナ…中止 / 適切に…できた
//! cannot create a link (a test pins it).
//!
//! Adjacent content nouns also count as one term (生活支援), so a shared
//! phrase weighs more than the same common words scattered.
//!
//! A generic head noun (`dictionaries/related_generic_heads.txt`: 講座,
//! 協議会, 相談, サポーター…) or two of them run together says what kind of
//! thing a measure is, not which program: a pair sharing nothing else is
//! never linked, and so never joins an overlap cluster. So does a noun the
//! documents only write between a subject and such a head (出前 of 防災出前講座,
//! ふれあい出前講座: see [`kind_modifiers`]), with its compound; being rare,
//! these weigh [`KIND_WEIGHT`] of their TF-IDF in a profile, so that a kind
//! (出前講座) shared by two programs on different subjects does not score
//! them as one program above the overlap threshold.
//!
//! Score = 0.8 · cosine(profiles) + 0.2 · Sørensen–Dice(bigrams of the titles'
//! content words) + 0.1 when both titles end in the same head noun + 0.1 ·
//! title coverage (how much of each title, by idf, the other measure
//! mentions), clamped to [0, 1]; links under [`MIN_LINK_SCORE`] are not listed.
//!
//! Complexity: candidates come from an inverted index. For each measure only
//! its [`PROBE_TERMS`] heaviest terms are probed, postings longer than
//! [`max_postings`] (terms too common to discriminate) are skipped, and of
//! the others at most [`PROBE_DEPTH`] (the heaviest) are read, so one lookup
//! costs O(k·P) with P constant, and linking every measure O(n·k·P + n·C·L)
//! with C rescored candidates of profile length L — linear in n once the
//! postings are built (O(N) to select each term's heaviest P, O(T·P log P)
//! to order them), no all-pairs loop. Only those P are kept per term.
//!
//! On a large corpus the link time is set by cache misses more than by
//! arithmetic, so: candidates are summed one [`BLOCK`] of positions at a
//! time (the accumulator stays in the core's cache); everything the pair
//! score reads of a measure is one row (`rows::MeasureRows`), and the rows
//! of the next few candidates are prefetched while one is scored; the
//! measure's own terms sit in a small hash table (`table::TermTable`), so a
//! candidate is scored in one pass over its terms. Measures are linked in
//! [`Profiles::link_order`], grouped by their heaviest probed terms, so that
//! one measure's postings and candidates are often still in the cache for
//! the next, and their profiles are *stored* in that order (a measure's
//! *slot*), so that the candidates of one group lie near each other in
//! memory instead of anywhere in the corpus. Every tie is still broken
//! by the measure's position in the corpus, never by its slot, so the links
//! do not depend on how the profiles are laid out (a test stores them in
//! other orders).

pub mod overlap;
pub mod reuse;
mod rows;
mod table;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use rows::{MeasureRows, Rows};
use shisaku_core::analysis::Analyzer;
use shisaku_core::model::Measure;
use table::TermTable;

const STOPWORDS: &str = include_str!("../../../../dictionaries/related_stopwords.txt");
const GENERIC_HEADS: &str = include_str!("../../../../dictionaries/related_generic_heads.txt");
/// Heaviest terms of a measure used to find candidates.
pub const PROBE_TERMS: usize = 24;
/// Candidates rescored exactly per measure.
const CANDIDATES: usize = 300;
const TITLE_WEIGHT: f32 = 2.0;
/// Rare shared terms should weigh much more than common ones: idf is raised to this power.
const IDF_POWER: f32 = 1.5;
/// Weight of the progress texts' content words (boilerplate is in the stop list).
const PROGRESS_WEIGHT: f32 = 0.35;
/// Links scoring below this are not listed.
pub const MIN_LINK_SCORE: f32 = 0.1;
const PART_WEIGHT: f32 = 0.5;
/// Weight (on top of TF-IDF) of a [`kind_modifiers`] noun and its compounds
/// with a generic head: 出前講座 is rare, so by idf alone two outreach
/// lectures on different subjects would score as one program. The listed
/// generic heads are common, so their idf already keeps them light (weighing
/// them down as well lost grade-1 links on both judged sets).
const KIND_WEIGHT: f32 = 0.3;
const COSINE_SHARE: f32 = 0.8;
/// Added when both titles end in the same head noun (see [`title_head`]).
const HEAD_BONUS: f32 = 0.1;
/// Weight of two adjacent content nouns as one more term (生活+支援 →
/// 生活支援): a noun pair is far rarer than its words, so a shared phrase
/// says more than two shared common words, and a shared word used in a
/// different phrase (市営住宅の供給 / 入居者の安否確認) says less.
const NOUN_PAIR_WEIGHT: f32 = 1.0;
/// Weight of title coverage: the share (by idf) of each title's terms found
/// anywhere in the other measure, averaged over both directions — a link
/// should be about what the other measure's title says it is.
const COVERAGE_WEIGHT: f32 = 0.1;
/// Title-final nouns that say how a measure is paid for or run, not what it
/// is; the head is looked for before them (…管理運営経費 → センター).
const NOT_HEADS: [&str; 8] = ["経費", "管理", "運営", "関係", "関連", "等", "費", "補助"];

/// Postings longer than this are not probed (see module docs): terms in
/// more than an eighth of a large corpus, but never a cap below
/// [`PROBE_DEPTH`], so a small corpus (up to 2,000 measures) probes every
/// term: reading all of its postings is cheap, and an eighth of it is a few
/// dozen measures, so skipping terms that common would lose many of the
/// links exhaustive scoring finds (`bench --links-sample N --exact N`
/// measures the recall).
pub fn max_postings(n: usize) -> usize {
    (n / 8).max(PROBE_DEPTH)
}

/// At most this many postings of one term are probed: the heaviest (selected
/// when the profiles are built). A constant, so that finding candidates
/// costs O(k·P) per measure however large the corpus.
pub const PROBE_DEPTH: usize = 2000;

/// Candidates are summed a block of this many measure positions at a time,
/// so that the accumulator (256 kB) stays in the core's L2 cache however
/// large the corpus; the postings are kept in position order for it.
const BLOCK: usize = 1 << 16;

/// Both link lists of a measure: (other plans, all plans).
pub type BothLinks = (Vec<Link>, Vec<Link>);

/// One link from a measure to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: String,
    pub score: f32,
    pub shared_terms: Vec<String>,
}

/// Term profiles of a corpus and the inverted index over them.
///
/// The public methods take and give measure *positions* (the order of the
/// corpus); inside, a measure's profile is stored at its *slot*, its place
/// in [`Profiles::link_order`]. Everything indexed by slot says so.
pub struct Profiles {
    /// By position.
    pub ids: Vec<String>,
    /// By position.
    pub titles: Vec<String>,
    /// Plan of each slot's measure, numbered in order of first appearance.
    plan_of: Vec<u32>,
    /// Profile vector (sorted by term id; weights L2-normalized), title
    /// terms with their idf, and title head of each slot's measure.
    rows: MeasureRows,
    /// Title folded for title similarity, by slot.
    title_keys: Vec<DiceKey>,
    /// Per term, the slots that may be probed: the [`PROBE_DEPTH`]
    /// heaviest (ties by position), in slot order; none for a term in more
    /// than [`max_postings`] measures.
    postings: Rows<(u32, f32)>,
    terms: Vec<String>,
    /// Position of each id.
    by_id: HashMap<String, usize>,
    /// Slot of each position.
    slot_of: Vec<u32>,
    /// Position of each slot's measure.
    position_of: Vec<u32>,
    /// Positions summed at a time: [`BLOCK`] (smaller in a test, so that the
    /// 463 real measures span several blocks).
    block: usize,
    /// Candidates rescored per measure and side: [`CANDIDATES`] (smaller in
    /// a test, so that ties at the cut are met on the real documents).
    candidates: usize,
    /// How long each phase of [`Profiles::build`] took (name, seconds).
    pub build_phases: Vec<(&'static str, f64)>,
    /// By term id: the term as the documents most often write it (ＤＶ, 障がい).
    display: Vec<String>,
    /// By term id: a generic head noun (`dictionaries/related_generic_heads.txt`)
    /// or a compound of two, which cannot make a link on its own.
    generic: Vec<bool>,
}

/// The generic head nouns, as analyzed terms.
fn generic_heads() -> HashSet<String> {
    let analyzer = Analyzer::shared();
    GENERIC_HEADS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| analyzer.terms(l))
        .collect()
}

/// A generic head noun, or two run together (相談支援, 研修会議).
fn is_generic(term: &str, heads: &HashSet<String>) -> bool {
    heads.contains(term)
        || term
            .char_indices()
            .skip(1)
            .any(|(i, _)| heads.contains(&term[..i]) && heads.contains(&term[i..]))
}

/// Nouns that are part of a kind of program rather than of its name: the
/// documents write them only right before a generic head, and that compound
/// itself takes different modifiers (防災出前講座, ＤＶ防止出前講座 → 出前: an
/// outreach 講座 on any subject). Such a noun and its compound with the head
/// say what kind of thing a measure is, as the head does, not which program.
///
/// Read off the profiles' terms: a measure's noun `m` is only ever followed
/// by a generic head when the weight of its pairs `m`+head (a noun pair weighs
/// what its first noun does, [`NOUN_PAIR_WEIGHT`] = 1) adds up to `m`'s own
/// weight; a modifier of the compound is a term `x` with a pair `x`+`m`. A
/// noun written once anywhere else (or with a synonym, or in a user word)
/// keeps its meaning. Linear in the profiles' terms: every term is checked
/// against the [`generic_heads`] it may end with, and only the few nouns so
/// found against the terms they may end.
fn kind_modifiers(raw: &[HashMap<String, f32>], heads: &HashSet<String>) -> HashSet<String> {
    debug_assert_eq!(NOUN_PAIR_WEIGHT, 1.0);
    // weight of the pairs of `m` with a generic head, per noun `m` of `tf`
    let bound_weights = |tf: &HashMap<String, f32>| -> HashMap<String, f32> {
        let mut bound: HashMap<String, f32> = HashMap::new();
        for (k, &w) in tf {
            for (i, _) in k.char_indices().skip(1) {
                let (m, h) = (&k[..i], &k[i..]);
                if heads.contains(h) && tf.contains_key(m) && !is_generic(m, heads) {
                    *bound.entry(m.to_string()).or_default() += w;
                }
            }
        }
        bound
    };
    let bound_only = |tf: &HashMap<String, f32>, m: &str, b: f32| tf[m] <= b * (1.0 + 1e-4);
    // nouns bound to a head in some measure, with the modifiers met there
    let found: Vec<Vec<(String, Vec<String>)>> = raw
        .par_iter()
        .map(|tf| {
            bound_weights(tf)
                .into_iter()
                .filter(|(m, b)| bound_only(tf, m, *b))
                .map(|(m, _)| {
                    let left = tf
                        .keys()
                        .filter_map(|k| k.strip_suffix(m.as_str()))
                        .filter(|x| !x.is_empty() && tf.contains_key(*x))
                        .map(String::from)
                        .collect();
                    (m, left)
                })
                .collect()
        })
        .collect();
    let mut modifiers: HashMap<String, HashSet<String>> = HashMap::new();
    for (m, left) in found.into_iter().flatten() {
        modifiers.entry(m).or_default().extend(left);
    }
    if modifiers.is_empty() {
        return HashSet::new();
    }
    // …and never written otherwise
    let free: HashSet<String> = raw
        .par_iter()
        .flat_map_iter(|tf| {
            let present: Vec<&String> = tf.keys().filter(|k| modifiers.contains_key(*k)).collect();
            let bound = if present.is_empty() {
                HashMap::new()
            } else {
                bound_weights(tf)
            };
            present
                .into_iter()
                .filter(move |m| !bound.get(*m).is_some_and(|&b| bound_only(tf, m, b)))
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect();
    modifiers
        .into_iter()
        .filter(|(m, left)| left.len() >= 2 && !free.contains(m))
        .map(|(m, _)| m)
        .collect()
}

/// The profile terms of one text (nouns, user words, unknown words), with
/// synonyms folded to their group's first member.
pub fn profile_terms(
    text: &str,
    stop: &HashSet<String>,
    weight: f32,
    out: &mut HashMap<String, f32>,
) {
    profile_terms_with(text, stop, weight, out, &mut Vec::new());
}

/// [`profile_terms`], also pushing (term, the characters the text writes it
/// with) for each word term, so links can show terms as the documents write
/// them (ＤＶ, 障がい) rather than as folded (dv, 障害).
fn profile_terms_with(
    text: &str,
    stop: &HashSet<String>,
    weight: f32,
    out: &mut HashMap<String, f32>,
    surfaces: &mut Vec<(String, String)>,
) {
    let analyzer = Analyzer::shared();
    // the previous content noun, while it is adjacent: (position, term)
    let mut prev: Option<(usize, String)> = None;
    for t in analyzer.analyze(text) {
        if t.stop || !is_content_word(&t.pos) {
            prev = None;
            continue;
        }
        // `canon`: the term's canonical form when already looked up
        let mut add = |term: &str, canon: Option<String>, w: f32| {
            if term.chars().count() < 2
                || stop.contains(term)
                || term.chars().all(|c| c.is_ascii_digit())
            {
                return;
            }
            let canon = canon.unwrap_or_else(|| canonical(analyzer, term));
            *out.entry(canon).or_default() += w;
        };
        let canon = (t.term.chars().count() >= 2).then(|| canonical(analyzer, &t.term));
        if canon.as_deref() == Some(t.term.as_str()) {
            surfaces.push((t.term.clone(), t.surface.clone()));
        }
        add(&t.term, canon, weight);
        for p in &t.parts {
            add(p, None, weight * PART_WEIGHT);
        }
        if let Some((pos, p)) = &prev
            && *pos + 1 == t.position
            && !stop.contains(p.as_str())
            && !stop.contains(t.term.as_str())
        {
            let joined = format!("{p}{}", t.term);
            *out.entry(joined).or_default() += weight * NOUN_PAIR_WEIGHT;
        }
        prev = Some((t.position, t.term.clone()));
    }
}

fn is_content_word(pos: &str) -> bool {
    pos.starts_with("名詞")
        && !pos.starts_with("名詞,数")
        && !pos.starts_with("名詞,非自立")
        && !pos.starts_with("名詞,代名詞")
        && !pos.starts_with("名詞,接尾")
        && !pos.starts_with("名詞,副詞可能")
}

/// A single term that belongs to a synonym group becomes the group's first member.
fn canonical(analyzer: &Analyzer, term: &str) -> String {
    for g in analyzer.synonyms().groups() {
        if g.terms.iter().any(|t| t.len() == 1 && t[0] == term)
            && let Some(first) = g.terms.iter().find(|t| t.len() == 1)
        {
            return first[0].clone();
        }
    }
    term.to_string()
}

/// The boilerplate stop list plus the municipality names of `measures`.
pub fn stopwords(measures: &[Measure]) -> HashSet<String> {
    let mut stop: HashSet<String> = STOPWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let analyzer = Analyzer::shared();
    let munis: HashSet<&str> = measures
        .iter()
        .map(|m| m.plan.municipality.as_str())
        .collect();
    for muni in munis {
        stop.extend(analyzer.terms(muni));
        stop.insert(analyzer.normalize(muni).text);
        if let Some(stem) = muni.strip_suffix('市').or_else(|| muni.strip_suffix('町')) {
            stop.insert(analyzer.normalize(stem).text);
        }
    }
    stop
}

/// The head of a title: Japanese noun phrases are head-final, so the last
/// content noun names what kind of thing the measure is (…相談, …会議,
/// …講座). Boilerplate and funding words are skipped; synonyms folded.
fn title_head(title: &str, stop: &HashSet<String>) -> String {
    let analyzer = Analyzer::shared();
    let tokens = analyzer.analyze(title);
    for t in tokens.iter().rev() {
        if t.stop || !t.pos.starts_with("名詞") || t.pos.starts_with("名詞,数") {
            continue;
        }
        let term = t.parts.last().unwrap_or(&t.term);
        if stop.contains(term)
            || NOT_HEADS.contains(&term.as_str())
            || t.pos.starts_with("名詞,接尾")
        {
            continue;
        }
        return canonical(analyzer, term);
    }
    String::new()
}

/// The title's content words run together: title similarity compares what
/// the titles name, not their particles and verb endings.
fn title_key(title: &str) -> String {
    Analyzer::shared()
        .analyze(title)
        .into_iter()
        .filter(|t| !t.stop && is_content_word(&t.pos))
        .map(|t| t.normalized)
        .collect()
}

impl Profiles {
    pub fn build(measures: &[Measure]) -> Profiles {
        Self::build_with(measures, Layout::LinkOrder, PROBE_DEPTH)
    }

    /// The profiles stored in `layout`, with at most `depth` postings kept
    /// per term ([`PROBE_DEPTH`] but in tests).
    fn build_with(measures: &[Measure], layout: Layout, depth: usize) -> Profiles {
        let mut phases = Phases::start();
        let stop = stopwords(measures);
        // analysing every text is most of the work: on all cores, in order
        type Analysed = (HashMap<String, f32>, Vec<String>, Vec<(String, String)>);
        let analysed: Vec<Analysed> = measures
            .par_iter()
            .map(|m| {
                let mut tf = HashMap::new();
                let mut surfaces = Vec::new();
                profile_terms_with(&m.title, &stop, TITLE_WEIGHT, &mut tf, &mut surfaces);
                let title: Vec<String> = tf.keys().cloned().collect();
                if m.content != m.title {
                    profile_terms_with(&m.content, &stop, 1.0, &mut tf, &mut surfaces);
                }
                for p in &m.progress {
                    for t in [&p.status, &p.next_plan, &p.issues].into_iter().flatten() {
                        profile_terms(t, &stop, PROGRESS_WEIGHT, &mut tf);
                    }
                }
                (tf, title, surfaces)
            })
            .collect();
        // how the documents write each term: its most frequent spelling
        let mut spellings: HashMap<String, HashMap<String, u32>> = HashMap::new();
        let (mut raw, mut titles) = (Vec::with_capacity(measures.len()), Vec::new());
        for (tf, title, surfaces) in analysed {
            for (term, surface) in surfaces {
                *spellings
                    .entry(term)
                    .or_default()
                    .entry(surface)
                    .or_default() += 1;
            }
            raw.push(tf);
            titles.push(title);
        }
        phases.lap("texts analysed");
        let mut profiles = Self::from_raw(measures, raw, titles, &stop, layout, depth, phases);
        profiles.display = profiles
            .terms
            .iter()
            .map(|t| {
                spellings
                    .get(t)
                    .and_then(|s| s.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))))
                    .map(|(s, _)| s.clone())
                    // a synonym group's canonical term no text spells (epds
                    // for 産後うつ病): as the synonym table writes it
                    .or_else(|| Analyzer::shared().synonyms().member_for(&[(0, t.clone())]))
                    .unwrap_or_else(|| t.clone())
            })
            .collect();
        profiles
    }

    fn from_raw(
        measures: &[Measure],
        raw: Vec<HashMap<String, f32>>,
        titles: Vec<Vec<String>>,
        stop: &HashSet<String>,
        layout: Layout,
        depth: usize,
        mut phases: Phases,
    ) -> Profiles {
        let n = measures.len();
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut terms: Vec<String> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        // term ids in a fixed order (not the hash map's), so that ties and
        // float sums come out the same on every build: measure by measure,
        // each measure's terms in string order
        let sorted: Vec<Vec<&String>> = raw
            .par_iter()
            .map(|tf| {
                let mut keys: Vec<&String> = tf.keys().collect();
                keys.sort_unstable();
                keys
            })
            .collect();
        for t in sorted.into_iter().flatten() {
            let id = match term_ids.get(t) {
                Some(&id) => id,
                None => {
                    let id = terms.len() as u32;
                    term_ids.insert(t.clone(), id);
                    terms.push(t.clone());
                    df.push(0);
                    id
                }
            };
            df[id as usize] += 1;
        }
        phases.lap("term ids");
        let heads = generic_heads();
        let kinds: HashSet<String> = heads
            .iter()
            .cloned()
            .chain(kind_modifiers(&raw, &heads))
            .collect();
        let generic: Vec<bool> = terms.iter().map(|t| is_generic(t, &kinds)).collect();
        // generic only through a noun found in the documents: a rare term
        let found_kind: Vec<bool> = terms
            .iter()
            .zip(&generic)
            .map(|(t, &g)| g && !is_generic(t, &heads))
            .collect();
        let idf_of: Vec<f32> = df
            .iter()
            .map(|&df| ((n as f32 + 1.0) / df as f32).ln().powf(IDF_POWER))
            .collect();
        let idf = |id: u32| idf_of[id as usize];
        let mut title_terms: Vec<Vec<(u32, f32)>> = titles
            .into_par_iter()
            .map(|ts| {
                let mut v: Vec<(u32, f32)> = ts
                    .iter()
                    .filter_map(|t| term_ids.get(t))
                    .map(|&id| (id, idf(id)))
                    .collect();
                v.sort_by_key(|x| x.0);
                v
            })
            .collect();
        let mut vectors: Vec<Vec<(u32, f32)>> = raw
            .into_par_iter()
            .map(|tf| {
                let mut v: Vec<(u32, f32)> = tf
                    .into_iter()
                    .map(|(t, f)| {
                        let id = term_ids[&t];
                        let kind = if found_kind[id as usize] {
                            KIND_WEIGHT
                        } else {
                            1.0
                        };
                        (id, (1.0 + f.ln().max(0.0)) * idf(id) * kind)
                    })
                    .filter(|(_, w)| *w > 0.0)
                    .collect();
                v.sort_by_key(|x| x.0);
                let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm > 0.0 {
                    v.iter_mut().for_each(|x| x.1 /= norm);
                }
                v
            })
            .collect();
        let heads: Vec<String> = measures
            .par_iter()
            .map(|m| title_head(&m.title, stop))
            .collect();
        let mut head_numbers: HashMap<String, u32> = HashMap::new();
        let heads: Vec<u32> = heads
            .into_iter()
            .map(|head| {
                if head.is_empty() {
                    return 0;
                }
                let next = head_numbers.len() as u32 + 1;
                *head_numbers.entry(head).or_insert(next)
            })
            .collect();
        let plans: Vec<u32> = {
            let mut plans: HashMap<&str, u32> = HashMap::new();
            measures
                .iter()
                .map(|m| {
                    let next = plans.len() as u32;
                    *plans.entry(m.plan.id.as_str()).or_insert(next)
                })
                .collect()
        };
        phases.lap("vectors, titles, heads");
        let cap = max_postings(n);
        let position_of = match layout {
            Layout::LinkOrder => link_order(&vectors, terms.len(), cap),
            #[cfg(test)]
            Layout::Given(order) => order,
        };
        let mut slot_of = vec![0u32; n];
        for (slot, &d) in position_of.iter().enumerate() {
            slot_of[d as usize] = slot as u32;
        }
        let rows = MeasureRows::new(position_of.iter().map(|&d| {
            let d = d as usize;
            let v = std::mem::take(&mut vectors[d]);
            (v, std::mem::take(&mut title_terms[d]), heads[d])
        }));
        phases.lap("layout");
        let postings = probe_postings(&rows, terms.len(), cap, depth, &position_of);
        phases.lap("postings");
        let title_keys = position_of
            .par_iter()
            .map(|&d| DiceKey::new(&title_key(&measures[d as usize].title)))
            .collect();
        let by_id = measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let ids = measures.iter().map(|m| m.id.clone()).collect();
        let titles = measures.iter().map(|m| m.title.clone()).collect();
        phases.lap("title keys, ids");
        Profiles {
            ids,
            titles,
            plan_of: position_of.iter().map(|&d| plans[d as usize]).collect(),
            title_keys,
            by_id,
            rows,
            postings,
            terms,
            slot_of,
            position_of,
            block: BLOCK,
            candidates: CANDIDATES,
            build_phases: phases.times,
            display: Vec::new(),
            generic,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    fn slot(&self, d: usize) -> usize {
        self.slot_of[d] as usize
    }

    /// The most related measures of the measure at position `d`: other
    /// plans only unless `all_plans`; never `d` itself; best first.
    pub fn related(&self, d: usize, limit: usize, all_plans: bool) -> Vec<Link> {
        let s = self.slot(d);
        let mut scratch = self.scratch();
        let mut cands = self.candidates(s, &mut scratch);
        if !all_plans {
            cands.retain(|(o, _)| self.plan_of[*o as usize] != self.plan_of[s]);
        }
        let q = self.query(s);
        let scored = self.score_all(&q, self.shortlist(cands, |&c| c));
        self.links(
            s,
            scored.into_iter().map(|(o, _, s)| (o, s)).collect(),
            limit,
        )
    }

    /// Both link lists of the measure in slot `s` (other plans, all plans)
    /// from one pass over the postings, each candidate scored once; the same
    /// lists as two calls of [`Profiles::related`].
    fn related_both(&self, s: usize, limit: usize, scratch: &mut Scratch) -> BothLinks {
        let cands = self.candidates(s, scratch);
        let own = self.plan_of[s];
        let (mine, others): (Vec<_>, Vec<_>) = cands
            .into_iter()
            .partition(|(o, _)| self.plan_of[*o as usize] == own);
        // the shortlist of all plans is within the shortlists of the two sides
        let q = self.query(s);
        let score = |side: Vec<(u32, f32)>| self.score_all(&q, self.shortlist(side, |&c| c));
        let (others, mine) = (score(others), score(mine));
        let exact = |x: &[(u32, f32, f32)]| x.iter().map(|&(o, _, s)| (o, s)).collect::<Vec<_>>();
        let other_links = self.links(s, exact(&others), limit);
        let mut all = others;
        all.extend(mine);
        let all = self.shortlist(all, |&(o, p, _)| (o, p));
        let all_links = self.links(s, exact(&all), limit);
        (other_links, all_links)
    }

    /// An accumulator for [`Profiles::candidates`]: one block of slots.
    fn scratch(&self) -> Scratch {
        Scratch::new(self.len().min(self.block))
    }

    /// Every slot sharing a probed term with slot `s` (not `s` itself), with
    /// its accumulated probe score, in slot order by [`BLOCK`]. Within a
    /// block the terms are added in the same order as over the whole corpus
    /// at once, so the sums are the same.
    fn candidates(&self, s: usize, scratch: &mut Scratch) -> Vec<(u32, f32)> {
        let v = self.rows.vector(s);
        let mut probe: Vec<&(u32, f32)> = v.iter().collect();
        probe.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut lists: Vec<(&[(u32, f32)], f32)> = probe
            .iter()
            .take(PROBE_TERMS)
            .map(|&&(t, w)| (self.postings.row(t as usize), w))
            .collect();
        let mut out = Vec::new();
        let mut lo = 0usize;
        while lo < self.len() {
            let hi = (lo + self.block).min(self.len());
            for (list, w) in lists.iter_mut() {
                let end = list.partition_point(|p| (p.0 as usize) < hi);
                for &(other, ow) in &list[..end] {
                    if other as usize != s {
                        scratch.add(other - lo as u32, *w * ow);
                    }
                }
                *list = &list[end..];
            }
            scratch.drain_into(lo as u32, &mut out);
            lo = hi;
        }
        out
    }

    /// The order of candidates (slot, probe score): best first, ties by
    /// position (a total order, so selecting the first [`CANDIDATES`] gives
    /// exactly the head of a full sort, whatever the layout).
    fn by_probe(&self, a: (u32, f32), b: (u32, f32)) -> std::cmp::Ordering {
        heaviest_first(&self.position_of, &a, &b)
    }

    /// The [`CANDIDATES`] best of `cands` by their (slot, probe score)
    /// `key`, in no particular order.
    fn shortlist<T>(&self, mut cands: Vec<T>, key: impl Fn(&T) -> (u32, f32)) -> Vec<T> {
        let keep = self.candidates;
        if cands.len() > keep {
            cands.select_nth_unstable_by(keep - 1, |a, b| self.by_probe(key(a), key(b)));
            cands.truncate(keep);
        }
        cands
    }

    /// The best `limit` links of slot `s` among its (candidate slot, exact
    /// score) pairs: at least [`MIN_LINK_SCORE`], best first (ties by position).
    fn links(&self, s: usize, scored: Vec<(u32, f32)>, limit: usize) -> Vec<Link> {
        // (position, slot, score)
        let mut links: Vec<(u32, u32, f32)> = scored
            .into_iter()
            .filter(|(_, score)| *score >= MIN_LINK_SCORE)
            .map(|(o, score)| (self.position_of[o as usize], o, score))
            .collect();
        links.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        // best first, so only the pairs up to the limit are checked
        let mut kept = 0;
        links.retain(|&(_, o, _)| {
            let keep = kept < limit && self.shares_specific(s, o as usize);
            kept += usize::from(keep);
            keep
        });
        links
            .into_iter()
            .map(|(d, o, score)| Link {
                id: self.ids[d as usize].clone(),
                score: rounded(score),
                shared_terms: self.shared_terms_of_slots(s, o as usize, 5),
            })
            .collect()
    }

    /// Slots `a` and `b` share a term that is not a generic head noun: two
    /// 講座 or a 協議会 and a 地域協議会 sharing nothing else are not the
    /// same program.
    fn shares_specific(&self, a: usize, b: usize) -> bool {
        matching(self.rows.vector(a), self.rows.vector(b))
            .any(|(t, _, _)| !self.generic.get(t as usize).copied().unwrap_or(false))
    }

    /// The best `k` link scores of the measure at position `d` among *all*
    /// measures of other plans, by scoring every one (on all cores; rounded
    /// as links are): the reference the candidate search is measured against
    /// (`shisaku bench --links-sample N --exact K`), never used to link.
    pub fn exhaustive_scores(&self, d: usize, k: usize) -> Vec<f32> {
        let s = self.slot(d);
        let q = self.query(s);
        let mut scores: Vec<f32> = (0..self.len())
            .into_par_iter()
            .filter(|&o| self.plan_of[o] != self.plan_of[s] && self.shares_specific(s, o))
            .map(|o| rounded(self.score_with(&q, o)))
            .filter(|s| *s >= MIN_LINK_SCORE)
            .collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        scores.truncate(k);
        scores
    }

    /// Exact score of the pair of positions (a, b).
    pub fn score(&self, a: usize, b: usize) -> f32 {
        self.score_with(&self.query(self.slot(a)), self.slot(b))
    }

    /// The measure in slot `s` prepared for scoring candidates against it.
    fn query(&self, s: usize) -> Query {
        let row = self.rows.get(s);
        Query {
            s,
            terms: TermTable::new(row.vector, row.title),
            title_total: row.title_total,
            head: row.head,
        }
    }

    /// (candidate slot, probe score, exact score) of each of `short`. The
    /// candidates may lie anywhere in the corpus: the rows of those a few
    /// places ahead are fetched into the cache while one is scored.
    fn score_all(&self, q: &Query, short: Vec<(u32, f32)>) -> Vec<(u32, f32, f32)> {
        const AHEAD: usize = 4;
        (0..short.len())
            .map(|j| {
                if let Some(&(o, _)) = short.get(j + 2 * AHEAD) {
                    self.rows.prefetch_offsets(o as usize);
                    rows::prefetch(&self.title_keys[o as usize]);
                }
                if let Some(&(o, _)) = short.get(j + AHEAD) {
                    self.rows.prefetch_row(o as usize);
                    self.title_keys[o as usize].prefetch();
                }
                let (o, p) = short[j];
                (o, p, self.score_with(q, o as usize))
            })
            .collect()
    }

    /// Exact score of the pair (`q`'s measure, slot `o`): one pass over `o`'s
    /// terms and one over its title terms, looked up in `q`'s table. The
    /// sums run in term order, as a merge of the two sorted lists would.
    fn score_with(&self, q: &Query, o: usize) -> f32 {
        let row = self.rows.get(o);
        let (mut cos, mut q_title_hit) = (0.0f32, 0.0f32);
        for &(t, w) in row.vector {
            if let Some(e) = q.terms.get(t) {
                if let Some(qw) = e.weight {
                    cos += qw * w;
                }
                // `o` mentions this title term of `q`'s measure
                q_title_hit += e.title_idf;
            }
        }
        if cos <= 0.0 {
            return 0.0;
        }
        let mut o_title_hit = 0.0f32;
        for &(t, idf) in row.title {
            if q.terms.get(t).is_some_and(|e| e.weight.is_some()) {
                o_title_hit += idf;
            }
        }
        let share = |hit: f32, total: f32| if total > 0.0 { hit / total } else { 0.0 };
        let cov = (share(q_title_hit, q.title_total) + share(o_title_hit, row.title_total)) / 2.0;
        let title = self.title_keys[q.s].sorensen_dice(&self.title_keys[o]) as f32;
        let head = q.head != 0 && q.head == row.head;
        let bonus = if head { HEAD_BONUS } else { 0.0 };
        (COSINE_SHARE * cos + (1.0 - COSINE_SHARE) * title + bonus + COVERAGE_WEIGHT * cov)
            .clamp(0.0, 1.0)
    }

    /// The terms contributing most to the cosine of the pair of positions (a, b).
    pub fn shared_terms(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        self.shared_terms_of_slots(self.slot(a), self.slot(b), k)
    }

    fn shared_terms_of_slots(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        let mut shared: Vec<(u32, f32)> = matching(self.rows.vector(a), self.rows.vector(b))
            .map(|(t, x, y)| (t, x * y))
            .collect();
        shared.sort_by(|x, y| y.1.total_cmp(&x.1));
        let both: HashSet<&str> = shared
            .iter()
            .map(|(t, _)| self.terms[*t as usize].as_str())
            .collect();
        // two adjacent nouns counted as one term (自殺対策連絡, 特別障害) are a
        // fragment of the documents' wording: their nouns are shown instead
        // (or of a one-character word and a noun: 中活動)
        let part = |s: &str| both.contains(s) || s.chars().count() == 1;
        let pair = |term: &str| {
            term.char_indices().skip(1).any(|(i, _)| {
                let (a, b) = (&term[..i], &term[i..]);
                part(a) && part(b) && (both.contains(a) || both.contains(b))
            })
        };
        // a compound's parts (ゲート, キーパー) say nothing the compound does not
        let mut out: Vec<(u32, &str)> = Vec::new();
        for &(t, _) in &shared {
            let term = self.terms[t as usize].as_str();
            if pair(term) || out.iter().any(|(_, o)| o.contains(term)) {
                continue;
            }
            out.retain(|(_, o)| !term.contains(*o));
            out.push((t, term));
            if out.len() == k {
                break;
            }
        }
        out.into_iter()
            .map(|(t, term)| {
                self.display
                    .get(t as usize)
                    .cloned()
                    .unwrap_or_else(|| term.to_string())
            })
            .collect()
    }

    /// Both link lists (other plans, all plans), `limit` each, of the
    /// measures at `positions`, in that order. They are computed in link
    /// order (see [`Profiles::link_order`]), whatever the order given.
    pub fn links_both_at(&self, positions: &[usize], limit: usize) -> Vec<BothLinks> {
        let mut order: Vec<(u32, usize)> = positions
            .iter()
            .enumerate()
            .map(|(i, &d)| (self.slot_of[d], i))
            .collect();
        order.par_sort_unstable();
        let ordered: Vec<usize> = order.iter().map(|&(_, i)| positions[i]).collect();
        let mut done: Vec<(usize, BothLinks)> = order
            .into_iter()
            .map(|x| x.1)
            .zip(self.links_both_in_order(&ordered, limit))
            .collect();
        done.par_sort_unstable_by_key(|x| x.0);
        done.into_iter().map(|x| x.1).collect()
    }

    /// [`Profiles::links_both_at`] computed in the order given (for a caller
    /// that already has the positions in link order), on all cores in one
    /// pass over the postings per measure.
    pub fn links_both_in_order(&self, positions: &[usize], limit: usize) -> Vec<BothLinks> {
        // one scratch per rayon job (a block-sized array each)
        positions
            .par_iter()
            .map_init(
                || self.scratch(),
                |scratch, &d| self.related_both(self.slot(d), limit, scratch),
            )
            .collect()
    }

    /// Every position, in the order measures are best linked (the order of
    /// their slots): those whose two heaviest probed terms are the same come
    /// one after the other, so they read many of the same postings and
    /// rescore many of the same candidates while those are still in the
    /// cache; storing the profiles in this order also puts the candidates
    /// of one group near each other in memory.
    pub fn link_order(&self) -> Vec<usize> {
        self.position_of.iter().map(|&d| d as usize).collect()
    }

    /// The key of [`Profiles::link_order`] of the measure at position `d`.
    #[cfg(test)]
    fn locality_key(&self, d: usize) -> u64 {
        let probed = |t: u32| !self.postings.row(t as usize).is_empty();
        locality_key(self.rows.vector(self.slot(d)), probed)
    }
}

/// The time of each phase of building the profiles, as they end: where a
/// large build's time goes ([`Profiles::build_phases`], printed by
/// `shisaku bench --links-sample`).
struct Phases {
    last: std::time::Instant,
    times: Vec<(&'static str, f64)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
            times: Vec::new(),
        }
    }

    /// Records the phase that has just ended; the next starts now.
    fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        self.times.push((phase, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// How a [`Profiles`] stores its measures.
enum Layout {
    /// In [`Profiles::link_order`] (what is built).
    LinkOrder,
    /// The positions in the order given (to test that the links do not
    /// depend on the layout).
    #[cfg(test)]
    Given(Vec<u32>),
}

/// The positions in link order: sorted by the two heaviest probed terms of
/// their vectors (a term is probed when at most `cap` measures have it),
/// ties by position.
fn link_order(vectors: &[Vec<(u32, f32)>], terms: usize, cap: usize) -> Vec<u32> {
    let mut count = vec![0usize; terms];
    for v in vectors {
        for &(t, _) in v {
            count[t as usize] += 1;
        }
    }
    let probed = |t: u32| count[t as usize] <= cap;
    let mut order: Vec<(u64, u32)> = vectors
        .par_iter()
        .enumerate()
        .map(|(d, v)| (locality_key(v, probed), d as u32))
        .collect();
    order.par_sort_unstable();
    order.into_iter().map(|x| x.1).collect()
}

/// The key of [`Profiles::link_order`]: the two heaviest probed terms of a
/// measure's vector.
fn locality_key(vector: &[(u32, f32)], probed: impl Fn(u32) -> bool) -> u64 {
    let mut top = [(u32::MAX, f32::NEG_INFINITY); 2];
    for &(t, w) in vector {
        if !probed(t) {
            continue;
        }
        if w > top[0].1 {
            top[1] = top[0];
            top[0] = (t, w);
        } else if w > top[1].1 {
            top[1] = (t, w);
        }
    }
    (top[0].0 as u64) << 32 | top[1].0 as u64
}

/// A measure prepared for scoring candidates against it.
struct Query {
    /// Its slot.
    s: usize,
    /// Its profile vector and title terms, by term id.
    terms: TermTable,
    /// The summed idf of its title terms.
    title_total: f32,
    /// Its title head (0 = none).
    head: u32,
}

/// Per-thread accumulator of candidate scores: dense over one [`BLOCK`] of
/// measure positions: a hash map per measure is slow on large corpora, and
/// a dense array over every measure of a large corpus (4 bytes each) spills
/// out of the core's cache. Only positive amounts are added, so a sum of zero
/// means "not touched yet".
struct Scratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            acc: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    /// Adds `x` to `d`'s sum; amounts that are not positive are ignored.
    fn add(&mut self, d: u32, x: f32) {
        if x > 0.0 {
            let sum = &mut self.acc[d as usize];
            if *sum == 0.0 {
                self.touched.push(d);
            }
            *sum += x;
        }
    }

    /// Appends the accumulated (`base` + position, sum) pairs to `out` and
    /// leaves the scratch empty.
    fn drain_into(&mut self, base: u32, out: &mut Vec<(u32, f32)>) {
        out.extend(
            self.touched
                .iter()
                .map(|&d| (d + base, self.acc[d as usize])),
        );
        for &d in &self.touched {
            self.acc[d as usize] = 0.0;
        }
        self.touched.clear();
    }
}

/// A title prepared once for Sørensen–Dice similarity. [`DiceKey::sorensen_dice`]
/// returns what `strsim::sorensen_dice` returns for the two strings
/// (whitespace removed, character bigrams counted as a multiset, and — as
/// strsim has it — the denominator in bytes), without building two strings
/// and a hash map for every pair. Only the length and a 64-bit hash of the
/// text are kept, for strsim's "equal strings score 1": two different titles
/// would be taken as equal only if their hashes collided (odds of 2⁻⁶⁴).
#[derive(Debug, Clone)]
pub struct DiceKey {
    /// Length of the text in bytes.
    len: usize,
    hash: u64,
    /// Character bigrams, sorted.
    bigrams: Box<[(char, char)]>,
}

impl DiceKey {
    pub fn new(s: &str) -> DiceKey {
        use std::hash::{Hash, Hasher};
        let text: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let mut bigrams: Vec<(char, char)> = text.chars().zip(text.chars().skip(1)).collect();
        bigrams.sort_unstable();
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        DiceKey {
            len: text.len(),
            hash: h.finish(),
            bigrams: bigrams.into_boxed_slice(),
        }
    }

    /// Starts loading the bigrams into the CPU cache.
    fn prefetch(&self) {
        rows::prefetch(self.bigrams.as_ptr());
    }

    pub fn sorensen_dice(&self, other: &DiceKey) -> f64 {
        let (a, b) = (self.len, other.len);
        if a == b && self.hash == other.hash {
            return 1.0;
        }
        if a < 2 || b < 2 {
            return 0.0;
        }
        // multiset intersection of two sorted lists
        let (x, y) = (&self.bigrams, &other.bigrams);
        let (mut i, mut j, mut shared) = (0, 0, 0usize);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (2 * shared) as f64 / (a + b - 2) as f64
    }
}

/// Per term, the slots [`Profiles::candidates`] may probe: the `depth`
/// ([`PROBE_DEPTH`]) heaviest of its postings (ties by position, so the same
/// measures whatever the layout), in slot order, or none when the term is in
/// more than `cap` measures. `rows` are by slot, `position_of` gives each
/// slot's position. Selecting the heaviest is linear in a term's postings;
/// only they are sorted.
fn probe_postings(
    rows: &MeasureRows,
    terms: usize,
    cap: usize,
    depth: usize,
    position_of: &[u32],
) -> Rows<(u32, f32)> {
    let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for s in 0..rows.len() {
        for &(t, w) in rows.vector(s) {
            lists[t as usize].push((s as u32, w));
        }
    }
    let heaviest = |a: &(u32, f32), b: &(u32, f32)| heaviest_first(position_of, a, b);
    let kept: Vec<Vec<(u32, f32)>> = lists
        .into_par_iter()
        .map(|mut list| {
            if list.len() > cap {
                return Vec::new();
            }
            if list.len() > depth {
                list.select_nth_unstable_by(depth - 1, heaviest);
                list.truncate(depth);
            }
            list.sort_by_key(|p| p.0);
            list
        })
        .collect();
    kept.into_iter().collect()
}

/// The order of (slot, weight) pairs, heaviest first, ties by the slot's
/// position (`position_of`), never by the slot: the one tie rule of the kept
/// postings and of the candidate shortlist, so that both pick the same
/// measures whatever the layout.
fn heaviest_first(position_of: &[u32], a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1)
        .then_with(|| position_of[a.0 as usize].cmp(&position_of[b.0 as usize]))
}

/// A score as links and reuse matches carry it: to three decimals (the
/// exhaustive check compares against stored links, so both round alike).
fn rounded(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

/// The terms two term-sorted weight lists share: (term, weight in `a`,
/// weight in `b`), in term order.
fn matching<'a>(
    a: &'a [(u32, f32)],
    b: &'a [(u32, f32)],
) -> impl Iterator<Item = (u32, f32, f32)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let m = (a[i].0, a[i].1, b[j].1);
                    i += 1;
                    j += 1;
                    return Some(m);
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_measures;

    #[test]
    fn dice_key_matches_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "abab",
            "a b a b",
            "自殺",
            "自",
            "ゲートキーパー養成研修",
            "ゲートキーパー研修会",
            "相談支援体制の充実",
            "相談 支援 体制",
            "ああああ",
            "あああ",
            "DV相談窓口",
            "ＤＶ 相談",
        ];
        for a in words {
            for b in words {
                let want = strsim::sorensen_dice(a, b);
                let got = DiceKey::new(a).sorensen_dice(&DiceKey::new(b));
                assert_eq!(got.to_bits(), want.to_bits(), "{a:?} {b:?}");
            }
        }
    }

    /// The pair score by three merges of sorted lists, the reference the
    /// term table is checked against: it must give the same scores to the bit.
    fn score_by_merge(p: &Profiles, a: usize, b: usize) -> f32 {
        let (a, b) = (p.slot(a), p.slot(b));
        let cos: f32 = matching(p.rows.vector(a), p.rows.vector(b))
            .map(|(_, x, y)| x * y)
            .sum();
        if cos <= 0.0 {
            return 0.0;
        }
        let coverage = |a: usize, b: usize| {
            let (ta, vb) = (p.rows.get(a).title, p.rows.vector(b));
            let total: f32 = ta.iter().map(|x| x.1).sum();
            if total <= 0.0 {
                return 0.0;
            }
            matching(ta, vb).map(|(_, idf, _)| idf).sum::<f32>() / total
        };
        let title = p.title_keys[a].sorensen_dice(&p.title_keys[b]) as f32;
        let (ha, hb) = (p.rows.get(a).head, p.rows.get(b).head);
        let head = ha != 0 && ha == hb;
        let bonus = if head { HEAD_BONUS } else { 0.0 };
        let cov = (coverage(a, b) + coverage(b, a)) / 2.0;
        (COSINE_SHARE * cos + (1.0 - COSINE_SHARE) * title + bonus + COVERAGE_WEIGHT * cov)
            .clamp(0.0, 1.0)
    }

    /// The profiles of the real documents.
    fn seed_profiles() -> Profiles {
        Profiles::build(&seed_measures())
    }

    #[test]
    fn shared_terms_are_shown_as_the_documents_write_them() {
        let measures = seed_measures();
        let p = Profiles::build(&measures);
        let texts: String = measures
            .iter()
            .flat_map(|m| {
                let mut t = vec![m.title.as_str(), m.content.as_str()];
                for pr in &m.progress {
                    t.extend(
                        [&pr.status, &pr.next_plan, &pr.issues]
                            .into_iter()
                            .flatten()
                            .map(String::as_str),
                    );
                }
                t
            })
            .collect::<Vec<_>>()
            .join("\n");
        let synonyms = include_str!("../../../../dictionaries/synonyms.tsv");
        let mut shown = HashSet::new();
        for d in 0..p.len() {
            for l in p.related(d, 5, false) {
                shown.extend(l.shared_terms);
            }
        }
        assert!(shown.len() > 100, "{}", shown.len());
        for t in &shown {
            assert!(
                texts.contains(t.as_str()) || synonyms.contains(t.as_str()),
                "{t:?} is not written so in any document"
            );
        }
        // folded forms and fragments of the documents' wording are not shown
        for bad in ["dv", "障害", "自殺対策連絡", "中活動", "特別障害"] {
            assert!(!shown.contains(bad), "{bad}");
        }
        assert!(shown.contains("DV") || shown.contains("ＤＶ"));
        assert!(shown.contains("障がい"));
    }

    #[test]
    fn a_pair_sharing_only_generic_head_nouns_is_not_linked() {
        let measures = seed_measures();
        let p = Profiles::build(&measures);
        let limit = 5;
        let mut would_have_linked = 0;
        for d in 0..p.len() {
            let links = p.related(d, limit, false);
            let listed: HashSet<&str> = links.iter().map(|l| l.id.as_str()).collect();
            let weakest = links.last().map_or(MIN_LINK_SCORE, |l| l.score);
            for o in 0..p.len() {
                if measures[o].plan.id == measures[d].plan.id {
                    continue;
                }
                let (a, b) = (p.slot(d), p.slot(o));
                let shared: Vec<&str> = matching(p.rows.vector(a), p.rows.vector(b))
                    .map(|(t, _, _)| p.terms[t as usize].as_str())
                    .collect();
                if shared.is_empty() || p.shares_specific(a, b) {
                    continue;
                }
                let score = rounded(p.score(d, o));
                assert!(
                    !listed.contains(measures[o].id.as_str()),
                    "{} -> {} linked on {shared:?} alone",
                    measures[d].title,
                    measures[o].title
                );
                if score >= MIN_LINK_SCORE && (score > weakest || links.len() < limit) {
                    would_have_linked += 1;
                }
            }
        }
        // the documents hold such pairs scoring high enough to be listed
        assert!(would_have_linked > 0);
    }

    #[test]
    fn a_noun_only_written_before_a_kind_of_program_is_part_of_the_kind() {
        let p = seed_profiles();
        let generic = |t: &str| {
            let id = p.terms.iter().position(|x| x == t);
            p.generic[id.unwrap_or_else(|| panic!("{t} is not a term"))]
        };
        // 出前 only in 防災出前講座, ふれあい出前講座, ＤＶ防止出前講座…
        for t in ["出前", "出前講座", "講座", "相談支援"] {
            assert!(generic(t), "{t}");
        }
        // a subject, though mostly written before 養成 / 講座 (ゲートキーパー養成講座)
        for t in ["ゲートキーパー", "防災", "ゲートキーパー養成", "防災出前"]
        {
            assert!(!generic(t), "{t}");
        }
    }

    #[test]
    fn links_do_not_depend_on_how_the_profiles_are_laid_out() {
        let measures = seed_measures();
        let n = measures.len();
        let all: Vec<usize> = (0..n).collect();
        let reversed: Vec<u32> = (0..n as u32).rev().collect();
        // a scattered order: 0, 101, 202, … (101 and 463 are coprime)
        let scattered: Vec<u32> = (0..n).map(|i| (i * 101 % n) as u32).collect();
        // as shipped, and with cuts so short that the real documents tie at
        // them: 2 postings kept per term (ties in which are kept), 8
        // candidates rescored (ties in which are rescored)
        for (depth, candidates) in [(PROBE_DEPTH, CANDIDATES), (2, CANDIDATES), (6, 8)] {
            let build = |layout| {
                let mut p = Profiles::build_with(&measures, layout, depth);
                p.candidates = candidates;
                p
            };
            let p = build(Layout::LinkOrder);
            let want = p.links_both_at(&all, 20);
            // equal scores in one list: ties that only the position may break
            let ties = want
                .iter()
                .flat_map(|(o, a)| [o, a])
                .filter(|l| l.windows(2).any(|w| w[0].score == w[1].score))
                .count();
            assert!(ties > 20, "{ties}");
            for order in [(0..n as u32).collect(), reversed.clone(), scattered.clone()] {
                let q = build(Layout::Given(order.clone()));
                let slots: Vec<usize> = order.iter().map(|&d| d as usize).collect();
                assert_eq!(q.link_order(), slots);
                let got = q.links_both_at(&all, 20);
                let differ = all.iter().filter(|&&d| got[d] != want[d]).count();
                assert_eq!(differ, 0, "depth {depth}, order {:?}…", &order[..3]);
                for d in all.iter().copied().step_by(5) {
                    assert_eq!(q.related(d, 20, false), want[d].0, "{d}");
                    assert_eq!(q.exhaustive_scores(d, 20), p.exhaustive_scores(d, 20));
                    let o = (d * 7 + 3) % n;
                    assert_eq!(q.score(d, o).to_bits(), p.score(d, o).to_bits(), "{d} {o}");
                    assert_eq!(q.shared_terms(d, o, 5), p.shared_terms(d, o, 5), "{d} {o}");
                }
            }
        }
    }

    #[test]
    fn table_scores_equal_merged_scores_on_the_real_documents() {
        let p = seed_profiles();
        assert_eq!(p.len(), 463);
        let mut linked = 0;
        for a in (0..p.len()).step_by(7) {
            for b in 0..p.len() {
                let (want, got) = (score_by_merge(&p, a, b), p.score(a, b));
                assert_eq!(got.to_bits(), want.to_bits(), "{a} {b}: {got} {want}");
                linked += usize::from(got >= MIN_LINK_SCORE);
            }
        }
        // not a comparison of zeros: many pairs score
        assert!(linked > 1000, "{linked}");
    }

    #[test]
    fn candidates_summed_block_by_block_give_the_same_links() {
        let mut p = seed_profiles();
        // the real documents fit one block: the whole corpus at once
        assert!(p.len() < p.block);
        let whole = p.links_both_at(&(0..p.len()).collect::<Vec<_>>(), 20);
        assert!(whole.iter().filter(|(o, _)| !o.is_empty()).count() > 300);
        for block in [1, 7, 64, 462] {
            p.block = block;
            let blocks = p.links_both_at(&(0..p.len()).collect::<Vec<_>>(), 20);
            assert!(blocks == whole, "block {block}");
            assert_eq!(p.related(5, 20, true), whole[5].1, "block {block}");
        }
    }

    #[test]
    fn links_come_back_in_the_order_asked_whatever_the_link_order() {
        let p = seed_profiles();
        let all: Vec<usize> = (0..p.len()).collect();
        let order = p.link_order();
        // a permutation that differs from position order, so that putting the
        // results back in the order asked is exercised
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, all);
        assert_ne!(order, all);
        // and it does group: neighbours in link order share their heaviest
        // probed term far more often than neighbours in position order
        let same_top = |o: &[usize]| {
            o.windows(2)
                .filter(|w| p.locality_key(w[0]) >> 32 == p.locality_key(w[1]) >> 32)
                .count()
        };
        assert!(
            same_top(&order) > 2 * same_top(&all),
            "{} {}",
            same_top(&order),
            same_top(&all)
        );
        let whole = p.links_both_at(&all, 20);
        for d in all.iter().copied().step_by(3) {
            assert_eq!(whole[d].0, p.related(d, 20, false), "{d}");
            assert_eq!(whole[d].1, p.related(d, 20, true), "{d}");
        }
        let reversed: Vec<usize> = all.iter().rev().copied().collect();
        let mut back = p.links_both_at(&reversed, 20);
        back.reverse();
        assert!(back == whole);
    }

    #[test]
    fn scratch_sums_and_resets() {
        let mut s = Scratch::new(4);
        s.add(2, 0.5);
        s.add(0, 0.25);
        s.add(2, 0.25);
        let mut got = Vec::new();
        s.drain_into(0, &mut got);
        got.sort_by_key(|x| x.0);
        assert_eq!(got, vec![(0, 0.25), (2, 0.75)]);
        s.drain_into(0, &mut got);
        assert_eq!(got.len(), 2, "drained once");
        s.add(2, 1.0);
        s.drain_into(100, &mut got);
        assert_eq!(got[2], (102, 1.0));
    }
}
