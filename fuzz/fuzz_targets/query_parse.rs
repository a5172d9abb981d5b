//! The query parser on arbitrary UTF-8: never panics; a parsed query holds
//! no empty atom, no quote inside a phrase, and at least one positive clause.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shisaku_query as query;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(q) = query::parse(input) {
        for c in &q.clauses {
            assert!(!c.any_of.is_empty());
            for a in &c.any_of {
                assert!(!a.text.is_empty(), "empty atom from {input:?}");
                assert!(
                    !a.phrase || !a.text.contains('"'),
                    "quote in phrase from {input:?}"
                );
            }
        }
        assert!(q.clauses.is_empty() || q.clauses.iter().any(|c| !c.negated));
    }
});
