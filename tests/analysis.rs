//! The Japanese analysis pipeline on sentences from the real documents:
//! each behaviour listed under "Japanese analysis — what must hold" in DESIGN.md.

use shisaku::analysis::{self, Analyzer, bigrams, is_kana_only, reading_bigrams};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, TantivyDocument, doc};

fn terms(text: &str) -> Vec<String> {
    Analyzer::shared().terms(text)
}

/// True when `needle` occurs as a contiguous run inside `hay`.
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn width_folding_makes_dv_one_term() {
    // 003: "一体的なＤＶ被害者への支援を行うため"
    let full = terms("一体的なＤＶ被害者への支援を行うため");
    let half = terms("一体的なDV被害者への支援を行うため");
    let lower = terms("一体的なｄｖ被害者への支援を行うため");
    assert_eq!(full, half);
    assert_eq!(full, lower);
    assert!(full.contains(&"dv".to_string()), "{full:?}");
}

#[test]
fn half_width_katakana_and_full_width_digits_fold() {
    assert_eq!(terms("ｹﾞｰﾄｷｰﾊﾟｰ"), terms("ゲートキーパー"));
    // 003: 「教育１１０番」による電話相談
    let t = terms("「教育１１０番」による電話相談");
    assert!(t.contains(&"110".to_string()), "{t:?}");
    assert_eq!(t, terms("「教育110番」による電話相談"));
}

#[test]
fn orthographic_variants_fold_at_index_and_query_time() {
    // 000 L5 writes 精神障害者 and the department 障がい者支援部.
    assert_eq!(terms("障がい者支援部"), terms("障害者支援部"));
    assert_eq!(terms("障碍者"), terms("障害者"));
    assert_eq!(terms("子供"), terms("子ども"));
    assert_eq!(terms("こども課"), terms("子ども課"));
    assert_eq!(terms("引きこもり対策"), terms("ひきこもり対策"));
    assert_eq!(terms("取組み"), terms("取組"));
    assert_eq!(terms("取り組み内容"), terms("取組内容"));
    // 003 L860 チエック vs L869 チェック
    assert_eq!(terms("チエックシート"), terms("チェックシート"));
}

#[test]
fn particles_auxiliaries_and_symbols_are_not_indexed() {
    let tokens = Analyzer::shared().analyze("民生委員・児童委員が自殺予防に対する意識を高め、");
    let stopped: Vec<&str> = tokens
        .iter()
        .filter(|t| t.stop)
        .map(|t| t.surface.as_str())
        .collect();
    assert!(stopped.contains(&"が"), "{stopped:?}");
    assert!(stopped.contains(&"を"), "{stopped:?}");
    assert!(stopped.contains(&"・"), "{stopped:?}");
    assert!(stopped.contains(&"、"), "{stopped:?}");
    let kept = terms("民生委員・児童委員が自殺予防に対する意識を高め、");
    assert!(
        kept.contains(&"民生委員".to_string()) && kept.contains(&"意識".to_string()),
        "{kept:?}"
    );
    // the full 4-level tag is what is compared
    let ga = tokens.iter().find(|t| t.surface == "が").unwrap();
    assert_eq!(ga.pos, "助詞,格助詞,一般,*");
}

#[test]
fn offsets_fall_on_the_original_text() {
    let text = "一体的なＤＶ被害者への支援、ｹﾞｰﾄｷｰﾊﾟｰと障がい者";
    for t in Analyzer::shared().analyze(text) {
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?}"
        );
        assert_eq!(&text[t.start..t.end], t.surface);
    }
    let dv = Analyzer::shared()
        .analyze(text)
        .into_iter()
        .find(|t| t.term == "dv")
        .unwrap();
    assert_eq!(dv.surface, "ＤＶ");
}

#[test]
fn user_dictionary_keeps_policy_terms_whole_and_indexes_their_parts() {
    let tokens = Analyzer::shared()
        .analyze("民生委員・児童委員に対する研修、ゲートキーパー養成講座、地域包括支援センター");
    let minsei = tokens
        .iter()
        .find(|t| t.term == "民生委員")
        .expect("民生委員 is one word");
    assert!(minsei.user_word);
    assert_eq!(minsei.parts, vec!["民生", "委員"]);
    assert_eq!(minsei.reading, "ミンセイイイン");
    assert!(tokens.iter().any(|t| t.term == "ゲートキーパー"));
    assert!(tokens.iter().any(|t| t.term == "地域包括支援センター"));
    for w in [
        "ささえりあ",
        "ヤングケアラー",
        "成年後見",
        "自死遺族",
        "協働",
        "児童委員",
    ] {
        let t = Analyzer::shared().analyze(w);
        assert_eq!(t.len(), 1, "{w} should be one token: {t:?}");
        assert!(t[0].user_word, "{w}");
    }
}

#[test]
fn user_words_do_not_mis_tag_their_neighbours() {
    // With context id 0 the particle after a user word came out as a noun.
    let tokens = Analyzer::shared().analyze("ゲートキーパーの養成を行う");
    let no = tokens.iter().find(|t| t.surface == "の").unwrap();
    assert!(no.pos.starts_with("助詞"), "{no:?}");
    assert!(no.stop);
}

