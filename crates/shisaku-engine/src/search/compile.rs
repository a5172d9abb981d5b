//! Turns a parsed query into a tantivy query over the analyzed fields, and
//! records what to highlight.
//!
//! Each word becomes an OR of ways to match it, strongest first:
//! - its word terms (all of them; for long pasted sentences, 60 % of them) in
//!   title (×3), content (×1), department/section (×0.5) or progress (×0.3),
//!   with a bonus when they stand in order as a phrase;
//! - synonyms of the whole word or of each term (×0.8 of the original), and
//!   the other words of its Sudachi thesaurus groups (×0.5; words of at most
//!   three terms);
//! - for kana-only words, the reading bigrams (title ×2, content ×0.8);
//! - the character-bigram fallback, an exact substring match (title ×0.6,
//!   content ×0.25), so unknown words are found but rank below word matches.

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

use lru::LruCache;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, EnableScoring, Explanation, Occur, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::query::{Atom, ParsedQuery, Scope};
use crate::index::Fields;
use crate::index::tokenizers::{bigrams, reading_bigrams};
use shisaku_core::analysis::{self, Analyzer, is_kana_only, to_katakana};

const TITLE: f32 = 3.0;
const CONTENT: f32 = 1.0;
const ORG: f32 = 0.5;
const PROGRESS: f32 = 0.3;
const PHRASE_BONUS: f32 = 1.5;
const SYNONYM: f32 = 0.8;
/// Other words of a Sudachi thesaurus group: below the hand table's synonyms.
const THESAURUS: f32 = 0.5;
/// Most thesaurus words one query word expands to.
const MAX_THESAURUS: usize = 8;
const READING_TITLE: f32 = 2.0;
const READING_CONTENT: f32 = 0.8;
const BIGRAM_TITLE: f32 = 0.6;
const BIGRAM_CONTENT: f32 = 0.25;
/// Words with more terms than this need only [`LONG_QUERY_SHARE`] of them.
const SHORT_WORD_TERMS: usize = 3;
const LONG_QUERY_SHARE: f32 = 0.6;

/// What the result snippets should mark.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Word-field terms (including synonym terms).
    pub terms: BTreeSet<String>,
    /// Normalized substrings (bigram matches).
    pub substrings: BTreeSet<String>,
    /// Katakana readings of kana-only words.
    pub readings: BTreeSet<String>,
    /// Term sequences marked only where they stand together (a word of
    /// several terms, a synonym phrase): their one-character parts (者, 等)
    /// alone would mark fragments of unrelated words.
    pub phrases: BTreeSet<Vec<String>>,
}

impl Highlight {
    /// Marks the terms of `seq`, a word of the query: the whole sequence
    /// where it stands together, and its parts of two or more characters
    /// anywhere (each is searched on its own); a word of one term is marked
    /// whatever its length.
    pub fn add_sequence(&mut self, seq: &[(usize, String)]) {
        self.add(seq, true);
    }

    /// Marks a synonym phrase where it stands whole: it is searched as a
    /// phrase, so its parts alone (暴力 of 配偶者暴力) are not why a record matched.
    pub fn add_phrase(&mut self, seq: &[(usize, String)]) {
        self.add(seq, false);
    }

    fn add(&mut self, seq: &[(usize, String)], parts: bool) {
        match seq {
            [] => {}
            [(_, t)] => {
                self.terms.insert(t.clone());
            }
            _ => {
                self.phrases
                    .insert(seq.iter().map(|(_, t)| t.clone()).collect());
                if !parts {
                    return;
                }
                self.terms.extend(
                    seq.iter()
                        .map(|(_, t)| t)
                        .filter(|t| t.chars().count() >= 2)
                        .cloned(),
                );
            }
        }
    }
}

/// A synonym expansion applied to the query, shown to users.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expansion {
    pub word: String,
    pub synonyms: Vec<String>,
}

pub struct Compiled {
    pub query: Box<dyn Query>,
    pub highlight: Highlight,
    pub expansions: Vec<Expansion>,
    /// The parts a partial match is made of ([`super::relax`]).
    pub relax: Relaxable,
}

