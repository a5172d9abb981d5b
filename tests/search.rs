//! Search on the real documents: analysis behaviour as users meet it, the
//! query language, facets, sorting, pagination and snippets.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use shisaku::engine::Engine;
use shisaku::index::{FACETS, Facet};
use shisaku::model::{Level, Measure};
use shisaku::search::{MatchMode, SearchRequest, SearchResponse, Sort, parse_filter};

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::in_memory(common::corpus().measures.clone()).expect("engine"))
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.into(),
        limit: 100,
        ..SearchRequest::default()
    }
}

fn run(r: &SearchRequest) -> SearchResponse {
    engine()
        .search(r)
        .unwrap_or_else(|e| panic!("{:?}: {e}", r.q))
}

fn search(q: &str) -> SearchResponse {
    run(&req(q))
}

fn ids(r: &SearchResponse) -> Vec<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

/// Position of the record at `file:line` in the hits, if present.
fn rank(r: &SearchResponse, file: &str, line: usize) -> Option<usize> {
    r.hits
        .iter()
        .position(|h| h.source.file.starts_with(file) && h.source.line == line)
}

#[test]
fn width_variants_find_the_same_measures() {
    let full = search("ＤＶ");
    assert!(full.total >= 10, "{}", full.total);
    assert_eq!(ids(&full), ids(&search("DV")));
    assert_eq!(ids(&full), ids(&search("ｄｖ")));
    // 003 prints ＤＶ相談 in full width, 001 prints DV対策… in half width
    assert!(rank(&full, "003", 1084).is_some() && rank(&full, "001", 53).is_some());
    let kata = search("ｹﾞｰﾄｷｰﾊﾟｰ");
    assert!(rank(&kata, "001", 11).is_some(), "ゲートキーパー養成研修会");
    // 003 prints 教育１１０番 in full-width digits: the half-width query finds
    // its heading first, as the full-width one does
    let digits = search("教育110番");
    assert_eq!(rank(&digits, "003", 2559), Some(0), "{:?}", ids(&digits));
    assert_eq!(ids(&digits), ids(&search("教育１１０番")));
}

#[test]
fn orthographic_variants_fold() {
    // 000 prints 障がい者虐待防止対策; the query uses 障害者
    let r = search("障害者虐待");
    assert!(rank(&r, "000", 13).is_some());
    assert!(rank(&r, "003", 1763).is_some());
    // 引きこもり never occurs; ひきこもり does
    let kanji = search("引きこもり");
    assert_eq!(ids(&kanji), ids(&search("ひきこもり")));
    assert!(kanji.total >= 3, "{}", kanji.total);
    let writes = |id: &str| {
        common::corpus()
            .measures
            .iter()
            .find(|m| m.id == id)
            .is_some_and(|m| format!("{} {}", m.title, m.content).contains("ひきこもり"))
    };
    assert!(
        kanji.hits.first().is_some_and(|h| writes(&h.id)),
        "the first hit writes ひきこもり: {:?}",
        ids(&kanji)
    );
}

#[test]
fn synonyms_expand_and_can_be_switched_off() {
    let on = search("配偶者暴力");
    assert!(
        rank(&on, "003", 1084).is_some(),
        "ＤＶ相談 via DV ⇄ 配偶者暴力"
    );
    assert!(!on.expansions.is_empty());
    let off = run(&SearchRequest {
        synonyms: false,
        ..req("配偶者暴力")
    });
    assert!(off.expansions.is_empty());
    assert!(rank(&off, "003", 1084).is_none());
    assert!(off.total < on.total);
}

#[test]
fn compounds_rank_whole_words_first_but_parts_still_match() {
    let minsei = search("民生委員");
    let iin = search("委員");
    assert!(iin.total > minsei.total);
    for id in ids(&minsei).iter().take(5) {
        assert!(ids(&iin).contains(id), "委員 finds {id}");
    }
    // every top hit of 民生委員 says 民生委員 in its title or content
    for h in minsei.hits.iter().take(10) {
        let m = engine().measure(&h.id).unwrap();
        assert!(
            format!("{}{}", m.title, m.content).contains("民生委員"),
            "{}",
            m.title
        );
    }
    let gk = search("ゲートキーパー養成");
    assert!(rank(&gk, "001", 11).is_some(), "ゲートキーパー養成研修会");
    assert!(
        rank(&gk, "003", 262).is_some(),
        "市職員を対象としたゲートキーパー養成講座"
    );
}

