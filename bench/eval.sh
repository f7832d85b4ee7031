#!/usr/bin/env bash
# eval.sh: the retrieval-quality evaluation in one command.
#
# Builds ghsearch and ghs-eval if needed, installs the peers' Debian packages
# if missing (python3-xapian, groonga, groonga-tokenizer-mecab; needs root),
# then for each data set indexes the passages with `ghsearch index` and with
# each peer, runs the questions, and prints one table per data set plus the
# ratio of ghsearch to the best peer. Databases live in a temp dir that is
# removed at the end (unless --keep). See bench/README.md.
#
# usage: bench/eval.sh [--split all|even|odd] [--dump-misses N] [--keep]
#                      [--datasets "jsquad-valid squad2-dev-subset"] [--out DIR]
#   --split        half of the Japanese questions to run (hash of the relevant
#                  passage id; see metrics.py); the English set is always whole
#   --dump-misses  print ghsearch's N worst queries per data set
#   --out DIR      keep every engine's output, misses and per-query ranks there
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
DATASETS="jsquad-valid squad2-dev-subset"
while [ $# -gt 0 ]; do
    case $1 in
        --split) SPLIT=$2; shift 2 ;;
        --dump-misses) MISSES=$2; shift 2 ;;
        --datasets) DATASETS=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "eval.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done
case $SPLIT in all|even|odd) ;; *) echo "eval.sh: --split all|even|odd" >&2; exit 2 ;; esac
if [ ! -d "$DATA" ]; then
    echo "eval.sh: [data] $DATA not found: set GHS_SHARED_DATA to the shared data folder" >&2
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ghs-eval.XXXXXX")
cleanup() { [ "$KEEP" = 1 ] && echo "eval.sh: databases kept in $TMP" >&2 || rm -rf "$TMP"; }
trap cleanup EXIT
[ -n "$OUT" ] || OUT=$TMP/out
mkdir -p "$OUT"

log() { echo "eval.sh: $*" >&2; }

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

HAVE_XAPIAN=1
HAVE_GROONGA=1
HAVE_MECAB=1
"$PY" -c 'import xapian' 2>/dev/null || apt_install python3-xapian || HAVE_XAPIAN=0
"$PY" -c 'import xapian' 2>/dev/null || HAVE_XAPIAN=0
command -v groonga >/dev/null || apt_install groonga || HAVE_GROONGA=0
command -v groonga >/dev/null || HAVE_GROONGA=0
dpkg -s groonga-tokenizer-mecab >/dev/null 2>&1 || apt_install groonga-tokenizer-mecab || HAVE_MECAB=0
dpkg -s groonga-tokenizer-mecab >/dev/null 2>&1 || HAVE_MECAB=0

HAVE_GHS=1
build_ghsearch || { log "[build] ghsearch could not be built; its row is left out"; HAVE_GHS=0; }

now() { date +%s.%N; }

# ---------------------------------------------------------------- runs
# run NAME DS CMD...: runs an engine, keeps its output, appends its RESULT.
run() {
    local name=$1 ds=$2
    shift 2
    log "[$ds] $name"
    if "$@" >"$OUT/$ds.$name.out" 2>"$OUT/$ds.$name.err"; then
        grep '^RESULT ' "$OUT/$ds.$name.out" >>"$OUT/$ds.results"
    else
        log "[$ds] $name failed: $(tail -3 "$OUT/$ds.$name.err" | tr '\n' ' ')"
        echo "RESULT engine=$name failed=1" >>"$OUT/$ds.results"
    fi
}

ghsearch_run() {
    local ds=$1 queries=$2 split=$3 db=$TMP/ghsearch-$1 t0 t1
    rm -rf "$db"
    t0=$(now)
    "$GHSEARCH" index --db "$db" "$DATA/$ds/corpus.jsonl" >"$OUT/$ds.ghsearch-index.log" 2>&1 ||
        { cat "$OUT/$ds.ghsearch-index.log" >&2; return 1; }
    t1=$(now)
    "$GHS_EVAL" --db "$db" --queries "$queries" --split "$split" --per-doc 1 --limit 100 \
        --index-seconds "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" --dump-misses "${MISSES_ALL:-20}" \
        --ranks "$OUT/$ds.ghsearch.ranks" --hits "$OUT/$ds.ghsearch.hits"
}

