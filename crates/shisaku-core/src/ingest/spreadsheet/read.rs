//! Rows of a spreadsheet file as text cells, one row at a time: `.xlsx`
//! streamed cell by cell (calamine's cells reader, so a large sheet is never
//! held as a whole), `.xls`/`.xlsb`/`.ods` through calamine's ranges, and
//! `.csv`/`.tsv`/`.txt` through the csv crate after decoding (UTF-8 with or
//! without BOM, UTF-16 with BOM, else CP932 as Excel writes it).

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets, Xlsx, open_workbook_auto_from_rs};

/// What kind of file a spreadsheet document is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A workbook read by calamine (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`).
    Workbook,
    /// Delimited text (`.csv`: commas; `.tsv`, `.txt`: tabs).
    Text { delimiter: u8 },
}

impl Kind {
    /// The kind of `file`, or a message naming the extensions read.
    pub fn of(file: &str) -> Result<Kind, String> {
        let ext = file
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Ok(Kind::Workbook),
            "csv" => Ok(Kind::Text { delimiter: b',' }),
            "tsv" | "txt" => Ok(Kind::Text { delimiter: b'\t' }),
            _ => Err(format!(
                "spreadsheet 形式で読めるのは .xlsx、.xlsm、.xlsb、.xls、.ods、.csv、.tsv、.txt のファイルで、\
                 `.{ext}` は読めません: 表をこのどれかで保存し直すか、`format` に文書の形式を書いてください"
            )),
        }
    }
}

/// A row handed to the reader: its 1-based number (sheet row, or the text
/// line the record starts on), its cells (`cells[0]` being column A) and
/// which of them hold a formula (known for `.xlsx` only).
pub type RowSink<'a> = dyn FnMut(usize, Vec<String>, Vec<bool>) + 'a;

/// The sheets of a workbook, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    let book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("ブックを開けません: {e}"))?;
    Ok(book.sheet_names())
}

/// Streams the rows of sheet `name` to `sink`.
pub fn workbook_rows(bytes: &[u8], name: &str, sink: &mut RowSink<'_>) -> Result<(), String> {
    let book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("ブックを開けません: {e}"))?;
    match book {
        Sheets::Xlsx(mut x) => xlsx_rows(&mut x, name, sink),
        mut other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| format!("シート `{name}` を読めません: {e}"))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (i, row) in range.rows().enumerate() {
                let mut cells = vec![String::new(); c0 as usize];
                cells.extend(row.iter().map(data_text));
                sink(r0 as usize + i + 1, cells, Vec::new());
            }
            Ok(())
        }
    }
}

/// The `.xlsx` path: cells in sheet order, gathered one row at a time.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    sink: &mut RowSink<'_>,
) -> Result<(), String> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| format!("シート `{name}` を読めません: {e}"))?;
    let mut row: Option<(u32, Vec<String>, Vec<bool>)> = None;
    while let Some(cell) = cells
        .next_cell_with_formula_metadata()
        .map_err(|e| format!("シート `{name}` が壊れています: {e}"))?
    {
        let (r, c) = cell.pos;
        if row.as_ref().is_some_and(|(n, _, _)| *n != r)
            && let Some((n, done, formulas)) = row.take()
        {
            sink(n as usize + 1, done, formulas);
        }
        let (_, current, formulas) = row.get_or_insert_with(|| (r, Vec::new(), Vec::new()));
        let text = data_ref_text(&cell.value);
        if text.is_empty() {
            continue;
        }
        let c = c as usize;
        if current.len() <= c {
            current.resize(c + 1, String::new());
            formulas.resize(c + 1, false);
        }
        current[c] = text;
        formulas[c] = cell.formula.is_some();
    }
    if let Some((n, done, formulas)) = row {
        sink(n as usize + 1, done, formulas);
    }
    Ok(())
}

/// A cell as text: strings as written (line breaks `\n`), whole numbers
/// without a decimal point, dates as `YYYY-MM-DD`; errors (`#N/A`) and
/// empty formula results are empty.
fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::String(s) => line_breaks(s),
        DataRef::SharedString(s) => line_breaks(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DataRef::DateTime(d) => date(d),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::String(s) => line_breaks(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => date(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn line_breaks(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn date(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        return number(d.as_f64());
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
    }
}

/// The text of a delimited file and the encoding it was read in.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!(
                "ファイルの先頭に {} の BOM がありますが、全体が {0} ではありません: CSV UTF-8 で保存し直してください",
                enc.name()
            ));
        }
        return Ok((text.into_owned(), enc.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    match encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), "Shift_JIS (CP932)")),
        None => {
            let at = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(format!(
                "{line}行目: ファイルが UTF-8 でも Shift_JIS（CP932）でもありません（Excel が CSV を\
                 保存する文字コードはこの2つです）: Excel で「CSV UTF-8」として保存し直してください"
            ))
        }
    }
}

/// Streams the records of delimited `text` to `sink`, each numbered by the
/// line it starts on (a quoted cell may hold line breaks). A tab-separated
/// first line in a `.csv` (Excel's "Unicode text") switches to tabs.
pub fn text_rows(text: &str, delimiter: u8, sink: &mut RowSink<'_>) -> Result<(), String> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if delimiter == b',' && first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        delimiter
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // The line a record starts on, counted from its byte offset (the csv
    // crate's offset may stand before the line ends that precede it).
    let bytes = text.as_bytes();
    let (mut counted, mut line) = (0usize, 1usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let mut start = record.position().map_or(counted, |p| p.byte() as usize);
                while start < bytes.len() && (bytes[start] == b'\r' || bytes[start] == b'\n') {
                    start += 1;
                }
                let start = start.max(counted);
                line += bytes[counted..start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                counted = start;
                sink(line, record.iter().map(line_breaks).collect(), Vec::new());
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(format!("{line}行目: レコードを読めません: {e}"));
            }
        }
    }
}

/// The column letters of 0-based column `c` (`0` → `A`, `27` → `AB`).
pub fn column_name(c: usize) -> String {
    let mut n = c + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(209), "HB");
    }

    #[test]
    fn encodings_are_detected() {
        let text = "事業名,担当課\n健康づくり,健康課\n";
        assert_eq!(decode(text.as_bytes()).unwrap().1, "UTF-8");
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), (text.to_string(), "UTF-8"));
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        assert_eq!(
            decode(&sjis).unwrap(),
            (text.to_string(), "Shift_JIS (CP932)")
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), (text.to_string(), "UTF-16LE"));
        let e = decode(b"\x82\xa0\xff\xff\n").unwrap_err();
        assert!(e.contains("1行目") && e.contains("CSV UTF-8"), "{e}");
    }

    #[test]
    fn quoted_cells_keep_line_breaks_and_rows_their_first_line() {
        let mut rows = Vec::new();
        text_rows("a,b\r\n\"x\r\ny\",z\n\nlast,\n", b',', &mut |n, c, _| {
            rows.push((n, c))
        })
        .unwrap();
        let want: Vec<(usize, Vec<String>)> = vec![
            (1, vec!["a".into(), "b".into()]),
            (2, vec!["x\ny".into(), "z".into()]),
            (5, vec!["last".into(), "".into()]),
        ];
        assert_eq!(rows, want);
        let mut tabs = Vec::new();
        text_rows("事業名\t担当\nA\tB\n", b',', &mut |n, c, _| {
            tabs.push((n, c))
        })
        .unwrap();
        assert_eq!(tabs[1].1, ["A", "B"]);
    }
}
