//! Importer for PDF-extracted block reports (`block-report`; seed 003, the
//! 熊谷市自殺対策計画 progress report for 令和2・3年度).
//!
//! # The format
//!
//! The PDF table came out as text with one *block* per measure, in column
//! order (T003-1):
//!
//! ```text
//! title                         (may wrap over 2 lines, may share a paragraph with the description)
//! plan description
//! page 部 課                    (the "page/department/section" cell; the anchor)
//! R2 result (令和２年度実施状況)
//! 100 %                         (R2 達成度)
//! R3 plan (令和３年度の実施計画)
//! R3 result (令和３年度実施状況)
//! evaluation (担当課の評価)
//! ア　実施済 100 %              (取組状況 + R3 達成度; the status line, second anchor)
//! R4+ plan (今後（令和４年度以降）の実施計画)
//! ```
//!
//! Blank lines separate some cells but not others, and cells that stood side
//! by side in the PDF come out on one line separated by an ASCII space (the
//! document uses U+3000 inside cells, ASCII spaces only between cells and in
//! `100 %`). The importer is therefore a small state machine over lines, not
//! over fixed offsets:
//!
//! 1. page-break header blocks (`取組状況` / `計画における項目` … `今後（令和４年度以降）の実施計画`)
//!    and short form fragments with an ASCII `,` (`ア　実施済,ウ`, `施,`) are
//!    [`SpanKind::Header`](super::SpanKind::Header), so they are never taken for status lines (T003-2);
//! 2. `基本施策N　…` headings (wrapped onto a second line, T003-3) set the path;
//! 3. the *department anchor* is found in all its forms (T003-5): `18 市民部 課`
//!    on one line, with text before (L837) or after it (L84, L581…); the page alone
//!    followed by department lines split at `・`, a blank, and section lines;
//!    `26 福祉部` followed by a section wrapped mid-word; `Ｒ３追加`; no page at all
//!    (`建設部 営繕課`);
//! 4. the *status line* `ア　実施済 100 %` (kana, U+3000, status word, then the
//!    achievement or `-`), possibly preceded by evaluation cells and followed by
//!    the next plan on the same line (T003-6);
//! 5. each block is anchor + status line; the text between a status line and
//!    the next anchor is split into the previous block's R4+ plan and the next
//!    block's title/description: a title paragraph is short (≤ 2 lines, no
//!    `。`), a title glued to its description is the paragraph's first line,
//!    and a paragraph glued to the status line (no blank between) is a plan;
//! 6. the cells between anchor and status line are assigned by the 達成度 cell
//!    (`100 %`): before it the R2 result, after it R3 plan, R3 result and
//!    evaluation. Where a blank line between two cells is missing, the cell is
//!    split at its first hard line break; where 達成度 is missing, cells are
//!    assigned from the end, except that of three cells the R3 plan is the one
//!    that repeats the description or the R4+ plan more (L304, L1418).
//!    Records whose cells had to be guessed this way carry the flag
//!    `cells-guessed`.
//!
//! # What goes where
//!
//! - `title`: the name as printed, wrapped lines joined; `content`: the plan
//!   description, wrapped lines joined (real line breaks kept as `\n`);
//! - `page` as printed (`18`, `Ｒ３追加`), `None` when the block has none
//!   (warned); `departments` / `sections`: split at `・` only after a name
//!   suffix (部, 課, センター, 組合…), so `・` inside one name is kept; listed in
//!   department order as printed (a single department may have two sections);
//! - `path`: `[基本施策N heading]`, wrapped heading lines joined
//!   (`基本施策１　地域におけるネットワークの強化`);
//! - `progress` (years read from the header `令和２年度実施状況 … 令和３年度実施状況`):
//!   - first year (R2): `status` = R2 result, `achievement` = R2 達成度 as printed
//!     (`100 %`, `achievement_pct` 100), `next_plan` = the R3 plan
//!     (令和３年度の実施計画 is the plan made for the following year);
//!   - second year (R3): `status` = R3 result, `evaluation` = the 取組状況 as
//!     printed (`ア　実施済`), then, on a new line, the department's own
//!     evaluation text (担当課の評価) when there is one, so
//!     `evaluation.lines().next()` is always the 取組状況; `achievement` = the
//!     達成度 of the status line (`100 %`, `-`); `next_plan` = the R4+ plan.
//!   - an entry is kept when it has any of these; a measure added in R3
//!     (`Ｒ３追加`, and the 建設部 blocks whose R2 cells are empty) has an R2
//!     entry holding only the R3 plan as `next_plan`.
//! - flags: `content-truncated` (description breaks off mid-sentence, T003-7),
//!   `no-page`, `no-department-line`, `no-status-line`, `no-title`,
//!   `cells-guessed`, `truncated-block` (a block cut off after its description).
//! - warnings (with the line): truncated description, no page printed, block
//!   without department line / without 取組状況 line / without title, a
//!   department cell without a section, a cut-off last block, extra
//!   paragraphs, a page header that never closes, report years not found in
//!   any header (R2/R3 assumed), and no block at all.
//!
//! # Options (`[document.options]`)
//!
//! - `wrap_width` (number, default 20): a line at least this wide (full-width
//!   characters; ASCII counts ½) that does not end a sentence was wrapped by
//!   the PDF cell and is joined to the next line without a break.
//!
//! # Layout
//!
//! - `classify`: what one line is (cells, status line, department anchor,
//!   page-break header) and how wrapped cell text is joined;
//! - `cells`: the text between anchors cut into paragraphs and cells, and
//!   the cells of a block assigned to their columns;
//! - `parser`: the parser state and its scanning passes (line kinds, report
//!   years, blocks);
//! - `assemble`: the text around each block split and each block turned
//!   into a [`Measure`].

mod assemble;
mod cells;
mod classify;
mod parser;
#[cfg(test)]
mod tests;

use serde::Deserialize;

use super::{Document, ImportError, Importer, Ledger};
use crate::model::Measure;
use parser::Parser;

pub struct BlockImporter;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    wrap_width: Option<f64>,
}

const DEFAULT_WRAP_WIDTH: f64 = 20.0;
/// A page-break header is never longer than this many lines.
const HEADER_MAX_LINES: usize = 40;

impl Importer for BlockImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let opts: Options = doc.options()?;
        let wrap = opts.wrap_width.unwrap_or(DEFAULT_WRAP_WIDTH);
        if wrap.is_nan() || wrap <= 0.0 {
            return Err(ImportError::new(
                doc.file,
                None,
                "マニフェストの [document.options] に誤りがあります: wrap_width は正の数で書いてください",
            ));
        }
        let mut p = Parser::new(doc, ledger, wrap);
        Ok(p.run())
    }
}
