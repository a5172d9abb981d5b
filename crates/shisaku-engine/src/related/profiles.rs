//! Building the term profiles: which words of a measure count, how much
//! (TF-IDF, title and progress weights, kind-of-program nouns), the title
//! heads and keys, and the layout and postings built from them.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::candidates::*;
use super::dice::*;
use super::order::*;
use super::rows::MeasureRows;
use super::timing::*;
use super::*;
use shisaku_core::analysis::Analyzer;
use shisaku_core::model::Measure;

pub(super) const STOPWORDS: &str = include_str!("../../../../dictionaries/related_stopwords.txt");

pub(super) const GENERIC_HEADS: &str =
    include_str!("../../../../dictionaries/related_generic_heads.txt");

pub(super) const TITLE_WEIGHT: f32 = 2.0;

/// Rare shared terms should weigh much more than common ones: idf is raised to this power.
pub(super) const IDF_POWER: f32 = 1.5;

/// Weight of the progress texts' content words (boilerplate is in the stop list).
pub(super) const PROGRESS_WEIGHT: f32 = 0.35;

pub(super) const PART_WEIGHT: f32 = 0.5;

/// Weight (on top of TF-IDF) of a [`kind_modifiers`] noun and its compounds
/// with a generic head: 出前講座 is rare, so by idf alone two outreach
/// lectures on different subjects would score as one program. The listed
/// generic heads are common, so their idf already keeps them light (weighing
/// them down as well lost grade-1 links on both judged sets).
pub(super) const KIND_WEIGHT: f32 = 0.3;

/// Weight of two adjacent content nouns as one more term (生活+支援 →
/// 生活支援): a noun pair is far rarer than its words, so a shared phrase
/// says more than two shared common words, and a shared word used in a
/// different phrase (市営住宅の供給 / 入居者の安否確認) says less.
pub(super) const NOUN_PAIR_WEIGHT: f32 = 1.0;

/// Title-final nouns that say how a measure is paid for or run, not what it
/// is; the head is looked for before them (…管理運営経費 → センター).
pub(super) const NOT_HEADS: [&str; 8] =
    ["経費", "管理", "運営", "関係", "関連", "等", "費", "補助"];

/// The generic head nouns, as analyzed terms.
pub(super) fn generic_heads() -> HashSet<String> {
    let analyzer = Analyzer::shared();
    GENERIC_HEADS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| analyzer.terms(l))
        .collect()
}

/// A generic head noun, or two run together (相談支援, 研修会議).
pub(super) fn is_generic(term: &str, heads: &HashSet<String>) -> bool {
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
pub(super) fn kind_modifiers(
    raw: &[HashMap<String, f32>],
    heads: &HashSet<String>,
) -> HashSet<String> {
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
pub(super) fn profile_terms_with(
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

pub(super) fn is_content_word(pos: &str) -> bool {
    pos.starts_with("名詞")
        && !pos.starts_with("名詞,数")
        && !pos.starts_with("名詞,非自立")
        && !pos.starts_with("名詞,代名詞")
        && !pos.starts_with("名詞,接尾")
        && !pos.starts_with("名詞,副詞可能")
}

/// A single term that belongs to a synonym group becomes the group's first member.
pub(super) fn canonical(analyzer: &Analyzer, term: &str) -> String {
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
pub(super) fn title_head(title: &str, stop: &HashSet<String>) -> String {
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
pub(super) fn title_key(title: &str) -> String {
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
    pub(super) fn build_with(measures: &[Measure], layout: Layout, depth: usize) -> Profiles {
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

    pub(super) fn from_raw(
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
        let mut rank_of = vec![0u32; n];
        for (rank, &d) in position_of.iter().enumerate() {
            rank_of[d as usize] = rank as u32;
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
            rank_of,
            position_of,
            block: BLOCK,
            candidates: CANDIDATES,
            build_phases: phases.times,
            display: Vec::new(),
            generic,
        }
    }
}