table() {
    local ds=$1
    awk -v ds="$ds" '
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
    }
    END {
        printf "\n%s (%s questions)\n", ds, nq[eng[1]] != "" ? nq[eng[1]] : nq[eng[2]]
        printf "| %-15s | %6s | %6s | %6s | %7s | %7s | %12s |\n", "engine", "MRR@10", "R@10", "R@100", "p50 ms", "p99 ms", "index time s"
        printf "|-----------------|--------|--------|--------|---------|---------|--------------|\n"
        best = ""
        for (i = 1; i <= n; i++) {
            e = eng[i]
            if (failed[e] != "") { printf "| %-15s | %6s | %6s | %6s | %7s | %7s | %12s |\n", e, "failed", "", "", "", "", ""; continue }
            printf "| %-15s | %6.4f | %6.4f | %6.4f | %7.2f | %7.2f | %12.2f |%s\n", e, mrr[e], r10[e], r100[e], p50[e], p99[e], ix[e], (err[e] > 0 ? "  (" err[e] " query errors)" : "")
            if (e != "ghsearch" && (best == "" || mrr[e] > mrr[best])) best = e
        }
        if (best != "" && ("ghsearch" in mrr) && failed["ghsearch"] == "" && mrr["ghsearch"] != "")
            printf "ghsearch / best peer (%s): MRR@10 %.3f  R@10 %.3f  R@100 %.3f  (p50 latency: %.1f times that peer)\n", best,
                mrr["ghsearch"] / mrr[best], r10["ghsearch"] / r10[best], r100["ghsearch"] / r100[best],
                (p50[best] > 0 ? p50["ghsearch"] / p50[best] : 0)
    }' "$OUT/$ds.results"
}

MISSES_ALL=$MISSES
[ "$MISSES_ALL" -gt 0 ] || MISSES_ALL=20   # always kept in $OUT for analysis
for ds in $DATASETS; do
    queries=$DATA/$ds/queries.jsonl
    corpus=$DATA/$ds/corpus.jsonl
    if [ ! -f "$queries" ] || [ ! -f "$corpus" ]; then
        log "[$ds] missing $corpus or $queries; skipped"
        continue
    fi
    split=all
    stem=english
    case $ds in jsquad*) split=$SPLIT; stem=none ;; esac
    : >"$OUT/$ds.results"
    common=(--corpus "$corpus" --queries "$queries" --split "$split" --dump-misses 20)
    if [ $HAVE_GHS = 1 ]; then
        run ghsearch "$ds" ghsearch_run "$ds" "$queries" "$split"
    fi
    if [ $HAVE_XAPIAN = 1 ]; then
        run xapian "$ds" "$PY" "$BENCH/peer_xapian.py" "${common[@]}" --db "$TMP/xapian-$ds" \
            --stem $stem --ranks "$OUT/$ds.xapian.ranks"
        run xapian-or "$ds" "$PY" "$BENCH/peer_xapian.py" "${common[@]}" --db "$TMP/xapian-$ds" \
            --stem $stem --query-mode terms --ranks "$OUT/$ds.xapian-or.ranks"
    fi
    if [ $HAVE_GROONGA = 1 ]; then
        run groonga-bigram "$ds" "$PY" "$BENCH/peer_groonga.py" "${common[@]}" \
            --db "$TMP/groonga-bigram-$ds" --tokenizer TokenBigram --ranks "$OUT/$ds.groonga-bigram.ranks"
        if [ $HAVE_MECAB = 1 ]; then
            run groonga-mecab "$ds" "$PY" "$BENCH/peer_groonga.py" "${common[@]}" \
                --db "$TMP/groonga-mecab-$ds" --tokenizer TokenMecab --ranks "$OUT/$ds.groonga-mecab.ranks"
        fi
    fi
    table "$ds"
    if [ "$MISSES" -gt 0 ] && [ -s "$OUT/$ds.ghsearch.err" ]; then
        echo "ghsearch's worst $MISSES queries on $ds:"
        grep '^miss' "$OUT/$ds.ghsearch.err" | head -n "$MISSES"
    fi
done
echo
echo "split: $SPLIT (Japanese set); command: bench/eval.sh $ARGS"
