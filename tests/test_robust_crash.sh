#!/bin/bash
# test_robust_crash.sh: `ghsearch index` killed with SIGKILL, raced by a
# second writer and by readers (TAP).
#
# The corpus is the sample corpus ($GHS_BUILD_ROOT/corpus), some of the
# shared PDFs when $GHS_SHARED_DATA is there, and generated JSON Lines
# files (English and Japanese records), committed in small batches
# (GHSEARCH_COMMIT_EVERY) so that kills land between commits. After each
# kill the database must open, count and search; the run resumed after
# the last kill must end with the same documents, passages, terms and hits
# as an uninterrupted run; a JSON Lines file of many batches killed in its
# middle is finished by the next run. A second writer is told the PID of
# the first; a writer killed while a PDF is being extracted does not leave
# the index locked; searches made while the indexer commits all succeed.
#
# Environment (set by meson): GHS_BUILD_ROOT; GHS_SHARED_DATA (optional).
# Needs python3 (stdlib only).
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
SHARED=${GHS_SHARED_DATA:-}
GHS="$B/cli/ghsearch"

T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-crash.XXXXXX") || exit 1
cleanup() {
    # only the processes this script started
    for p in ${BG_PIDS:-}; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
unset GHSEARCH_DB NO_COLOR
export GHSEARCH_COMMIT_EVERY=300
BG_PIDS=

echo "1..10"
n=0
failed=0
. "$(dirname "$0")/tap.sh"
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- corpus
C="$T/corpus"
mkdir -p "$C/sample" "$C/jsonl" "$C/pdf"
cp "$B"/corpus/*.pdf "$B"/corpus/*.html "$B"/corpus/*.jsonl "$C/sample/" 2>/dev/null
if [ -n "$SHARED" ] && [ -d "$SHARED/pdf" ]; then
    # every fourth file: real, encrypted and hostile ones alike
    ls "$SHARED/pdf" | grep '\.pdf$' | awk 'NR % 4 == 1' |
        while read -r f; do cp "$SHARED/pdf/$f" "$C/pdf/"; done
fi
python3 - "$C/jsonl" <<'EOF'
import json, sys
topics = [("universal health coverage", "ユニバーサル・ヘルス・カバレッジ"),
          ("pandemic preparedness", "パンデミックへの備え"),
          ("health financing", "保健財政"),
          ("primary health care", "プライマリ・ヘルス・ケア"),
          ("antimicrobial resistance", "薬剤耐性")]
for f in range(24):
    with open("%s/batch-%02d.jsonl" % (sys.argv[1], f), "w", encoding="utf-8") as out:
        for r in range(200):
            i = f * 200 + r
            en, ja = topics[i % len(topics)]
            text = ("Record %d on %s. Countries should invest in %s and report on it "
                    "every year; measure %d of plan %d.\n\n%sの推進について、記録%d。"
                    "各国は%sに継続的に投資すべきである。"
                    % (i, en, en, i * 7 % 1000, f, ja, i, ja))
            out.write(json.dumps({"id": "rec-%05d" % i, "title": "%s %d" % (en, i),
                                  "text": text, "date": "20%02d-01-01" % (10 + i % 14)},
                                 ensure_ascii=False) + "\n")
EOF
echo "# corpus: $(find "$C" -type f | wc -l) files ($(ls "$C/pdf" | wc -l) shared PDFs)"

QUERIES=("universal health coverage" "ユニバーサル・ヘルス・カバレッジ" \
         "\"pandemic preparedness\" plan" "保健財政 OR 薬剤耐性" "health")

# snapshot DB NAME: stats and the hits of every query, as comparable text
snapshot() {
    local db=$1 name=$2 i=0 q
    "$GHS" stats --db "$db" --json >"$T/$name.stats" 2>"$T/$name.stats.err" || return 1
    for q in "${QUERIES[@]}"; do
        i=$((i + 1))
        # 1: no match yet (as grep says it), not a failure
        "$GHS" search --db "$db" --json --limit 40 --per-doc 3 "$q" >"$T/$name.q$i" \
            2>>"$T/$name.hits.err"
        case $? in 0 | 1) ;; *) return 1 ;; esac
    done
    python3 - "$T/$name" "${QUERIES[@]}" >"$T/$name.hits" <<'EOF'
import json, sys
for i, q in enumerate(sys.argv[2:], 1):
    hits = [json.loads(l) for l in open("%s.q%d" % (sys.argv[1], i), encoding="utf-8")]
    for h in sorted(hits, key=lambda h: (h["doc"], h["page"] or 0, h["passage"])):
        print(q, h["doc"], h["page"], round(h["score"], 3), h["passage"][:60])
EOF
}

# stat_of NAME KEY: one number of a snapshot's stats
stat_of() {
    sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$T/$1.stats"
}

# same_as NAME REF: snapshot NAME has REF's passages, terms and hits
same_as() {
    [ "$(stat_of "$1" passages)" = "$(stat_of "$2" passages)" ] &&
        [ "$(stat_of "$1" terms)" = "$(stat_of "$2" terms)" ] &&
        cmp -s "$T/$2.hits" "$T/$1.hits"
}

# ---------------------------------------------------------------- 1
t0=$(now_ms)
"$GHS" index --db "$T/ref" "$C" >"$T/ref.out" 2>"$T/ref.err"
ref_rc=$?
ref_ms=$(( $(now_ms) - t0 ))
diag <"$T/ref.out"
if [ $ref_rc = 0 ] && snapshot "$T/ref" ref && [ "$(stat_of ref documents)" -gt 4800 ]; then
    ok "an uninterrupted run indexes the corpus ($ref_ms ms)"
else
    not_ok "an uninterrupted run indexes the corpus"
    show "$T/ref.out" "$T/ref.err"
fi

# ---------------------------------------------------------------- 2
# Each run resumes the last and is killed (SIGKILL) once it has committed
# the next eighth of the documents (the first one at once, while it
# opens); after each kill the database opens, counts and searches, and
# holds no less than before. The last eighths are left to the resumed run.
D="$T/db"
ref_docs=$(stat_of ref documents 2>/dev/null || echo 0)
kills_ok=1
prev_docs=0
real_kills=0
for k in 0 1 2 3 4 5 6; do
    target=$(( ref_docs * k / 8 ))
    t0=$(now_ms)
    "$GHS" index --db "$D" "$C" >"$T/kill.out" 2>"$T/kill.err" &
    pid=$!
    BG_PIDS="$BG_PIDS $pid"
    if [ $k = 0 ]; then
        # killed while creating the database: once its folder exists (on a
        # loaded machine the process may take longer than 50 ms to get there)
        for _ in $(seq 1000); do [ -d "$D" ] && break; sleep 0.01; done
        sleep 0.05
    else
        while kill -0 $pid 2>/dev/null; do
            docs=$("$GHS" stats --db "$D" --json 2>/dev/null |
                   sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
            [ "${docs:-0}" -ge $target ] && break
            sleep 0.05
        done
    fi
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    status=$?
    [ $status = 137 ] && real_kills=$((real_kills + 1))
    if ! snapshot "$D" kill; then
        kills_ok=0
        echo "# after kill $k: stats or search failed"
        show "$T/kill.stats.err" "$T/kill.hits.err"
        continue
    fi
    docs=$(stat_of kill documents)
    passages=$(stat_of kill passages)
    echo "# kill $k after $(( $(now_ms) - t0 )) ms (status $status): $docs documents, $passages passages committed"
    if [ "$docs" -lt "$prev_docs" ]; then
        kills_ok=0
        echo "# documents went down from $prev_docs to $docs"
    fi
    prev_docs=$docs
done
echo "# $real_kills of 7 runs were killed before they finished"
if [ $kills_ok = 1 ] && [ $real_kills -ge 6 ]; then
    ok "after each of 7 kills (SIGKILL) the index opens, counts and searches, and keeps what was committed"
else
    not_ok "after each of 7 kills (SIGKILL) the index opens, counts and searches, and keeps what was committed"
fi

# ---------------------------------------------------------------- 3
"$GHS" index --db "$D" "$C" >"$T/resume.out" 2>"$T/resume.err"
resume_rc=$?
diag <"$T/resume.out"
if [ $resume_rc = 0 ] && snapshot "$D" final &&
   [ "$(stat_of final documents)" = "$(stat_of ref documents)" ] && same_as final ref; then
    ok "the resumed run ends with the documents, passages, terms and hits of an uninterrupted run"
else
    not_ok "the resumed run ends with the documents, passages, terms and hits of an uninterrupted run"
    echo "# reference: $(cat "$T/ref.stats")"
    echo "# resumed:   $(cat "$T/final.stats" 2>/dev/null)"
    diff "$T/ref.hits" "$T/final.hits" | head -n 10 | diag
    show "$T/resume.err"
fi

# ---------------------------------------------------------------- 4
# The resumed run did only what the killed runs had not committed.
if python3 - "$T/resume.out" "$T/ref.out" <<'EOF'
import re, sys
def counts(path):
    m = re.search(r"\((\d+) added, (\d+) updated, (\d+) unchanged, (\d+) failed",
                  open(path).read())
    return tuple(map(int, m.groups())) if m else None
a, u, s, f = counts(sys.argv[1])
ra, ru, rs, rf = counts(sys.argv[2])
print("# resumed run: %d added, %d updated, %d unchanged, %d failed" % (a, u, s, f))
sys.exit(0 if u == 0 and f == rf and a + s == ra and s > 0 and a > 0 else 1)
EOF
then
    ok "the resumed run adds exactly the files no killed run committed, the rest unchanged"
else
    not_ok "the resumed run adds exactly the files no killed run committed, the rest unchanged"
fi

# ---------------------------------------------------------------- 5
# A second writer: told the PID of the first.
D2="$T/db-lock"
"$GHS" index --db "$D2" "$C" >/dev/null 2>&1 &
first=$!
BG_PIDS="$BG_PIDS $first"
for _ in $(seq 100); do [ -s "$D2/ghsearch.pid" ] && break; sleep 0.05; done
"$GHS" index --db "$D2" "$C/sample" >"$T/second.out" 2>"$T/second.err"
second_rc=$?
kill -9 $first 2>/dev/null
wait $first 2>/dev/null
diag <"$T/second.err"
if [ $second_rc = 1 ] && grep -q "^ghsearch: .*locked by PID $first\b" "$T/second.err"; then
    ok "a second writer exits 1 saying the index is locked by PID $first"
else
    not_ok "a second writer exits 1 saying the index is locked by PID $first"
    show "$T/second.out" "$T/second.err"
fi

# ---------------------------------------------------------------- 6
# Killed while poppler works on a slow PDF in the extraction child: the
# child dies with the indexer and the index is free at once.
mkdir -p "$T/slow"
python3 "$(dirname "$0")/mkslowpdf.py" "$T/slow/slow.pdf"
D3="$T/db-slow"
GHSEARCH_EXTRACT_TIMEOUT=60 "$GHS" index --db "$D3" "$T/slow" >/dev/null 2>&1 &
writer=$!
BG_PIDS="$BG_PIDS $writer"
child=
for _ in $(seq 100); do
    child=$(grep -l "^PPid:[[:space:]]*$writer\$" /proc/[0-9]*/status 2>/dev/null |
            head -n 1 | cut -d/ -f3)
    [ -n "$child" ] && break
    sleep 0.05
