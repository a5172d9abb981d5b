//! Wording reuse: split a draft into sentences and, for each, find the closest
//! existing sentences of every plan, with the shared spans marked.
//!
//! Every measure's title, content and progress texts are split into sentences.
//! Sentences are compared on their normalized characters (width and variant
//! folding, punctuation dropped): candidates come from an inverted index of
//! character bigrams (very common bigrams skipped), scored by the Sørensen–Dice
//! coefficient of the bigram sets, and the shared spans are the common
//! substrings of four or more characters (longest first, difflib style),
//! aligned to whole words (a span never starts or ends inside a word, nor on
//! a particle) and merged where only punctuation separates them; a sentence
//! that shares no such span has its shared words marked instead.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::search::snippet::escape_html;
use shisaku_core::analysis::Analyzer;
pub use shisaku_core::analysis::split_sentences;
use shisaku_core::model::Measure;

/// Shortest sentence (in normalized characters) that is indexed or searched.
const MIN_CHARS: usize = 6;
/// Shortest shared span worth marking.
const MIN_SPAN: usize = 4;
/// Longest accepted draft, in characters.
pub const MAX_DRAFT_CHARS: usize = 20_000;

struct Sentence {
    measure: usize,
    field: &'static str,
    text: String,
    bigrams: Vec<String>,
}

/// The sentences of a corpus with their bigram index.
pub struct SentenceIndex {
    sentences: Vec<Sentence>,
    postings: HashMap<String, Vec<u32>>,
    cap: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match {
    pub id: String,
    pub title: String,
    pub plan: String,
    pub municipality: String,
    /// Where the sentence stands in the record: title, content or progress.
    pub field: &'static str,
    pub text: String,
    /// `text` HTML-escaped with the shared spans in `<mark>`.
    pub html: String,
    pub score: f32,
    pub shared_spans: Vec<String>,
    pub file: String,
    pub line: usize,
    /// The document's description in the manifest, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentenceMatches {
    pub sentence: String,
    pub matches: Vec<Match>,
}

fn key_chars(text: &str) -> Vec<char> {
    Analyzer::shared()
        .normalize(text)
        .text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn bigram_set(chars: &[char]) -> Vec<String> {
    let mut v: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    v.sort();
    v.dedup();
    v
}

fn dice(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    2.0 * shared as f32 / (a.len() + b.len()) as f32
}

impl SentenceIndex {
    pub fn build(measures: &[Measure]) -> SentenceIndex {
        let mut sentences = Vec::new();
        for (i, m) in measures.iter().enumerate() {
            let mut add = |field: &'static str, text: &str| {
                for s in split_sentences(text) {
                    let chars = key_chars(&s);
                    if chars.len() >= MIN_CHARS {
                        sentences.push(Sentence {
                            measure: i,
                            field,
                            bigrams: bigram_set(&chars),
                            text: s,
                        });
                    }
                }
            };
            add("title", &m.title);
            add("content", &m.content);
            for p in &m.progress {
                for t in [&p.status, &p.next_plan].into_iter().flatten() {
                    add("progress", t);
                }
            }
        }
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, s) in sentences.iter().enumerate() {
            for b in &s.bigrams {
                postings.entry(b.clone()).or_default().push(i as u32);
            }
        }
        let cap = (sentences.len() / 10).max(200);
        SentenceIndex {
            sentences,
            postings,
            cap,
        }
    }

    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// For each sentence of `draft`, the `limit` closest existing sentences
    /// scoring at least `min_score`. Identical sentences of one measure are
    /// reported once.
    pub fn similar(
        &self,
        measures: &[Measure],
        draft: &str,
        limit: usize,
        min_score: f32,
    ) -> Vec<SentenceMatches> {
        let mut out = Vec::new();
        for sentence in split_sentences(draft) {
            let chars = key_chars(&sentence);
            if chars.len() < MIN_CHARS {
                continue;
            }
            let q = bigram_set(&chars);
            let mut acc: HashMap<u32, u32> = HashMap::new();
            for b in &q {
                if let Some(list) = self.postings.get(b).filter(|l| l.len() <= self.cap) {
                    for &s in list {
                        *acc.entry(s).or_default() += 1;
                    }
                }
            }
            let mut cands: Vec<(u32, f32)> = acc
                .into_keys()
                .map(|s| (s, dice(&q, &self.sentences[s as usize].bigrams)))
                .filter(|(_, d)| *d >= min_score)
                .collect();
            cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut seen: HashSet<(usize, String)> = HashSet::new();
            let mut matches = Vec::new();
            for (s, score) in cands {
                let st = &self.sentences[s as usize];
                if !seen.insert((st.measure, st.text.clone())) {
                    continue;
                }
                let m = &measures[st.measure];
                let (html, spans) = mark_shared(&st.text, &sentence);
                matches.push(Match {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    plan: m.plan.name.clone(),
                    municipality: m.plan.municipality.clone(),
                    field: st.field,
                    text: st.text.clone(),
                    html,
                    score: super::rounded(score),
                    shared_spans: spans,
                    file: m.source.file.clone(),
                    line: m.source.line,
                    document: m.document.clone(),
                });
                if matches.len() >= limit {
                    break;
                }
            }
            out.push(SentenceMatches { sentence, matches });
        }
        out
    }
}

