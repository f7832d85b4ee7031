#!/usr/bin/env bash
# eval.sh: the retrieval-quality evaluation in one command.
#
# Builds ghsearch and ghs-eval if needed, installs the peers' Debian packages
# if missing (python3-xapian, groonga, groonga-tokenizer-mecab; needs root),
# then runs EVERY query set of the data folder: for each data set (a folder
# with corpus.jsonl) it indexes the passages once per engine, runs each of its
# query files (queries.jsonl, and any other *.jsonl such as keywords.jsonl;
# a file whose queries name a "lead" paragraph is scored twice: any relevant
# paragraph, and the lead paragraph alone) with ghsearch and every peer, and
# prints one table per query set; then a summary with a paired bootstrap 95%
# interval of the MRR@10 difference from a baseline run and from the best
# peer. Databases live in a temp dir that is removed at the end (unless
# --keep). See bench/README.md.
#
# usage: bench/eval.sh [--split all|even|odd] [--baseline DIR] [--out DIR]
#                      [--datasets "jsquad-valid ..."] [--sets "SET ..."]
#                      [--engines "ghsearch xapian-or ..."] [--dump-misses N]
#                      [--keep]
#   --split        half of the Japanese queries to run (hash of the first
#                  relevant passage id; see metrics.py); English sets are whole
#   --baseline DIR the --out DIR of an earlier run: each set's MRR@10 is
#                  compared with that run's, query by query (SET.ENGINE.ranks)
#   --out DIR      keep every engine's output, misses and per-query ranks there
#   --datasets     data set folders to run (default: every folder of the data)
#   --sets         query sets to run, by the names the tables print
#                  (e.g. jaquad-train-keywords-lead); default: all of them
#   --engines      engines to run (default: ghsearch xapian xapian-or
#                  groonga-bigram groonga-mecab)
#   --dump-misses  print ghsearch's N worst queries per set
# Environment: GHS_SHARED_DATA (default ../shared/data next to the checkout),
#              GHS_BUILD_DIR (default build/ in the checkout).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BUILD=${GHS_BUILD_DIR:-$ROOT/build}
if [ -n "${GHS_SHARED_DATA:-}" ]; then
    DATA=$GHS_SHARED_DATA/retrieval
else
    DATA=$ROOT/../shared/data/retrieval
fi
PY=/usr/bin/python3   # Debian's python3-xapian is built for this interpreter

ARGS="$*"
SPLIT=all
MISSES=0
KEEP=0
OUT=
BASELINE=
DATASETS=
SETS=
ENGINES="ghsearch xapian xapian-or groonga-bigram groonga-mecab"
while [ $# -gt 0 ]; do
    case $1 in
        --split) SPLIT=$2; shift 2 ;;
        --dump-misses) MISSES=$2; shift 2 ;;
        --datasets) DATASETS=$2; shift 2 ;;
        --sets) SETS=$2; shift 2 ;;
        --engines) ENGINES=$2; shift 2 ;;
        --baseline) BASELINE=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "eval.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done
case $SPLIT in all|even|odd) ;; *) echo "eval.sh: --split all|even|odd" >&2; exit 2 ;; esac
if [ ! -d "$DATA" ]; then
    echo "eval.sh: [data] $DATA not found: set GHS_SHARED_DATA to the shared data folder" >&2
    exit 1
fi
if [ -n "$BASELINE" ] && [ ! -d "$BASELINE" ]; then
    echo "eval.sh: [baseline] $BASELINE is not a directory (give the --out DIR of a run)" >&2
    exit 2
fi
[ -z "$DATASETS" ] && DATASETS=$(cd "$DATA" && for d in */; do
    [ -f "$d/corpus.jsonl" ] && echo "${d%/}"; done | sort | tr '\n' ' ')

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ghs-eval.XXXXXX")
cleanup() { [ "$KEEP" = 1 ] && echo "eval.sh: databases kept in $TMP" >&2 || rm -rf "$TMP"; }
trap cleanup EXIT
[ -n "$OUT" ] || OUT=$TMP/out
mkdir -p "$OUT"