#[test]
fn words_nobody_listed_are_found() {
    for q in [
        "協働",
        "ヤングケアラー",
        "重層的な支援",
        "夢もやい館",
        "サポートー",
    ] {
        // every record that writes the word is found
        let writing: Vec<&str> = common::corpus()
            .measures
            .iter()
            .filter(|m| m.title.contains(q) || m.content.contains(q))
            .map(|m| m.id.as_str())
            .collect();
        assert!(!writing.is_empty(), "{q} is written in the seeds");
        let found = ids(&search(q));
        let missed: Vec<_> = writing
            .iter()
            .filter(|id| !found.iter().any(|f| f == *id))
            .collect();
        assert!(missed.is_empty(), "{q}: not found {missed:?}");
    }
}

#[test]
fn kana_queries_reach_kanji_and_katakana() {
    let r = search("みんせいいいん");
    assert!(r.total > 0);
    let m = engine().measure(&r.hits[0].id).unwrap();
    assert!(format!("{}{}", m.title, m.content).contains("民生委員"));
    assert!(rank(&search("げーときーぱー"), "001", 11).is_some());
}

/// Made-up measures whose content repeats the title, ids `tiny-<index>`.
fn tiny(titles: &[&str]) -> Engine {
    let ms = titles
        .iter()
        .enumerate()
        .map(|(i, t)| common::made_up(&format!("tiny-{i}"), 0, t, t))
        .collect();
    Engine::in_memory(ms).unwrap()
}

#[test]
fn bigram_matches_rank_below_word_matches_and_title_above_content() {
    let e = tiny(&["協議会議事録の公開", "連絡会議の開催"]);
    let r = e.search(&req("会議")).unwrap();
    assert_eq!(
        ids(&r),
        vec!["tiny-1", "tiny-0"],
        "word match first, bigram fallback after"
    );
    let a = common::made_up("in-title", 0, "相談窓口の周知", "リーフレットを配布する。");
    let b = common::made_up(
        "in-content",
        0,
        "リーフレットの配布",
        "相談窓口を案内する。",
    );
    let e = Engine::in_memory(vec![b, a]).unwrap();
    let r = e.search(&req("相談窓口")).unwrap();
    assert_eq!(ids(&r), vec!["in-title", "in-content"]);
}

#[test]
fn query_language() {
    let a = search("研修");
    let b = search("講座");
    let or = search("研修 OR 講座");
    assert!(or.total >= a.total.max(b.total) && or.total <= a.total + b.total);
    let and = search("研修 講座");
    assert!(and.total <= a.total.min(b.total));
    let not = search("研修 -講座");
    assert_eq!(not.total + and.total, a.total);
    let title_only = search("title:研修");
    assert!(title_only.total < a.total);
    for h in &title_only.hits {
        assert!(h.title.contains("研修"), "{}", h.title);
    }
    let phrase = search("\"早期発見\"");
    assert!(phrase.total > 0 && phrase.total <= search("早期 発見").total);
    let dept = search("department:福祉部");
    assert!(dept.total > 0);
    for h in &dept.hits {
        assert!(
            h.departments.iter().any(|d| d.contains("福祉部")),
            "{:?}",
            h.departments
        );
    }
    for bad in ["\"早期発見", "OR", "研修 OR", "colour:赤"] {
        assert!(engine().search(&req(bad)).is_err(), "{bad}");
    }
}

