#!/usr/bin/env python3
"""Request paths for the load test, one per line, from scripts/loadtest-queries.tsv.

    scripts/loadtest_paths.py shisaku  < scripts/loadtest-queries.tsv   # GET /api/search
    scripts/loadtest_paths.py groonga  < scripts/loadtest-queries.tsv   # GET /d/select
    scripts/loadtest_paths.py groonga --no-cache < …                    # Groonga without its query cache

shisaku: /api/search always returns facets (every value of the nine facets,
disjunctive) and highlighted snippets; 10 hits a page.

Groonga: the same request as a `select` over the table that
scripts/groonga_load.py builds: full-text match on title (×2), content and
progress texts, the same facet filters, drilldowns on the same nine facets
with every value, the title highlighted and snippets of the content and
progress texts, 10 hits a page, best score first. Query syntax is
translated where the two differ (`title:支援` is `title:@支援` in Groonga).
"""

import argparse
import re
import sys
from urllib.parse import quote

PER_PAGE = 10
FACETS = ["plan", "plan_kind", "municipality", "pillar", "department", "section", "level", "year", "status"]
# facet columns holding several values (reference vectors in Groonga)
VECTOR_FACETS = {"department", "section", "year", "status"}
# facet filters a query line may carry, in the order they are put in a URL
FILTER_KEYS = ("plan_kind", "municipality", "department", "level")
KNOWN_KEYS = FILTER_KEYS + ("page",)


def read_queries(lines):
    """(query, {key: value}) of each non-comment line; a bad line is an error naming it."""
    out = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        q, *extras = line.split("\t")
        params = {}
        for kv in extras:
            k, sep, v = kv.partition("=")
            if not sep or k not in KNOWN_KEYS or not v or (k == "page" and not (v.isdigit() and int(v) > 0)):
                sys.exit(f"loadtest-queries.tsv line {n}: bad parameter {kv!r} (known: {', '.join(KNOWN_KEYS)}; page a number from 1)")
            params[k] = v
        out.append((q, params))
    if not out:
        sys.exit("loadtest-queries.tsv: no queries")
    return out


def enc(s):
    return quote(s, safe="-._~")


def shisaku_path(q, params):
    p = "/api/search?q=" + enc(q)
    for k in KNOWN_KEYS:
        if k in params:
            p += f"&{k}={enc(params[k])}"
    return p


def groonga_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def groonga_path(q, params, cache):
    query = re.sub(r"\btitle:", "title:@", q)
    filters = []
    for k in FILTER_KEYS:
        if k in params:
            op = "@" if k in VECTOR_FACETS else "=="
            filters.append(f"{k} {op} {groonga_string(params[k])}")
    page = int(params.get("page", "1"))
    args = [
        ("table", "Measures"),
        ("match_columns", "title * 2 || content || progress"),
        ("query", query),
        ("filter", " && ".join(filters)),
        ("sort_keys", "-_score,_id"),
        ("offset", str((page - 1) * PER_PAGE)),
        ("limit", str(PER_PAGE)),
        ("output_columns", "_key,_score,title,highlight_html(title),snippet_html(content),snippet_html(progress)"),
        # one drilldown per facet, every value, most frequent first
        ("drilldown", ",".join(FACETS)),
        ("drilldown_limit", "-1"),
        ("drilldown_sort_keys", "-_nsubrecs"),
        ("drilldown_output_columns", "_key,_nsubrecs"),
    ]
    if not cache:
        args.append(("cache", "no"))
    return "/d/select?" + "&".join(f"{k}={enc(v)}" for k, v in args if v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", choices=["shisaku", "groonga"])
    ap.add_argument("--no-cache", action="store_true", help="Groonga: cache=no on every select")
    a = ap.parse_args()
    for q, params in read_queries(sys.stdin):
        if a.target == "shisaku":
            print(shisaku_path(q, params))
        else:
            print(groonga_path(q, params, cache=not a.no_cache))


if __name__ == "__main__":
    main()