log() { echo "eval.sh: $*" >&2; }
wanted() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- build
build_ghsearch() {
    if [ ! -f "$BUILD/build.ninja" ]; then
        meson setup "$BUILD" "$ROOT" >"$TMP/setup.log" 2>&1 ||
            { cat "$TMP/setup.log" >&2; return 1; }
    fi
    ninja -C "$BUILD" cli/ghsearch >"$TMP/build.log" 2>&1 ||
        { tail -20 "$TMP/build.log" >&2; return 1; }
    if ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q '^bench/ghs-eval:'; then
        ninja -C "$BUILD" bench/ghs-eval >>"$TMP/build.log" 2>&1 ||
            { tail -20 "$TMP/build.log" >&2; return 1; }
        GHS_EVAL=$BUILD/bench/ghs-eval
    else
        # bench/ is not (yet) a subdir of the build: compile it against the
        # library the build made, public header only.
        GHS_EVAL=$TMP/ghs-eval
        cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$ROOT/include" \
            $(pkg-config --cflags glib-2.0 json-glib-1.0) "$BENCH/eval.c" -o "$GHS_EVAL" \
            -L"$BUILD" -Wl,-rpath,"$BUILD" -lghsearch \
            $(pkg-config --libs glib-2.0 json-glib-1.0) -lm ||
            return 1
    fi
    GHSEARCH=$BUILD/cli/ghsearch
}

# ---------------------------------------------------------------- peers
APT_UPDATED=0
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        log "[peers] not root: cannot install $*"
        return 1
    fi
    if [ $APT_UPDATED = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$TMP/apt.log" 2>&1 ||
        { tail -5 "$TMP/apt.log" >&2; return 1; }
}

# An engine not asked for (--engines) is neither installed nor run.
HAVE_XAPIAN=0
HAVE_GROONGA=0
HAVE_MECAB=0
if wanted "$ENGINES" xapian || wanted "$ENGINES" xapian-or; then
    HAVE_XAPIAN=1
    "$PY" -c 'import xapian' 2>/dev/null || apt_install python3-xapian || HAVE_XAPIAN=0
    "$PY" -c 'import xapian' 2>/dev/null || HAVE_XAPIAN=0
fi
if wanted "$ENGINES" groonga-bigram || wanted "$ENGINES" groonga-mecab; then
    HAVE_GROONGA=1
    command -v groonga >/dev/null || apt_install groonga || HAVE_GROONGA=0
    command -v groonga >/dev/null || HAVE_GROONGA=0
fi
if [ $HAVE_GROONGA = 1 ] && wanted "$ENGINES" groonga-mecab; then
    HAVE_MECAB=1
    dpkg -s groonga-tokenizer-mecab >/dev/null 2>&1 || apt_install groonga-tokenizer-mecab || HAVE_MECAB=0
    dpkg -s groonga-tokenizer-mecab >/dev/null 2>&1 || HAVE_MECAB=0
fi

HAVE_GHS=0
if wanted "$ENGINES" ghsearch; then
    HAVE_GHS=1
    build_ghsearch || { log "[build] ghsearch could not be built; its row is left out"; HAVE_GHS=0; }
fi

now() { date +%s.%N; }

# ---------------------------------------------------------------- runs
# run NAME SET CMD...: runs an engine, keeps its output, appends its RESULT.
run() {
    local name=$1 set=$2
    shift 2
    log "[$set] $name"
    if "$@" >"$OUT/$set.$name.out" 2>"$OUT/$set.$name.err"; then
        grep '^RESULT ' "$OUT/$set.$name.out" >>"$OUT/$set.results"
    else
        log "[$set] $name failed: $(tail -3 "$OUT/$set.$name.err" | tr '\n' ' ')"
        echo "RESULT engine=$name failed=1" >>"$OUT/$set.results"
    fi
}

