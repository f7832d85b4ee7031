#!/usr/bin/python3
"""speed_report.py: the tables of bench/speed.sh's results (Markdown).

  speed_report.py WORK/results.jsonl

For each figure the latest measurement of each engine, language and size
wins (a re-run replaces an older one). Each table has a column "vs
ghsearch": the peer's figure over ghsearch's in the same table (for
times, instructions and sizes: above 1 means ghsearch does better; for
throughputs: below 1 means ghsearch does better), so that a figure is read
as a same-run ratio. Standard library only.
"""
import json
import sys


def latest(rows, key):
    out = {}
    for r in rows:
        out[key(r)] = r
    return list(out.values())


def ratio(value, ours):
    """value / ours as "x0.42", or "-" when either is missing or zero."""
    if not value or not ours:
        return "-"
    return "x%.2f" % (value / ours)


def ours_of(rows, key, field):
    """ghsearch's field in rows, by key(row) without the engine."""
    return {key(r): r.get(field) for r in rows if r["engine"] == "ghsearch"}


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
        ours_cpu = ours_of(idx, lambda r: (r["lang"], r["passages"]), "mb_per_cpu_s")
        ours_size = ours_of(idx, lambda r: (r["lang"], r["passages"]), "size_ratio")
        print("| passages | lang | engine | text MB | wall s | MB/s | CPU s | MB/CPU-s |"
              " vs ghsearch | peak RSS MB | index MB | index/text | vs ghsearch |"
              " compacted/text | load |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sorted(idx, key=lambda r: (r["passages"], r["lang"], r["engine"])):
            k = (r["lang"], r["passages"])
            print("| %d | %s | %s | %.1f | %.1f | %.2f | %.1f | %.2f | %s | %.0f | %.0f | %.2f | %s | %s | %.1f |" % (
                r["passages"], r["lang"], r["engine"], r["text_mb"], r["seconds"],
                r["mb_per_s"], r.get("cpu_seconds", 0), r.get("mb_per_cpu_s", 0),
                ratio(r.get("mb_per_cpu_s"), ours_cpu.get(k)),
                r["peak_rss_mb"], r["index_mb"],
                r["size_ratio"], ratio(r["size_ratio"], ours_size.get(k)),
                "%.2f" % r["compact_ratio"] if r.get("compact_ratio") else "-",
                r.get("load", 0)))
        print()
    q = latest([r for r in rows if r.get("figure") == "query"],
               lambda r: (r["engine"], r["lang"], r["passages"], r["class"]))
    if q:
        print("### Query latency (ms; 10 best, text read)\n")
        ours_p99 = ours_of(q, lambda r: (r["lang"], r["passages"], r["class"]), "cpu_p99_ms")
        print("| passages | lang | class | engine | p50 | p99 | CPU p50 | CPU p99 |"
              " vs ghsearch | hits | search RSS MB | load |")
        print("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        order = {"word": 0, "two": 1, "phrase": 2, "question": 3}
        for r in sorted(q, key=lambda r: (r["passages"], r["lang"],
                                          order.get(r["class"], 9), r["engine"])):
            print("| %d | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %s | %.1f | %.0f | %.1f |" % (
                r["passages"], r["lang"], r["class"], r["engine"], r["p50_ms"],
                r["p99_ms"], r.get("cpu_p50_ms", 0), r.get("cpu_p99_ms", 0),
                ratio(r.get("cpu_p99_ms"), ours_p99.get((r["lang"], r["passages"], r["class"]))),
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

    ii = latest([r for r in rows if r.get("figure") == "instr_index"],
                lambda r: (r["engine"], r["lang"]))
    if ii:
        ours = ours_of(ii, lambda r: r["lang"], "instr_per_byte")
        print("### Instructions (callgrind): indexing\n")
        print("| lang | records | engine | text MB | instructions | per byte of text |"
              " vs ghsearch |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for r in sorted(ii, key=lambda r: (r["lang"], r["engine"])):
            print("| %s | %d | %s | %.2f | %d | %.0f | %s |" % (
                r["lang"], r["passages"], r["engine"], r["text_mb"], r["instructions"],
                r["instr_per_byte"], ratio(r["instr_per_byte"], ours.get(r["lang"]))))
        print()
    iq = latest([r for r in rows if r.get("figure") == "instr_query"],
                lambda r: (r["engine"], r["lang"], r["passages"], r["class"]))
    if iq:
        ours = ours_of(iq, lambda r: (r["lang"], r["passages"], r["class"]), "instr_per_query")
        order = {"word": 0, "two": 1, "phrase": 2, "question": 3}
        print("### Instructions (callgrind): one query\n")
        print("| passages | lang | class | engine | instructions per query | vs ghsearch |")
        print("|---:|---|---|---|---:|---:|")
        for r in sorted(iq, key=lambda r: (r["passages"], r["lang"], order.get(r["class"], 9),
                                           r["engine"])):
            print("| %d | %s | %s | %s | %d | %s |" % (
                r["passages"], r["lang"], r["class"], r["engine"], r["instr_per_query"],
                ratio(r["instr_per_query"],
                      ours.get((r["lang"], r["passages"], r["class"])))))
        print()
    ip = latest([r for r in rows if r.get("figure") == "instr_pdf"], lambda r: r["engine"])
    if ip:
        print("### Instructions (callgrind): one PDF\n")
        print("| engine | pages | instructions | per page | x pdftotext |")
        print("|---|---:|---:|---:|---:|")
        for r in sorted(ip, key=lambda r: r["engine"] != "pdftotext"):
            print("| %s | %d | %d | %d | %.2f |" % (r["engine"], r["pages"], r["instructions"],
                                                    r["instr_per_page"], r["vs_pdftotext"]))
        print()


if __name__ == "__main__":
    main()
