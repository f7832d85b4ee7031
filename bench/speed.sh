#!/bin/bash
# speed.sh: indexing throughput, query latency, index size and peak memory
# of ghsearch beside Xapian (FLAG_CJK_NGRAM), Groonga and SQLite FTS5 on
# the same generated data, in one run (see bench/SPEED.md for the method
# and the results). Run on demand; never part of the test suite.
#
#   bench/speed.sh [OPTIONS] FIGURE...
#
# FIGURE (one command per figure; each makes what it needs first):
#   corpus   generate the passage sets (gen_corpus.py records)
#   index    indexing throughput (MB of text/s), index size / text size,
#            peak memory of indexing, for every engine
#   query    query latency p50/p99 per query class, peak memory of the
#            searching process, for every engine (needs `index`)
#   pdf      PDF pages/s of `ghsearch index` against `pdftotext` alone on
#            the same generated multi-page PDFs
#   instr    callgrind instruction counts, which repeat exactly on a busy
#            machine where CPU seconds drift: indexing the first
#            --instr-passages records (default 2000) with every engine, per
#            MB of text; one query of each class with every engine (the
#            run's cost minus that of the same run with no query, so start-
#            up is not counted); one generated PDF with ghsearch and with
#            pdftotext. Needs valgrind. Peers run through Python, whose
#            instructions count as theirs, as in their CPU seconds.
#   report   print the tables of everything measured so far, each figure
#            with its ratio to ghsearch's
#   all      corpus index query pdf instr report
#
# OPTIONS
#   --build DIR     a meson build of ghsearch, --buildtype=release
#                   (default: build-speed, else build, next to bench/)
#   --work DIR      where corpora, databases and results go
#                   (default: ${TMPDIR:-/tmp}/ghsearch-speed; never the repo)
#   --sizes "N..."  passage counts (default "100000"; "100000 1000000")
#   --langs "L..."  ja and/or en (default "ja en")
#   --engines "E.." ghsearch xapian groonga sqlite (default: all four)
#   --repeat N      timed runs of each query (default 3, after one warm-up)
#   --instr-passages N  records indexed under callgrind (default 2000)
#
# Results are appended to WORK/results.jsonl, one JSON object a line; the
# report reads them. Needs: python3-xapian, groonga, poppler-utils
# (pdftotext, pdfinfo), /usr/bin/time, and the ghsearch build (cli/ghsearch,
# corpus/mkpdf, libghsearch; bench/ghs-speed-query is built from
# bench/speed_query.c when the build has none).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=
WORK=${TMPDIR:-/tmp}/ghsearch-speed
SIZES="100000"
LANGS="ja en"
ENGINES="ghsearch xapian groonga sqlite"
REPEAT=3
INSTR_PASSAGES=2000
PY=/usr/bin/python3   # the interpreter Debian's python3-xapian is built for

while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --langs) LANGS=$2; shift 2 ;;
    --engines) ENGINES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --instr-passages) INSTR_PASSAGES=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "speed.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: speed.sh [OPTIONS] corpus|index|query|pdf|instr|report|all" >&2; exit 2; }
if [ -z "$BUILD" ]; then
    for b in "$ROOT/build-speed" "$ROOT/build"; do
        [ -x "$b/cli/ghsearch" ] && { BUILD=$b; break; }
    done
fi
GHS=$BUILD/cli/ghsearch
[ -x "$GHS" ] || { echo "speed.sh: no ghsearch build (give --build DIR)" >&2; exit 1; }
mkdir -p "$WORK/corpus" "$WORK/db" "$WORK/log"
RESULTS=$WORK/results.jsonl
DATA=${GHS_SHARED_DATA:-$ROOT/../shared/data}

log() { echo "speed.sh: $*" >&2; }
human_size() { du -sb "$1" | cut -f1; }

# timed LOG CMD...: run CMD under /usr/bin/time -v; LOG gets its output;
# sets WALL (s), CPUS (user + system s), RSS (MB), CPU (%), LOAD (the
# 1-minute load average when it ended: other work on the machine)
timed() {
    local logf=$1
    shift
    /usr/bin/time -v "$@" >"$logf.out" 2>"$logf.time"
    WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$logf.time")
    RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$logf.time")
    CPU=$(awk -F': ' '/Percent of CPU/ {sub("%", "", $2); print $2 + 0}' "$logf.time")
    CPUS=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$logf.time")
    LOAD=$(cut -d' ' -f1 /proc/loadavg)
}