# ghsearch_run DS SET QUERIES SPLIT JUDGE: indexes DS's corpus unless an
# earlier set of DS did, then runs the queries.
ghsearch_run() {
    local ds=$1 set=$2 queries=$3 split=$4 judge=$5 db=$TMP/ghsearch-$1 t0 t1 secs=-1
    if [ ! -d "$db" ]; then
        t0=$(now)
        "$GHSEARCH" index --db "$db" "$DATA/$ds/corpus.jsonl" >"$OUT/$ds.ghsearch-index.log" 2>&1 ||
            { cat "$OUT/$ds.ghsearch-index.log" >&2; rm -rf "$db"; return 1; }
        t1=$(now)
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    fi
    "$GHS_EVAL" --db "$db" --queries "$queries" --split "$split" --judge "$judge" \
        --per-doc 1 --limit 100 --index-seconds "$secs" --dump-misses "$MISSES_ALL" \
        --ranks "$OUT/$set.ghsearch.ranks" --hits "$OUT/$set.ghsearch.hits"
}

table() {
    local set=$1 what=$2
    awk -v set="$set" -v what="$what" '
    function kv(line, key,   n, i, a, p) {
        n = split(line, a, " ")
        for (i = 1; i <= n; i++) { split(a[i], p, "="); if (p[1] == key) return p[2] }
        return ""
    }
    /^RESULT / {
        e = kv($0, "engine"); eng[++n] = e; failed[e] = kv($0, "failed")
        mrr[e] = kv($0, "mrr10"); r10[e] = kv($0, "r10"); r100[e] = kv($0, "r100")
        p50[e] = kv($0, "p50_ms"); p99[e] = kv($0, "p99_ms"); ix[e] = kv($0, "index_s")
        nq[e] = kv($0, "queries"); err[e] = kv($0, "errors")
        if (nq[e] != "") queries = nq[e]
    }
    END {
        printf "\n%s (%s %s)\n", set, queries, what
        printf "| %-15s | %6s | %6s | %6s | %7s | %7s | %12s |\n", "engine", "MRR@10", "R@10", "R@100", "p50 ms", "p99 ms", "index time s"
        printf "|-----------------|--------|--------|--------|---------|---------|--------------|\n"
        best = ""
        for (i = 1; i <= n; i++) {
            e = eng[i]
            if (failed[e] != "") { printf "| %-15s | %6s | %6s | %6s | %7s | %7s | %12s |\n", e, "failed", "", "", "", "", ""; continue }
            printf "| %-15s | %6.4f | %6.4f | %6.4f | %7.2f | %7.2f | %12s |%s\n", e, mrr[e], r10[e], r100[e], p50[e], p99[e],
                (ix[e] == "-" || ix[e] == "" || ix[e] < 0 ? "(same)" : sprintf("%.2f", ix[e])),
                (err[e] > 0 ? "  (" err[e] " query errors)" : "")
            if (e != "ghsearch" && (best == "" || mrr[e] > mrr[best])) best = e
        }
        if (best != "" && ("ghsearch" in mrr) && failed["ghsearch"] == "" && mrr["ghsearch"] != "" && mrr[best] > 0)
            printf "ghsearch / best peer (%s): MRR@10 %.3f  R@10 %.3f  R@100 %.3f  (p50 latency: %.1f times that peer)\n", best,
                mrr["ghsearch"] / mrr[best], (r10[best] > 0 ? r10["ghsearch"] / r10[best] : 0),
                (r100[best] > 0 ? r100["ghsearch"] / r100[best] : 0),
                (p50[best] > 0 ? p50["ghsearch"] / p50[best] : 0)
    }' "$OUT/$set.results"
}

# reuse ENGINE: --reuse-db when ENGINE already indexed this data set's corpus.
reuse() { wanted "$built" "$1" && echo --reuse-db; }

