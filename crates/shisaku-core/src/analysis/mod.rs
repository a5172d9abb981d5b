//! The one Japanese analysis pipeline, used for indexing and for queries.
//!
//! ```text
//! original text
//!   └─ normalize: NFKC width folding, lowercase, iteration marks,
//!      orthographic variants (dictionaries/variants.tsv)      offsets kept on the original
//!        └─ lindera + IPADIC (+ dictionaries/user_dict.csv) segmentation
//!             ├─ word field    ja_word:    base forms, stop tags dropped (dictionaries/stoptags.txt)
//!             ├─ reading field ja_reading: katakana bigrams of the readings (kana-only queries)
//!             └─ bigram field  ja_bigram:  character bigrams (recall for words nobody listed)
//! ```
//!
//! The three fields' tantivy tokenizers wrap this pipeline in the engine crate
//! (`shisaku_engine::index::tokenizers`), which registers them with tantivy for
//! the index writer and the query parser alike.
//! Query-time synonyms (dictionaries/synonyms.tsv) live in [`synonyms`].

pub mod normalize;
mod sentences;
pub mod synonyms;
pub mod thesaurus;

use std::collections::HashSet;
use std::sync::OnceLock;

use lindera::dictionary::UserDictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use serde::Serialize;

pub use normalize::{Normalized, Variants, is_kana_only, to_katakana};
pub use sentences::split_sentences;
pub use synonyms::Synonyms;
pub use thesaurus::Thesaurus;

/// Name of the word analyzer in tantivy's tokenizer manager.
pub const WORD: &str = "ja_word";
/// Name of the reading (katakana bigram) analyzer.
pub const READING: &str = "ja_reading";
/// Name of the character-bigram analyzer.
pub const BIGRAM: &str = "ja_bigram";

const USER_DICT: &str = include_str!("../../../../dictionaries/user_dict.csv");
const VARIANTS: &str = include_str!("../../../../dictionaries/variants.tsv");
const STOP_TAGS: &str = include_str!("../../../../dictionaries/stoptags.txt");
const SYNONYMS: &str = include_str!("../../../../dictionaries/synonyms.tsv");
const SUDACHI: &str = include_str!("../../../../dictionaries/sudachi/sudachi-synonyms.txt");
const SUDACHI_REMOVALS: &str = include_str!("../../../../dictionaries/sudachi_removals.txt");

/// IPADIC context id of 名詞,一般: user-dictionary words connect like common
/// nouns instead of like a sentence boundary (id 0), which mis-tags neighbours.
const NOUN_CONTEXT_ID: u16 = 1285;

/// A data file in `dictionaries/` is malformed.
#[derive(Debug, thiserror::Error)]
#[error("dictionaries/{file}: {message}")]
pub struct AnalysisError {
    pub file: &'static str,
    pub message: String,
}

/// One token of analyzed text, as `shisaku analyze` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalyzedToken {
    /// The original characters (before any folding).
    pub surface: String,
    /// The characters after the character filter.
    pub normalized: String,
    /// The term indexed in the word field (base form of the normalized text).
    pub term: String,
    /// Katakana reading.
    pub reading: String,
    /// Full 4-level IPADIC part of speech (`名詞,一般,*,*`).
    pub pos: String,
    /// Byte offsets in the original text.
    pub start: usize,
    pub end: usize,
    /// Token position (stop tokens keep theirs, so phrases stay aligned).
    pub position: usize,
    /// True when the part of speech is a stop tag: not indexed in the word field.
    pub stop: bool,
    /// True when the word came from dictionaries/user_dict.csv.
    pub user_word: bool,
    /// For a user-dictionary compound, the terms IPADIC alone splits it into
    /// (民生委員 → 民生, 委員). They are indexed at the compound's position, so
    /// 委員 still finds 民生委員 while 民生委員 only matches the compound.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
}

/// The configured pipeline: dictionary, user dictionary, variants, stop tags, synonyms.
pub struct Analyzer {
    segmenter: Segmenter,
    /// IPADIC without the user dictionary, to split user compounds into parts.
    system_segmenter: Segmenter,
    variants: Variants,
    stop_tags: HashSet<String>,
    synonyms: Synonyms,
    thesaurus: Thesaurus,
}