/// A unit of a partial match: its query and, when known, its idf.
pub type Unit = (Box<dyn Query>, Option<f32>);

/// A thesaurus word and its analyzed phrase.
type Alternatives = Arc<Vec<(&'static str, Seq)>>;

/// The query taken apart for relaxed matching: the units a measure may match
/// some of, and the clauses that keep their strict meaning.
#[derive(Default)]
pub struct Relaxable {
    /// Each plain word, or each term of a word the dictionary splits
    /// (decompounding), or an OR group: any of them may be missing. With its
    /// idf when its words are known to the index's word field.
    pub units: Vec<Unit>,
    /// Quoted phrases: still required.
    pub required: Vec<Box<dyn Query>>,
    /// `-exclusions`: still excluded.
    pub excluded: Vec<Box<dyn Query>>,
}

/// An analyzed token sequence: (relative position, term).
type Seq = Vec<(usize, String)>;

fn seq_of(analyzer: &Analyzer, text: &str) -> Seq {
    let toks: Vec<_> = analyzer
        .analyze(text)
        .into_iter()
        .filter(|t| !t.stop)
        .collect();
    let first = toks.first().map(|t| t.position).unwrap_or(0);
    toks.into_iter()
        .map(|t| (t.position - first, t.term))
        .collect()
}

/// Every token is a content word of two or more characters.
fn clean_segmentation(analyzer: &Analyzer, text: &str) -> bool {
    analyzer
        .analyze(text)
        .iter()
        .filter(|t| !t.normalized.trim().is_empty())
        .all(|t| !t.stop && t.normalized.chars().count() >= 2)
}

fn plain_seq(terms: &[String]) -> Seq {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t.clone()))
        .collect()
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

fn boost(q: Box<dyn Query>, b: f32) -> Box<dyn Query> {
    if (b - 1.0).abs() < f32::EPSILON {
        q
    } else {
        boxed(BoostQuery::new(q, b))
    }
}

