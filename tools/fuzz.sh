#!/usr/bin/env bash
# tools/fuzz.sh: build the libFuzzer targets with clang and run each one for
# a bounded time, seeded from the tests' inputs and ../shared/data; fails
# when a target crashes, trips a sanitizer or breaks its contract.
#
#   bash tools/fuzz.sh [SECONDS]    # per target; default 30 ($FUZZ_SECONDS)
#
# Environment: FUZZ_BUILD (build directory, default build-fuzz),
# GHS_SHARED_DATA (default ../shared/data), FUZZ_ARTIFACTS (where crashing
# inputs are kept, default BUILD/fuzz-artifacts). Needs clang and its runtime
# (Debian: clang, libclang-rt-14-dev). Prints one line per target with its
# executions, then "fuzz: N targets, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${1:-${FUZZ_SECONDS:-30}}
B=${FUZZ_BUILD:-build-fuzz}
SHARED=${GHS_SHARED_DATA:-$PWD/../shared/data}
case $B in /*) ART=${FUZZ_ARTIFACTS:-$B/fuzz-artifacts} ;; *) ART=${FUZZ_ARTIFACTS:-$PWD/$B/fuzz-artifacts} ;; esac
TARGETS=(fuzz_query_parse fuzz_release fuzz_jsonl fuzz_pdf)

if ! command -v clang >/dev/null; then
    echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 1
fi
if [ ! -f "$B/build.ninja" ]; then
    CC=clang CXX=clang++ meson setup -Dfuzz=true "$B" >/dev/null || exit 1
fi
ninja -C "$B" "${TARGETS[@]/#/fuzz/}" >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/ghs-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
mkdir -p "$ART"

# ------------------------------------------------------------------ seeds
seed() {  # seed TARGET NAME < content
    mkdir -p "$W/seed-$1"
    cat >"$W/seed-$1/$2"
}

i=0
for q in 'ユニバーサル・ヘルス・カバレッジ 財政' '(UHC OR PHC) AND 財政 -保険' \
         'publisher:"World Health Organization" year:2021..2023' \
         '"100 Days Mission" diagnostics' 'NEAR(vaccine equity, 5)' 'lang:ja 感染症 OR'; do
    i=$((i + 1))
    printf '%s' "$q" | seed fuzz_query_parse "q$i"
done

# releases: the first byte picks HTML (odd) or text (even)
for f in corpus/*.html "$SHARED"/releases/*.html; do
    [ -f "$f" ] && { printf '\001'; cat "$f"; } | seed fuzz_release "$(basename "$f")"
done
for f in "$SHARED"/releases/*.txt; do
    [ -f "$f" ] && { printf '\000'; cat "$f"; } | seed fuzz_release "$(basename "$f")"
done
printf '\001<html><head><meta charset="shift_jis"><base href="https://example.org/a/">
<meta name="author" content="JCIE"><title>提言 | JCIE</title></head><body><nav>menu</nav>
<h1>UHC 提言</h1><p>2023年4月28日</p><p>本文 <a href="x.html">リンク</a> text</p>
<table><tr><td>a</td><td>b</td></tr></table><script>var x;</script></body></html>' |
    seed fuzz_release mini.html
printf '\000提供元:PRTIMES\n[23/04/28]\n見出し\n本文 https://example.org/p\n[画像1: 写真]\n本文\n' |
    seed fuzz_release mini.txt

# JSON Lines: the sample records, slices of the retrieval sets, edge cases
[ -f corpus/records.jsonl ] && seed fuzz_jsonl records.jsonl <corpus/records.jsonl
for f in "$SHARED"/retrieval/*/corpus.jsonl "$SHARED"/retrieval/*/queries.jsonl; do
    [ -f "$f" ] || continue
    head -n 6 "$f" | seed fuzz_jsonl "$(basename "$(dirname "$f")")-$(basename "$f")"
done
printf '\357\273\277{"id":1,"text":"BOM と CRLF"}\r\n\n{"id":"a","text":"x","date":2023}\n{bad\n[1,2]\n{"id":"","text":"e"}\n{"id":"b","text":"\\u0000nul \\ud800"}\n{"id":1e300,"text":"h"}\n{"id":-1e19,"text":"l"}\n' |
    seed fuzz_jsonl edge.jsonl

# PDFs: the sample corpus and the shared real and hostile files
mkdir -p "$W/seed-fuzz_pdf"
for f in build/corpus/*.pdf "$SHARED"/pdf/*.pdf; do
    [ -f "$f" ] && cp "$f" "$W/seed-fuzz_pdf/"
done

# ------------------------------------------------------------------ runs
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in "${TARGETS[@]}"; do
    mkdir -p "$W/corpus-$t" "$W/seed-$t"
    start=$(date +%s)
    "$B/fuzz/$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$ART/$t-" \
        "$W/corpus-$t" "$W/seed-$t" >"$W/$t.log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$t.log" | tail -n 1)
    seeds=$(ls "$W/seed-$t" | wc -l)
    if [ $status = 0 ]; then
        echo "$t: ${execs:-?} executions in $(( $(date +%s) - start )) s ($seeds seeds): ok"
    else
        failed=$((failed + 1))
        echo "$t: FAILED (status $status) after ${execs:-?} executions; input kept in $ART/"
        grep -E -m 20 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ 0x|deadly signal|Test unit written' \
            "$W/$t.log" | sed 's/^/  /'
    fi
done
echo "fuzz: ${#TARGETS[@]} targets, $failed failed"
exit $((failed > 0))
