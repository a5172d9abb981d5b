//! Import safety on the real documents: ids unique across the corpus, one
//! plan per plan id, a file listed once, documents only from the manifest's
//! folder, bounded sizes, control characters dropped with a warning and
//! lone-CR line ends read as lines.

mod common;

use std::path::{Path, PathBuf};

use shisaku::ingest::{Corpus, WarningCode, import_manifest};

fn seeds_dir() -> PathBuf {
    common::manifest_path().parent().unwrap().to_path_buf()
}

/// A folder with copies of the seed documents named by `files` and a
/// manifest made of the seed manifest's entries for them plus `extra`.
fn corpus_dir(dir: &Path, head: &str, files: &[&str], extra: &str) -> PathBuf {
    let seeds = std::fs::read_to_string(common::manifest_path()).unwrap();
    let mut manifest = String::from(head);
    for block in seeds.split("[[document]]").skip(1) {
        if files.iter().any(|f| block.contains(f)) {
            manifest.push_str("[[document]]");
            manifest.push_str(block);
        }
    }
    for f in files {
        let name = std::fs::read_dir(seeds_dir())
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(f))
            .unwrap();
        std::fs::copy(name.path(), dir.join(name.file_name())).unwrap();
    }
    manifest.push_str(extra);
    let path = dir.join("manifest.toml");
    std::fs::write(&path, manifest).unwrap();
    path
}

fn jsonl_entry(file: &str, id: &str, name: &str, municipality: &str) -> String {
    format!(
        "\n[[document]]\nfile = \"{file}\"\nformat = \"jsonl\"\n[document.plan]\nid = \"{id}\"\n\
         name = \"{name}\"\nkind = \"regional-welfare\"\nmunicipality = \"{municipality}\"\n"
    )
}

fn error_of<'a>(corpus: &'a Corpus, file: &str) -> &'a str {
    corpus
        .reports
        .iter()
        .find(|r| r.file == file)
        .and_then(|r| r.error.as_ref())
        .map(|e| e.message.as_str())
        .unwrap_or_else(|| panic!("{file} did not fail"))
}

#[test]
fn the_seeds_import_without_errors_although_000_and_001_share_a_plan_id() {
    let corpus = import_manifest(&common::manifest_path()).unwrap();
    assert_eq!(corpus.errors().count(), 0);
    assert_eq!(corpus.measures.len(), 463);
    let mut ids: Vec<&str> = corpus.measures.iter().map(|m| m.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 463);
}

/// A JSONL record with the id of a seed measure, and two records sharing an
/// id: each fails its document with a message naming both sources.
#[test]
fn an_id_used_twice_fails_the_later_document_naming_both_sources() {
    let dir = tempfile::tempdir().unwrap();
    let taken = common::at_line("000", common::measures("000")[0].source.line);
    std::fs::write(
        dir.path().join("reuse.jsonl"),
        format!("{{\"id\":\"{}\",\"title\":\"別の施策\"}}\n", taken.id),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("twice.jsonl"),
        "{\"id\":\"w-1\",\"title\":\"一つ目\"}\n{\"id\":\"w-1\",\"title\":\"二つ目\"}\n",
    )
    .unwrap();
    let manifest = corpus_dir(
        dir.path(),
        "",
        &["000"],
        &(jsonl_entry("reuse.jsonl", "r", "再利用計画", "甲市")
            + &jsonl_entry("twice.jsonl", "w", "重複計画", "乙市")),
    );
    let corpus = import_manifest(&manifest).unwrap();
    let e = error_of(&corpus, "reuse.jsonl");
    assert!(
        e.contains(&taken.id)
            && e.contains(&format!("{}:{}", taken.source.file, taken.source.line)),
        "{e}"
    );
    let e = error_of(&corpus, "twice.jsonl");
    assert!(e.contains("w-1") && e.contains("twice.jsonl:1"), "{e}");
    // the failed documents' records are not in the corpus; 000's all are
    assert!(
        corpus
            .measures
            .iter()
            .all(|m| m.source.file.starts_with("000"))
    );
    assert_eq!(corpus.measures.len(), 39);
}