/// A term or phrase query for `seq` in `field`.
fn seq_query(field: Field, seq: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match seq {
        [] => None,
        [(_, t)] => Some(boxed(TermQuery::new(
            Term::from_field_text(field, t),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(boxed(PhraseQuery::new_with_offset(
            seq.iter()
                .map(|(p, t)| (*p, Term::from_field_text(field, t)))
                .collect(),
        ))),
    }
}

fn any_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match clauses.len() {
        0 => boxed(EmptyQuery),
        1 => clauses.into_iter().next().expect("one clause"),
        _ => boxed(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
        )),
    }
}

/// Word fields of a scope with their weights.
fn word_fields(f: &Fields, scope: Scope) -> Vec<(Field, f32)> {
    match scope {
        Scope::All => vec![
            (f.title, TITLE),
            (f.content, CONTENT),
            (f.department, ORG),
            (f.section, ORG),
            (f.progress, PROGRESS),
        ],
        Scope::Title => vec![(f.title, TITLE)],
        Scope::Content => vec![(f.content, CONTENT)],
        Scope::Department => vec![(f.department, 1.0)],
        Scope::Section => vec![(f.section, 1.0)],
    }
}

fn bigram_fields(f: &Fields, scope: Scope) -> Vec<(Field, f32)> {
    match scope {
        Scope::All => vec![
            (f.title_bigram, BIGRAM_TITLE),
            (f.content_bigram, BIGRAM_CONTENT),
        ],
        Scope::Title => vec![(f.title_bigram, BIGRAM_TITLE)],
        Scope::Content => vec![(f.content_bigram, BIGRAM_CONTENT)],
        Scope::Department | Scope::Section => vec![],
    }
}

fn reading_fields(f: &Fields, scope: Scope) -> Vec<(Field, f32)> {
    match scope {
        Scope::All => vec![
            (f.title_reading, READING_TITLE),
            (f.content_reading, READING_CONTENT),
        ],
        Scope::Title => vec![(f.title_reading, READING_TITLE)],
        Scope::Content => vec![(f.content_reading, READING_CONTENT)],
        Scope::Department | Scope::Section => vec![],
    }
}

/// `seq` as a phrase in each of `fields`, weighted.
fn in_fields(fields: &[(Field, f32)], seq: &[(usize, String)], factor: f32) -> Vec<Box<dyn Query>> {
    fields
        .iter()
        .filter_map(|(field, w)| seq_query(*field, seq).map(|q| boost(q, w * factor)))
        .collect()
}

pub fn compile(parsed: &ParsedQuery, fields: &Fields, synonyms: bool) -> Result<Compiled, String> {
    compile_with(parsed, fields, synonyms, &|_| None)
}

/// [`compile`], with `idf` giving a word term's rarity in the index, so that a
/// thesaurus word rarer than the word typed is weighed down to it.
pub fn compile_with(
    parsed: &ParsedQuery,
    fields: &Fields,
    synonyms: bool,
    idf: &dyn Fn(&str) -> Option<f32>,
) -> Result<Compiled, String> {
    compile_inner(parsed, fields, synonyms, idf, false)
}

/// [`compile_with`], also taking the query apart into [`Relaxable`] units
/// (only asked for when the strict query found few measures: the units are
/// copies of its parts).
pub fn compile_relaxable(
    parsed: &ParsedQuery,
    fields: &Fields,
    synonyms: bool,
    idf: &dyn Fn(&str) -> Option<f32>,
) -> Result<Compiled, String> {
    compile_inner(parsed, fields, synonyms, idf, true)
}

fn compile_inner(
    parsed: &ParsedQuery,
    fields: &Fields,
    synonyms: bool,
    idf: &dyn Fn(&str) -> Option<f32>,
    relaxable: bool,
) -> Result<Compiled, String> {
    let analyzer = Analyzer::shared();
    let mut highlight = Highlight::default();
    let mut expansions = Vec::new();
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut relax = Relaxable::default();
    // a word is taken apart into its terms only when it is the query's one
    // plain word: beside other words it is one unit, so that a common part
    // (者 of 障がい者) cannot make a partial match on its own
    let plain_clauses = parsed
        .clauses
        .iter()
        .filter(|c| !(c.negated || (c.any_of.len() == 1 && c.any_of[0].phrase)))
        .count();
    for clause in &parsed.clauses {
        let mut alts = Vec::new();
        let mut term_units = Vec::new();
        // the word terms of each atom, for the rarity of a unit
        let mut atom_terms: Vec<Vec<String>> = Vec::new();
        for atom in &clause.any_of {
            let use_synonyms = synonyms && !atom.phrase && !clause.negated;
            let (q, terms) = atom_query(
                analyzer,
                atom,
                fields,
                use_synonyms,
                &mut highlight,
                &mut expansions,
                clause.negated,
                relaxable.then_some(&mut term_units),
                idf,
            )?;
            alts.push(q);
            atom_terms.push(terms);
        }
        // shared, not copied, by the strict query and the relaxable parts
        let q = if relaxable {
            shared(any_of(alts))
        } else {
            any_of(alts)
        };
        if !relaxable {
        } else if clause.negated {
            relax.excluded.push(boxed(Excluded(q.box_clone())));
        } else if clause.any_of.len() == 1 && clause.any_of[0].phrase {
            relax.required.push(q.box_clone());
        } else if plain_clauses == 1 && clause.any_of.len() == 1 && term_units.len() > 1 {
            relax.units.extend(term_units);
        } else {
            // an OR group is as rare as its commonest word; a word as its rarest term
            let rarity = combine(
                atom_terms
                    .iter()
                    .map(|terms| combine(terms.iter().map(|t| idf(t)), f32::max)),
                f32::min,
            );
            relax.units.push((q.box_clone(), rarity));
        }
        top.push(if clause.negated {
            (Occur::MustNot, boxed(Excluded(q)))
        } else {
            (Occur::Must, q)
        });
    }
    let query: Box<dyn Query> = if top.iter().all(|(o, _)| *o == Occur::MustNot) {
        // no positive clause: the empty query browses everything (filters still apply)
        let mut v = vec![(Occur::Must, boxed(AllQuery))];
        v.extend(top);
        if v.len() == 1 {
            boxed(AllQuery)
        } else {
            boxed(BooleanQuery::new(v))
        }
    } else {
        boxed(BooleanQuery::new(top))
    };
    Ok(Compiled {
        query,
        highlight,
        expansions,
        relax,
    })
}

/// `xs` combined by `f`; None when one is unknown or there are none.
fn combine(xs: impl Iterator<Item = Option<f32>>, f: fn(f32, f32) -> f32) -> Option<f32> {
    let mut acc: Option<f32> = None;
    for x in xs {
        let x = x?;
        acc = Some(acc.map_or(x, |a| f(a, x)));
    }
    acc
}

/// The query of one word or phrase, and the word's terms as the analyzer
/// gives them ([`Analyzer::terms`]). For a plain word the dictionary splits
/// into several terms, each term's own query (with its synonyms) and idf are
/// pushed onto `term_units` (when given), the units of a partial match.
#[allow(clippy::too_many_arguments)]
fn atom_query(
    analyzer: &'static Analyzer,
    atom: &Atom,
    f: &Fields,
    synonyms: bool,
    highlight: &mut Highlight,
    expansions: &mut Vec<Expansion>,
    negated: bool,
    mut term_units: Option<&mut Vec<Unit>>,
    idf: &dyn Fn(&str) -> Option<f32>,
) -> Result<(Box<dyn Query>, Vec<String>), String> {
    let kana_only = is_kana_only(&atom.text);
    let analyzed = seq_of(analyzer, &atom.text);
    let analyzed_terms: Vec<String> = analyzed.iter().map(|(_, t)| t.clone()).collect();
    // A word typed in kana is trusted as words only when IPADIC segments it
    // cleanly (ひきこもり); otherwise (げーときーぱー → げ/ー/とき/…) the
    // fragments would match anything, and only readings and bigrams are used.
    let seq = if kana_only && !clean_segmentation(analyzer, &atom.text) {
        Vec::new()
    } else {
        analyzed
    };
    let normalized: String = analyzer
        .normalize(&atom.text)
        .text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == 'ー' || *c == '々')
        .collect();
    if seq.is_empty() && normalized.is_empty() {
        return Err(format!("\"{}\" has no searchable characters", atom.text));
    }
    let wf = word_fields(f, atom.scope);
    let mut ways: Vec<Box<dyn Query>> = Vec::new();
    let terms: Vec<String> = seq.iter().map(|(_, t)| t.clone()).collect();

    if !seq.is_empty() {
        if atom.phrase {
            ways.extend(in_fields(&wf, &seq, 1.0));
        } else {
            // each term anywhere in the scope (plus its own synonyms)
            let mut per_term: Vec<Box<dyn Query>> = Vec::new();
            for (i, t) in terms.iter().enumerate() {
                let one = vec![(0, t.clone())];
                let mut options = in_fields(&wf, &one, 1.0);
                if synonyms && terms.len() > 1 {
                    for alt in analyzer
                        .synonyms()
                        .alternative_phrases(std::slice::from_ref(t))
                    {
                        options.extend(in_fields(&wf, &alt, SYNONYM));
                        note_expansion(expansions, t, &alt);
                        highlight.add_phrase(&alt);
                    }
                    if terms.len() <= SHORT_WORD_TERMS {
                        for (word, alt, w) in
                            thesaurus_alternatives(analyzer, &[t.as_str()], &one, idf)
                        {
                            options.extend(in_fields(&wf, &alt, w));
                            note_word(expansions, t, word);
                            highlight.terms.extend(alt.into_iter().map(|(_, t)| t));
                        }
                    }
                }
                let option = any_of(options);
                let option = match term_units.as_deref_mut() {
                    Some(units)
                        if terms.len() > 1 && t.chars().count() > 1 && !terms[..i].contains(t) =>
                    {
                        let option = shared(option);
                        units.push((option.box_clone(), idf(t)));
                        option
                    }
                    _ => option,
                };
                per_term.push(option);
            }
            let all_terms: Box<dyn Query> = if per_term.len() <= SHORT_WORD_TERMS {
                boxed(BooleanQuery::new(
                    per_term.into_iter().map(|q| (Occur::Must, q)).collect(),
                ))
            } else {
                let need = ((per_term.len() as f32) * LONG_QUERY_SHARE).ceil() as usize;
                boxed(BooleanQuery::with_minimum_required_clauses(
                    per_term.into_iter().map(|q| (Occur::Should, q)).collect(),
                    need,
                ))
            };
            if seq.len() > 1 {
                // reward the terms standing together
                let phrase_bonus = any_of(in_fields(&wf[..wf.len().min(2)], &seq, PHRASE_BONUS));
                ways.push(boxed(BooleanQuery::new(vec![
                    (Occur::Must, all_terms),
                    (Occur::Should, phrase_bonus),
                ])));
            } else {
                ways.push(all_terms);
            }
            if synonyms {
                for alt in analyzer.synonyms().alternative_phrases(&terms) {
                    ways.extend(in_fields(&wf, &alt, SYNONYM));
                    note_expansion(expansions, &atom.text, &alt);
                    highlight.add_phrase(&alt);
                }
                if terms.len() <= SHORT_WORD_TERMS {
                    let folded = analysis::normalize::fold_chars(atom.text.trim()).text;
                    let mut keys = vec![folded.as_str()];
                    if let [t] = terms.as_slice() {
                        keys.push(t);
                    }
                    for (word, alt, w) in thesaurus_alternatives(analyzer, &keys, &seq, idf) {
                        ways.extend(in_fields(&wf, &alt, w));
                        note_word(expansions, &atom.text, word);
                        highlight.terms.extend(alt.into_iter().map(|(_, t)| t));
                    }
                }
            }
        }
        if !negated {
            highlight.add_sequence(&seq);
        }
    }
    if kana_only {
        let rb = reading_bigrams(&atom.text);
        let rseq = plain_seq(&rb);
        ways.extend(in_fields(&reading_fields(f, atom.scope), &rseq, 1.0));
        if !negated {
            highlight
                .readings
                .insert(to_katakana(&atom.text).split_whitespace().collect());
        }
    }
    if !normalized.is_empty() {
        let bg = bigrams(analyzer, &atom.text);
        let bseq = plain_seq(&bg);
        ways.extend(in_fields(&bigram_fields(f, atom.scope), &bseq, 1.0));
        if !negated {
            highlight.substrings.insert(normalized);
        }
    }
    Ok((any_of(ways), analyzed_terms))
}