#[test]
fn facets_filter_and_count_disjunctively() {
    let all = search("相談");
    let kinds = &all.facets["plan_kind"];
    assert!(kinds.len() >= 2);
    let sp = run(&SearchRequest {
        filters: vec![parse_filter("plan_kind=suicide-prevention").unwrap()],
        ..req("相談")
    });
    let sp_count = kinds
        .iter()
        .find(|c| c.value == "suicide-prevention")
        .unwrap()
        .count as usize;
    assert_eq!(sp.total, sp_count);
    assert!(
        sp.hits
            .iter()
            .all(|h| h.plan.kind.as_str() == "suicide-prevention")
    );
    // the plan_kind facet still offers the other kinds with their counts
    assert_eq!(
        &sp.facets["plan_kind"].iter().map(|c| c.count).sum::<u64>(),
        &kinds.iter().map(|c| c.count).sum::<u64>()
    );
    assert!(sp.facets["plan_kind"].iter().any(|c| c.selected));
    // two values of one facet = OR; another facet = AND
    let two = run(&SearchRequest {
        filters: vec![
            parse_filter("municipality=熊本市").unwrap(),
            parse_filter("municipality=荒尾市").unwrap(),
        ],
        ..req("相談")
    });
    let munis = &all.facets["municipality"];
    let want: u64 = munis
        .iter()
        .filter(|c| c.value == "熊本市" || c.value == "荒尾市")
        .map(|c| c.count)
        .sum();
    assert_eq!(two.total as u64, want);
    let both = run(&SearchRequest {
        filters: vec![
            parse_filter("municipality=熊本市").unwrap(),
            parse_filter("level=project").unwrap(),
        ],
        ..req("相談")
    });
    assert!(
        both.hits
            .iter()
            .all(|h| h.plan.municipality == "熊本市" && h.level == Level::Project)
    );
    // fiscal years, written three ways
    for y in ["year=R2", "year=令和2年度", "year=2020"] {
        let f = parse_filter(y).unwrap();
        assert_eq!(f, (Facet::Year, "R2".to_string()));
    }
    let r2 = run(&SearchRequest {
        filters: vec![(Facet::Year, "R2".into())],
        ..req("")
    });
    assert!(r2.total > 50);
    for k in [
        "plan",
        "plan_kind",
        "municipality",
        "pillar",
        "department",
        "section",
        "level",
        "year",
        "status",
    ] {
        assert!(all.facets.contains_key(k), "facet {k}");
    }
    assert!(parse_filter("colour=red").is_err());
    // any kind id is a valid value (a plan may be of any kind); a label that is no kind is not
    assert!(parse_filter("plan_kind=sports").is_ok());
    assert!(parse_filter("plan_kind=スポーツ").is_err());
    assert_eq!(
        parse_filter("plan_kind=自殺対策").unwrap().1,
        "suicide-prevention"
    );
}

/// Every hit and facet count of a filtered search equals what the matching
/// records give when counted by hand: the query's matches without filters,
/// each record's own facet values, OR within a facet, AND across facets, and
/// a facet's own filter left out of its counts. Checks the collector's
/// per-document value table against the records themselves, on multi-valued
/// facets (departments, years, statuses) too.
#[test]
fn facet_counts_equal_counts_made_from_the_records() {
    let all_pages = |r: SearchRequest| {
        let mut hits = Vec::new();
        loop {
            let page = run(&SearchRequest {
                offset: hits.len(),
                ..r.clone()
            });
            let done = page.hits.is_empty();
            hits.extend(page.hits.into_iter().map(|h| h.id));
            if done {
                return (hits, page.total);
            }
        }
    };
    let q = "支援";
    let (matching, total) = all_pages(req(q));
    assert_eq!(matching.len(), total);
    assert!(total > 100, "{total} matches");
    let filters: Vec<(Facet, String)> = [
        "municipality=熊本市",
        "municipality=熊谷市",
        "year=R2",
        "department=健康福祉部",
        "department=福祉部",
    ]
    .iter()
    .map(|f| parse_filter(f).unwrap())
    .collect();
    let filtered = SearchRequest {
        filters: filters.clone(),
        ..req(q)
    };
    let passes = |m: &Measure, except: Option<Facet>| {
        FACETS.iter().filter(|f| Some(**f) != except).all(|f| {
            let wanted: Vec<&String> = filters
                .iter()
                .filter(|(g, _)| g == f)
                .map(|(_, v)| v)
                .collect();
            wanted.is_empty() || f.values(m).iter().any(|v| wanted.contains(&v))
        })
    };
    let records: Vec<&Measure> = matching
        .iter()
        .map(|id| engine().measure(id).unwrap())
        .collect();
    let mut want_hits: Vec<String> = records
        .iter()
        .filter(|m| passes(m, None))
        .map(|m| m.id.clone())
        .collect();
    let (mut got_hits, got_total) = all_pages(filtered.clone());
    assert_eq!(got_total, want_hits.len());
    assert!(
        got_total > 0,
        "the filters leave no hit: the check would be empty"
    );
    want_hits.sort();
    got_hits.sort();
    assert_eq!(got_hits, want_hits);
    let response = run(&filtered);
    for f in FACETS {
        let mut want: BTreeMap<String, u64> = BTreeMap::new();
        for m in records.iter().filter(|m| passes(m, Some(f))) {
            for v in f.values(m) {
                *want.entry(v).or_default() += 1;
            }
        }
        let got: BTreeMap<String, u64> = response.facets[f.key()]
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| (c.value.clone(), c.count))
            .collect();
        assert_eq!(got, want, "facet {}", f.key());
    }
}