MISSES_ALL=$MISSES
[ "$MISSES_ALL" -gt 0 ] || MISSES_ALL=20   # always kept in $OUT for analysis
RAN=
for ds in $DATASETS; do
    corpus=$DATA/$ds/corpus.jsonl
    if [ ! -f "$corpus" ]; then
        log "[$ds] no $corpus; skipped"
        continue
    fi
    lang=$("$PY" -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        print(json.loads(line).get("lang") or "ja"); break' "$corpus")
    split=$SPLIT
    stem=none
    if [ "$lang" = en ]; then split=all; stem=english; fi
    built=   # engines whose database of this corpus exists
    # Every query file of the folder: queries.jsonl first, then the others.
    for qf in "$DATA/$ds/queries.jsonl" $(ls "$DATA/$ds"/*.jsonl 2>/dev/null | sort); do
        base=$(basename "$qf" .jsonl)
        case $base in corpus) continue ;; esac
        [ -f "$qf" ] || continue
        [ "$base" = queries ] && set0=$ds || set0=$ds-$base
        wanted "$RAN" "$set0" && continue
        judges=rel
        if "$PY" -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        sys.exit(0 if "lead" in json.loads(line) else 1)
sys.exit(1)' "$qf"; then
            judges="rel lead"
        fi
        kind=questions
        case $base in *keyword*) kind="keyword queries" ;; esac
        for judge in $judges; do
            set=$set0
            [ "$judge" = rel ] || set=$set0-$judge
            RAN="$RAN $set"
            if [ -n "$SETS" ] && ! wanted "$SETS" "$set"; then
                continue
            fi
            : >"$OUT/$set.results"
            common=(--corpus "$corpus" --queries "$qf" --split "$split" --judge "$judge"
                    --dump-misses 20)
            if [ $HAVE_GHS = 1 ]; then
                run ghsearch "$set" ghsearch_run "$ds" "$set" "$qf" "$split" "$judge"
            fi
            if [ $HAVE_XAPIAN = 1 ]; then
                for e in xapian xapian-or; do
                    wanted "$ENGINES" $e || continue
                    mode=parser
                    [ $e = xapian-or ] && mode=terms
                    run $e "$set" "$PY" "$BENCH/peer_xapian.py" "${common[@]}" \
                        --db "$TMP/xapian-$ds" $(reuse xapian) --stem $stem --query-mode $mode \
                        --ranks "$OUT/$set.$e.ranks"
                    built="$built xapian"
                done
            fi
            if [ $HAVE_GROONGA = 1 ]; then
                for tok in Bigram Mecab; do
                    e=groonga-$(echo $tok | tr A-Z a-z)
                    wanted "$ENGINES" $e || continue
                    [ $tok = Mecab ] && [ $HAVE_MECAB = 0 ] && continue
                    run $e "$set" "$PY" "$BENCH/peer_groonga.py" "${common[@]}" \
                        --db "$TMP/$e-$ds" $(reuse $e) --tokenizer Token$tok \
                        --ranks "$OUT/$set.$e.ranks"
                    built="$built $e"
                done
            fi
            what=$kind
            [ "$judge" = rel ] || what="$kind, relevant: the $judge paragraph alone"
            [ "$split" = all ] || what="$what, $split half"
            table "$set" "$what" | tee "$OUT/$set.table"
            if [ "$MISSES" -gt 0 ] && [ -s "$OUT/$set.ghsearch.err" ]; then
                echo "ghsearch's worst $MISSES queries on $set:"
                grep '^miss' "$OUT/$set.ghsearch.err" | head -n "$MISSES"
            fi
            DONE="${DONE:-} $set"
        done
    done
done
if [ -n "${DONE:-}" ]; then
    "$PY" "$BENCH/metrics.py" summary --out "$OUT" --sets "$DONE" \
        ${BASELINE:+--baseline "$BASELINE"} | tee "$OUT/summary"
fi
echo
echo "split: $SPLIT (Japanese sets); command: bench/eval.sh $ARGS"