/// The other words of the thesaurus groups of `keys` (a word as typed,
/// width-folded, and its term), with their analyzed phrases and weights: at
/// most [`MAX_THESAURUS`], none the same terms as `seq` or a hand-table
/// synonym of it. The weight is [`THESAURUS`], times the typed word's idf over
/// the alternative's when the alternative is rarer: BM25 rewards rarity, and a
/// rare synonym would otherwise outrank the word typed (支援 → 扶助).
fn thesaurus_alternatives(
    analyzer: &'static Analyzer,
    keys: &[&str],
    seq: &[(usize, String)],
    idf: &dyn Fn(&str) -> Option<f32>,
) -> Vec<(&'static str, Seq, f32)> {
    let terms: Vec<String> = seq.iter().map(|(_, t)| t.clone()).collect();
    let hand = analyzer.synonyms().alternative_phrases(&terms);
    let rarity = |s: &[(usize, String)]| -> Option<f32> {
        s.iter().map(|(_, t)| idf(t)).sum::<Option<f32>>()
    };
    let typed = rarity(seq);
    let mut out: Vec<(&'static str, Seq, f32)> = Vec::new();
    for key in keys {
        for (word, alt) in thesaurus_phrases(analyzer, key).iter() {
            let (word, alt) = (*word, alt.clone());
            if out.len() >= MAX_THESAURUS {
                return out;
            }
            if alt.is_empty()
                || alt.as_slice() == seq
                || hand.contains(&alt)
                || out.iter().any(|(_, a, _)| *a == alt)
            {
                continue;
            }
            let w = match (typed, rarity(&alt)) {
                (Some(t), Some(a)) if a > t && a > 0.0 => THESAURUS * t / a,
                _ => THESAURUS,
            };
            out.push((word, alt, w));
        }
    }
    out
}

/// The thesaurus words of `key` with their analyzed phrases, from a cache:
/// analysing each word is most of the cost of expansion, and queries repeat.
fn thesaurus_phrases(analyzer: &'static Analyzer, key: &str) -> Alternatives {
    static CACHE: OnceLock<Mutex<LruCache<String, Alternatives>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        Mutex::new(LruCache::new(
            NonZeroUsize::new(4096).expect("a non-zero capacity"),
        ))
    });
    if let Some(hit) = cache.lock().ok().and_then(|mut c| c.get(key).cloned()) {
        return hit;
    }
    let words: Alternatives = Arc::new(
        analyzer
            .thesaurus()
            .expansions(key)
            .into_iter()
            .take(4 * MAX_THESAURUS)
            .map(|w| (w, analyzer.phrase(w)))
            .collect(),
    );
    if let Ok(mut c) = cache.lock() {
        c.put(key.to_string(), Arc::clone(&words));
    }
    words
}

