//! Highlighted snippets: the ~150-character window of a text with the most
//! matches, HTML-escaped, with adjacent matches merged into one `<mark>`.
//! Matches are found with the same analysis as the index (word terms, their
//! compound parts, readings) plus normalized substrings for bigram matches, and
//! always land on character boundaries of the original text.

use super::compile::Highlight;
use crate::analysis::Analyzer;

/// Snippet length in characters.
pub const SNIPPET_CHARS: usize = 150;

/// Byte ranges of `text` to mark, merged.
pub fn match_ranges(text: &str, h: &Highlight) -> Vec<(usize, usize)> {
    let analyzer = Analyzer::shared();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if !h.terms.is_empty() || !h.readings.is_empty() {
        for t in analyzer.analyze(text) {
            let hit = !t.stop
                && (h.terms.contains(&t.term)
                    || t.parts.iter().any(|p| h.terms.contains(p))
                    || h.readings
                        .iter()
                        .any(|r| !r.is_empty() && t.reading.contains(r.as_str())));
            if hit {
                spans.push((t.start, t.end));
            }
        }
    }
    if !h.substrings.is_empty() {
        let norm = analyzer.normalize(text);
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

/// A window of about [`SNIPPET_CHARS`] characters around the densest run of
/// matches, or the start of the text when nothing in it matched.
///
/// Long texts are first narrowed cheaply: the folded text is searched for the
/// query terms as plain substrings to find the densest region, and only that
/// region (with a margin) goes through the analyzer for exact marks.
pub fn snippet(text: &str, h: &Highlight) -> String {
    let text = text.trim();
    let total_chars = text.chars().count();
    if total_chars > SNIPPET_CHARS * 2 {
        let (from, to) = rough_window(text, h);
        if from > 0 || to < text.len() {
            let inner = window(&text[from..to], h);
            let mut out = String::new();
            if from > 0 && !inner.starts_with('…') {
                out.push('…');
            }
            out.push_str(&inner);
            if to < text.len() && !out.ends_with('…') {
                out.push('…');
            }
            return out;
        }
    }
    window(text, h)
}

/// Byte range of `text` (about three snippet lengths) around the region
/// where the query's terms occur most, found without segmentation.
fn rough_window(text: &str, h: &Highlight) -> (usize, usize) {
    let norm = Analyzer::shared().normalize(text);
    let mut hits: Vec<usize> = Vec::new();
    for needle in h.terms.iter().chain(h.substrings.iter()) {
        if needle.is_empty() {
            continue;
        }
        for (at, _) in norm.text.match_indices(needle.as_str()) {
            hits.push(norm.original_range(at, at + needle.len()).0);
        }
    }
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let nchars = bounds.len() - 1;
    hits.sort_unstable();
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let hit_chars: Vec<usize> = hits.iter().map(|&b| char_at(b)).collect();
    let mut best = (0usize, 0usize);
    for (k, &c) in hit_chars.iter().enumerate() {
        let n = hit_chars[k..]
            .iter()
            .take_while(|&&x| x < c + SNIPPET_CHARS)
            .count();
        if n > best.0 {
            best = (n, c);
        }
    }
    let start = best.1.saturating_sub(SNIPPET_CHARS);
    let end = (best.1 + SNIPPET_CHARS * 2).min(nchars);
    let start = if best.0 == 0 { 0 } else { start };
    (bounds[start], bounds[end])
}

fn window(text: &str, h: &Highlight) -> String {
    let ranges = match_ranges(text, h);
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let nchars = bounds.len() - 1;
    if nchars <= SNIPPET_CHARS {
        return render(text, 0, text.len(), &ranges);
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
    out.push_str(&render(text, from, to, &ranges));
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
    fn no_match_gives_the_start() {
        let text = "あ".repeat(200);
        let s = snippet(&text, &hl(&["民生委員"]));
        assert!(s.starts_with("あああ") && s.ends_with('…'));
    }
}
