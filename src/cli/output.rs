//! The text each command prints (its `--json` form is the serialized answer).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use shisaku::bench::{BenchReport, LinksSample};
use shisaku::engine::{BuildOutcome, RelatedResponse, SimilarResponse};
use shisaku::index::Verified;

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// `--json`: the answer as one line of JSON.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// `shisaku index`: what was built, and where the time went (on stderr,
/// after the import report).
pub fn index_summary(outcome: &BuildOutcome) {
    let links = outcome.links;
    eprintln!(
        "indexed {} measures into {} (index {:.2} s, related links {:.2} s: \
         profiles {:.2} s, linking {:.2} s, writing {:.2} s)",
        outcome.measures,
        outcome.generation.display(),
        outcome.index_seconds,
        links.total(),
        links.profiles,
        links.linking,
        links.writing,
    );
}

/// `shisaku verify`: the generation checked.
pub fn verified(out: &mut impl Write, dir: &Path, v: &Verified, took: Duration) -> Result {
    writeln!(
        out,
        "{}: ok ({} measures; {} files, {:.1} MB checked in {:.1} ms)",
        dir.display(),
        v.measures,
        v.files,
        v.bytes as f64 / 1e6,
        took.as_secs_f64() * 1000.0
    )?;
    Ok(())
}

/// `shisaku related`: the measure, then one line per related measure.
pub fn related(out: &mut impl Write, res: &RelatedResponse) -> Result {
    writeln!(out, "{}  [{}]", res.title, res.id)?;
    for r in &res.related {
        writeln!(
            out,
            "  {:.3}  {}  ／ {}  ({})  出典: {}:{}",
            r.score,
            r.title,
            r.plan,
            r.shared_terms.join(" "),
            r.source.file,
            r.source.line
        )?;
    }
    Ok(())
}

/// `shisaku similar`: each sentence of the draft, then its closest
/// sentences with the shared wording in [brackets].
pub fn similar(out: &mut impl Write, res: &SimilarResponse) -> Result {
    for s in &res.sentences {
        writeln!(out, "▶ {}", s.sentence)?;
        for m in &s.matches {
            writeln!(
                out,
                "  {:.3}  {}  ／ {} {}:{}\n        {}",
                m.score,
                m.title,
                m.plan,
                m.file,
                m.line,
                m.html.replace("<mark>", "[").replace("</mark>", "]")
            )?;
        }
    }
    Ok(())
}

/// `shisaku bench --links-sample`.
pub fn links_sample(out: &mut impl Write, r: &LinksSample) -> Result {
    writeln!(out, "measures            {}", r.measures)?;
    writeln!(out, "import              {:.2} s", r.import_seconds)?;
    writeln!(out, "profiles            {:.2} s", r.profile_seconds)?;
    for (phase, seconds) in &r.profile_phases {
        writeln!(out, "  {phase:<24}{seconds:.2} s")?;
    }
    writeln!(
        out,
        "links of {} measures {:.2} s ({:.3} ms per measure)",
        r.sample, r.link_seconds, r.link_ms_per_measure
    )?;
    writeln!(out, "projected, all      {:.1} s", r.projected_seconds)?;
    if let Some(e) = &r.exact {
        writeln!(
            out,
            "against exhaustive scoring ({} measures, {:.1} s): recall@5 {:.3}  recall@20 {:.3}",
            e.measures, e.seconds, e.recall_at_5, e.recall_at_20
        )?;
    }
    Ok(())
}

/// `shisaku bench`.
pub fn bench(out: &mut impl Write, report: &BenchReport) -> Result {
    writeln!(out, "measures            {}", report.measures)?;
    if let (Some(build), Some(index), Some(links)) = (
        report.build_seconds,
        report.index_seconds,
        report.links_seconds,
    ) {
        writeln!(out, "build (import+index+links) {build:.2} s")?;
        writeln!(out, "  index             {index:.2} s")?;
        writeln!(out, "  related links     {links:.2} s")?;
    }
    writeln!(out, "open (records+links) {:.2} s", report.open_seconds)?;
    writeln!(
        out,
        "overlap report      {:.3} s ({} pairs, {} clusters; first page)",
        report.overlap_seconds, report.overlap_pairs, report.overlap_clusters
    )?;
    writeln!(
        out,
        "  every pair as CSV {:.3} s",
        report.overlap_csv_seconds
    )?;
    let s = &report.search;
    writeln!(
        out,
        "search ({} queries) p50 {:.2} ms  p99 {:.2} ms  mean {:.2} ms  max {:.2} ms",
        s.queries, s.p50_ms, s.p99_ms, s.mean_ms, s.max_ms
    )?;
    Ok(())
}
