//! `shisaku check DOC`: how the manifest entries naming one document read it,
//! without touching the index. Prints the reading the importer reports (the
//! header row and column mapping of a table), the counts, the first records
//! field by field and the warnings summarized by kind.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::{DocumentEntry, ImportReport, Manifest, import_documents};
use crate::model::Measure;

/// How many warnings of one kind are printed in full.
const SHOWN_PER_KIND: usize = 3;

/// The entries of `manifest` that `doc` names: by file name (a path is
/// reduced to its file name) or by plan id.
pub fn entries<'m>(manifest: &'m Manifest, doc: &str) -> Result<Vec<&'m DocumentEntry>, String> {
    let name = Path::new(doc)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(doc);
    let found: Vec<&DocumentEntry> = manifest
        .documents
        .iter()
        .filter(|e| e.file == doc || e.file == name || e.plan.id == doc)
        .collect();
    if found.is_empty() {
        let files: Vec<&str> = manifest.documents.iter().map(|e| e.file.as_str()).collect();
        return Err(format!(
            "マニフェストに `{doc}` を指す [[document]] がありません（ファイル名か計画 id で指定します）。\
             マニフェストにあるファイル: {}。この文書の項目を追加してください（README の「Adding a plan」を参照）",
            files.join("、")
        ));
    }
    Ok(found)
}

/// Reads the documents `doc` names as the manifest at `manifest_path`
/// configures them; the text to print, and whether every one was read.
pub fn check(manifest_path: &Path, doc: &str, records: usize) -> Result<(String, bool), String> {
    let manifest = Manifest::load(manifest_path).map_err(|e| e.to_string())?;
    let base = manifest_path.parent().unwrap_or(Path::new("."));
    let mut out = String::new();
    let mut ok = true;
    for entry in entries(&manifest, doc)? {
        let corpus = import_documents(base, std::slice::from_ref(entry));
        let Some(report) = corpus.reports.first() else {
            continue;
        };
        ok &= report.error.is_none();
        out.push_str(&render(report, &corpus.measures, records));
    }
    Ok((out, ok))
}

/// One document's check as text.
pub fn render(report: &ImportReport, measures: &[Measure], records: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} [{}] {}", report.file, report.format, report.plan);
    if let Some(e) = &report.error {
        let _ = writeln!(s, "  エラー {e}");
        return s;
    }
    if !report.notes.is_empty() {
        let _ = writeln!(s, "  読み方:");
        for n in &report.notes {
            let _ = writeln!(s, "    {n}");
        }
    }
    let levels: Vec<String> = report
        .records
        .iter()
        .map(|(l, n)| format!("{}{n}件", l.label_ja()))
        .collect();
    let _ = writeln!(
        s,
        "  レコード: {}件（{}）",
        report.total(),
        if levels.is_empty() {
            "なし".to_string()
        } else {
            levels.join("、")
        }
    );
    let mut unused: BTreeMap<super::SpanKind, (usize, usize)> = BTreeMap::new();
    for u in &report.unused {
        let e = unused.entry(u.kind).or_default();
        e.0 += 1;
        e.1 += u.line_end - u.line_start + 1;
    }
    for (k, (spans, lines)) in &unused {
        let _ = writeln!(
            s,
            "  読み込まなかった行（{}）: {spans}か所、{lines}行",
            k.label_ja()
        );
    }
    for (i, m) in measures.iter().take(records).enumerate() {
        let _ = writeln!(s, "  レコード {}:", i + 1);
        record(&mut s, m);
    }
    let _ = writeln!(s, "  警告: {}件", report.warnings.len());
    let mut kinds: Vec<(String, Vec<&super::Warning>)> = Vec::new();
    for w in &report.warnings {
        let k = kind_of(&w.message);
        match kinds.iter_mut().find(|(x, _)| *x == k) {
            Some((_, ws)) => ws.push(w),
            None => kinds.push((k, vec![w])),
        }
    }
    for (k, ws) in &kinds {
        let _ = writeln!(s, "    {} × {k}", ws.len());
        for w in ws.iter().take(SHOWN_PER_KIND) {
            let _ = writeln!(s, "      {w}");
        }
        if ws.len() > SHOWN_PER_KIND {
            let _ = writeln!(s, "      …ほか{}件", ws.len() - SHOWN_PER_KIND);
        }
    }
    s
}

/// A record field by field.
fn record(s: &mut String, m: &Measure) {
    let short = |t: &str| -> String {
        let c: String = t.chars().take(80).collect();
        if t.chars().count() > 80 {
            format!("{c}…")
        } else {
            c
        }
    };
    let mut field = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = writeln!(s, "    {k:<12} {v}");
        }
    };
    let src = &m.source;
    field(
        "source",
        format!(
            "{}{} {}行目{}",
            src.file,
            src.sheet
                .as_deref()
                .map(|x| format!(" [{x}]"))
                .unwrap_or_default(),
            src.line,
            if src.line_end > src.line_start {
                format!("（{}〜{}行目）", src.line_start, src.line_end)
            } else {
                String::new()
            }
        ),
    );
    field("level", m.level.to_string());
    field("number", m.number.clone().unwrap_or_default());
    field("title", m.title.clone());
    field("path", m.path.join(" > "));
    field("departments", m.departments.join(", "));
    field("sections", m.sections.join(", "));
    field("page", m.page.clone().unwrap_or_default());
    if m.content != m.title {
        field("content", short(&m.content));
    }
    for p in &m.progress {
        let mut parts = Vec::new();
        for (k, v) in [
            ("status", &p.status),
            ("evaluation", &p.evaluation),
            ("achievement", &p.achievement),
            ("next_plan", &p.next_plan),
            ("issues", &p.issues),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}: {}", short(v)));
            }
        }
        field(&format!("progress {}", p.fiscal_year), parts.join(" / "));
    }
    for i in &m.indicators {
        let values: Vec<String> = i
            .values
            .iter()
            .map(|v| format!("{} {}", v.fiscal_year, v.raw))
            .collect();
        field(
            "indicator",
            format!(
                "{}: {}{}",
                i.name,
                values.join(", "),
                i.target
                    .as_deref()
                    .map(|t| format!("（目標 {t}）"))
                    .unwrap_or_default()
            ),
        );
    }
    field("flags", m.flags.join(", "));
}

/// The kind of a warning: its message with the specifics (numbers, quoted
/// texts) left out, so that warnings differing only in those
/// are counted together.
fn kind_of(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match (quote, c) {
            (None, '`') => {
                quote = Some('`');
                out.push('…');
            }
            (None, '「') => {
                quote = Some('」');
                out.push('…');
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            (None, c) => out.push(c),
        }
    }
    let k = out;
    let short: String = k.chars().take(90).collect();
    if k.chars().count() > 90 {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_one_kind_share_a_key() {
        assert_eq!(
            kind_of("12行目に施策名がありません（セル F12、列「事業名」が空）: 読み込みません"),
            kind_of("7行目に施策名がありません（セル F7、列「事業名」が空）: 読み込みません")
        );
        assert_ne!(
            kind_of("12行目に施策名がありません"),
            kind_of("見出しに年度がありません")
        );
    }
}
