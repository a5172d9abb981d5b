#!/usr/bin/env python3
"""Precision of the top 10 on a judged query set, with the scorer's own machinery.

Usage (from the project root, after `cargo build --release` and `shisaku index`):
    python3 scripts/precision.py [--scorer ../shared/eval-dev/score.py] [--queries FILE] [--bin PATH]

For every query: P@10 = judged measures (grade >= 1) among the first 10 hits / 10. Also counts
queries that return no hit at all. Judged measures are mapped onto the product's ids exactly as
score.py maps them (its Mapper is imported, not copied), so the two scripts agree on what counts.
Aggregate numbers only: nothing is printed per query, so the script can be run on a held-out set.
"""
import argparse
import importlib.util
import json
import os
import sys


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scorer", default=os.environ.get("SHISAKU_SCORER", "/work/shared/eval-dev/score.py"))
    ap.add_argument("--bin", default="target/release/shisaku")
    ap.add_argument("--queries", default=None)
    a = ap.parse_args()
    score = load_scorer(a.scorer)
    queries = a.queries or os.path.join(os.path.dirname(os.path.abspath(a.scorer)), "queries.jsonl")
    mapper = score.Mapper(score.load_export(a.bin))
    qs = [json.loads(l) for l in open(queries, encoding="utf-8") if l.strip()]
    precisions, empty = [], 0
    for q in qs:
        relevant = {mapper.find(r) for r in q["relevant"] if r["grade"] >= 1} - {None}
        cmd = [a.bin, "search", "--json", "--limit", "10"]
        for k, v in (q.get("filter") or {}).items():
            cmd += ["--filter", f"{k}={v}"]
        cmd.append(q["q"])
        hits = list(dict.fromkeys(h["id"] for h in json.loads(score.run_json(cmd)).get("hits", [])))
        empty += not hits
        precisions.append(len(set(hits[:10]) & relevant) / 10)
    print(f"precision: {len(qs)} queries  P@10 {sum(precisions) / len(precisions):.3f}"
          f"  queries without any hit {empty}")


if __name__ == "__main__":
    sys.exit(main())