/// Marks in `text` the substrings (≥ [`MIN_SPAN`] normalized characters) it
/// shares with `other`, on word boundaries; returns the HTML and the shared
/// spans as printed in `text`.
pub fn mark_shared(text: &str, other: &str) -> (String, Vec<String>) {
    let analyzer = Analyzer::shared();
    let tokens = analyzer.analyze(text);
    let mut ranges = word_aligned(text, &tokens, shared_ranges(text, other));
    if ranges.is_empty() {
        // no long common run: the content words both sentences use
        let theirs: HashSet<String> = analyzer
            .analyze(other)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.term)
            .collect();
        ranges = tokens
            .iter()
            .filter(|t| !t.stop && t.normalized.chars().count() >= 2 && theirs.contains(&t.term))
            .map(|t| (t.start, t.end))
            .collect();
    }
    let ranges = merge_ranges(text, ranges);
    let mut html = String::new();
    let mut spans = Vec::new();
    let mut at = 0;
    for (s, e) in ranges {
        html.push_str(&escape_html(&text[at..s]));
        html.push_str("<mark>");
        html.push_str(&escape_html(&text[s..e]));
        html.push_str("</mark>");
        spans.push(text[s..e].to_string());
        at = e;
    }
    html.push_str(&escape_html(&text[at..]));
    (html, spans)
}

/// Shrinks each range of `text` to the whole words inside it, with no
/// function word (particle, auxiliary, symbol) at its start and no particle
/// or symbol at its end (an inflection ending such as ます stays with its
/// verb); drops ranges left with no word.
fn word_aligned(
    text: &str,
    tokens: &[shisaku_core::analysis::AnalyzedToken],
    ranges: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let lead = |t: &shisaku_core::analysis::AnalyzedToken| t.stop;
    let tail = |t: &shisaku_core::analysis::AnalyzedToken| {
        t.pos.starts_with("助詞") || t.pos.starts_with("記号") || t.pos.starts_with("動詞,非自立")
    };
    ranges
        .into_iter()
        .filter_map(|(s, e)| {
            let inside: Vec<_> = tokens
                .iter()
                .filter(|t| t.start >= s && t.end <= e && t.start < t.end)
                .collect();
            let first = inside.iter().position(|t| !lead(t))?;
            let last = inside.iter().rposition(|t| !tail(t))?;
            if last < first {
                return None;
            }
            let (s, e) = (inside[first].start, inside[last].end);
            (text.is_char_boundary(s) && text.is_char_boundary(e) && s < e).then_some((s, e))
        })
        .collect()
}

/// Sorts ranges and merges those that overlap or stand apart by nothing but
/// spaces and punctuation.
fn merge_ranges(text: &str, mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last)
                if s <= last.1
                    || text[last.1..s]
                        .chars()
                        .all(|c| c.is_whitespace() || !c.is_alphanumeric()) =>
            {
                last.1 = last.1.max(e)
            }
            _ => out.push((s, e)),
        }
    }
    out
}

