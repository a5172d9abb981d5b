#!/usr/bin/env python3
"""Groonga commands that build a database of the measures `shisaku export` prints.

    target/release/shisaku export | scripts/groonga_load.py > load.grn
    groonga -n DB/shisaku < load.grn

The baseline of the load test (scripts/loadtest.sh --modes "… groonga"):
Groonga set up as its documentation recommends for Japanese full text, so
that both servers answer the same questions over the same documents.

- Measures: title, content, and the progress, indicator and hierarchy texts
  joined (what shisaku searches besides title and content).
- The nine facets of shisaku (plan, plan_kind, municipality, pillar,
  department, section, level, year, status) as reference columns, vectors
  where a measure has several values, with the same values as shisaku's
  `Facet::values` (crates/shisaku-engine/src/index/schema.rs).
- One full-text index over title, content and progress: TokenBigram, and a
  normalizer that folds width, case and hiragana/katakana
  (NormalizerNFKC150 with unify_kana), as shisaku's analysis does.
"""

import json
import sys

SCHEMA = """\
table_create Facets TABLE_HASH_KEY ShortText
table_create Measures TABLE_HASH_KEY ShortText
column_create Measures title COLUMN_SCALAR ShortText
column_create Measures content COLUMN_SCALAR Text
column_create Measures progress COLUMN_SCALAR LongText
column_create Measures plan COLUMN_SCALAR Facets
column_create Measures plan_kind COLUMN_SCALAR Facets
column_create Measures municipality COLUMN_SCALAR Facets
column_create Measures pillar COLUMN_SCALAR Facets
column_create Measures department COLUMN_VECTOR Facets
column_create Measures section COLUMN_VECTOR Facets
column_create Measures level COLUMN_SCALAR Facets
column_create Measures year COLUMN_VECTOR Facets
column_create Measures status COLUMN_VECTOR Facets
"""

# created after the load, as Groonga's documentation advises for a bulk load
INDEX = """\
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer 'NormalizerNFKC150("unify_kana", true)'
column_create Terms measures_text COLUMN_INDEX|WITH_POSITION|WITH_SECTION Measures title,content,progress
column_create Facets measures_facets COLUMN_INDEX|WITH_SECTION Measures plan,plan_kind,municipality,pillar,department,section,level,year,status
"""


def values(xs):
    """Sorted distinct non-blank values (as `Facet::values`)."""
    return sorted({x for x in xs if x and x.strip()})


def status_values(m):
    out = []
    for p in m.get("progress", []):
        e = " ".join((p.get("evaluation") or "").split())
        if e and len(e) <= 12:
            out.append(e)
    return values(out)


def record(m):
    texts = []
    for p in m.get("progress", []):
        texts += [p.get(k) for k in ("status", "evaluation", "next_plan", "issues")]
    texts += [i.get("name") for i in m.get("indicators", [])]
    texts += m.get("path", [])
    path = m.get("path", [])
    return {
        "_key": m["id"],
        "title": m["title"],
        "content": m["content"],
        "progress": "\n".join(t for t in texts if t),
        "plan": m["plan"]["name"],
        "plan_kind": m["plan"]["kind"],
        "municipality": m["plan"]["municipality"],
        "pillar": path[0] if path else "",
        "department": values(m.get("departments", [])),
        "section": values(m.get("sections", [])),
        "level": m["level"],
        "year": values(p.get("fiscal_year") for p in m.get("progress", [])),
        "status": status_values(m),
    }


def main():
    out = sys.stdout
    out.write(SCHEMA)
    out.write("load --table Measures\n[\n")
    n = 0
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            m = json.loads(line)
            rec = record(m)
        except (ValueError, KeyError, TypeError) as e:
            sys.exit(f"standard input line {lineno}: not a measure of `shisaku export`: {e}")
        out.write(("," if n else "") + json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    out.write("]\n")
    out.write(INDEX)
    print(f"{n} measures", file=sys.stderr)


if __name__ == "__main__":
    main()