#[test]
fn sorting_and_pagination() {
    let full = search("支援");
    let page2 = run(&SearchRequest {
        limit: 10,
        offset: 10,
        ..req("支援")
    });
    assert_eq!(ids(&page2), ids(&full)[10..20].to_vec());
    let doc = run(&SearchRequest {
        sort: Sort::Document,
        ..req("支援")
    });
    let keys: Vec<(String, usize)> = doc
        .hits
        .iter()
        .map(|h| (h.source.file.clone(), h.source.line))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let dept = run(&SearchRequest {
        sort: Sort::Department,
        ..req("支援")
    });
    let firsts: Vec<String> = dept
        .hits
        .iter()
        .map(|h| {
            h.departments
                .first()
                .cloned()
                .unwrap_or_else(|| "\u{10FFFF}".into())
        })
        .collect();
    let mut s = firsts.clone();
    s.sort();
    assert_eq!(firsts, s);
}

#[test]
fn hits_carry_provenance_and_escaped_merged_snippets() {
    let r = search("ゲートキーパー養成");
    let h = &r.hits[0];
    assert!(!h.id.is_empty() && h.source.line > 0 && !h.plan.name.is_empty());
    assert!(h.snippet.contains("<mark>"), "{}", h.snippet);
    assert!(
        !h.snippet.contains("</mark><mark>"),
        "adjacent marks merge: {}",
        h.snippet
    );
    assert!(
        h.snippet.chars().count() <= 160,
        "{}",
        h.snippet.chars().count()
    );
    // a title-only match still gets the start of the content
    let m = common::made_up(
        "x-1",
        0,
        "<script>alert(1)</script>研修",
        "\" onmouseover=\"alert(1) 内容の説明",
    );
    let e = Engine::in_memory(vec![m]).unwrap();
    let r = e.search(&req("研修")).unwrap();
    let h = &r.hits[0];
    assert_eq!(
        h.title_html,
        "&lt;script&gt;alert(1)&lt;/script&gt;<mark>研修</mark>"
    );
    assert_eq!(h.snippet, "&quot; onmouseover=&quot;alert(1) 内容の説明");
}

#[test]
fn a_hit_marks_the_terms_of_each_query_when_its_analysis_is_reused() {
    // the second and third searches answer from the analyzed-text cache of
    // the same document: the marks must still follow each query
    let m = common::made_up(
        "cached",
        0,
        "民生委員の研修",
        "  民生委員・児童委員を対象にゲートキーパー研修を行う。",
    );
    let e = Engine::in_memory(vec![m]).unwrap();
    for (q, mark) in [
        ("研修", "<mark>研修</mark>"),
        ("ゲートキーパー", "<mark>ゲートキーパー</mark>"),
        ("研修", "<mark>研修</mark>"),
    ] {
        let r = e.search(&req(q)).unwrap();
        let h = &r.hits[0];
        assert!(h.snippet.contains(mark), "{q}: {}", h.snippet);
        assert_eq!(h.snippet.matches("<mark>").count(), 1, "{q}: {}", h.snippet);
        assert!(h.snippet.starts_with("民生委員"), "trimmed: {}", h.snippet);
    }
}

