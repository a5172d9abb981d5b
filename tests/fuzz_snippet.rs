//! Property-based fuzzing of the highlighter: for any text and any set of
//! things to mark (terms, normalized substrings, readings — drawn from the
//! text itself or arbitrary), snippets, marked titles and wording-reuse
//! marks never panic and are escaped text plus balanced `<mark>` tags whose
//! text is the original's (a window of it for snippets).

mod fuzz_common;

use fuzz_common::{cases, check_marked_html, hostile_string};
use proptest::prelude::*;
use shisaku::analysis::Analyzer;
use shisaku::related::reuse::mark_shared;
use shisaku::search::compile::Highlight;
use shisaku::search::snippet::{escape_html, mark_all, match_ranges, snippet};

/// Things to mark, partly taken from `text` (so they do match) and partly
/// arbitrary. `picks` select analyzer terms, normalized substrings and
/// readings of the text.
fn highlight(text: &str, picks: &[(u8, usize, usize)], extra: &[String]) -> Highlight {
    let a = Analyzer::shared();
    let tokens = a.analyze(text);
    let norm: Vec<char> = a.normalize(text).text.chars().collect();
    let mut h = Highlight::default();
    for &(kind, x, y) in picks {
        match kind % 4 {
            0 if !tokens.is_empty() => {
                h.terms.insert(tokens[x % tokens.len()].term.clone());
            }
            1 if !tokens.is_empty() => {
                let r = &tokens[x % tokens.len()].reading;
                h.readings.insert(r.clone());
            }
            2 if !norm.is_empty() => {
                let s = x % norm.len();
                let e = (s + 1 + y % 12).min(norm.len());
                h.substrings.insert(norm[s..e].iter().collect());
            }
            _ => {
                if let Some(e) = extra.get(x % extra.len().max(1)) {
                    match y % 3 {
                        0 => h.terms.insert(e.clone()),
                        1 => h.substrings.insert(e.clone()),
                        _ => h.readings.insert(e.clone()),
                    };
                }
            }
        }
    }
    h
}

/// `html` is a window of `text` (with an ellipsis on either side at most).
fn check_snippet(text: &str, html: &str) -> Result<(), TestCaseError> {
    let plain = check_marked_html(html).map_err(TestCaseError::fail)?;
    let inner = plain.strip_prefix('…').unwrap_or(&plain);
    let inner = inner.strip_suffix('…').unwrap_or(inner);
    prop_assert!(
        text.contains(inner),
        "snippet {html:?} is not a window of {text:?}"
    );
    Ok(())
}

fn check_text(text: &str, h: &Highlight) -> Result<(), TestCaseError> {
    let ranges = match_ranges(text, h);
    let mut last_end = 0;
    for &(s, e) in &ranges {
        prop_assert!(s < e && e <= text.len(), "{ranges:?} in {text:?}");
        prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        prop_assert!(s >= last_end, "ranges overlap or are unsorted: {ranges:?}");
        last_end = e;
    }
    let marked = mark_all(text, h);
    let plain = check_marked_html(&marked).map_err(TestCaseError::fail)?;
    prop_assert_eq!(&plain, text);
    check_snippet(text, &snippet(text, h))?;
    let plain = check_marked_html(&escape_html(text)).map_err(TestCaseError::fail)?;
    prop_assert_eq!(&plain, text);
    Ok(())
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn snippets_of_hostile_text(
        text in hostile_string(120),
        picks in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..8),
        extra in prop::collection::vec(hostile_string(6), 0..4),
    ) {
        let h = highlight(&text, &picks, &extra);
        check_text(&text, &h)?;
    }

    #[test]
    fn snippets_of_long_text(
        parts in prop::collection::vec(hostile_string(40), 1..30),
        picks in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..8),
        extra in prop::collection::vec(hostile_string(6), 0..4),
    ) {
        // long enough for the rough window (more than two snippet lengths)
        let text = parts.join("民生委員の研修。");
        let h = highlight(&text, &picks, &extra);
        check_text(&text, &h)?;
    }

    #[test]
    fn snippets_of_arbitrary_unicode(
        text in any::<String>(),
        extra in prop::collection::vec(any::<String>(), 1..4),
        picks in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..8),
    ) {
        let h = highlight(&text, &picks, &extra);
        check_text(&text, &h)?;
    }

    #[test]
    fn wording_reuse_marks(a in hostile_string(60), b in hostile_string(60), shared in hostile_string(12)) {
        let text = format!("{a}{shared}{b}");
        let other = format!("{b}{shared}{a}");
        let (html, spans) = mark_shared(&text, &other);
        let plain = check_marked_html(&html).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&plain, &text);
        for s in spans {
            prop_assert!(text.contains(&s));
        }
    }
}

#[test]
fn empty_and_blank_highlights() {
    let h = Highlight {
        terms: ["".to_string()].into(),
        substrings: ["".to_string(), " ".to_string()].into(),
        readings: ["".to_string()].into(),
        phrases: [
            vec![],
            vec!["".to_string()],
            vec![" ".to_string(), "".to_string()],
        ]
        .into(),
    };
    for text in ["", " ", "\u{3000}", "<>&\"'", &"あ".repeat(400), "ﾞ\u{0}ﾟ"] {
        check_text(text, &h).unwrap();
    }
}
