//! Writes a 事務事業評価シート-shaped workbook for measuring the
//! `spreadsheet` importer (README, "Adding a plan"): one sheet of ROWS 事業
//! and 210 columns, the header on row 2 below a helper row, header labels
//! and cells with line breaks, three hierarchy columns, 部 and 課 in one
//! cell, personal names in unconfigured columns, 1,400 formatted empty rows
//! below the data; and the manifest entry that reads it.
//!
//! `cargo run --release --example workbook -- DIR ROWS`, then
//! `shisaku --manifest DIR/manifest.toml check jimujigyo.xlsx`.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

const COLUMNS: u16 = 210;

fn main() -> Result<(), XlsxError> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(rows)) = (args.get(1), args.get(2).and_then(|r| r.parse::<u32>().ok()))
    else {
        eprintln!("usage: workbook DIR ROWS");
        std::process::exit(2);
    };
    std::fs::create_dir_all(dir).map_err(XlsxError::IoError)?;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Sheet1")?;
    let wrap = Format::new().set_text_wrap();
    let named: [(u16, &str); 9] = [
        (0, "事務事業\nID"),
        (1, "政策名"),
        (2, "施策名"),
        (3, "基本事業名"),
        (4, "事務事業名"),
        (5, "部課名"),
        (6, "係名"),
        (7, "担当者名"),
        (9, "事務事業の\n概要"),
    ];
    for c in 0..COLUMNS {
        ws.write_number(0, c, f64::from(c + 1))?;
        let label = named
            .iter()
            .find(|(n, _)| *n == c)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| format!("項目{c}\n(記入欄)"));
        ws.write_string_with_format(1, c, &label, &wrap)?;
    }
    for r in 0..rows {
        let row = r + 2;
        let policy = r / 100 + 1;
        let measure = r / 20 + 1;
        ws.write_number(row, 0, f64::from(10_000 + r))?;
        ws.write_string(row, 1, format!("政策{policy} 安心して暮らせるまち"))?;
        ws.write_string(row, 2, format!("施策{measure} 地域福祉の推進"))?;
        ws.write_string(row, 3, format!("基本事業{} 見守り体制の充実", r / 5 + 1))?;
        ws.write_string_with_format(row, 4, format!("地域見守り\n支援事業{r}"), &wrap)?;
        ws.write_string(row, 5, "健康福祉部 地域福祉課")?;
        ws.write_string(row, 6, "地域支援係")?;
        ws.write_string(row, 7, "山田 太郎")?;
        ws.write_string_with_format(
            row,
            9,
            "民生委員や地域の関係団体と連携し、\n高齢者や障がいのある方の見守り活動を支援する。",
            &wrap,
        )?;
        for c in (10..COLUMNS).step_by(7) {
            ws.write_string(row, c, format!("記入{c}"))?;
        }
    }
    for r in rows + 2..rows + 2 + 1_400 {
        for c in 0..12 {
            ws.write_blank(r, c, &wrap)?;
        }
    }
    book.save(format!("{dir}/jimujigyo.xlsx"))?;
    let manifest = r#"[[document]]
file = "jimujigyo.xlsx"
format = "spreadsheet"
[document.plan]
id = "x-jimujigyo"
name = "X市 事務事業評価"
kind = "administrative-evaluation"
kind_label = "事務事業評価"
municipality = "X市"
[document.options]
sheet = "Sheet1"
fiscal_year = "R6"
[document.options.columns]
number = ["事務事業ID"]
title = ["事務事業名"]
path = ["政策名", "施策名", "基本事業名"]
department = ["部課名"]
section = ["係名"]
content = ["事務事業の概要"]
"#;
    std::fs::write(format!("{dir}/manifest.toml"), manifest).map_err(XlsxError::IoError)?;
    Ok(())
}