/// Every hit shows why it matched: a `<mark>` in its title or its snippet,
/// whichever field the match is in (content, progress text, department…).
#[test]
fn every_hit_shows_a_mark() {
    let queries = [
        "障がい者 就労",
        "ひきこもり",
        "DV",
        "ＤＶ相談",
        "相談窓口",
        "民生委員",
        "ゲートキーパー",
        "高齢者 見守り",
        "子ども 貧困",
        "早期就労",
        "発達障害",
        "自殺予防 啓発",
        "成年後見",
        "げーときーぱー",
        "女性 登用",
    ];
    for q in queries {
        let r = search(q);
        assert!(r.total > 0, "{q}: no hits");
        for h in &r.hits {
            assert!(
                h.title_html.contains("<mark>") || h.snippet.contains("<mark>"),
                "{q}: hit {} ({}) shows no mark: {} / {}",
                h.id,
                h.title,
                h.title_html,
                h.snippet
            );
        }
    }
    let filtered = run(&SearchRequest {
        filters: vec![
            parse_filter("municipality=熊本市").unwrap(),
            parse_filter("plan_kind=suicide-prevention").unwrap(),
        ],
        sort: Sort::Department,
        ..req("DV")
    });
    for h in &filtered.hits {
        assert!(
            h.title_html.contains("<mark>") || h.snippet.contains("<mark>"),
            "DV (熊本市): {} shows no mark",
            h.title
        );
    }
}

/// A match only in a year's progress text is shown from that text, named.
#[test]
fn a_match_in_progress_text_is_shown_with_its_field() {
    let r = search("障がい者 就労");
    let h = r
        .hits
        .iter()
        .find(|h| h.title == "生活困窮者及びその家族等に対する相談の実施")
        .expect("the 荒尾市 measure whose progress text names 発達障害 and 早期就労");
    let field = h
        .snippet_field
        .as_deref()
        .expect("snippet from another field");
    assert!(field.contains("令和5年度"), "{field}");
    assert!(h.snippet.contains("<mark>就労</mark>"), "{}", h.snippet);
    // the content's own match is preferred: no field named then
    let r = search("ゲートキーパー");
    assert!(r.hits.iter().any(|h| h.snippet_field.is_none()));
}

/// A synonym's one-character parts (者, 等) are marked only inside the
/// whole synonym, never alone.
#[test]
fn synonym_parts_do_not_mark_single_characters() {
    for q in ["DV", "障がい者", "ＤＶ被害者"] {
        for h in &search(q).hits {
            for html in [&h.title_html, &h.snippet] {
                for mark in html.split("<mark>").skip(1) {
                    let marked = mark.split("</mark>").next().unwrap_or("");
                    assert!(
                        marked.chars().count() >= 2,
                        "{q}: {} marks a single character: {html}",
                        h.title
                    );
                }
            }
        }
    }
    let r = search("DV");
    let h = r
        .hits
        .iter()
        .find(|h| h.snippet.contains("配偶者等からの暴力"))
        .expect("a DV hit printing 配偶者等からの暴力");
    assert!(
        h.snippet.contains("<mark>配偶者等からの暴力</mark>"),
        "{}",
        h.snippet
    );
    assert!(
        !h.snippet.contains("関係機関<mark>等</mark>"),
        "{}",
        h.snippet
    );
    // 女性に対する暴力をなくす運動 matched DV in its progress text: that is
    // what is shown, not 暴力 (a part of the synonym 配偶者暴力) in its title
    let h = r
        .hits
        .iter()
        .find(|h| h.title == "女性に対する暴力をなくす運動")
        .expect("the 熊本市 measure whose progress text names DV");
    assert!(!h.title_html.contains("<mark>"), "{}", h.title_html);
    assert!(h.snippet.contains("<mark>DV</mark>"), "{}", h.snippet);
    assert!(h.snippet_field.is_some());
}

