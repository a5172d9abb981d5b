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
    /// The members' terms with their positions relative to the first term,
    /// so a phrase keeps the gaps of dropped particles (配偶者等からの暴力).
    pub phrases: Vec<Vec<(usize, String)>>,
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
            let phrases: Vec<Vec<(usize, String)>> =
                members.iter().map(|m| analyzer.phrase(m)).collect();
            let terms: Vec<Vec<String>> = phrases
                .iter()
                .map(|p| p.iter().map(|(_, t)| t.clone()).collect())
                .collect();
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
            s.groups.push(SynonymGroup {
                members,
                terms,
                phrases,
            });
        }
        Ok(s)
    }

    pub fn groups(&self) -> &[SynonymGroup] {
        &self.groups
    }

    /// The other members (as term sequences) of every group containing
    /// exactly the term sequence `terms`, without duplicates.
    pub fn alternatives(&self, terms: &[String]) -> Vec<Vec<String>> {
        self.alternative_phrases(terms)
            .into_iter()
            .map(|p| p.into_iter().map(|(_, t)| t).collect())
            .collect()
    }

    /// The member as written in the table whose phrase is `phrase`.
    pub fn member_for(&self, phrase: &[(usize, String)]) -> Option<String> {
        self.groups.iter().find_map(|g| {
            g.phrases
                .iter()
                .position(|p| p.as_slice() == phrase)
                .map(|i| g.members[i].clone())
        })
    }

    /// Like [`Synonyms::alternatives`], with each term's relative position.
    pub fn alternative_phrases(&self, terms: &[String]) -> Vec<Vec<(usize, String)>> {
        let mut out: Vec<Vec<(usize, String)>> = Vec::new();
        for &gi in self.by_terms.get(terms).into_iter().flatten() {
            let g = &self.groups[gi];
            for (t, p) in g.terms.iter().zip(&g.phrases) {
                if t.as_slice() != terms && !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out
    }
}
