//! The character filter that runs before segmentation: NFKC width folding
//! (ＤＶ→DV, ｹﾞｰﾄｷｰﾊﾟｰ→ゲートキーパー, １１０→110), lowercasing, kana iteration
//! marks (ゝゞヽヾ) and orthographic-variant folding from
//! `dictionaries/variants.tsv` (障がい→障害, 子供→子ども…). The output keeps,
//! for every byte, the byte range of the original text it came from, so token
//! offsets (and highlights) land on the original characters.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Text after the character filter, with offsets back into the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`: the original byte range of the unit it came from.
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    /// Maps a byte range of the normalized text to the original text.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() || start >= end {
            let at = self.origin.get(start).map(|o| o.0 as usize).unwrap_or(0);
            return (at, at);
        }
        let s = self.origin[start.min(self.origin.len() - 1)].0 as usize;
        let e = self.origin[(end - 1).min(self.origin.len() - 1)].1 as usize;
        (s, e.max(s))
    }

    fn push(&mut self, s: &str, orig: (usize, usize)) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.origin.push((orig.0 as u32, orig.1 as u32));
        }
    }
}

/// Variant rules, keyed by first character, longest pattern first.
#[derive(Debug, Clone, Default)]
pub struct Variants {
    rules: HashMap<char, Vec<(Vec<char>, String)>>,
}

impl Variants {
    /// Parses `VARIANT<TAB>CANONICAL` lines (`#` comments, blank lines ignored).
    /// Both sides pass through width folding and lowercasing first.
    pub fn parse(table: &str) -> Result<Variants, String> {
        let mut rules: HashMap<char, Vec<(Vec<char>, String)>> = HashMap::new();
        for (i, line) in table.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (from, to) = line
                .split_once('\t')
                .ok_or_else(|| format!("variants.tsv:{}: expected VARIANT<TAB>CANONICAL", i + 1))?;
            let from: Vec<char> = fold_chars(from.trim()).text.chars().collect();
            let to = fold_chars(to.trim()).text;
            let Some(&first) = from.first() else {
                return Err(format!("variants.tsv:{}: empty variant", i + 1));
            };
            rules.entry(first).or_default().push((from, to));
        }
        for list in rules.values_mut() {
            list.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        }
        Ok(Variants { rules })
    }

    /// Replaces variants in `input`, keeping offsets.
    fn apply(&self, input: &Normalized) -> Normalized {
        if self.rules.is_empty() {
            return input.clone();
        }
        let chars: Vec<(usize, char)> = input.text.char_indices().collect();
        let mut out = Normalized::default();
        let mut i = 0;
        'outer: while i < chars.len() {
            if let Some(list) = self.rules.get(&chars[i].1) {
                for (pat, rep) in list {
                    let n = pat.len();
                    if i + n <= chars.len()
                        && chars[i..i + n].iter().map(|c| c.1).eq(pat.iter().copied())
                    {
                        let start = chars[i].0;
                        let end = chars.get(i + n).map(|c| c.0).unwrap_or(input.text.len());
                        let orig = input.original_range(start, end);
                        out.push(rep, orig);
                        i += n;
                        continue 'outer;
                    }
                }
            }
            let start = chars[i].0;
            let end = chars.get(i + 1).map(|c| c.0).unwrap_or(input.text.len());
            let o = input.origin[start];
            out.push(&input.text[start..end], (o.0 as usize, o.1 as usize));
            i += 1;
        }
        out
    }
}

/// Width folding, lowercasing and iteration marks, without variant folding.
pub fn fold_chars(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        origin: Vec::with_capacity(text.len()),
    };
    let mut units = text.char_indices().peekable();
    let mut prev_kana: Option<char> = None;
    let mut buf = String::new();
    while let Some((start, c)) = units.next() {
        let mut end = start + c.len_utf8();
        // Fast path: a character that NFKC and lowercasing leave as it is
        // (most of Japanese text), with no mark composing with it.
        if is_stable(c) && !units.peek().is_some_and(|&(_, n)| is_composing_mark(n)) {
            prev_kana = Some(c).filter(|c| is_kana(*c));
            let mut utf8 = [0u8; 4];
            out.push(c.encode_utf8(&mut utf8), (start, end));
            continue;
        }
        // A unit is a character plus the marks that compose with it under NFKC
        // (combining marks, half-width and standalone voiced sound marks).
        buf.clear();
        buf.push(c);
        while let Some(&(i, n)) = units.peek() {
            if is_composing_mark(n) {
                buf.push(n);
                end = i + n.len_utf8();
                units.next();
            } else {
                break;
            }
        }
        let folded: String = buf.nfkc().flat_map(char::to_lowercase).collect();
        let folded = match folded.as_str() {
            "ゝ" | "ヽ" => prev_kana.map(String::from).unwrap_or(folded),
            "ゞ" | "ヾ" => prev_kana
                .and_then(voiced)
                .map(String::from)
                .unwrap_or(folded),
            _ => folded,
        };
        prev_kana = folded.chars().last().filter(|c| is_kana(*c));
        out.push(&folded, (start, end));
    }
    out
}

/// Characters that NFKC and lowercasing map to themselves and that are not
/// iteration marks: lowercase ASCII, digits and punctuation; hiragana and
/// katakana (ゝゞヽヾ excluded); the prolonged sound mark; CJK unified
/// ideographs; 、。「」. Checked against the full path by a test.
fn is_stable(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{40}' | '\u{5B}'..='\u{7E}'
        | '\u{3001}'..='\u{3002}' | '\u{300C}'..='\u{300D}'
        | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'
        | '\u{4E00}'..='\u{9FFF}')
}