emit() { echo "$1" >>"$RESULTS"; echo "$1"; }

speed_query_bin() {
    local b=$BUILD/bench/ghs-speed-query
    if [ ! -x "$b" ]; then
        b=$WORK/ghs-speed-query
        if [ ! -x "$b" ] || [ "$HERE/speed_query.c" -nt "$b" ]; then
            cc -std=c11 -O2 -D_GNU_SOURCE -I"$ROOT/include" $(pkg-config --cflags glib-2.0) \
                "$HERE/speed_query.c" -o "$b" -L"$BUILD" -lghsearch \
                -Wl,-rpath,"$BUILD" $(pkg-config --libs glib-2.0)
        fi
    fi
    echo "$b"
}

fig_corpus() {
    local lang size
    for size in $SIZES; do
        for lang in $LANGS; do
            local dir=$WORK/corpus/$lang-$size
            if [ -f "$dir/queries.tsv" ]; then continue; fi
            log "generating $dir"
            "$PY" "$HERE/gen_corpus.py" records --lang "$lang" --passages "$size" \
                --out "$dir" --data "$DATA" >&2
        done
    done
}

text_mb() {  # text_mb DIR: MB of the records' text
    "$PY" -c '
import glob, json, os, sys
n = 0
for p in glob.glob(os.path.join(sys.argv[1], "part-*.jsonl")):
    with open(p, encoding="utf-8") as f:
        for line in f:
            n += len(json.loads(line)["text"].encode("utf-8"))
print("%.3f" % (n / 1e6))' "$1"
}

fig_index() {
    fig_corpus
    local lang size engine
    for size in $SIZES; do
        for lang in $LANGS; do
            local src=$WORK/corpus/$lang-$size mb
            mb=$(text_mb "$src")
            for engine in $ENGINES; do
                local db=$WORK/db/$engine-$lang-$size lg=$WORK/log/index-$engine-$lang-$size
                log "indexing $lang-$size with $engine"
                rm -rf "$db"
                sync
                if [ "$engine" = ghsearch ]; then
                    timed "$lg" "$GHS" index --db "$db" "$src"
                else
                    timed "$lg" "$PY" "$HERE/speed_peers.py" index "$engine" "$src" "$db"
                fi
                local bytes compact=null
                bytes=$(human_size "$db")
                if [ "$engine" = ghsearch ] || [ "$engine" = xapian ]; then
                    rm -rf "$db.compact"
                    xapian-compact "$db" "$db.compact" >/dev/null
                    compact=$(human_size "$db.compact")
                    rm -rf "$db.compact"
                fi
                emit "$("$PY" -c '
import json, sys
e, lang, size, mb, wall, rss, cpu, b, c, cpus, load = sys.argv[1:]
mb, wall, cpus = float(mb), float(wall), float(cpus)
print(json.dumps({"figure": "index", "engine": e, "lang": lang, "passages": int(size),
    "text_mb": mb, "seconds": wall, "mb_per_s": round(mb / wall, 3),
    "cpu_seconds": cpus, "mb_per_cpu_s": round(mb / cpus, 3), "load": float(load),
    "peak_rss_mb": float(rss), "cpu_pct": int(cpu), "index_mb": round(int(b) / 1e6, 1),
    "size_ratio": round(int(b) / 1e6 / mb, 2),
    "compact_ratio": None if c == "null" else round(int(c) / 1e6 / mb, 2)}))' \
                    "$engine" "$lang" "$size" "$mb" "$WALL" "$RSS" "$CPU" "$bytes" "$compact" \
                    "$CPUS" "$LOAD")"
            done
        done
    done
}