/// Byte ranges of `text` in the common substrings it shares with `other`.
fn shared_ranges(text: &str, other: &str) -> Vec<(usize, usize)> {
    let analyzer = Analyzer::shared();
    let norm = analyzer.normalize(text);
    let a: Vec<(usize, char)> = norm.text.char_indices().collect();
    let b: Vec<char> = analyzer.normalize(other).text.chars().collect();
    let ac: Vec<char> = a.iter().map(|x| x.1).collect();
    let mut blocks = Vec::new();
    matching_blocks(&ac, &b, 0, ac.len(), 0, b.len(), &mut blocks);
    blocks.sort();
    let mut ranges: Vec<(usize, usize)> = blocks
        .into_iter()
        .map(|(i, len)| {
            let start = a[i].0;
            let end = a.get(i + len).map(|x| x.0).unwrap_or(norm.text.len());
            norm.original_range(start, end)
        })
        .collect();
    ranges.dedup();
    ranges
}

/// Longest common substring of a[alo..ahi] and b[blo..bhi], then recursively
/// left and right of it (like Python's difflib), keeping blocks ≥ MIN_SPAN.
fn matching_blocks(
    a: &[char],
    b: &[char],
    alo: usize,
    ahi: usize,
    blo: usize,
    bhi: usize,
    out: &mut Vec<(usize, usize)>,
) {
    if ahi - alo < MIN_SPAN || bhi - blo < MIN_SPAN {
        return;
    }
    let (mut best_i, mut best_j, mut best_len) = (alo, blo, 0);
    let mut prev = vec![0usize; bhi - blo + 1];
    for (i, &ca) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut cur = vec![0usize; bhi - blo + 1];
        for j in blo..bhi {
            if ca == b[j] && ca.is_alphanumeric() {
                let k = prev[j - blo] + 1;
                cur[j - blo + 1] = k;
                if k > best_len {
                    best_len = k;
                    best_i = i + 1 - k;
                    best_j = j + 1 - k;
                }
            }
        }
        prev = cur;
    }
    if best_len < MIN_SPAN {
        return;
    }
    out.push((best_i, best_len));
    matching_blocks(a, b, alo, best_i, blo, best_j, out);
    matching_blocks(a, b, best_i + best_len, ahi, best_j + best_len, bhi, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_japanese_punctuation_and_lines() {
        assert_eq!(
            split_sentences("研修を行う。周知を図る！\n相談窓口"),
            vec!["研修を行う。", "周知を図る！", "相談窓口"]
        );
    }

    #[test]
    fn shared_spans_are_marked_on_the_original_text() {
        let (html, spans) =
            mark_shared("ＤＶ被害者への支援を行う<b>", "DV被害者への支援を実施する");
        assert_eq!(spans, vec!["ＤＶ被害者への支援"]);
        assert!(
            html.starts_with("<mark>ＤＶ被害者への支援</mark>"),
            "{html}"
        );
        assert!(html.ends_with("を行う&lt;b&gt;"));
    }

    #[test]
    fn marks_are_whole_words() {
        // the common run 推進してい ends inside いく: the mark stops at 推進し
        let (html, _) = mark_shared(
            "地域の見守り活動を推進していく。",
            "見守り活動を推進していきます",
        );
        assert!(html.contains("<mark>見守り活動を推進し</mark>"), "{html}");
        // spans apart by punctuation only are one mark
        let (html, spans) =
            mark_shared("相談窓口、支援機関の周知", "相談窓口・支援機関の周知を図る");
        assert_eq!(spans.len(), 1, "{html}");
    }

    #[test]
    fn shared_words_are_marked_when_no_long_run_is_shared() {
        let (html, spans) = mark_shared("自殺予防の啓発を行う", "啓発による自殺の予防");
        assert!(!spans.is_empty(), "{html}");
        assert!(html.contains("<mark>啓発</mark>"), "{html}");
    }
}
