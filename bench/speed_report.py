#!/usr/bin/python3
"""speed_report.py: the tables of bench/speed.sh's results (Markdown).

  speed_report.py WORK/results.jsonl

For each figure the latest measurement of each engine, language and size
wins (a re-run replaces an older one). Standard library only.
"""
import json
import sys


def latest(rows, key):
    out = {}
    for r in rows:
        out[key(r)] = r
    return list(out.values())


def main():
    rows = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    idx = latest([r for r in rows if r.get("figure") == "index"],
                 lambda r: (r["engine"], r["lang"], r["passages"]))
    if idx:
        print("### Indexing\n")
        print("| passages | lang | engine | text MB | wall s | MB/s | CPU s | MB/CPU-s |"
              " peak RSS MB | index MB | index/text | compacted/text | load |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sorted(idx, key=lambda r: (r["passages"], r["lang"], r["engine"])):
            print("| %d | %s | %s | %.1f | %.1f | %.2f | %.1f | %.2f | %.0f | %.0f | %.2f | %s | %.1f |" % (
                r["passages"], r["lang"], r["engine"], r["text_mb"], r["seconds"],
                r["mb_per_s"], r.get("cpu_seconds", 0), r.get("mb_per_cpu_s", 0),
                r["peak_rss_mb"], r["index_mb"],
                r["size_ratio"],
                "%.2f" % r["compact_ratio"] if r.get("compact_ratio") else "-",
                r.get("load", 0)))
        print()
    q = latest([r for r in rows if r.get("figure") == "query"],
               lambda r: (r["engine"], r["lang"], r["passages"], r["class"]))
    if q:
        print("### Query latency (ms; 10 best, text read)\n")
        print("| passages | lang | class | engine | p50 | p99 | CPU p50 | CPU p99 | hits |"
              " search RSS MB | load |")
        print("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        order = {"word": 0, "two": 1, "phrase": 2, "question": 3}
        for r in sorted(q, key=lambda r: (r["passages"], r["lang"],
                                          order.get(r["class"], 9), r["engine"])):
            print("| %d | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f | %.1f |" % (
                r["passages"], r["lang"], r["class"], r["engine"], r["p50_ms"],
                r["p99_ms"], r.get("cpu_p50_ms", 0), r.get("cpu_p99_ms", 0),
                r["avg_hits"], r["search_rss_mb"], r.get("load", 0)))
        print()
    pdf = latest([r for r in rows if r.get("figure") == "pdf"], lambda r: r["engine"])
    if pdf:
        print("### PDF\n")
        print("| engine | pages | wall s | pages/s | x pdftotext | CPU s | x pdftotext (CPU) |"
              " CPU % | peak RSS MB | load |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sorted(pdf, key=lambda r: r["engine"] != "pdftotext"):
            print("| %s | %d | %.1f | %.1f | %.2f | %.1f | %.2f | %d | %.0f | %.1f |" % (
                r["engine"], r["pages"], r["seconds"], r["pages_per_s"],
                r["vs_pdftotext"], r.get("cpu_seconds", 0), r.get("cpu_vs_pdftotext", 0),
                r["cpu_pct"], r["peak_rss_mb"], r.get("load", 0)))
        print()


if __name__ == "__main__":
    main()