/// Provenance names the document (its manifest description), not only the file.
#[test]
fn hits_name_their_document() {
    let r = search("民生委員");
    for h in &r.hits {
        let doc = h.source.document.as_deref().expect("document description");
        assert!(doc.contains("計画"), "{doc}");
    }
}

/// `title:` with nothing after it is a syntax error, not a search for "title".
#[test]
fn a_field_without_a_word_is_an_error() {
    for q in ["title:", "研修 content:", "department: 福祉"] {
        let err = engine().search(&req(q)).err();
        assert!(err.is_some(), "{q:?} should be rejected");
    }
}

/// Facet values are counted in one form: `基本施策４　…` (熊谷, full width)
/// and `基本施策4 …` (熊本) are one value, and a filter with either finds both.
#[test]
fn facet_values_fold_width_spacing_and_numbering() {
    let all = search("");
    let pillars: Vec<&str> = all.facets["pillar"]
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert!(
        pillars.contains(&"基本施策4 生きることの促進要因への支援"),
        "{pillars:?}"
    );
    for p in &pillars {
        assert!(
            !p.contains('\u{3000}') && !p.chars().any(|c| ('０'..='９').contains(&c)),
            "printed width in a facet value: {p}"
        );
    }
    let by = |v: &str| {
        run(&SearchRequest {
            filters: vec![parse_filter(&format!("pillar={v}")).unwrap()],
            ..req("")
        })
    };
    let full = by("基本施策４　生きることの促進要因への支援");
    let half = by("基本施策4 生きることの促進要因への支援");
    assert_eq!(ids(&full), ids(&half));
    let cities: std::collections::BTreeSet<&str> = full
        .hits
        .iter()
        .map(|h| h.plan.municipality.as_str())
        .collect();
    assert_eq!(cities.len(), 2, "熊本市 and 熊谷市: {cities:?}");
    // the record keeps the printed form
    assert!(full.hits.iter().any(|h| h.path[0].contains('４')));
}

/// The status facet is a small set of statuses read from what the documents
/// print (grades, 取組状況, short verdicts, achievement percentages).
#[test]
fn status_facet_groups_free_text() {
    let all = search("");
    let statuses: Vec<&str> = all.facets["status"]
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    for s in &statuses {
        assert!(
            shisaku::index::values::STATUSES.contains(s),
            "free text in the status facet: {s}"
        );
    }
    for s in ["実施済", "未実施", "中止", "評価A", "評価B", "評価C"] {
        assert!(statuses.contains(&s), "{s} missing: {statuses:?}");
    }
    // a filter with the printed grade still works
    let a = run(&SearchRequest {
        filters: vec![parse_filter("status=A").unwrap()],
        ..req("")
    });
    assert_eq!(a.total, 25);
}

/// The welfare plan's implementing bodies are a facet of their own.
#[test]
fn implementing_bodies_are_a_facet() {
    let all = search("");
    let bodies: Vec<&str> = all.facets["body"]
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    for b in [
        "市",
        "市社協",
        "民生委員",
        "校区社協",
        "地域団体等",
        "地域住民",
    ] {
        assert!(bodies.contains(&b), "{b}: {bodies:?}");
    }
    let r = run(&SearchRequest {
        filters: vec![parse_filter("body=民生委員").unwrap()],
        ..req("")
    });
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.plan.id == "kumamoto-welfare"));
}

