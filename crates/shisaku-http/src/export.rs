//! CSV exports of what the web UI shows, for Excel: every hit of a search
//! (not one page) and every match of a wording-reuse request, with the
//! columns shown on screen and Japanese headers, UTF-8 with a BOM.

use shisaku_core::model::page_label;
use shisaku_engine::engine::{Engine, SimilarResponse};
use shisaku_engine::search::{self, SearchRequest};

use super::error::{ApiError, ApiResult};

/// Most hits one search export may hold; a larger result asks for a
/// narrower search instead of being cut short.
pub const MAX_EXPORT_HITS: usize = 10_000;

/// The text of a snippet or marked title without its markup.
fn plain(html: &str) -> String {
    html.replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{FEFF}".as_bytes().to_vec())
}

fn finish(w: csv::Writer<Vec<u8>>) -> ApiResult<Vec<u8>> {
    w.into_inner()
        .map_err(|e| ApiError::internal(format!("csv: {e}")))
}

fn csv_err(e: csv::Error) -> ApiError {
    ApiError::internal(format!("csv: {e}"))
}

/// Every hit of `req` (its page and page size ignored) as CSV, in the
/// request's order.
pub fn search_csv(engine: &Engine, req: &SearchRequest) -> ApiResult<Vec<u8>> {
    let mut page = SearchRequest {
        limit: search::MAX_LIMIT,
        offset: 0,
        ..req.clone()
    };
    let mut w = writer();
    w.write_record([
        "順位",
        "施策名",
        "計画",
        "自治体",
        "階層",
        "体系",
        "担当部署",
        "担当課",
        "掲載ページ",
        "抜粋の箇所",
        "抜粋",
        "出典",
        "行",
        "ファイル",
        "施策ID",
    ])
    .map_err(csv_err)?;
    loop {
        let res = engine.search(&page)?;
        if res.total > MAX_EXPORT_HITS {
            return Err(ApiError::bad_parameter(
                "q",
                format!(
                    "{} hits; an export holds at most {MAX_EXPORT_HITS}: narrow the search",
                    res.total
                ),
            ));
        }
        for (i, h) in res.hits.iter().enumerate() {
            w.write_record([
                (page.offset + i + 1).to_string(),
                h.title.clone(),
                h.plan.name.clone(),
                h.plan.municipality.clone(),
                h.level.label_ja().to_string(),
                h.path.join(" ＞ "),
                h.departments.join("、"),
                h.sections.join("、"),
                h.page.as_deref().map(page_label).unwrap_or_default(),
                h.snippet_field
                    .clone()
                    .unwrap_or_else(|| "内容".to_string()),
                plain(&h.snippet),
                h.source.document.clone().unwrap_or_default(),
                h.source.line.to_string(),
                h.source.file.clone(),
                h.id.clone(),
            ])
            .map_err(csv_err)?;
        }
        page.offset += res.hits.len();
        if res.hits.is_empty() || page.offset >= res.total {
            break;
        }
    }
    finish(w)
}

/// Every match of a wording-reuse answer as CSV: one row per draft sentence
/// and match (a sentence without matches has one row with the match columns
/// empty).
pub fn similar_csv(res: &SimilarResponse) -> ApiResult<Vec<u8>> {
    const HEADER: [&str; 12] = [
        "文番号",
        "下書きの文",
        "類似度",
        "似た文",
        "共通部分",
        "施策名",
        "計画",
        "箇所",
        "出典",
        "行",
        "ファイル",
        "施策ID",
    ];
    let mut w = writer();
    w.write_record(HEADER).map_err(csv_err)?;
    for (i, s) in res.sentences.iter().enumerate() {
        let n = (i + 1).to_string();
        if s.matches.is_empty() {
            // the match columns left empty
            let mut row = [""; HEADER.len()];
            row[0] = &n;
            row[1] = &s.sentence;
            w.write_record(row).map_err(csv_err)?;
        }
        for m in &s.matches {
            let field = match m.field {
                "title" => "施策名",
                "content" => "内容",
                "progress" => "進捗",
                other => other,
            };
            w.write_record([
                n.clone(),
                s.sentence.clone(),
                format!("{:.2}", m.score),
                m.text.clone(),
                m.shared_spans.join(" ／ "),
                m.title.clone(),
                m.plan.clone(),
                field.to_string(),
                m.document.clone().unwrap_or_default(),
                m.line.to_string(),
                m.file.clone(),
                m.id.clone(),
            ])
            .map_err(csv_err)?;
        }
    }
    finish(w)
}
