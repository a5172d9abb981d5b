//! The character filter (with the real variants table) on arbitrary UTF-8:
//! never panics, and every character of the normalized text maps back to a
//! range on character boundaries of the original.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shisaku_core::analysis::normalize;

fn variants() -> &'static normalize::Variants {
    static V: OnceLock<normalize::Variants> = OnceLock::new();
    V.get_or_init(|| {
        normalize::Variants::parse(include_str!("../../dictionaries/variants.tsv"))
            .expect("variants.tsv parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let n = normalize::normalize(text, variants());
    for (i, c) in n.text.char_indices() {
        let (s, e) = n.original_range(i, i + c.len_utf8());
        assert!(s <= e && e <= text.len(), "{s}..{e} in {text:?}");
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    let len = n.text.len();
    for (s, e) in [(0, len), (len / 2, len), (1, len / 3 + 1)] {
        let (os, oe) = n.original_range(s, e);
        assert!(
            os <= oe && oe <= text.len() && text.is_char_boundary(os) && text.is_char_boundary(oe)
        );
    }
});
