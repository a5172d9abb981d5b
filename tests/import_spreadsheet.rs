//! The `spreadsheet` format on the shapes real workbooks have, built by the
//! tests from the seeds' own tables (000, 001, 002 as `tabular-progress`
//! reads them): a helper row above a header whose labels hold line breaks,
//! three hierarchy columns side by side, unconfigured columns (personal
//! names among them) between and after the configured ones, cells with line
//! breaks (names: joined as the tab-separated reading joins them) and
//! numbers, and formatted or formula-only rows below the data.
//! Written as `.xlsx` (rust_xlsxwriter) and as CP932 and UTF-8 `.csv`, each
//! must give the same records as the tab-separated original.

mod common;

use std::path::Path;

use rust_xlsxwriter::{Format, Formula, Workbook};
use shisaku::ingest::{Corpus, SpanKind, WarningCode, import_manifest};
use shisaku::model::Measure;

/// A fixture cell.
#[derive(Clone)]
enum Cell {
    Text(String),
    Number(f64),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A line break in the middle of `s`, between two Japanese characters (as
/// Excel users wrap text with Alt+Enter); `s` as it is when there is no such
/// place.
fn wrap(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let jp = |c: char| ('\u{3041}'..='\u{9FFF}').contains(&c);
    let mid = chars.len() / 2;
    match (mid.max(1)..chars.len()).find(|&i| jp(chars[i - 1]) && jp(chars[i])) {
        Some(i) => format!(
            "{}\n{}",
            chars[..i].iter().collect::<String>(),
            chars[i..].iter().collect::<String>()
        ),
        None => s.to_string(),
    }
}

fn number_or_text(s: &str) -> Cell {
    match s.parse::<u32>() {
        Ok(n) if !s.starts_with('0') => Cell::Number(f64::from(n)),
        _ => text(s),
    }
}

const PERSON: &str = "山田 太郎";
const NOTE: &str = "個人名を含む備考";

/// The fiscal years of `records`' progress and indicator values, in order.
fn years(records: &[&Measure]) -> (Vec<(String, u16)>, Vec<String>) {
    let mut progress: Vec<(String, u16)> = records
        .iter()
        .flat_map(|m| m.progress.iter())
        .map(|p| (p.fiscal_year.clone(), p.year.expect("seed years are known")))
        .collect();
    progress.sort_by_key(|y| y.1);
    progress.dedup();
    let mut values: Vec<String> = records
        .iter()
        .flat_map(|m| m.indicators.iter())
        .flat_map(|i| i.values.iter())
        .map(|v| v.fiscal_year.clone())
        .collect();
    values.sort();
    values.dedup();
    (progress, values)
}

fn era(label: &str) -> String {
    shisaku::ingest::text::year_label_ja(label)
}

/// The sheet of `records`: a helper row, the header (row 2), one row per
/// record; `combined` puts department and section in one 部課名 cell.
fn table(records: &[&Measure], combined: bool) -> Vec<Vec<Cell>> {
    let (progress, values) = years(records);
    let mut header = vec![
        text("No."),
        text("基本\n施策"),
        text("施策\n項目"),
        text("細目"),
        text("取組\n番号"),
        text("事業名"),
        text("担当者名"),
        text("計画書\nページ"),
    ];
    if combined {
        header.push(text("部課名"));
    } else {
        header.push(text("担当\n部署"));
        header.push(text("担当課"));
    }
    for (y, _) in &progress {
        for label in ["実施状況", "課題", "評価", "達成度", "今後の方向性"] {
            header.push(text(format!("{}\n{label}", era(y))));
        }
        header.push(text("入力者"));
    }
    header.push(text("指標名"));
    for v in &values {
        header.push(text(format!("実績\n({v}年度)")));
    }
    header.push(text("目標値"));
    for i in 1..=12 {
        header.push(text(format!("予備{i}")));
    }
    header.push(text("備考"));
    header.push(text("記入者"));

    let helper: Vec<Cell> = (1..=header.len())
        .map(|i| {
            if i == 1 {
                text("※この行は入力の補助です")
            } else {
                Cell::Number(i as f64)
            }
        })
        .collect();
    let mut rows = vec![helper, header];
    for (i, m) in records.iter().enumerate() {
        let level = |l: usize| text(m.path.get(l).cloned().unwrap_or_default());
        let mut row = vec![
            Cell::Number((i + 1) as f64),
            level(0),
            level(1),
            level(2),
            m.number.as_deref().map(number_or_text).unwrap_or(text("")),
            text(wrap(&m.title)),
            text(PERSON),
            text(m.page.clone().unwrap_or_default()),
        ];
        if combined {
            row.push(text(format!("{} {}", m.departments[0], m.sections[0])));
        } else {
            row.push(text(m.departments.join("/")));
            row.push(text(m.sections.join("/")));
        }
        for (y, _) in &progress {
            let p = m.progress.iter().find(|p| &p.fiscal_year == y);
            let f = |get: fn(&shisaku::model::ProgressEntry) -> &Option<String>| {
                p.and_then(|p| get(p).clone()).unwrap_or_default()
            };
            row.push(text(f(|p| &p.status)));
            row.push(text(f(|p| &p.issues)));
            row.push(text(f(|p| &p.evaluation)));
            row.push(number_or_text(&f(|p| &p.achievement)));
            row.push(text(f(|p| &p.next_plan)));
            row.push(text(PERSON));
        }
        let ind = m.indicators.first();
        row.push(text(ind.map(|i| i.name.clone()).unwrap_or_default()));
        for v in &values {
            let raw = ind
                .and_then(|i| i.values.iter().find(|x| &x.fiscal_year == v))
                .map(|x| x.raw.clone())
                .unwrap_or_default();
            row.push(text(raw));
        }
        row.push(text(ind.and_then(|i| i.target.clone()).unwrap_or_default()));
        for _ in 1..=12 {
            row.push(text(""));
        }
        row.push(text(NOTE));
        row.push(text(PERSON));
        rows.push(row);
    }
    rows
}

/// Writes `rows` as an `.xlsx` sheet named `sheet`, with 40 formatted empty
/// rows and 10 rows of formulas whose result is empty below them.
fn xlsx(rows: &[Vec<Cell>], sheet: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let wrap_format = Format::new().set_text_wrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &wrap_format).unwrap();
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
            }
        }
    }
    let width = rows[1].len() as u16;
    let start = rows.len() as u32;
    for r in start..start + 40 {
        for c in 0..width {
            ws.write_blank(r, c, &wrap_format).unwrap();
        }
    }
    // Formulas below the data: an empty title (Excel keeps the empty
    // string as their result), a count giving 0.
    ws.set_formula_result_default("");
    for r in start + 40..start + 50 {
        let f = Formula::new(format!("=IF(A{}=\"\",\"\",A{})", r + 1, r + 1));
        ws.write_formula(r, 5, f.clone()).unwrap();
        ws.write_formula(r, 1, f).unwrap();
        let count = Formula::new(format!("=COUNTA(B{}:D{})", r + 1, r + 1)).set_result("0");
        ws.write_formula(r, 4, count).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// `rows` as CSV text (quoted where needed), with 5 empty records below.
fn csv_text(rows: &[Vec<Cell>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => format!("{n}"),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    for _ in 0..5 {
        w.write_record(vec![""; rows[1].len()]).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The manifest entry of a fixture (the columns by the fixture's labels).
fn manifest(file: &str, plan: &str, combined: bool) -> String {
    let units = if combined {
        "department = [\"部課名\"]".to_string()
    } else {
        "department = [\"担当部署\"]\nsection = [\"担当課\"]".to_string()
    };
    format!(
        r#"[[document]]
file = "{file}"
format = "spreadsheet"
[document.plan]
id = "{plan}"
name = "計画"
kind = "suicide-prevention"
municipality = "熊本市"
[document.options]
separate_units = ["人権教育指導室"]
[document.options.columns]
number = ["取組番号"]
title = ["事業名"]
path = ["基本施策", "施策項目", "細目"]
page = ["ページ"]
{units}
status = ["実施状況"]
issues = ["課題"]
evaluation = ["評価"]
achievement = ["達成度"]
next_plan = ["今後の方向性"]
indicator_name = ["指標名"]
indicator_value = ["実績(*年度)"]
indicator_target = ["目標値"]
"#
    )
}

fn import(dir: &Path, file: &str, bytes: &[u8], combined: bool) -> Corpus {
    std::fs::write(dir.join(file), bytes).unwrap();
    std::fs::write(
        dir.join("manifest.toml"),
        manifest(file, "sheet-test", combined),
    )
    .unwrap();
    import_manifest(&dir.join("manifest.toml")).unwrap()
}

/// The parts of a record a document gives (not its id, flags or source).
fn content(m: &Measure) -> String {
    serde_json::to_string(&(
        &m.number,
        &m.title,
        &m.content,
        &m.page,
        &m.path,
        &m.departments,
        &m.sections,
        &m.progress,
        &m.indicators,
    ))
    .unwrap()
}

fn assert_same(original: &[&Measure], read: &[Measure], what: &str) {
    assert_eq!(original.len(), read.len(), "{what}: record count");
    for (a, b) in original.iter().zip(read) {
        assert_eq!(
            content(a),
            content(b),
            "{what}: {}:{} differs",
            a.source.file,
            a.source.line
        );
    }
}

/// The seed records of `prefix`, as tabular-progress reads them.
fn seed(prefix: &str) -> Vec<&'static Measure> {
    let records = common::measures(prefix);
    assert!(records.len() > 30, "{prefix}: {}", records.len());
    records
}

#[test]
fn workbooks_built_from_the_seed_tables_import_the_same_records() {
    for prefix in ["000", "001", "002"] {
        let records = seed(prefix);
        let rows = table(&records, false);
        let dir = tempfile::tempdir().unwrap();
        let corpus = import(dir.path(), "plan.xlsx", &xlsx(&rows, "進捗"), false);
        let report = &corpus.reports[0];
        assert!(report.error.is_none(), "{prefix}: {:?}", report.error);
        assert_same(&records, &corpus.measures, &format!("{prefix} xlsx"));

        // Provenance: file, sheet and row (the header is row 2).
        for (i, m) in corpus.measures.iter().enumerate() {
            assert_eq!(m.source.file, "plan.xlsx");
            assert_eq!(m.source.sheet.as_deref(), Some("進捗"));
            assert_eq!(m.source.line, i + 3);
        }
        // Unconfigured columns are never read into a record or a warning.
        let all = serde_json::to_string(&corpus.measures).unwrap();
        let warnings = format!("{:?}", report.warnings);
        for secret in ["山田", NOTE] {
            assert!(!all.contains(secret), "{prefix}: {secret} in a record");
            assert!(
                !warnings.contains(secret),
                "{prefix}: {secret} in a warning"
            );
        }
        // The report: header, mapping, the unread columns once, the skipped rows counted.
        let notes = report.notes.join("\n");
        assert!(notes.contains("シート `進捗`、見出しの行 2"), "{notes}");
        assert!(notes.contains("列 F 「事業名」 → title"), "{notes}");
        assert!(notes.contains("列 B 「基本施策」 → path[0]"), "{notes}");
        assert!(notes.contains("列 D 「細目」 → path[2]"), "{notes}");
        let unread = report
            .notes
            .iter()
            .filter(|n| n.contains("設定にない") && n.contains("読み込みません"))
            .collect::<Vec<_>>();
        assert_eq!(unread.len(), 1, "{notes}");
        assert!(
            unread[0].contains("「担当者名」") && unread[0].contains("「記入者」"),
            "{notes}"
        );
        assert!(
            notes.contains("見出しの下の、設定した列に文字のない40行"),
            "{notes}"
        );
        assert!(
            notes.contains("施策名がなく、設定した列が数式だけの10行"),
            "{notes}"
        );
        assert!(
            report
                .unused
                .iter()
                .any(|u| u.kind == SpanKind::Header && u.line_start == 1 && u.line_end == 2),
            "{:?}",
            report.unused
        );
        assert!(
            report
                .unused
                .iter()
                .all(|u| u.kind != SpanKind::Unclassified),
            "{:?}",
            report.unused
        );
        // No warning of its own: only what the data says (an indicator's
        // units), as the tab-separated original says it.
        let original = common::report(prefix);
        for w in &report.warnings {
            assert!(
                original.warnings.iter().any(|o| o.message == w.message),
                "{prefix}: {w}"
            );
        }
    }
}

#[test]
fn cp932_and_utf8_csv_built_from_the_seed_tables_import_the_same_records() {
    for prefix in ["000", "002"] {
        let records = seed(prefix);
        let text = csv_text(&table(&records, false));
        let (cp932, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable, "{prefix}: the seed text fits CP932");
        let dir = tempfile::tempdir().unwrap();
        let corpus = import(dir.path(), "plan.csv", &cp932, false);
        assert!(
            corpus.reports[0].error.is_none(),
            "{:?}",
            corpus.reports[0].error
        );
        assert!(corpus.reports[0].notes[0].contains("Shift_JIS"));
        assert_same(&records, &corpus.measures, &format!("{prefix} cp932 csv"));
        assert_eq!(corpus.measures[0].source.sheet, None);

        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let corpus = import(dir.path(), "plan.csv", &bom, false);
        assert_same(&records, &corpus.measures, &format!("{prefix} utf-8 csv"));

        // Tab-separated text, as Excel's "Unicode text" (UTF-16 with BOM).
        let tsv = text_with_tabs(&table(&records, false));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in tsv.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let corpus = import(dir.path(), "plan.txt", &utf16, false);
        assert_same(&records, &corpus.measures, &format!("{prefix} utf-16 txt"));
    }
}

fn text_with_tabs(rows: &[Vec<Cell>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => format!("{n}"),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn a_department_and_section_in_one_cell_are_split_without_warnings() {
    // 000's rows of one department and one section, written into one 部課名 cell.
    let records: Vec<&Measure> = seed("000")
        .into_iter()
        .filter(|m| {
            m.departments.len() == 1
                && m.sections.len() == 1
                && (m.departments[0].ends_with('部') || m.departments[0].ends_with('局'))
                && m.sections[0].ends_with('課')
        })
        .collect();
    assert!(records.len() > 20, "{}", records.len());
    let dir = tempfile::tempdir().unwrap();
    let corpus = import(
        dir.path(),
        "plan.xlsx",
        &xlsx(&table(&records, true), "Sheet1"),
        true,
    );
    assert_same(&records, &corpus.measures, "部課名");
    assert!(corpus.reports[0].warnings.is_empty());
    assert!(
        corpus
            .measures
            .iter()
            .all(|m| !m.flags.iter().any(|f| f == "department-is-section"))
    );
}

#[test]
fn errors_name_the_file_the_sheet_and_what_to_change() {
    let records = seed("002");
    let book = xlsx(&table(&records, false), "進捗");
    let dir = tempfile::tempdir().unwrap();
    let run = |manifest_text: String, file: &str, bytes: &[u8]| {
        std::fs::write(dir.path().join(file), bytes).unwrap();
        std::fs::write(dir.path().join("manifest.toml"), manifest_text).unwrap();
        import_manifest(&dir.path().join("manifest.toml")).unwrap()
    };
    // A title label the sheet does not have.
    let wrong = manifest("plan.xlsx", "p", false)
        .replace("title = [\"事業名\"]", "title = [\"事務事業名\"]");
    let c = run(wrong, "plan.xlsx", &book);
    let e = c.reports[0].error.as_ref().expect("no header").to_string();
    assert!(
        e.starts_with("plan.xlsx")
            && e.contains("シート `進捗`")
            && e.contains("見出しの行が見つかりません")
            && e.contains("事務事業名")
            && e.contains("2行目は")
            && e.contains("[document.options.columns]"),
        "{e}"
    );
    // A sheet the workbook does not have.
    let m = manifest("plan.xlsx", "p", false).replace(
        "[document.options]\n",
        "[document.options]\nsheet = \"Sheet9\"\n",
    );
    let e = run(m, "plan.xlsx", &book).reports[0]
        .error
        .clone()
        .unwrap()
        .to_string();
    assert!(
        e.contains("Sheet9") && e.contains("`進捗`") && e.contains("`sheet` にそのどれかを書いて"),
        "{e}"
    );
    // A file type the format does not read.
    let e = run(manifest("plan.pdf", "p", false), "plan.pdf", b"%PDF").reports[0]
        .error
        .clone()
        .unwrap()
        .to_string();
    assert!(e.contains(".pdf") && e.contains(".xlsx"), "{e}");
    // Not a workbook at all.
    let e = run(manifest("plan.xlsx", "p", false), "plan.xlsx", b"not a zip").reports[0]
        .error
        .clone()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("plan.xlsx") && e.contains("ブックを開けません"),
        "{e}"
    );
    // A row with text but no title: a warning naming the cell, the row left unread.
    let mut rows = table(&records, false);
    rows[5][5] = text("");
    let c = run(
        manifest("plan.xlsx", "p", false),
        "plan.xlsx",
        &xlsx(&rows, "進捗"),
    );
    assert_eq!(c.measures.len(), records.len() - 1);
    let w: Vec<_> = c.reports[0]
        .warnings
        .iter()
        .filter(|w| w.line == 6)
        .collect();
    assert!(
        w.iter()
            .any(|w| w.code == WarningCode::MissingTitle && w.message.contains("F6")),
        "{w:?}"
    );
    assert!(
        c.reports[0]
            .unused
            .iter()
            .any(|u| u.kind == SpanKind::Unclassified
                && u.line_start == 6
                && !u.preview.contains("山田")),
        "{:?}",
        c.reports[0].unused
    );
}

/// `shisaku check` shows how the entry reads the workbook and builds no index.
#[test]
fn check_shows_the_reading_without_building_an_index() {
    let records = seed("002");
    let dir = tempfile::tempdir().unwrap();
    let mut rows = table(&records, false);
    rows[4][5] = text("");
    std::fs::write(dir.path().join("plan.xlsx"), xlsx(&rows, "進捗")).unwrap();
    std::fs::write(
        dir.path().join("manifest.toml"),
        manifest("plan.xlsx", "sheet-test", false),
    )
    .unwrap();
    let index = dir.path().join("index");
    let run = |doc: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_shisaku"))
            .arg("--manifest")
            .arg(dir.path().join("manifest.toml"))
            .arg("--index")
            .arg(&index)
            .args(["check", doc, "--records", "2"])
            .output()
            .unwrap()
    };
    let out = run("plan.xlsx");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for want in [
        "plan.xlsx [spreadsheet]",
        "シート `進捗`、見出しの行 2",
        "列 F 「事業名」 → title",
        "列 E 「取組番号」 → number",
        "→ status（R5）",
        "設定にない",
        &format!("レコード: {}件（", records.len() - 1),
        "レコード 1:",
        "レコード 2:",
        &format!("title        {}", records[0].title),
        "source       plan.xlsx [進捗] 3行目",
        "1 × N行目に施策名がありません（セル FN、列…が空）: 読み込みません",
        "plan.xlsx [進捗]:5: 5行目に施策名がありません（セル F5",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert!(!text.contains("レコード 3:"), "{text}");
    assert!(!text.contains("山田"), "{text}");
    assert!(!index.exists(), "check built an index");
    // A plan id names its documents too; an error says what to change and exits 1.
    assert!(run("sheet-test").status.success());
    std::fs::write(
        dir.path().join("manifest.toml"),
        manifest("plan.xlsx", "sheet-test", false).replace("[\"事業名\"]", "[\"事務事業名\"]"),
    )
    .unwrap();
    let out = run("plan.xlsx");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("エラー plan.xlsx: シート `進捗`: 見出しの行が見つかりません")
            && text.contains("[document.options.columns]"),
        "{text}"
    );
}

#[test]
fn line_breaks_in_text_cells_are_kept_and_in_names_joined() {
    let records = seed("002");
    let mut rows = table(&records, false);
    let status = rows[1]
        .iter()
        .position(|c| matches!(c, Cell::Text(t) if t.ends_with("実施状況")))
        .unwrap();
    rows[2][status] = text("・防災会議への女性委員の登用\r\n・女性消防団員の募集 \n\n");
    rows[2][5] = text("防災会議における\n女性委員の登用推進");
    let dir = tempfile::tempdir().unwrap();
    let corpus = import(dir.path(), "plan.xlsx", &xlsx(&rows, "進捗"), false);
    let m = &corpus.measures[0];
    assert_eq!(m.title, "防災会議における女性委員の登用推進");
    assert_eq!(
        m.progress[0].status.as_deref(),
        Some("・防災会議への女性委員の登用\n・女性消防団員の募集")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any bytes as a .csv, .tsv or .xlsx document: records or an error
    /// naming the file, never a panic.
    #[test]
    fn any_bytes_import_or_fail_cleanly(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        header in proptest::bool::ANY,
        ext in proptest::sample::select(vec!["csv", "tsv", "xlsx", "ods"]),
    ) {
        let mut data = if header {
            "取組番号,事業名,担当部署,担当課,令和5年度実施状況\n".as_bytes().to_vec()
        } else {
            Vec::new()
        };
        data.extend(bytes);
        let dir = tempfile::tempdir().unwrap();
        let file = format!("plan.{ext}");
        let corpus = import(dir.path(), &file, &data, false);
        let report = &corpus.reports[0];
        if let Some(e) = &report.error {
            proptest::prop_assert!(e.file.starts_with(&file), "{e}");
        }
        for m in &corpus.measures {
            proptest::prop_assert!(!m.title.is_empty());
        }
    }
}