fn note_expansion(expansions: &mut Vec<Expansion>, word: &str, alt: &[(usize, String)]) {
    let alt = Analyzer::shared()
        .synonyms()
        .member_for(alt)
        .unwrap_or_else(|| alt.iter().map(|(_, t)| t.as_str()).collect());
    note_word(expansions, word, &alt);
}

fn note_word(expansions: &mut Vec<Expansion>, word: &str, alt: &str) {
    let alt = alt.to_string();
    match expansions.iter_mut().find(|e| e.word == word) {
        Some(e) if !e.synonyms.contains(&alt) => e.synonyms.push(alt),
        Some(_) => {}
        None => expansions.push(Expansion {
            word: word.to_string(),
            synonyms: vec![alt],
        }),
    }
}

/// `q` behind a reference count: its clones (the strict query's clause and a
/// unit of the relaxed query) share one query instead of copying its tree,
/// and one scoring weight: a search's two passes use the same statistics, so
/// the second would build the same BM25 weights again. Weights and scores are
/// `q`'s own.
fn shared(q: Box<dyn Query>) -> Box<dyn Query> {
    boxed(Shared(Arc::from(q), Arc::default()))
}

#[derive(Clone)]
struct Shared(Arc<dyn Query>, Arc<OnceLock<Arc<dyn Weight>>>);

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Query for Shared {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !enable_scoring.is_scoring_enabled() {
            return self.0.weight(enable_scoring);
        }
        let weight = match self.1.get() {
            Some(w) => Arc::clone(w),
            None => {
                let w: Arc<dyn Weight> = Arc::from(self.0.weight(enable_scoring)?);
                Arc::clone(self.1.get_or_init(|| w))
            }
        };
        Ok(Box::new(SharedWeight(weight)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

struct SharedWeight(Arc<dyn Weight>);

impl Weight for SharedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(tantivy::SeekDangerResult, Box<dyn Scorer>)> {
        self.0.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// An excluded clause (`-word`). tantivy's exclusion asks the excluded
/// scorer whether it holds each candidate with `seek_danger`, also once that
/// scorer has run out of documents, i.e. with a target below its current
/// doc; tantivy 0.27's PhraseScorer debug-asserts against exactly that
/// (tantivy issue #2811), so `研修 -"…"` would panic in debug builds (a 500
/// from the API) whenever the excluded phrase runs out first. This wrapper
/// answers such calls itself and only ever seeks its scorer forwards: the
/// documents excluded are the same.
#[derive(Debug)]
struct Excluded(Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnly(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer sought only forwards: `seek_danger` is tantivy's default (check
/// the current doc, `seek` only when the target is ahead of it).
struct ForwardOnly(Box<dyn Scorer>);

impl DocSet for ForwardOnly {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ForwardOnly {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
