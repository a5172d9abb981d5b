//! Query-time synonyms from `dictionaries/synonyms.tsv`: groups of terms that
//! find each other (DV ⇄ 配偶者暴力 ⇄ ドメスティックバイオレンス, 自殺 ⇄ 自死…).
//! Members are stored as analyzed word-term sequences, so matching is done on
//! what the query parser sees, after width and variant folding.

use std::collections::HashMap;

use super::Analyzer;

/// One synonym group: its members as written and as term sequences.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymGroup {
    pub members: Vec<String>,
    pub terms: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<SynonymGroup>,
    by_terms: HashMap<Vec<String>, Vec<usize>>,
}

impl Synonyms {
    /// Parses TAB-separated groups (`#` comments and blank lines ignored).
    pub fn parse(table: &str, analyzer: &Analyzer) -> Result<Synonyms, String> {
        let mut s = Synonyms::default();
        for (i, line) in table.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let members: Vec<String> = line
                .split('\t')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(String::from)
                .collect();
            if members.len() < 2 {
                return Err(format!(
                    "line {}: a group needs at least two TAB-separated terms",
                    i + 1
                ));
            }
            let terms: Vec<Vec<String>> = members.iter().map(|m| analyzer.terms(m)).collect();
            if let Some(bad) = members.iter().zip(&terms).find(|(_, t)| t.is_empty()) {
                return Err(format!(
                    "line {}: {:?} has no searchable term",
                    i + 1,
                    bad.0
                ));
            }
            let gi = s.groups.len();
            for t in &terms {
                s.by_terms.entry(t.clone()).or_default().push(gi);
            }
            s.groups.push(SynonymGroup { members, terms });
        }
        Ok(s)
    }

    pub fn groups(&self) -> &[SynonymGroup] {
        &self.groups
    }

    /// The other members (as term sequences) of every group containing
    /// exactly the term sequence `terms`, without duplicates.
    pub fn alternatives(&self, terms: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for &gi in self.by_terms.get(terms).into_iter().flatten() {
            for t in &self.groups[gi].terms {
                if t.as_slice() != terms && !out.contains(t) {
                    out.push(t.clone());
                }
            }
        }
        out
    }
}