fn is_composing_mark(c: char) -> bool {
    matches!(
        c,
        '\u{FF9E}' | '\u{FF9F}' | '\u{3099}' | '\u{309A}' | '\u{309B}' | '\u{309C}'
    ) || canonical_combining_class(c) != 0
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}')
}

fn voiced(c: char) -> Option<char> {
    let s: String = [c, '\u{3099}'].iter().collect::<String>().nfc().collect();
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(v), None) => Some(v),
        _ => None,
    }
}

/// The whole character filter: width folding, lowercase, iteration marks, variants.
pub fn normalize(text: &str, variants: &Variants) -> Normalized {
    variants.apply(&fold_chars(text))
}

/// Hiragana → katakana (other characters unchanged): readings are katakana.
pub fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// True when `s` is written in kana (and the prolonged sound mark) only.
pub fn is_kana_only(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if !(is_kana(c) || c == 'ー' || c == '・') {
            return false;
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Variants {
        Variants::parse("障がい\t障害\n子供\t子ども\nこども\t子ども\n").unwrap()
    }

    #[test]
    fn width_folds_with_offsets_on_the_original() {
        let text = "ＤＶ相談";
        let n = normalize(text, &table());
        assert_eq!(n.text, "dv相談");
        let (s, e) = n.original_range(0, 2);
        assert_eq!(&text[s..e], "ＤＶ");
    }

    #[test]
    fn half_width_katakana_composes() {
        let n = normalize("ｹﾞｰﾄｷｰﾊﾟｰ", &table());
        assert_eq!(n.text, "ゲートキーパー");
        assert_eq!(n.original_range(0, n.text.len()), (0, "ｹﾞｰﾄｷｰﾊﾟｰ".len()));
    }

    #[test]
    fn variants_fold_and_map_back() {
        let text = "障がい者の子供";
        let n = normalize(text, &table());
        assert_eq!(n.text, "障害者の子ども");
        let at = n.text.find("子ども").unwrap();
        let (s, e) = n.original_range(at, at + "子ども".len());
        assert_eq!(&text[s..e], "子供");
    }

    #[test]
    fn iteration_marks_expand() {
        assert_eq!(normalize("いすゞ", &table()).text, "いすず");
        assert_eq!(normalize("こゝろ", &table()).text, "こころ");
    }

    #[test]
    fn fast_path_characters_fold_to_themselves() {
        let ranges = [
            0x20..=0x7E,
            0x3001..=0x3002,
            0x300C..=0x300D,
            0x3041..=0x3096,
            0x30A1..=0x30FA,
            0x30FC..=0x30FC,
            0x4E00..=0x9FFF,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let slow: String = c.to_string().nfkc().flat_map(char::to_lowercase).collect();
            assert_eq!(
                is_stable(c),
                slow == c.to_string(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
        // a stable character followed by a composing mark still composes
        assert_eq!(fold_chars("ｶﾞか\u{3099}").text, "ガが");
        assert_eq!(fold_chars("ABC").text, "abc");
    }

    /// The character filter without the fast path (every character through
    /// NFKC): the reference the fast path must agree with.
    fn fold_chars_reference(text: &str) -> Normalized {
        let mut out = Normalized::default();
        let mut units = text.char_indices().peekable();
        let mut prev_kana: Option<char> = None;
        while let Some((start, c)) = units.next() {
            let mut end = start + c.len_utf8();
            let mut buf = c.to_string();
            while let Some(&(i, n)) = units.peek() {
                if is_composing_mark(n) {
                    buf.push(n);
                    end = i + n.len_utf8();
                    units.next();
                } else {
                    break;
                }
            }
            let folded: String = buf.nfkc().flat_map(char::to_lowercase).collect();
            let folded = match folded.as_str() {
                "ゝ" | "ヽ" => prev_kana.map(String::from).unwrap_or(folded),
                "ゞ" | "ヾ" => prev_kana
                    .and_then(voiced)
                    .map(String::from)
                    .unwrap_or(folded),
                _ => folded,
            };
            prev_kana = folded.chars().last().filter(|c| is_kana(*c));
            out.push(&folded, (start, end));
        }
        out
    }

    #[test]
    fn fast_path_matches_the_reference_on_the_seed_documents() {
        let docs = [
            include_str!("../../../../seeds/000_4903324de63901ba.txt"),
            include_str!("../../../../seeds/001_3019fdeaee17b331.txt"),
            include_str!("../../../../seeds/002_da4c46357eda9c6e.txt"),
            include_str!("../../../../seeds/003_fcd6886f924c1359.txt"),
            include_str!("../../../../seeds/004_71f84778f0d072b8.txt"),
            "ＤＶ相談 ｹﾞｰﾄｷｰﾊﾟｰ いすゞ こゝろ ヽヾ カ\u{3099} Ⅲ ㈱ ①　全角スペース Straße",
        ];
        for doc in docs {
            let (fast, slow) = (fold_chars(doc), fold_chars_reference(doc));
            assert_eq!(fast.text, slow.text);
            assert_eq!(fast.origin, slow.origin);
        }
    }

    #[test]
    fn kana_helpers() {
        assert_eq!(to_katakana("みんせいいいん"), "ミンセイイイン");
        assert!(is_kana_only("げーときーぱー"));
        assert!(!is_kana_only("民生委員"));
    }
}
