//! Highlighted snippets: the ~150-character window of a text with the most
//! matches, HTML-escaped, with adjacent matches merged into one `<mark>`.
//! Matches are found with the same analysis as the index (word terms, their
//! compound parts, readings) plus normalized substrings for bigram matches, and
//! always land on character boundaries of the original text.
//!
//! Segmenting hit texts is most of a search's cost, and the same measures come
//! back for many queries, so the analysis of a text ([`MarkTokens`]) is kept
//! in a small cache per open index ([`TokenCache`]): a generation never
//! changes, so an entry never goes stale.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

use lru::LruCache;

use super::compile::Highlight;
use shisaku_core::analysis::Analyzer;
use shisaku_core::analysis::normalize::Normalized;

/// Snippet length in characters.
pub const SNIPPET_CHARS: usize = 150;

/// One indexed (non-stop) token of a text: what a highlight can match.
#[derive(Debug)]
struct MarkToken {
    start: u32,
    end: u32,
    term: Box<str>,
    parts: Box<[Box<str>]>,
    reading: Box<str>,
}

/// The analysis of one text that highlighting needs: its non-stop tokens
/// with byte ranges in the original text, and (once a substring match needs
/// it) the text after the character filter.
#[derive(Debug, Default)]
pub struct MarkTokens {
    tokens: Vec<MarkToken>,
    normalized: OnceLock<Normalized>,
}

impl MarkTokens {
    /// Analyzes `text` (as the index did).
    pub fn of(text: &str) -> MarkTokens {
        MarkTokens {
            tokens: Analyzer::shared()
                .analyze(text)
                .into_iter()
                .filter(|t| !t.stop)
                .map(|t| MarkToken {
                    start: t.start as u32,
                    end: t.end as u32,
                    term: t.term.into(),
                    parts: t.parts.into_iter().map(Into::into).collect(),
                    reading: t.reading.into(),
                })
                .collect(),
            normalized: OnceLock::new(),
        }
    }

    /// `text` (the text these tokens are of) after the character filter.
    fn normalized(&self, text: &str) -> &Normalized {
        self.normalized
            .get_or_init(|| Analyzer::shared().normalize(text))
    }

    /// The analysis of `text` if `h` has anything tokens can match.
    fn needed(text: &str, h: &Highlight) -> MarkTokens {
        if !token_marks(h) {
            MarkTokens::default()
        } else {
            MarkTokens::of(text)
        }
    }
}

/// Whether `h` has anything tokens can match (else only substrings).
fn token_marks(h: &Highlight) -> bool {
    !(h.terms.is_empty() && h.readings.is_empty() && h.phrases.is_empty())
}

/// The analyzed title and snippet text of a hit, and (analyzed when the text
/// has no match) its other searched texts.
#[derive(Debug)]
pub struct HitTokens {
    pub title: MarkTokens,
    pub text: MarkTokens,
    others: OnceLock<Vec<MarkTokens>>,
}

impl HitTokens {
    /// The analysis of the hit's other texts, `texts` on first use (the same
    /// texts, in the same order, on every call for one hit).
    pub fn others(&self, texts: &[&str]) -> &[MarkTokens] {
        self.others
            .get_or_init(|| texts.iter().map(|t| MarkTokens::of(t)).collect())
    }
}

/// Analyzed hit texts of one open index, least recently used dropped first.
/// Keyed by the document's address, which is fixed in an immutable index.
#[derive(Debug)]
pub struct TokenCache(Mutex<LruCache<(u32, u32), Arc<HitTokens>>>);

/// Hits whose analysis is kept per open index.
pub const TOKEN_CACHE_ENTRIES: usize = 4096;

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache::new(TOKEN_CACHE_ENTRIES)
    }
}

impl TokenCache {
    /// A cache of `entries` hits (at least one).
    pub fn new(entries: usize) -> TokenCache {
        let n = NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN);
        TokenCache(Mutex::new(LruCache::new(n)))
    }

    /// The analysis of document `key`'s title and text, computed on first use.
    pub fn get_or_analyze(&self, key: (u32, u32), title: &str, text: &str) -> Arc<HitTokens> {
        let lock = || self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = lock().get(&key) {
            return hit.clone();
        }
        // analyzed outside the lock: other searches go on meanwhile
        let tokens = Arc::new(HitTokens {
            title: MarkTokens::of(title),
            text: MarkTokens::of(text),
            others: OnceLock::new(),
        });
        lock().put(key, tokens.clone());
        tokens
    }
}

/// Byte ranges of `text` to mark, merged.
pub fn match_ranges(text: &str, h: &Highlight) -> Vec<(usize, usize)> {
    match_ranges_in(text, &MarkTokens::needed(text, h), h)
}

/// [`match_ranges`] with `text` already analyzed.
fn match_ranges_in(text: &str, tokens: &MarkTokens, h: &Highlight) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if token_marks(h) {
        for phrase in h.phrases.iter().filter(|p| !p.is_empty()) {
            let n = phrase.len();
            for run in tokens.tokens.windows(n) {
                if run.iter().zip(phrase).all(|(t, p)| *t.term == **p) {
                    spans.push((run[0].start as usize, run[n - 1].end as usize));
                }
            }
        }
        for t in &tokens.tokens {
            let hit = h.terms.contains(&*t.term)
                || t.parts.iter().any(|p| h.terms.contains(&**p))
                || h.readings
                    .iter()
                    .any(|r| !r.is_empty() && t.reading.contains(r.as_str()));
            if hit {
                spans.push((t.start as usize, t.end as usize));
            }
        }
    }
    if !h.substrings.is_empty() {
        let norm = tokens.normalized(text);
        for s in &h.substrings {
            for (at, _) in norm.text.match_indices(s.as_str()) {
                spans.push(norm.original_range(at, at + s.len()));
            }
        }
    }
    merge(text, spans)
}