/// One plan id with two names; one file listed twice.
#[test]
fn a_plan_id_names_one_plan_and_a_file_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"title\":\"施策A\"}\n").unwrap();
    std::fs::write(dir.path().join("b.jsonl"), "{\"title\":\"施策B\"}\n").unwrap();
    let manifest = corpus_dir(
        dir.path(),
        "",
        &["002"],
        &(jsonl_entry("a.jsonl", "p", "甲市地域福祉計画", "甲市")
            + &jsonl_entry("b.jsonl", "p", "乙市地域福祉計画", "乙市")
            + &jsonl_entry("./a.jsonl", "q", "丙市地域福祉計画", "丙市")),
    );
    let corpus = import_manifest(&manifest).unwrap();
    let e = error_of(&corpus, "b.jsonl");
    assert!(
        e.contains("\"p\"") && e.contains("甲市地域福祉計画") && e.contains("a.jsonl"),
        "{e}"
    );
    let e = error_of(&corpus, "./a.jsonl");
    assert!(
        e.contains("2回書かれています") && e.contains("2番目と4番目"),
        "{e}"
    );
    assert_eq!(corpus.errors().count(), 2);
    assert_eq!(corpus.measures.len(), 49 + 1);
}

/// `..`, absolute paths and symbolic links leading out of the manifest's
/// folder are refused unless the manifest allows it.
#[test]
fn documents_are_read_only_from_the_manifest_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("plans");
    std::fs::create_dir(&inner).unwrap();
    let outside = dir.path().join("outside.jsonl");
    std::fs::write(&outside, "{\"title\":\"外の施策\"}\n").unwrap();
    std::os::unix::fs::symlink(&outside, inner.join("link.jsonl")).unwrap();
    let entries = jsonl_entry("../outside.jsonl", "a", "甲計画", "甲市")
        + &jsonl_entry(outside.to_str().unwrap(), "b", "乙計画", "乙市")
        + &jsonl_entry("link.jsonl", "c", "丙計画", "丙市");
    let manifest = corpus_dir(&inner, "", &["002"], &entries);
    let corpus = import_manifest(&manifest).unwrap();
    assert!(error_of(&corpus, "../outside.jsonl").contains("`..`"));
    assert!(error_of(&corpus, outside.to_str().unwrap()).contains("絶対パス"));
    let e = error_of(&corpus, "link.jsonl");
    assert!(
        e.contains("シンボリックリンク") && e.contains("outside.jsonl"),
        "{e}"
    );
    assert!(e.contains("allow_documents_outside"), "{e}");
    assert_eq!(corpus.measures.len(), 49);

    // allowed: the same entry is read once (the link and the path are one file)
    let entries = jsonl_entry("../outside.jsonl", "a", "甲計画", "甲市");
    let manifest = corpus_dir(
        &inner,
        "allow_documents_outside = true\n",
        &["002"],
        &entries,
    );
    let corpus = import_manifest(&manifest).unwrap();
    assert_eq!(corpus.errors().count(), 0);
    assert_eq!(corpus.measures.len(), 50);
}

/// A title over the field limit, a document over the size limit and over
/// the record limit: errors naming the file (and line and field); the
/// manifest's `[limits]` raises them.
#[test]
fn import_limits_name_the_file_and_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    let long = "長".repeat(30_000); // 90,000 bytes
    std::fs::write(
        dir.path().join("long.jsonl"),
        format!("{{\"title\":\"短い\"}}\n{{\"title\":\"施策\",\"content\":\"{long}\"}}\n"),
    )
    .unwrap();
    let entries = jsonl_entry("long.jsonl", "l", "長文計画", "甲市");
    let manifest = corpus_dir(dir.path(), "", &["000"], &entries);
    let corpus = import_manifest(&manifest).unwrap();
    let r = corpus
        .reports
        .iter()
        .find(|r| r.file == "long.jsonl")
        .unwrap();
    let e = r.error.as_ref().unwrap();
    assert_eq!(e.line, Some(2));
    assert!(
        e.message.contains("項目 content が 90000 バイト") && e.message.contains("65536"),
        "{e}"
    );

    let manifest = corpus_dir(
        dir.path(),
        "[limits]\nfield_bytes = 100000\n",
        &["000"],
        &entries,
    );
    let corpus = import_manifest(&manifest).unwrap();
    assert_eq!(corpus.errors().count(), 0);

    let manifest = corpus_dir(
        dir.path(),
        "[limits]\ndocument_bytes = 20000\nrecords = 30\n",
        &["000"],
        &entries,
    );
    let corpus = import_manifest(&manifest).unwrap();
    let e = error_of(&corpus, "000_4903324de63901ba.txt");
    assert!(
        e.contains("39656 バイト") && e.contains("document_bytes"),
        "{e}"
    );
    let manifest = corpus_dir(dir.path(), "[limits]\nrecords = 30\n", &["000"], &entries);
    let corpus = import_manifest(&manifest).unwrap();
    let e = error_of(&corpus, "000_4903324de63901ba.txt");
    assert!(
        e.contains("レコードが 39 件") && e.contains("records"),
        "{e}"
    );
}