fig_query() {
    local lang size engine qbin
    qbin=$(speed_query_bin)
    for size in $SIZES; do
        for lang in $LANGS; do
            local q=$WORK/corpus/$lang-$size/queries.tsv
            for engine in $ENGINES; do
                local db=$WORK/db/$engine-$lang-$size lg=$WORK/log/query-$engine-$lang-$size
                [ -e "$db" ] || { log "no $db: run 'speed.sh index' first"; continue; }
                log "querying $lang-$size with $engine"
                if [ "$engine" = ghsearch ]; then
                    timed "$lg" "$qbin" --db "$db" --queries "$q" --repeat "$REPEAT"
                else
                    timed "$lg" "$PY" "$HERE/speed_peers.py" query "$engine" "$db" "$q" \
                        --repeat "$REPEAT"
                fi
                while read -r line; do
                    emit "$("$PY" -c '
import json, sys
r = json.loads(sys.argv[1])
r.update({"figure": "query", "lang": sys.argv[2], "passages": int(sys.argv[3]),
          "search_rss_mb": float(sys.argv[4]), "load": float(sys.argv[5])})
print(json.dumps(r))' "$line" "$lang" "$size" "$RSS" "$LOAD")"
                done <"$lg.out"
            done
        done
    done
}

fig_pdf() {
    local dir=$WORK/pdf lang
    if [ ! -f "$dir/.done" ]; then
        rm -rf "$dir"
        for lang in ja en; do
            log "typesetting $lang PDFs"
            "$PY" "$HERE/gen_corpus.py" pdfs --lang "$lang" --docs 20 --pages 30 \
                --out "$dir" --mkpdf "$BUILD/corpus/mkpdf" --data "$DATA" >&2
        done
        touch "$dir/.done"
    fi
    local pages=0 f
    for f in "$dir"/*.pdf; do
        pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}')))
    done
    sync
    # pdftotext alone, one process per file as an indexer would run it
    timed "$WORK/log/pdf-pdftotext" bash -c 'for f in "$@"; do pdftotext -enc UTF-8 "$f" - >/dev/null; done' _ "$dir"/*.pdf
    local t_pt=$WALL rss_pt=$RSS cpu_pt=$CPU cpus_pt=$CPUS
    rm -rf "$WORK/db/ghsearch-pdf"
    timed "$WORK/log/pdf-ghsearch" "$GHS" index --db "$WORK/db/ghsearch-pdf" "$dir"
    emit "$("$PY" -c '
import json, sys
pages, tp, rp, cp, tg, rg, cg, sp, sg, load = sys.argv[1:]
pages, tp, tg, sp, sg = int(pages), float(tp), float(tg), float(sp), float(sg)
for e, t, r, c, s in (("pdftotext", tp, rp, cp, sp), ("ghsearch", tg, rg, cg, sg)):
    print(json.dumps({"figure": "pdf", "engine": e, "pages": pages, "seconds": t,
        "pages_per_s": round(pages / t, 1), "cpu_seconds": s,
        "pages_per_cpu_s": round(pages / s, 1), "peak_rss_mb": float(r), "cpu_pct": int(c),
        "vs_pdftotext": round(t / tp, 2), "cpu_vs_pdftotext": round(s / sp, 2),
        "load": float(load)}))' \
        "$pages" "$t_pt" "$rss_pt" "$cpu_pt" "$WALL" "$RSS" "$CPU" "$cpus_pt" "$CPUS" \
        "$LOAD")" >/dev/null
    tail -n 2 "$RESULTS"
}

# instructions LOG CMD...: run CMD under callgrind, children included;
# prints the instructions of every process it made, added up.
instructions() {
    local logf=$1
    shift
    rm -f "$logf".cg.*
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$logf.cg.%p" \
        "$@" >"$logf.out" 2>"$logf.err" || true
    # A callgrind file states its total twice ("summary:" and "totals:"):
    # one of them a file.
    awk '/^summary:/ {s += $2} END {printf "%.0f\n", s}' "$logf".cg.*
    rm -f "$logf".cg.*
}

fig_instr() {
    command -v valgrind >/dev/null || { log "instr needs valgrind (Debian valgrind)"; return 1; }
    fig_corpus
    local lang size engine
    for size in $SIZES; do
        for lang in $LANGS; do
            local src=$WORK/corpus/$lang-$size sample=$WORK/corpus/$lang-$size-first$INSTR_PASSAGES
            if [ ! -f "$sample/part-0000.jsonl" ]; then
                mkdir -p "$sample"
                head -n "$INSTR_PASSAGES" "$src/part-0000.jsonl" >"$sample/part-0000.jsonl"
            fi
            local mb
            mb=$(text_mb "$sample")
            for engine in $ENGINES; do
                local db=$WORK/db/instr-$engine-$lang lg=$WORK/log/instr-$engine-$lang ir
                log "indexing the first $INSTR_PASSAGES records of $lang-$size with $engine under callgrind"
                rm -rf "$db"
                if [ "$engine" = ghsearch ]; then
                    ir=$(instructions "$lg" "$GHS" index --db "$db" "$sample")
                else
                    ir=$(instructions "$lg" "$PY" "$HERE/speed_peers.py" index "$engine" "$sample" "$db")
                fi
                emit "$("$PY" -c '
import json, sys
e, lang, n, mb, ir = sys.argv[1:]
print(json.dumps({"figure": "instr_index", "engine": e, "lang": lang, "passages": int(n),
    "text_mb": float(mb), "instructions": int(ir),
    "instr_per_byte": round(int(ir) / (float(mb) * 1e6), 1)}))' \
                    "$engine" "$lang" "$INSTR_PASSAGES" "$mb" "$ir")"
                # Queries: 10 of each class against the full index made by
                # `speed.sh index`, less the same run with no query.
                local full=$WORK/db/$engine-$lang-$size
                [ -e "$full" ] || { log "no $full: run 'speed.sh index' for query instructions"; continue; }
                local qdir=$WORK/log/instr-q-$lang-$size cls
                mkdir -p "$qdir"
                : >"$qdir/none.tsv"
                for cls in word two phrase question; do
                    awk -F'\t' -v c="$cls" '$1 == c && n < 10 {print; n++}' \
                        "$src/queries.tsv" >"$qdir/$cls.tsv"
                done
                local base qbin
                qbin=$(speed_query_bin)
                for cls in none word two phrase question; do
                    local q=$qdir/$cls.tsv n
                    n=$(wc -l <"$q")
                    if [ "$engine" = ghsearch ]; then
                        ir=$(instructions "$lg-q" "$qbin" --db "$full" --queries "$q" --repeat 1)
                    else
                        ir=$(instructions "$lg-q" "$PY" "$HERE/speed_peers.py" query "$engine" \
                             "$full" "$q" --repeat 1)
                    fi
                    if [ "$cls" = none ]; then base=$ir; continue; fi
                    # each query runs twice: a warm-up and one repeat
                    emit "$("$PY" -c '
import json, sys
e, lang, size, cls, n, ir, base = sys.argv[1:]
per = (int(ir) - int(base)) / (2 * int(n))
print(json.dumps({"figure": "instr_query", "engine": e, "lang": lang, "passages": int(size),
    "class": cls, "queries": int(n), "instr_per_query": int(per)}))' \
                        "$engine" "$lang" "$size" "$cls" "$n" "$ir" "$base")"
                done
            done
        done
    done
    # One generated PDF: ghsearch's whole indexing, and pdftotext alone.
    local pdf
    pdf=$(ls "$WORK"/pdf/*.pdf 2>/dev/null | head -n 1)
    if [ -z "$pdf" ]; then
        log "no generated PDF: run 'speed.sh pdf' for the PDF instructions"
        return 0
    fi
    local pages ir_pt ir_g
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    ir_pt=$(instructions "$WORK/log/instr-pdftotext" pdftotext -enc UTF-8 "$pdf" /dev/null)
    rm -rf "$WORK/db/instr-ghsearch-pdf"
    ir_g=$(instructions "$WORK/log/instr-ghsearch-pdf" "$GHS" index --jobs 1 \
           --db "$WORK/db/instr-ghsearch-pdf" "$pdf")
    emit "$("$PY" -c '
import json, sys
pages, pt, g = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for e, ir in (("pdftotext", pt), ("ghsearch", g)):
    print(json.dumps({"figure": "instr_pdf", "engine": e, "pages": pages, "instructions": ir,
        "instr_per_page": ir // pages, "vs_pdftotext": round(ir / pt, 2)}))' \
        "$pages" "$ir_pt" "$ir_g")" >/dev/null
    tail -n 2 "$RESULTS"
}

fig_report() {
    "$PY" "$HERE/speed_report.py" "$RESULTS"
}

for fig in "$@"; do
    case $fig in
    corpus) fig_corpus ;;
    index) fig_index ;;
    query) fig_query ;;
    pdf) fig_pdf ;;
    instr) fig_instr ;;
    report) fig_report ;;
    all) fig_corpus; fig_index; fig_query; fig_pdf; fig_instr; fig_report ;;
    *) echo "speed.sh: unknown figure $fig" >&2; exit 2 ;;
    esac
done
