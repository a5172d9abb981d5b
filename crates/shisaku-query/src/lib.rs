//! The query language, parsed into a small syntax tree:
//!
//! ```text
//! 防災 女性                words: all must match (AND)
//! ゲートキーパー OR 傾聴     either (OR binds tighter than the implicit AND)
//! 相談 -電話               exclude measures matching 電話
//! "早期に発見する"          phrase: the words in this order
//! title:研修  department:福祉部  section:"こども課"   one field only
//! ```
//!
//! Full-width spaces separate words; full-width quotes and colons are read as
//! ASCII ones. Errors name the problem (unbalanced quote, lone OR, unknown field).

// nothing here needs unsafe code; the crates that do (engine, http,
// the binary) document each block
#![forbid(unsafe_code)]

use unicode_normalization::UnicodeNormalization;

/// Fields a clause can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Title,
    Content,
    Department,
    Section,
}

impl Scope {
    pub const NAMES: &'static str = "title, content, department, section";

    fn parse(name: &str) -> Option<Scope> {
        Some(match name {
            "title" | "タイトル" | "施策名" => Scope::Title,
            "content" | "内容" => Scope::Content,
            "department" | "dept" | "部署" | "担当部署" => Scope::Department,
            "section" | "課" | "担当課" => Scope::Section,
            _ => return None,
        })
    }
}

/// One searchable unit: a word or a quoted phrase, possibly field-restricted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub text: String,
    pub phrase: bool,
    pub scope: Scope,
}

/// A clause of the top-level AND: one atom or an OR of atoms, maybe negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub any_of: Vec<Atom>,
    pub negated: bool,
}

/// A parsed query: clauses joined by AND. Empty means "everything".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Atom { negated: bool, atom: Atom },
    Or,
}

/// Folds the syntax characters written in full width (＂：－) to ASCII.
fn fold_syntax(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '＂' | '“' | '”' => '"',
        '：' => ':',
        '－' | '−' => '-',
        c => c,
    }
}

