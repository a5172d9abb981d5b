//! Property-based fuzzing of the analysis pipeline: the character filter and
//! the analyzer never panic, and every offset they report lands on a
//! character boundary of the *original* text: token `start..end` slices the
//! original to exactly the token's `surface`, including around combining
//! marks, half-width kana with ﾞﾟ, iteration marks, characters next to the
//! surrogate range, emoji sequences, NUL, right-to-left text and U+3000.
//! The three tantivy tokenizers keep the same promise.

mod fuzz_common;

use fuzz_common::{HOSTILE, cases, hostile_char, hostile_string};
use proptest::prelude::*;
use shisaku::analysis::{self, Analyzer, BigramTokenizer, ReadingTokenizer, WordTokenizer};
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn check_analyze(text: &str) -> Result<(), TestCaseError> {
    let a = Analyzer::shared();
    let tokens = a.analyze(text);
    let mut last_position = None;
    for t in &tokens {
        prop_assert!(t.start <= t.end, "{t:?} in {text:?}");
        prop_assert!(t.end <= text.len(), "{t:?} in {text:?}");
        prop_assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?} not on char boundaries of {text:?}"
        );
        prop_assert_eq!(&text[t.start..t.end], t.surface.as_str(), "{:?}", t);
        if let Some(p) = last_position {
            prop_assert!(t.position > p, "positions must increase: {tokens:?}");
        }
        last_position = Some(t.position);
    }
    // the derived views must not panic either
    let _ = a.terms(text);
    let _ = a.phrase(text);
    let _ = analysis::render_tokens(&tokens);
    Ok(())
}

fn check_normalize(text: &str) -> Result<(), TestCaseError> {
    let n = Analyzer::shared().normalize(text);
    // every character of the normalized text maps back to whole original characters
    for (i, c) in n.text.char_indices() {
        let (s, e) = n.original_range(i, i + c.len_utf8());
        prop_assert!(s <= e && e <= text.len(), "{s}..{e} for {c:?} in {text:?}");
        prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    // and so does any range, even one that is not on the normalized text's boundaries
    let len = n.text.len();
    for (s, e) in [
        (0, len),
        (0, 0),
        (len, len),
        (len / 2, len),
        (1, len / 3 + 1),
    ] {
        let (os, oe) = n.original_range(s, e);
        prop_assert!(
            os <= oe && oe <= text.len(),
            "{s}..{e} → {os}..{oe} in {text:?}"
        );
        prop_assert!(text.is_char_boundary(os) && text.is_char_boundary(oe));
    }
    prop_assert!(!text.is_empty() || n.text.is_empty());
    Ok(())
}

/// The (offset_from, offset_to, text) of every token of `tokenizer` on `text`.
fn tokens_of(mut tokenizer: impl Tokenizer, text: &str) -> Vec<(usize, usize, String)> {
    let mut s = tokenizer.token_stream(text);
    let mut v = Vec::new();
    while s.advance() {
        let k = s.token();
        v.push((k.offset_from, k.offset_to, k.text.clone()));
    }
    v
}

fn check_tokenizers(text: &str) -> Result<(), TestCaseError> {
    let a = Analyzer::shared();
    let streams = [
        ("word", tokens_of(WordTokenizer::new(a), text)),
        ("reading", tokens_of(ReadingTokenizer::new(a), text)),
        ("bigram", tokens_of(BigramTokenizer::new(a), text)),
    ];
    for (name, tokens) in streams {
        for (s, e, term) in tokens {
            prop_assert!(
                s <= e && e <= text.len(),
                "{name} {term:?} {s}..{e} in {text:?}"
            );
            prop_assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "{name} {term:?} {s}..{e} in {text:?}"
            );
            prop_assert!(!term.is_empty(), "{name}: empty term in {text:?}");
        }
    }
    let _ = analysis::bigrams(a, text);
    let _ = analysis::reading_bigrams(text);
    let _ = analysis::to_katakana(text);
    let _ = analysis::is_kana_only(text);
    Ok(())
}

fn check_all(text: &str) -> Result<(), TestCaseError> {
    check_normalize(text)?;
    check_analyze(text)?;
    check_tokenizers(text)
}

/// Marks and modifiers that attach to what precedes them, to put after
/// every kind of base character (including none and each other).
const ATTACHING: &[char] = &[
    'ﾞ',
    'ﾟ',
    '\u{3099}',
    '\u{309A}',
    '゛',
    '゜',
    '\u{0301}',
    '\u{0308}',
    '\u{20DD}',
    'ゝ',
    'ゞ',
    'ヽ',
    'ヾ',
    '々',
    '\u{200D}',
    '\u{FE0F}',
    '\u{1F3FD}',
    '\u{0345}',
];

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn hostile_text_offsets_stay_on_the_original(text in hostile_string(80)) {
        check_all(&text)?;
    }

    #[test]
    fn arbitrary_unicode_offsets_stay_on_the_original(text in any::<String>()) {
        check_all(&text)?;
    }

    #[test]
    fn marks_after_any_base(
        pairs in prop::collection::vec(
            (
                prop_oneof![hostile_char().prop_map(Some), Just(None)],
                prop::collection::vec(prop::sample::select(ATTACHING), 1..4),
            ),
            1..30,
        )
    ) {
        let mut text = String::new();
        for (base, marks) in pairs {
            text.extend(base);
            text.extend(marks);
        }
        check_all(&text)?;
    }

    #[test]
    fn runs_of_one_hostile_character(c in prop::sample::select(HOSTILE), n in 1usize..40, w in hostile_string(4)) {
        let text = format!("{w}{}{w}", c.to_string().repeat(n));
        check_all(&text)?;
    }
}

#[test]
fn named_hostile_inputs() {
    for text in [
        "",
        "\u{0}",
        "ﾞ",
        "ﾟﾟﾟ",
        "ｶﾞｷﾞｸﾞｹﾞｺﾞﾊﾟﾋﾟﾌﾟ",
        "ｳﾞ",
        "ゝゞヽヾ",
        "ゞいすゞ",
        "ヾ",
        "\u{3099}\u{309A}",
        "か\u{3099}\u{3099}\u{309A}",
        "e\u{0301}\u{0301}\u{0301}",
        "\u{D7FF}\u{E000}\u{FFFD}\u{FFFF}\u{10FFFF}",
        "👩\u{200D}👩\u{200D}👧\u{1F3FD}",
        "🇯🇵🏳\u{FE0F}\u{200D}🌈",
        "\u{202E}مرحبا\u{202C} שלום",
        "\u{3000}\u{3000}民生委員\u{3000}",
        "㍻㌔ﷺ",
        "İSTANBUL ẞ ǅ",
        "障がい者の子供",
        "<script>alert(1)</script>",
        "\r\n\t\u{B}\u{C}\u{85}\u{2028}",
    ] {
        check_all(text).unwrap();
    }
}