/// Sort by plan groups the plans in name order; sort by year puts the
/// newest fiscal year first and records with no year last; sort by
/// department keeps the records naming no department (last).
#[test]
fn sort_by_plan_year_and_department_keeps_every_record() {
    let all = search("").total;
    let every = |sort: Sort| {
        let mut hits = Vec::new();
        let mut offset = 0;
        loop {
            let r = run(&SearchRequest {
                sort,
                limit: 100,
                offset,
                ..req("")
            });
            if r.hits.is_empty() {
                break;
            }
            offset += r.hits.len();
            hits.extend(r.hits);
        }
        hits
    };
    let by_plan = every(Sort::Plan);
    assert_eq!(by_plan.len(), all);
    let names: Vec<&str> = by_plan.iter().map(|h| h.plan.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let by_year = every(Sort::Year);
    assert_eq!(by_year.len(), all);
    let first = engine().measure(&by_year[0].id).unwrap();
    assert!(
        first.progress.iter().any(|p| p.fiscal_year == "R5"),
        "{:?}",
        first.progress
    );
    let last = engine().measure(&by_year[all - 1].id).unwrap();
    assert!(last.progress.is_empty());
    let by_dept = every(Sort::Department);
    assert_eq!(by_dept.len(), all);
    assert!(by_dept.last().unwrap().departments.is_empty());
}

/// `q` with every word required (no partial matches).
fn strict(q: &str) -> SearchResponse {
    run(&SearchRequest {
        match_mode: MatchMode::All,
        ..req(q)
    })
}

/// The measure of a hit, from the corpus.
fn measure(id: &str) -> &'static Measure {
    common::corpus()
        .measures
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the corpus"))
}