#[test]
fn synonyms_come_from_the_table() {
    let syn = Analyzer::shared().synonyms();
    let alts = syn.alternatives(&terms("DV"));
    assert!(alts.contains(&terms("配偶者暴力")), "{alts:?}");
    assert!(
        alts.contains(&terms("ドメスティック・バイオレンス")),
        "{alts:?}"
    );
    assert!(syn.alternatives(&terms("自死")).contains(&terms("自殺")));
    assert!(
        syn.alternatives(&terms("ＬＧＢＴ"))
            .contains(&terms("性的マイノリティ"))
    );
    assert!(syn.alternatives(&terms("研修")).is_empty());
}

#[test]
fn compound_query_terms_are_a_run_in_longer_titles() {
    let q = terms("ゲートキーパー養成");
    assert!(contains_run(&terms("ゲートキーパー養成研修会"), &q));
    assert!(contains_run(
        &terms("市職員を対象としたゲートキーパー養成講座"),
        &q
    ));
}

#[test]
fn bigram_fallback_covers_words_nobody_listed() {
    // 004: 「重層的支援体制整備事業」が創設されたほか
    let doc = bigrams(
        Analyzer::shared(),
        "包括的な支援体制を整備するための方策として「重層的支援体制整備事業」が創設された",
    );
    assert!(contains_run(
        &doc,
        &bigrams(Analyzer::shared(), "体制整備事業")
    ));
    // 委員 reaches 民生委員 through the bigram field as well as the parts
    assert!(contains_run(
        &bigrams(Analyzer::shared(), "民生委員・児童委員"),
        &bigrams(Analyzer::shared(), "委員")
    ));
    // bigrams never span punctuation
    assert!(!bigrams(Analyzer::shared(), "支援、研修").contains(&"援研".to_string()));
}

#[test]
fn kana_queries_reach_kanji_and_katakana_through_readings() {
    assert!(is_kana_only("みんせいいいん"));
    let mut tok = analysis::ReadingTokenizer::new(Analyzer::shared());
    let mut doc = Vec::new();
    let mut s =
        tantivy::tokenizer::Tokenizer::token_stream(&mut tok, "民生委員・児童委員に対する研修");
    while s.advance() {
        doc.push(s.token().text.clone());
    }
    assert!(
        contains_run(&doc, &reading_bigrams("みんせいいいん")),
        "{doc:?}"
    );
    let mut doc2 = Vec::new();
    let mut s = tantivy::tokenizer::Tokenizer::token_stream(
        &mut tok,
        "市職員を対象としたゲートキーパー養成講座",
    );
    while s.advance() {
        doc2.push(s.token().text.clone());
    }
    assert!(contains_run(&doc2, &reading_bigrams("げーときーぱー")));
}

/// A small tantivy index using the registered analyzers, as the real index does.
fn tiny_index(texts: &[&str]) -> (Index, tantivy::schema::Field) {
    let mut builder = Schema::builder();
    let opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::WORD)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let body = builder.add_text_field("body", opts | STORED);
    let index = Index::create_in_ram(builder.build());
    analysis::register(index.tokenizers());
    let mut writer = index.writer(15_000_000).unwrap();
    for t in texts {
        writer.add_document(doc!(body => *t)).unwrap();
    }
    writer.commit().unwrap();
    (index, body)
}

#[test]
fn index_time_and_query_time_analysis_agree() {
    let texts = [
        "一体的なＤＶ被害者への支援を行うため、関係課の",
        "精神疾患を有する者で、精神障がいのため継続的な通院医療を要する者への医療費を一部助成する",
        "民生委員・児童委員が自殺予防に対する意識を高め、",
    ];
    let (index, body) = tiny_index(&texts);
    // the field's tokenizer is the pipeline itself
    let mut analyzer = index.tokenizer_for_field(body).unwrap();
    for t in texts {
        let mut stream = analyzer.token_stream(t);
        let mut from_index = Vec::new();
        while stream.advance() {
            from_index.push(stream.token().text.clone());
        }
        let expected: Vec<String> = Analyzer::shared()
            .analyze(t)
            .into_iter()
            .filter(|x| !x.stop)
            .flat_map(|x| {
                let mut v: Vec<String> =
                    x.parts.iter().filter(|p| **p != x.term).cloned().collect();
                v.push(x.term);
                v
            })
            .collect();
        assert_eq!(from_index, expected);
    }
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let parser = QueryParser::for_index(&index, vec![body]);
    for (q, want) in [("ｄｖ", 0), ("障害", 1), ("委員", 2), ("民生委員", 2)] {
        let query = parser.parse_query(q).unwrap();
        let hits = searcher
            .search(&query, &TopDocs::with_limit(3).order_by_score())
            .unwrap();
        assert_eq!(hits.len(), 1, "{q}");
        let d: TantivyDocument = searcher.doc(hits[0].1).unwrap();
        assert_eq!(
            d.get_first(body).and_then(|v| v.as_str()),
            Some(texts[want]),
            "{q}"
        );
    }
}

#[test]
fn highlights_land_on_the_original_characters() {
    let text = "令和3年2月にＤＶ対策庁内連絡会議を書面にて開催し";
    let (index, body) = tiny_index(&[text]);
    let searcher = index.reader().unwrap().searcher();
    let query = QueryParser::for_index(&index, vec![body])
        .parse_query("dv")
        .unwrap();
    let generator = SnippetGenerator::create(&searcher, &*query, body).unwrap();
    let snippet = generator.snippet(text);
    let marked: Vec<&str> = snippet
        .highlighted()
        .iter()
        .map(|r| &snippet.fragment()[r.clone()])
        .collect();
    assert_eq!(marked, vec!["ＤＶ"]);
}