done
sleep 0.3
kill -9 $writer 2>/dev/null
wait $writer 2>/dev/null
sleep 0.2
t0=$(now_ms)
"$GHS" index --db "$D3" "$C/sample" >"$T/after.out" 2>"$T/after.err"
after_rc=$?
after_ms=$(( $(now_ms) - t0 ))
# (a zombie is dead: nothing may reap orphans in a container)
child_alive=no
case $(sed -n 's/^State:[[:space:]]*//p' "/proc/${child:-0}/status" 2>/dev/null) in
    ''|Z*) ;;
    *) child_alive=yes ;;
esac
echo "# extraction child ${child:-not seen}; alive after the kill: $child_alive; next run took $after_ms ms"
if [ -n "$child" ] && [ $after_rc = 0 ] && [ $child_alive = no ]; then
    ok "a writer killed during a PDF extraction leaves no child behind and no lock on the index"
else
    not_ok "a writer killed during a PDF extraction leaves no child behind and no lock on the index"
    show "$T/after.out" "$T/after.err"
    [ -n "$child" ] && kill -9 "$child" 2>/dev/null
fi

# ---------------------------------------------------------------- 7
# Readers in other processes while the indexer commits every 300 passages.
D4="$T/db-read"
"$GHS" index --db "$D4" "$C/sample" >/dev/null 2>&1
"$GHS" index --db "$D4" "$C" >/dev/null 2>&1 &
writer=$!
BG_PIDS="$BG_PIDS $writer"
searches=0
bad=0
while kill -0 $writer 2>/dev/null; do
    q=${QUERIES[$((searches % ${#QUERIES[@]}))]}
    if ! "$GHS" search --db "$D4" --limit 5 "$q" >/dev/null 2>"$T/reader.err" ||
       ! "$GHS" stats --db "$D4" >/dev/null 2>>"$T/reader.err"; then
        bad=$((bad + 1))
        [ $bad = 1 ] && cp "$T/reader.err" "$T/reader.first.err"
    fi
    searches=$((searches + 1))
done
wait $writer
writer_rc=$?
echo "# $searches searches and stats while indexing, $bad failed; indexer status $writer_rc"
if [ $writer_rc = 0 ] && [ $searches -ge 5 ] && [ $bad = 0 ]; then
    ok "searches and stats made while the indexer commits all succeed"
else
    not_ok "searches and stats made while the indexer commits all succeed"
    echo "# $searches searches and stats while indexing, $bad failed; indexer status $writer_rc" >&2
    [ -f "$T/reader.first.err" ] && show "$T/reader.first.err"
fi

# ---------------------------------------------------------------- 8
# --prune after files are deleted: the summary counts them, the hits go.
rm -f "$C"/jsonl/batch-0[0-4].jsonl
"$GHS" index --db "$D" --prune "$C" >"$T/prune.out" 2>"$T/prune.err"
prune_rc=$?
diag <"$T/prune.out"
"$GHS" search --db "$D" --json --limit 5 '"Record 10 on"' >"$T/gone.out" 2>&1
if [ $prune_rc = 0 ] && grep -q " 5 removed, " "$T/prune.out" &&
   grep -q "(0 added, 0 updated, " "$T/prune.out" && [ ! -s "$T/gone.out" ] &&
   snapshot "$D" pruned && [ "$(stat_of pruned documents)" = $(( $(stat_of final documents) - 1000 )) ]; then
    ok "index --prune removes the 1000 records of 5 deleted files and says \"5 removed\""
else
    not_ok "index --prune removes the 1000 records of 5 deleted files and says \"5 removed\""
    show "$T/prune.out" "$T/prune.err" "$T/gone.out"
fi

# ---------------------------------------------------------------- 9
# One JSON Lines file of many batches (GHSEARCH_COMMIT_EVERY=300), killed
# twice in the middle of the file: each kill leaves a database that opens
# and searches, the second run never shows fewer of the file's records
# than the first had committed, and the run that finishes ends with what
# an uninterrupted run writes, counting the file as added.
mkdir -p "$T/big"
python3 - "$T/big/big.jsonl" <<'EOF'
import json, sys
topics = ["感染症危機管理", "地域医療構想", "予防接種の推進", "医療従事者の確保"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(4000):
        t = topics[i % len(topics)]
        text = ("%sに関する記録%d。都道府県は%sについて年次報告を作成し、"
                "厚生労働省は計画%dの進捗を公表する。" % (t, i, t, i % 97))
        out.write(json.dumps({"id": "big-%05d" % i, "title": "%s %d" % (t, i),
                              "text": text}, ensure_ascii=False) + "\n")
EOF
QUERIES=("感染症危機管理" "\"地域医療構想\" 報告" "予防接種")
"$GHS" index --db "$T/big-ref" "$T/big" >/dev/null 2>"$T/big-ref.err" && snapshot "$T/big-ref" bigref
big_ok=1
last_docs=0
for k in 1 2; do
    # One writer, whose batches are searchable as soon as committed (the
    # writers of a parallel run are merged by the next run: test_robust_index).
    "$GHS" index --jobs 1 --db "$T/big-db" "$T/big" >"$T/big.out" 2>"$T/big.err" &
    pid=$!
    BG_PIDS="$BG_PIDS $pid"
    docs=0
    while kill -0 $pid 2>/dev/null; do
        docs=$("$GHS" stats --db "$T/big-db" --json 2>/dev/null |
               sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
        [ "${docs:-0}" -gt $(( last_docs + 300 )) ] && break
        sleep 0.02
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    status=$?
    if ! snapshot "$T/big-db" bigkill; then
        big_ok=0
        echo "# after kill $k the database does not open or search"
        show "$T/bigkill.stats.err" "$T/bigkill.hits.err"
        break
    fi
    docs=$(stat_of bigkill documents)
    echo "# kill $k (status $status): $docs of 4000 records committed"
    if [ $status != 137 ] || [ "$docs" -le "$last_docs" ] || [ "$docs" -ge 4000 ]; then
        big_ok=0
        echo "# not killed in the middle of the file after more was committed"
    fi
    last_docs=$docs
done
"$GHS" index --db "$T/big-db" "$T/big" >"$T/big-final.out" 2>"$T/big-final.err"
diag <"$T/big-final.out"
if [ $big_ok = 1 ] && grep -q "(1 added, 0 updated" "$T/big-final.out" &&
   snapshot "$T/big-db" bigfinal &&
   [ "$(stat_of bigfinal documents)" = 4000 ] && same_as bigfinal bigref; then
    ok "a JSON Lines file killed twice between its batches is finished by the next run as if never cut"
else
    not_ok "a JSON Lines file killed twice between its batches is finished by the next run as if never cut"
    echo "# reference: $(cat "$T/bigref.stats" 2>/dev/null)"
    echo "# finished:  $(cat "$T/bigfinal.stats" 2>/dev/null)"
    show "$T/big-final.err" "$T/big-ref.err"
fi

# ---------------------------------------------------------------- 10
# A full disk (a small tmpfs, mounted in a mount namespace of this test's
# own, which needs root): the run ends with exit 1, an error naming the
# index and the full disk, and a summary of what it read; once there is
# room, the same command finishes with what an uninterrupted run writes.
# With one writer and with two.
ref_kb=$(du -sk "$T/big-ref" | cut -f1)
cat >"$T/full.sh" <<'EOF'
set -u
GHS=$1 T=$2 small_kb=$3 big_kb=$4
M="$T/full-mnt"
mkdir -p "$M"
# Our mounts stay in this namespace: the file system holding $T private
# here (in CI's chroot "/" is no mount point; its /tmp is).
mount --make-rprivate "$(stat -c %m "$T")" || exit 3
for jobs in 1 2; do
    mount -t tmpfs -o size=${small_kb}k tmpfs "$M" || exit 3
    "$GHS" index --jobs $jobs --db "$M/db" "$T/big" >"$T/full$jobs.out" 2>"$T/full$jobs.err"
    echo $? >"$T/full$jobs.rc"
    mount -o remount,size=${big_kb}k "$M" || exit 3
    "$GHS" index --jobs $jobs --db "$M/db" "$T/big" >"$T/full$jobs.again.out" \
        2>"$T/full$jobs.again.err"
    echo $? >"$T/full$jobs.again.rc"
    cp -a "$M/db" "$T/full$jobs-db"
    umount "$M"
done
EOF
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
   unshare -m --propagation unchanged bash "$T/full.sh" "$GHS" "$T" $((ref_kb / 3)) \
       $((ref_kb * 8)) 2>"$T/full-ns.err"
then
    full_ok=1
    for jobs in 1 2; do
        parallel_note=
        [ $jobs = 2 ] && parallel_note=" (by the writers, merged into the index by the next run)"
        echo "# --jobs $jobs, a disk of $((ref_kb / 3)) KB (the index needs $ref_kb KB):"
        diag <"$T/full$jobs.err"
        diag <"$T/full$jobs.out"
        diag <"$T/full$jobs.again.out"
        if [ "$(cat "$T/full$jobs.rc")" != 1 ] ||
           ! grep -q "^ghsearch: $T/full-mnt/db: the disk holding the index is full (.*): what was committed before is kept$parallel_note; free space and run the same command again to go on$" "$T/full$jobs.err" ||
           ! grep -q "^read [0-9]* files\? before the error (" "$T/full$jobs.out" ||
           [ "$(cat "$T/full$jobs.again.rc")" != 0 ] ||
           ! snapshot "$T/full$jobs-db" "full$jobs" ||
           [ "$(stat_of "full$jobs" documents)" != 4000 ] || ! same_as "full$jobs" bigref; then
            full_ok=0
            show "$T/full$jobs.err" "$T/full$jobs.again.err"
        fi
    done
    if [ $full_ok = 1 ]; then
        ok "a full disk ends the run with the index named, a summary, exit 1; with room the same command finishes it"
    else
        not_ok "a full disk ends the run with the index named, a summary, exit 1; with room the same command finishes it"
    fi
elif [ "${CI:-}" = true ]; then
    not_ok "a full disk: CI runs as root, yet no small disk could be mounted in a namespace of our own"
    show "$T/full-ns.err"
else
    skip "a full disk: needs root (to mount a small disk in a namespace of our own)"
fi

[ "$n" = 10 ] || { echo "# ran $n tests, planned 10"; failed=$((failed + 1)); }
exit $((failed > 0))