/// The analyzed word terms of every searchable text of a measure.
fn terms_of(m: &Measure) -> std::collections::HashSet<String> {
    let a = shisaku::analysis::Analyzer::shared();
    let mut texts: Vec<&str> = vec![&m.title, &m.content];
    texts.extend(
        m.departments
            .iter()
            .chain(&m.sections)
            .chain(&m.path)
            .map(String::as_str),
    );
    for p in &m.progress {
        texts.extend(
            [&p.status, &p.evaluation, &p.next_plan, &p.issues]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
    }
    texts.extend(m.indicators.iter().map(|i| i.name.as_str()));
    texts.into_iter().flat_map(|t| a.terms(t)).collect()
}

#[test]
fn a_multi_word_query_nobody_wrote_verbatim_gets_partial_matches() {
    let q = "若者 就職 相談";
    let all = strict(q);
    assert_eq!((all.total, all.strict_total, all.relaxed), (0, 0, false));
    assert!(all.hits.is_empty(), "match=all keeps the strict AND");

    let auto = search(q);
    assert!(auto.relaxed, "no measure holds all three words");
    assert_eq!(auto.strict_total, 0);
    assert!(auto.total >= 10 && auto.hits.len() >= 10, "{}", auto.total);
    let words = ["若者", "就職", "相談"];
    let held = |id: &str| {
        let t = terms_of(measure(id));
        words.iter().filter(|w| t.contains(**w)).count()
    };
    for h in &auto.hits {
        assert!(held(&h.id) >= 1, "{} holds none of the words", h.title);
    }
    // the best partial match holds two of the three words (若者 and 相談 at
    // least occur together in one measure), ahead of measures holding one
    assert!(held(&auto.hits[0].id) >= 2, "{}", auto.hits[0].title);
    // the facets count the same measures as the total
    let plans: u64 = auto.facets["plan"].iter().map(|c| c.count).sum();
    assert_eq!(plans as usize, auto.total);
}

#[test]
fn strict_hits_come_first_and_partial_matches_follow() {
    let q = "自殺 予防 教育 学校";
    let all = strict(q);
    assert!(
        (1..10).contains(&all.total),
        "a query with a few strict hits: {}",
        all.total
    );
    let auto = search(q);
    assert!(auto.relaxed);
    assert_eq!(auto.strict_total, all.total);
    assert_eq!(ids(&auto)[..all.total], ids(&all)[..]);
    assert!(auto.total > all.total);
    // a query with enough strict hits is not relaxed
    let many = search("自殺 対策");
    assert!(!many.relaxed && many.total == many.strict_total && many.total >= 10);
}

#[test]
fn phrases_exclusions_and_filters_keep_their_strict_meaning() {
    let phrase = search("\"若者\" 就職 相談");
    assert!(phrase.relaxed && !phrase.hits.is_empty());
    for h in &phrase.hits {
        assert!(terms_of(measure(&h.id)).contains("若者"), "{}", h.title);
    }

    let excluded = search("若者 就職 相談 -電話");
    assert!(excluded.relaxed && !excluded.hits.is_empty());
    let phone: std::collections::HashSet<String> = ids(&strict("電話")).into_iter().collect();
    assert!(!phone.is_empty());
    let plain = search("若者 就職 相談");
    assert!(ids(&plain).iter().any(|id| phone.contains(id)));
    assert!(ids(&excluded).iter().all(|id| !phone.contains(id)));

    let kumamoto = run(&SearchRequest {
        filters: vec![parse_filter("municipality=熊本市").unwrap()],
        ..req("若者 就職 相談")
    });
    assert!(kumamoto.relaxed && !kumamoto.hits.is_empty());
    assert!(
        kumamoto
            .hits
            .iter()
            .all(|h| h.plan.municipality == "熊本市")
    );
}

#[test]
fn a_one_word_query_the_dictionary_splits_relaxes_over_its_parts() {
    let q = "アルコール依存症";
    assert_eq!(strict(q).total, 0);
    let auto = search(q);
    assert!(auto.relaxed && !auto.hits.is_empty());
    assert!(
        auto.hits[0].title.contains("依存症"),
        "the rare part ranks first: {}",
        auto.hits[0].title
    );
}

#[test]
fn spelling_variants_give_the_same_top_five() {
    let groups: &[&[&str]] = &[
        &["ＤＶ", "DV", "ｄｖ"],
        &["障害", "障がい"],
        &["子供", "子ども"],
        &["ひきこもり", "引きこもり"],
        &["取組", "取り組み"],
    ];
    for g in groups {
        let first = search(g[0]);
        assert!(first.hits.len() >= 5, "{}: {}", g[0], first.total);
        let top: Vec<String> = ids(&first).into_iter().take(5).collect();
        for v in &g[1..] {
            let other: Vec<String> = ids(&search(v)).into_iter().take(5).collect();
            assert_eq!(other, top, "{v} against {}", g[0]);
        }
    }
}

#[test]
fn a_thesaurus_spelling_not_in_the_hand_table_folds() {
    let variants = include_str!("../dictionaries/variants.tsv");
    assert!(
        !variants.contains("苛め"),
        "the fold comes from the Sudachi thesaurus"
    );
    let a = shisaku::analysis::Analyzer::shared();
    assert_eq!(a.terms("苛め"), a.terms("いじめ"));
    assert!(a.thesaurus().fold_len() > 1000);
    // the same measures; a kana query also matches by reading, so scores differ
    let set = |q: &str| {
        ids(&search(q))
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert!(!set("苛め").is_empty());
    assert_eq!(set("苛め"), set("いじめ"));
    assert_eq!(set("虐め"), set("いじめ"));
}

#[test]
fn thesaurus_words_expand_below_the_word_typed_and_switch_off() {
    let on = search("住居");
    let words: Vec<&str> = on
        .expansions
        .iter()
        .flat_map(|e| e.synonyms.iter().map(String::as_str))
        .collect();
    assert!(
        words.contains(&"住宅") && words.contains(&"居宅"),
        "{words:?}"
    );
    let off = run(&SearchRequest {
        synonyms: false,
        ..req("住居")
    });
    assert!(off.expansions.is_empty());
    assert!(on.total > off.total, "{} vs {}", on.total, off.total);
    // the measures holding the word typed come first
    let typed: std::collections::HashSet<String> = ids(&off).into_iter().collect();
    assert_eq!(
        ids(&on)[..typed.len()]
            .iter()
            .cloned()
            .collect::<std::collections::HashSet<_>>(),
        typed
    );
    // a common word's rarer thesaurus words (支援 → 援助, 扶助) do not outrank it
    let support = search("支援");
    assert!(!support.expansions.is_empty());
    for h in support.hits.iter().take(10) {
        assert!(terms_of(measure(&h.id)).contains("支援"), "{}", h.title);
    }
    // a noun is not expanded to verbs of its group (移動 → 移す)
    let moving = search("移動");
    assert!(
        moving
            .expansions
            .iter()
            .all(|e| !e.synonyms.iter().any(|s| s == "移す"))
    );
}