/// NUL bytes in a cell of 000 are dropped with a warning on their line; a
/// copy of 000 with lone CR line ends imports the same 39 measures.
#[test]
fn control_characters_are_dropped_and_lone_cr_ends_lines() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = corpus_dir(dir.path(), "", &["000"], "");
    let file = dir.path().join("000_4903324de63901ba.txt");
    let original = std::fs::read_to_string(&file).unwrap();
    let m = common::measures("000")[3];
    let line = m.source.line;
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let at = lines[line - 1].find(&m.title).unwrap();
    lines[line - 1].insert_str(at + m.title.len(), "\0\u{7}");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let corpus = import_manifest(&manifest).unwrap();
    assert_eq!(corpus.measures.len(), 39);
    assert!(corpus.measures.iter().any(|x| x.title == m.title));
    assert!(
        corpus
            .measures
            .iter()
            .all(|x| !serde_json::to_string(x).unwrap().contains("\\u0000"))
    );
    let w = &corpus.reports[0].warnings;
    assert!(
        w.iter().any(|w| w.line == line
            && w.code == WarningCode::ControlCharacters
            && w.message.contains("2文字")),
        "{w:?}"
    );

    std::fs::write(&file, original.replace("\r\n", "\n").replace('\n', "\r")).unwrap();
    let corpus = import_manifest(&manifest).unwrap();
    assert_eq!(corpus.errors().count(), 0, "{:?}", corpus.reports[0].error);
    assert_eq!(corpus.measures.len(), 39);
    assert!(
        corpus
            .measures
            .iter()
            .any(|x| x.source.line == line && x.title == m.title)
    );
}

/// The `plan` filter takes a plan id from `/api/plans` as well as the name,
/// with the same answer.
#[test]
fn the_plan_filter_accepts_the_plan_id_and_the_name() {
    use shisaku::engine::Engine;
    use shisaku::index::Facet;
    use shisaku::search::SearchRequest;
    let engine = Engine::in_memory(common::corpus().measures.clone()).unwrap();
    for plan in engine.plans() {
        let by = |v: &str| {
            let req = SearchRequest {
                filters: vec![(Facet::Plan, v.to_string())],
                limit: 100,
                ..Default::default()
            };
            let res = engine.search(&req).unwrap();
            let ids: Vec<String> = res.hits.into_iter().map(|h| h.id).collect();
            ((res.total, ids), engine.search_json(&req).unwrap())
        };
        let (by_name, json_name) = by(&plan.name);
        let (by_id, json_id) = by(&plan.id);
        assert_eq!(by_name.0, plan.measures, "{}", plan.name);
        assert_eq!(by_id, by_name, "{}", plan.id);
        assert_eq!(json_id, json_name);
    }
}

/// 000 with thirty unconfigured columns added to its header rows: the error
/// names the header's line and the unconfigured cells instead of saying no
/// line names the title column.
#[test]
fn a_header_with_many_unconfigured_columns_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = corpus_dir(dir.path(), "", &["000"], "");
    let file = dir.path().join("000_4903324de63901ba.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    let extra: String = (1..=30).map(|i| format!("\t備考{i}")).collect();
    let mut first = None;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.split('\t').any(|c| c.trim() == "実施内容") {
                first.get_or_insert(i + 1);
                format!("{l}{extra}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let corpus = import_manifest(&manifest).unwrap();
    let e = corpus.reports[0].error.as_ref().expect("fails");
    assert_eq!(e.line, first, "{e}");
    assert!(
        e.message.contains("\"備考1\"") && e.message.contains("施策名の列とほかに設定した列"),
        "{e}"
    );
    assert!(!e.message.contains("見出しの行が見つかりません"), "{e}");
}

/// A JSONL record whose fields carry `\u0000` escapes: dropped from the
/// record with a warning on its line, so a facet value is not split.
#[test]
fn escaped_control_characters_are_dropped_from_records() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nul.jsonl"),
        "{\"title\":\"相談\\u0000窓口\",\"departments\":[\"福祉部\\u0000\"]}\n{\"title\":\"見守り\",\"departments\":[\"福祉部\"]}\n",
    )
    .unwrap();
    let manifest = corpus_dir(
        dir.path(),
        "",
        &[],
        &jsonl_entry("nul.jsonl", "n", "甲市地域福祉計画", "甲市"),
    );
    let corpus = import_manifest(&manifest).unwrap();
    assert_eq!(corpus.errors().count(), 0);
    assert_eq!(corpus.measures[0].title, "相談窓口");
    assert_eq!(
        corpus.measures[0].departments,
        corpus.measures[1].departments
    );
    let w = &corpus.reports[0].warnings;
    assert!(
        w.iter().any(|w| w.line == 1
            && w.code == WarningCode::ControlCharacters
            && w.message.contains("2文字")),
        "{w:?}"
    );
}