impl Analyzer {
    /// The pipeline built from the data files embedded at build time. Built
    /// once per process; the data files are checked by the test suite.
    pub fn shared() -> &'static Analyzer {
        static SHARED: OnceLock<Analyzer> = OnceLock::new();
        SHARED.get_or_init(|| {
            Analyzer::from_data(USER_DICT, VARIANTS, STOP_TAGS, SYNONYMS)
                .and_then(|a| a.with_thesaurus(SUDACHI, SUDACHI_REMOVALS, SYNONYMS))
                .unwrap_or_else(|e| panic!("embedded analysis data is invalid: {e}"))
        })
    }

    /// Builds a pipeline from the text of the four data files.
    pub fn from_data(
        user_dict: &str,
        variants: &str,
        stop_tags: &str,
        synonyms: &str,
    ) -> Result<Analyzer, AnalysisError> {
        let variants = Variants::parse(variants).map_err(|message| AnalysisError {
            file: "variants.tsv",
            message,
        })?;
        let dictionary = shisaku_ipadic::load().map_err(|e| AnalysisError {
            file: "ipadic",
            message: e.to_string(),
        })?;
        let user = build_user_dictionary(&dictionary, user_dict, &variants)?;
        let system_segmenter = Segmenter::new(Mode::Normal, dictionary.clone(), None);
        let segmenter = Segmenter::new(Mode::Normal, dictionary, Some(user));
        let stop_tags = stop_tags
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        let mut analyzer = Analyzer {
            segmenter,
            system_segmenter,
            variants,
            stop_tags,
            synonyms: Synonyms::default(),
            thesaurus: Thesaurus::default(),
        };
        analyzer.synonyms =
            Synonyms::parse(synonyms, &analyzer).map_err(|message| AnalysisError {
                file: "synonyms.tsv",
                message,
            })?;
        Ok(analyzer)
    }

    /// Adds the Sudachi thesaurus (`sudachi-synonyms.txt` and the removals
    /// list): its spelling folds apply to every analysis from then on, and
    /// the hand synonym table is re-read so its members fold the same way.
    pub fn with_thesaurus(
        mut self,
        table: &str,
        removals: &str,
        synonyms: &str,
    ) -> Result<Analyzer, AnalysisError> {
        self.thesaurus = Thesaurus::parse(table, removals, |w| match self.analyze(w).as_slice() {
            [t] if !t.stop => vec![t.term.clone()],
            _ => Vec::new(),
        })
        .map_err(|message| AnalysisError {
            file: "sudachi/sudachi-synonyms.txt",
            message,
        })?;
        self.synonyms = Synonyms::parse(synonyms, &self).map_err(|message| AnalysisError {
            file: "synonyms.tsv",
            message,
        })?;
        Ok(self)
    }

    pub fn thesaurus(&self) -> &Thesaurus {
        &self.thesaurus
    }

    /// The character filter alone.
    pub fn normalize(&self, text: &str) -> Normalized {
        normalize::normalize(text, &self.variants)
    }

    pub fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// Runs the pipeline over `text`. Stop tokens are included (flagged).
    pub fn analyze(&self, text: &str) -> Vec<AnalyzedToken> {
        let norm = self.normalize(text);
        let Ok(tokens) = self
            .segmenter
            .segment(std::borrow::Cow::Borrowed(norm.text.as_str()))
        else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(tokens.len());
        for (position, mut tok) in tokens.into_iter().enumerate() {
            let user_word = !tok.word_id.is_system() && !tok.word_id.is_unknown();
            let normalized = tok.surface.to_string();
            let (start, end) = norm.original_range(tok.byte_start, tok.byte_end);
            // borrowed from the dictionary: no copy of every detail field
            let details: Vec<&str> = tok.details();
            let field = |i: usize| {
                details
                    .get(i)
                    .copied()
                    .filter(|s| !s.is_empty() && *s != "*")
            };
            // IPADIC detail fields: 0-3 part of speech, 6 base form, 7 reading
            // (user-dictionary rows are laid out in the same positions).
            let mut pos = String::with_capacity(48);
            for i in 0..4 {
                if i > 0 {
                    pos.push(',');
                }
                pos.push_str(details.get(i).copied().unwrap_or("*"));
            }
            let term = field(6)
                .map(String::from)
                .unwrap_or_else(|| normalized.clone())
                .to_lowercase();
            // spellings of one lexeme (いじめ/苛め) index as one term
            let term = match self.thesaurus.fold(&term) {
                Some(t) => t.to_string(),
                None => term,
            };
            let reading = field(7)
                .map(String::from)
                .unwrap_or_else(|| to_katakana(&normalized));
            // Stop tags, and any token without a letter or digit (ASCII
            // punctuation after width folding is an unknown "noun" to IPADIC).
            let stop =
                self.stop_tags.contains(&pos) || !normalized.chars().any(char::is_alphanumeric);
            let parts = if user_word {
                self.parts(&normalized)
            } else {
                Vec::new()
            };
            out.push(AnalyzedToken {
                surface: text.get(start..end).unwrap_or("").to_string(),
                normalized,
                term,
                reading,
                pos,
                start,
                end,
                position,
                stop,
                user_word,
                parts,
            });
        }
        out
    }

    /// IPADIC's own split of a user-dictionary word into nouns of two or more
    /// characters; empty when IPADIC keeps it whole or splits it into anything
    /// but nouns (ささえりあ → ささえ+りあ is no split worth indexing).
    fn parts(&self, word: &str) -> Vec<String> {
        let Ok(tokens) = self
            .system_segmenter
            .segment(std::borrow::Cow::Borrowed(word))
        else {
            return Vec::new();
        };
        if tokens.len() < 2 {
            return Vec::new();
        }
        let mut parts = Vec::new();
        for mut t in tokens {
            let surface = t.surface.to_string();
            let details: Vec<String> = t.details().iter().map(|d| d.to_string()).collect();
            let pos = (0..4)
                .map(|i| details.get(i).map(String::as_str).unwrap_or("*"))
                .collect::<Vec<_>>()
                .join(",");
            if self.stop_tags.contains(&pos) {
                continue;
            }
            if !pos.starts_with("名詞") {
                return Vec::new();
            }
            if surface.chars().count() < 2 {
                continue;
            }
            let base = details.get(6).filter(|b| *b != "*" && !b.is_empty());
            parts.push(base.unwrap_or(&surface).to_lowercase());
        }
        parts
    }

    /// The word-field terms of `text` with their positions relative to the
    /// first one (stop words leave gaps), for phrase queries.
    pub fn phrase(&self, text: &str) -> Vec<(usize, String)> {
        let toks: Vec<AnalyzedToken> = self.analyze(text).into_iter().filter(|t| !t.stop).collect();
        let first = toks.first().map(|t| t.position).unwrap_or(0);
        toks.into_iter()
            .map(|t| (t.position - first, t.term))
            .collect()
    }

    /// The word-field terms of `text` (what the index and the query parser see).
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.analyze(text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.term)
            .collect()
    }
}