/// Sorts and merges overlapping or adjacent ranges (only spaces between).
fn merge(text: &str, mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.retain(|(s, e)| s < e && text.is_char_boundary(*s) && text.is_char_boundary(*e));
    spans.sort();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 || text[last.1..s].trim().is_empty() => {
                last.1 = last.1.max(e)
            }
            _ => out.push((s, e)),
        }
    }
    out
}

/// HTML-escapes text for element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text[from..to]` escaped, with `ranges` (inside it) wrapped in `<mark>`.
fn render(text: &str, from: usize, to: usize, ranges: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = from;
    for &(s, e) in ranges {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e {
            continue;
        }
        out.push_str(&escape_html(&text[at..s]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[s..e]));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&escape_html(&text[at..to]));
    out
}

/// The whole of a short text (a title) with its matches marked.
pub fn mark_all(text: &str, h: &Highlight) -> String {
    render(text, 0, text.len(), &match_ranges(text, h))
}

/// [`mark_all`] with `text` already analyzed.
pub fn mark_all_in(text: &str, tokens: &MarkTokens, h: &Highlight) -> String {
    render(text, 0, text.len(), &match_ranges_in(text, tokens, h))
}

/// A window of about [`SNIPPET_CHARS`] characters around the densest run of
/// matches, or the start of the text when nothing in it matched.
pub fn snippet(text: &str, h: &Highlight) -> String {
    snippet_in(text, &MarkTokens::needed(text, h), h)
}

/// [`snippet`] with `text` already analyzed (`tokens` are of `text` itself,
/// untrimmed, so that their byte ranges hold).
pub fn snippet_in(text: &str, tokens: &MarkTokens, h: &Highlight) -> String {
    snippet_of(text, match_ranges_in(text, tokens, h))
}

/// A snippet of `text` if anything in it matches `h`.
pub fn matching_snippet_in(text: &str, tokens: &MarkTokens, h: &Highlight) -> Option<String> {
    let ranges = match_ranges_in(text, tokens, h);
    (!ranges.is_empty()).then(|| snippet_of(text, ranges))
}

fn snippet_of(text: &str, ranges: Vec<(usize, usize)>) -> String {
    // the trimmed text, with the ranges moved onto it
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let ranges: Vec<(usize, usize)> = ranges
        .into_iter()
        .filter_map(|(s, e)| {
            let (s, e) = (
                s.checked_sub(lead)?,
                e.checked_sub(lead)?.min(trimmed.len()),
            );
            (s < e).then_some((s, e))
        })
        .collect();
    window(trimmed, &ranges)
}

fn window(text: &str, ranges: &[(usize, usize)]) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let nchars = bounds.len() - 1;
    if nchars <= SNIPPET_CHARS {
        return render(text, 0, text.len(), ranges);
    }
    // char index of each range start; choose the window start covering most ranges
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let mut best = (0usize, 0usize); // (count, start char)
    for (k, &(s, _)) in ranges.iter().enumerate() {
        let start_c = char_at(s).saturating_sub(20);
        let end_c = start_c + SNIPPET_CHARS;
        let count = ranges[k..]
            .iter()
            .take_while(|r| char_at(r.1) <= end_c)
            .count();
        if count > best.0 {
            best = (count, start_c);
        }
    }
    let start_c = best.1.min(nchars.saturating_sub(SNIPPET_CHARS));
    let end_c = (start_c + SNIPPET_CHARS).min(nchars);
    let (from, to) = (bounds[start_c], bounds[end_c]);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&render(text, from, to, ranges));
    if to < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(terms: &[&str]) -> Highlight {
        Highlight {
            terms: terms.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn adjacent_matches_merge_and_text_is_escaped() {
        let s = snippet(
            "<script>ゲートキーパー養成研修会</script>",
            &hl(&["ゲートキーパー", "養成"]),
        );
        assert_eq!(
            s,
            "&lt;script&gt;<mark>ゲートキーパー養成</mark>研修会&lt;/script&gt;"
        );
    }

    #[test]
    fn full_width_matches_are_marked_as_printed() {
        let s = snippet("令和3年2月にＤＶ対策庁内連絡会議を開催", &hl(&["dv"]));
        assert!(s.contains("<mark>ＤＶ</mark>"), "{s}");
    }

    #[test]
    fn long_text_window_is_around_the_match() {
        let text = format!("{}民生委員の研修{}", "あ".repeat(300), "い".repeat(300));
        let s = snippet(&text, &hl(&["民生委員"]));
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>民生委員</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS + 30);
    }

    #[test]
    fn surrounding_whitespace_does_not_shift_the_marks() {
        let s = snippet("\n　 民生委員の研修 \n", &hl(&["民生委員"]));
        assert_eq!(s, "<mark>民生委員</mark>の研修");
    }

    #[test]
    fn no_match_gives_the_start() {
        let text = "あ".repeat(200);
        let s = snippet(&text, &hl(&["民生委員"]));
        assert!(s.starts_with("あああ") && s.ends_with('…'));
    }
}