pub fn parse(input: &str) -> Result<ParsedQuery, String> {
    let chars: Vec<char> = input.chars().map(fold_syntax).collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            negated = true;
            i += 1;
        }
        // an optional field prefix `name:` (no spaces, followed by a value)
        let mut scope = Scope::All;
        if let Some(colon) = (i..chars.len())
            .take_while(|&j| !chars[j].is_whitespace() && chars[j] != '"')
            .find(|&j| chars[j] == ':')
        {
            let name: String = chars[i..colon]
                .iter()
                .collect::<String>()
                .nfkc()
                .collect::<String>()
                .to_lowercase();
            let value_follows = colon + 1 < chars.len() && !chars[colon + 1].is_whitespace();
            if !value_follows && Scope::parse(&name).is_some() {
                return Err(format!(
                    "\"{name}:\" at character {} needs a word after it",
                    i + 1
                ));
            }
            if !name.is_empty() && value_follows {
                if let Some(s) = Scope::parse(&name) {
                    scope = s;
                    i = colon + 1;
                } else if name.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
                    return Err(format!(
                        "unknown field \"{name}:\" (known fields: {})",
                        Scope::NAMES
                    ));
                }
                // anything else (10:00, 第1:…) is plain text
            }
        }
        if chars[i] == '"' {
            let close = (i + 1..chars.len())
                .find(|&j| chars[j] == '"')
                .ok_or_else(|| {
                    format!(
                        "unbalanced quote: the phrase starting at character {} has no closing \"",
                        i + 1
                    )
                })?;
            let text: String = chars[i + 1..close].iter().collect();
            if text.trim().is_empty() {
                return Err(format!("empty phrase \"\" at character {}", i + 1));
            }
            toks.push(Tok::Atom {
                negated,
                atom: Atom {
                    text: text.trim().to_string(),
                    phrase: true,
                    scope,
                },
            });
            i = close + 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&j| chars[j].is_whitespace() || chars[j] == '"')
            .unwrap_or(chars.len());
        let word: String = chars[i..end].iter().collect();
        i = end;
        if word == "OR" && !negated && scope == Scope::All && start == end - 2 {
            toks.push(Tok::Or);
            continue;
        }
        if word.is_empty() {
            return Err(format!(
                "\"{}\" at character {} needs a value",
                chars[start..i].iter().collect::<String>(),
                start + 1
            ));
        }
        toks.push(Tok::Atom {
            negated,
            atom: Atom {
                text: word,
                phrase: false,
                scope,
            },
        });
    }
    // Group `a OR b OR c` into one clause.
    let mut clauses: Vec<Clause> = Vec::new();
    let mut pending_or = false;
    for (k, t) in toks.iter().enumerate() {
        match t {
            Tok::Or => {
                let prev_ok = matches!(
                    toks.get(k.wrapping_sub(1)),
                    Some(Tok::Atom { negated: false, .. })
                );
                let next_ok = matches!(toks.get(k + 1), Some(Tok::Atom { negated: false, .. }));
                if !prev_ok || !next_ok || pending_or {
                    return Err(
                        "OR needs a word on each side (a lone, doubled or negated OR)".into(),
                    );
                }
                pending_or = true;
            }
            Tok::Atom { negated, atom } => {
                if pending_or {
                    clauses
                        .last_mut()
                        .expect("OR follows a clause")
                        .any_of
                        .push(atom.clone());
                    pending_or = false;
                } else {
                    clauses.push(Clause {
                        any_of: vec![atom.clone()],
                        negated: *negated,
                    });
                }
            }
        }
    }
    if !clauses.is_empty() && clauses.iter().all(|c| c.negated) {
        return Err("a query cannot only exclude: add a word to search for".into());
    }
    Ok(ParsedQuery { clauses })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(text: &str) -> Atom {
        Atom {
            text: text.into(),
            phrase: false,
            scope: Scope::All,
        }
    }

    #[test]
    fn words_and_or_and_exclusion() {
        let q = parse("防災　女性 ゲートキーパー OR 傾聴 -電話").unwrap();
        assert_eq!(q.clauses.len(), 4);
        assert_eq!(q.clauses[0].any_of, vec![atom("防災")]);
        assert_eq!(
            q.clauses[2].any_of,
            vec![atom("ゲートキーパー"), atom("傾聴")]
        );
        assert!(q.clauses[3].negated);
    }

    #[test]
    fn phrases_and_fields() {
        let q = parse("title:研修 section:\"こども課\" ＂早期 発見＂").unwrap();
        assert_eq!(q.clauses[0].any_of[0].scope, Scope::Title);
        assert_eq!(
            q.clauses[1].any_of[0],
            Atom {
                text: "こども課".into(),
                phrase: true,
                scope: Scope::Section
            }
        );
        assert_eq!(q.clauses[2].any_of[0].text, "早期 発見");
        assert!(q.clauses[2].any_of[0].phrase);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(
            parse("\"早期発見")
                .unwrap_err()
                .contains("unbalanced quote")
        );
        assert!(parse("OR 研修").unwrap_err().contains("OR"));
        assert!(parse("研修 OR").unwrap_err().contains("OR"));
        assert!(parse("研修 OR OR 講座").unwrap_err().contains("OR"));
        assert!(
            parse("foo:研修")
                .unwrap_err()
                .contains("unknown field \"foo:\"")
        );
        assert!(parse("-研修").unwrap_err().contains("only exclude"));
    }

    #[test]
    fn hyphens_and_colons_inside_words_are_text() {
        let q = parse("K-SAFE 10:00").unwrap();
        assert_eq!(q.clauses[0].any_of[0].text, "K-SAFE");
        assert_eq!(q.clauses[1].any_of[0], atom("10:00"));
        assert!(parse("").unwrap().clauses.is_empty());
    }
}