/// Builds the user dictionary from `user_dict.csv` (`surface,part_of_speech,reading`).
/// Surfaces pass through the character filter, so `DV` matches the folded `dv`.
fn build_user_dictionary(
    dictionary: &lindera::dictionary::Dictionary,
    csv: &str,
    variants: &Variants,
) -> Result<UserDictionary, AnalysisError> {
    let mut rows = String::new();
    for (i, line) in csv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 3 || fields.iter().any(|f| f.trim().is_empty()) {
            return Err(AnalysisError {
                file: "user_dict.csv",
                message: format!("line {}: expected surface,part_of_speech,reading", i + 1),
            });
        }
        let surface = normalize::normalize(fields[0].trim(), variants).text;
        rows.push_str(&format!(
            "{surface},{},{}\n",
            fields[1].trim(),
            fields[2].trim()
        ));
    }
    let mut metadata = (*dictionary.metadata).clone();
    metadata.default_left_context_id = NOUN_CONTEXT_ID;
    metadata.default_right_context_id = NOUN_CONTEXT_ID;
    lindera::dictionary::DictionaryBuilder::new(metadata)
        .build_user_dict_from_reader(rows.as_bytes())
        .map_err(|e| AnalysisError {
            file: "user_dict.csv",
            message: e.to_string(),
        })
}

/// Renders tokens as an aligned table for `shisaku analyze`.
pub fn render_tokens(tokens: &[AnalyzedToken]) -> String {
    use std::fmt::Write;
    let mut s = String::from("pos#\tsurface\tterm\treading\tpart of speech\tbytes\tnote\n");
    for t in tokens {
        let note = match (t.stop, t.user_word) {
            (true, _) => "stop (not indexed)".to_string(),
            (false, true) if t.parts.is_empty() => "user_dict.csv".to_string(),
            (false, true) => format!("user_dict.csv; also indexed as {}", t.parts.join(" ")),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}..{}\t{}",
            t.position, t.surface, t.term, t.reading, t.pos, t.start, t.end, note
        );
    }
    s
}
