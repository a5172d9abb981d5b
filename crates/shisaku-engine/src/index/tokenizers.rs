//! The pipeline's three views of a text as tantivy tokenizers: word terms,
//! reading bigrams and character bigrams. Every token's offsets point into
//! the original text.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use shisaku_core::analysis::{Analyzer, BIGRAM, READING, WORD, normalize::to_katakana};

/// A precomputed token list served as a tantivy token stream.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream {
            tokens,
            index: usize::MAX,
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.index = self.index.wrapping_add(1);
        self.index < self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index]
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// Word field: base forms of non-stop tokens.
#[derive(Clone, Copy)]
pub struct WordTokenizer {
    analyzer: &'static Analyzer,
}

impl WordTokenizer {
    pub fn new(analyzer: &'static Analyzer) -> Self {
        WordTokenizer { analyzer }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        for t in self.analyzer.analyze(text).into_iter().filter(|t| !t.stop) {
            for part in t.parts.iter().filter(|p| **p != t.term) {
                tokens.push(token(part.clone(), t.start, t.end, t.position));
            }
            tokens.push(token(t.term, t.start, t.end, t.position));
        }
        VecTokenStream::new(tokens)
    }
}

/// Reading field: the katakana readings of the tokens, cut into bigrams, so
/// a hiragana query (みんせいいいん) matches 民生委員 whatever the segmentation.
#[derive(Clone, Copy)]
pub struct ReadingTokenizer {
    analyzer: &'static Analyzer,
}

impl ReadingTokenizer {
    pub fn new(analyzer: &'static Analyzer) -> Self {
        ReadingTokenizer { analyzer }
    }
}

impl Tokenizer for ReadingTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut runs: Vec<Vec<(char, usize, usize)>> = vec![Vec::new()];
        for t in self.analyzer.analyze(text) {
            if t.pos.starts_with("記号") || t.normalized.trim().is_empty() {
                runs.push(Vec::new());
                continue;
            }
            let run = runs.last_mut().expect("runs is never empty");
            run.extend(t.reading.chars().map(|c| (c, t.start, t.end)));
        }
        VecTokenStream::new(bigram_tokens(runs))
    }
}

/// Character bigrams of the normalized text, over runs of letters and digits.
#[derive(Clone, Copy)]
pub struct BigramTokenizer {
    analyzer: &'static Analyzer,
}

impl BigramTokenizer {
    pub fn new(analyzer: &'static Analyzer) -> Self {
        BigramTokenizer { analyzer }
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let norm = self.analyzer.normalize(text);
        let mut runs: Vec<Vec<(char, usize, usize)>> = vec![Vec::new()];
        for (i, c) in norm.text.char_indices() {
            if c.is_alphanumeric() || c == 'ー' || c == '々' {
                let (s, e) = norm.original_range(i, i + c.len_utf8());
                runs.last_mut()
                    .expect("runs is never empty")
                    .push((c, s, e));
            } else if !runs.last().is_some_and(Vec::is_empty) {
                runs.push(Vec::new());
            }
        }
        VecTokenStream::new(bigram_tokens(runs))
    }
}

/// Bigrams over each run (a run of one character yields that character);
/// positions jump by one between runs so phrases never span a break.
fn bigram_tokens(runs: Vec<Vec<(char, usize, usize)>>) -> Vec<Token> {
    let mut out = Vec::new();
    let mut position = 0;
    for run in runs.into_iter().filter(|r| !r.is_empty()) {
        if run.len() == 1 {
            let (c, s, e) = run[0];
            out.push(token(c.to_string(), s, e, position));
            position += 1;
        } else {
            for w in run.windows(2) {
                out.push(token(
                    format!("{}{}", w[0].0, w[1].0),
                    w[0].1,
                    w[1].2.max(w[0].2),
                    position,
                ));
                position += 1;
            }
        }
        position += 1;
    }
    out
}

/// The character bigrams of `text` as the bigram field indexes them.
pub fn bigrams(analyzer: &'static Analyzer, text: &str) -> Vec<String> {
    let mut t = BigramTokenizer::new(analyzer);
    let mut s = t.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}

/// The reading bigrams of a kana query (`みんせいいいん` → ミン, ンセ, …).
pub fn reading_bigrams(kana: &str) -> Vec<String> {
    let chars: Vec<char> = to_katakana(kana)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '・')
        .collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![chars[0].to_string()],
        _ => chars
            .windows(2)
            .map(|w| format!("{}{}", w[0], w[1]))
            .collect(),
    }
}

/// Registers the three analyzers with tantivy. The one place analysis is
/// wired in: index building and query parsing both call it.
pub fn register(manager: &tantivy::tokenizer::TokenizerManager) {
    let analyzer = Analyzer::shared();
    manager.register(WORD, WordTokenizer::new(analyzer));
    manager.register(READING, ReadingTokenizer::new(analyzer));
    manager.register(BIGRAM, BigramTokenizer::new(analyzer));
}
