//! Autocomplete: measure titles and indexed terms by prefix, also by reading,
//! so typing hiragana (みんせい…) suggests 民生委員. Titles that contain the
//! typed text further in come after prefix matches.

use std::collections::HashMap;

use serde::Serialize;

use shisaku_core::analysis::{Analyzer, is_kana_only, to_katakana};
use shisaku_core::model::Measure;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The text to put in the search box.
    pub text: String,
    /// `term` (a word of the corpus) or `title` (a measure).
    pub kind: &'static str,
    /// The measure, for `title` suggestions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Measures containing the term, for `term` suggestions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

struct Entry {
    text: String,
    key: String,
    reading: String,
    id: Option<String>,
    count: usize,
}

pub struct Suggester {
    titles: Vec<Entry>,
    terms: Vec<Entry>,
}

fn key(analyzer: &Analyzer, s: &str) -> String {
    analyzer
        .normalize(s)
        .text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == 'ー')
        .collect()
}

impl Suggester {
    pub fn build(measures: &[Measure]) -> Suggester {
        let analyzer = Analyzer::shared();
        let mut titles = Vec::new();
        let mut terms: HashMap<String, (String, String, usize)> = HashMap::new();
        for m in measures {
            let tokens = analyzer.analyze(&m.title);
            titles.push(Entry {
                text: m.title.clone(),
                key: key(analyzer, &m.title),
                reading: tokens.iter().map(|t| t.reading.as_str()).collect(),
                id: Some(m.id.clone()),
                count: 1,
            });
            let mut seen = std::collections::HashSet::new();
            for t in tokens.iter().chain(analyzer.analyze(&m.content).iter()) {
                if t.stop
                    || !t.pos.starts_with("名詞")
                    || t.normalized.chars().count() < 2
                    || !seen.insert(t.normalized.clone())
                {
                    continue;
                }
                if t.pos.starts_with("名詞,数") {
                    continue;
                }
                let e = terms
                    .entry(t.normalized.clone())
                    .or_insert_with(|| (t.surface.clone(), t.reading.clone(), 0));
                e.2 += 1;
            }
        }
        let mut terms: Vec<Entry> = terms
            .into_iter()
            .map(|(k, (text, reading, count))| Entry {
                text,
                key: k,
                reading,
                id: None,
                count,
            })
            .collect();
        terms.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        Suggester { titles, terms }
    }

    /// Up to `limit` suggestions for what the user has typed.
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        let analyzer = Analyzer::shared();
        let k = key(analyzer, typed);
        if k.is_empty() {
            return Vec::new();
        }
        let kana = is_kana_only(typed).then(|| to_katakana(&k));
        let matches = |e: &Entry, prefix_only: bool| -> bool {
            let by_text = if prefix_only {
                e.key.starts_with(&k)
            } else {
                e.key.contains(&k)
            };
            let by_reading = kana.as_ref().is_some_and(|r| {
                if prefix_only {
                    e.reading.starts_with(r.as_str())
                } else {
                    e.reading.contains(r.as_str())
                }
            });
            by_text || by_reading
        };
        let mut out: Vec<Suggestion> = Vec::new();
        let term_limit = limit.div_ceil(2);
        for e in self
            .terms
            .iter()
            .filter(|e| matches(e, true))
            .take(term_limit)
        {
            out.push(Suggestion {
                text: e.text.clone(),
                kind: "term",
                id: None,
                count: Some(e.count),
            });
        }
        let mut seen = std::collections::HashSet::new();
        for prefix_only in [true, false] {
            for e in self.titles.iter().filter(|e| matches(e, prefix_only)) {
                if out.len() >= limit {
                    return out;
                }
                if seen.insert(e.text.clone()) {
                    out.push(Suggestion {
                        text: e.text.clone(),
                        kind: "title",
                        id: e.id.clone(),
                        count: None,
                    });
                }
            }
        }
        out
    }
}
