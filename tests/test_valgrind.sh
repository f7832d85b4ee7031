#!/bin/bash
# test_valgrind.sh: the `ghsearch` command end to end under valgrind (TAP).
#
# Indexes the sample corpus (again, then with --prune), a folder of files
# that fail (not a PDF, bad JSON Lines records, and a few real encrypted
# and damaged PDFs when $GHS_SHARED_DATA is there), then searches, counts
# and shows. Each run must end with no memory error and no definitely lost
# block whose allocation passes through our code (ghs_*, xc_*, cli_*
# functions or our source files); leaks entirely inside system libraries
# are listed but not counted. Forked extraction children are checked too.
#
# Skips when valgrind is missing, unless CI=true. Environment (set by
# meson): GHS_BUILD_ROOT, GHS_SOURCE_ROOT; GHS_SHARED_DATA (optional).
# Needs python3 (stdlib only) to read valgrind's XML.
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
S=${GHS_SOURCE_ROOT:?GHS_SOURCE_ROOT must be set}
SHARED=${GHS_SHARED_DATA:-}
GHS="$B/cli/ghsearch"

if ! command -v valgrind >/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "1..1"
        echo "not ok 1 - valgrind is not installed (CI=true)"
        exit 1
    fi
    echo "1..0 # SKIP valgrind not installed"
    exit 0
fi

# A sanitizer build cannot run under valgrind (both replace malloc); the
# plain build's run of this test is the one that counts.
if ldd "$GHS" 2>/dev/null | grep -q 'libasan\|libtsan\|libmsan' ||
   nm -D "$GHS" 2>/dev/null | grep -q '__asan_init'; then
    echo "1..0 # SKIP sanitizer build: valgrind runs on the plain build"
    exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-vg.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
unset GHSEARCH_DB NO_COLOR
# poppler is slow under valgrind; a file past this is reported, not a leak
export GHSEARCH_EXTRACT_TIMEOUT=300

n=0
failed=0
. "$(dirname "$0")/tap.sh"

# vg NAME EXPECTED_STATUS ARGS...: run ghsearch under valgrind; one test
# point: the exit status, and no error or leak of ours in any process.
vg() {
    local name=$1 want=$2
    shift 2
    mkdir -p "$T/xml-$name"
    valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
        --num-callers=40 --child-silent-after-fork=no --xml=yes \
        --xml-file="$T/xml-$name/vg.%p.xml" "$GHS" "$@" >"$T/$name.out" 2>"$T/$name.err"
    local status=$?
    if python3 - "$S" "$T/xml-$name" <<'EOF' && [ $status = "$want" ]; then
import glob, os, sys
import xml.etree.ElementTree as ET
src, folder = sys.argv[1], sys.argv[2]
ours_files = set()
for root, dirs, files in os.walk(src):
    dirs[:] = [d for d in dirs if not d.startswith(("build", ".", "node_modules"))]
    ours_files.update(f for f in files if f.endswith((".c", ".cc", ".h")))
def ours(frame):
    fn = frame.findtext("fn") or ""
    f = frame.findtext("file") or ""
    return fn.startswith(("ghs_", "xc_", "cli_")) or f in ours_files
bad = other = 0
files = glob.glob(folder + "/vg.*.xml")
if not files:
    print("# no valgrind report"); sys.exit(1)
trees = {}
for path in files:
    try:
        trees[path] = ET.parse(path)
    except ET.ParseError as e:
        print("# unreadable report %s: %s" % (os.path.basename(path), e)); sys.exit(1)
pids = {t.getroot().findtext("pid") for t in trees.values()}
for path, tree in trees.items():
    # A PDF's extractor is a child forked by one writer thread: memory the
    # other threads held is unreachable there without being lost, so a
    # child's leaks are not counted (its memory errors are; the parent's
    # leaks are checked in the parent).
    child = tree.getroot().findtext("ppid") in pids
    for err in tree.getroot().iter("error"):
        kind = err.findtext("kind") or ""
        what = (err.findtext("xwhat/text") or err.findtext("what") or "").strip()
        frames = err.findall("stack/frame")
        mine = any(ours(f) for f in frames)
        if kind.startswith("Leak_") and (not mine or child):
            other += 1
            continue
        if kind.startswith("Leak_") and kind != "Leak_DefinitelyLost":
            continue
        bad += 1
        print("# %s: %s" % (kind, what))
        for f in frames[:12]:
            print("#    %s (%s:%s)" % (f.findtext("fn"), f.findtext("file") or f.findtext("obj"),
                                       f.findtext("line") or "?"))
print("# %d process(es), %d error(s) or leak(s) of ours, %d leak(s) inside system libraries"
      % (len(files), bad, other))
sys.exit(1 if bad else 0)
EOF
        ok "valgrind: ghsearch $* exits $want with no memory error or definite leak of ours"
    else
        not_ok "valgrind: ghsearch $* exits $want with no memory error or definite leak of ours"
        echo "# exit status $status (expected $want)"
        head -n 5 "$T/$name.err" | sed 's/^/# /'
    fi
}

# ---------------------------------------------------------------- inputs
C="$T/corpus"
mkdir -p "$C"
cp "$B"/corpus/*.pdf "$B"/corpus/*.html "$B"/corpus/*.jsonl "$C/" 2>/dev/null
F="$T/failing"
mkdir -p "$F"
printf '<html><body>not a pdf</body></html>\n' >"$F/page.pdf"
: >"$F/empty.pdf"
printf '{"id":"ok-1","text":"保健財政の持続可能性について"}\n{bad json\n{"id":"x"}\n{"id":"s","text":"a\\ud800b"}\n' \
    >"$F/records.jsonl"
printf '\0\1\2binary' >"$F/binary.txt"
if [ -n "$SHARED" ] && [ -d "$SHARED/pdf" ]; then
    for f in pdfminer-encryption-rc4-40.pdf hostile-truncated-ja-slides.pdf \
             pdfminer-encryption-base.pdf pdfjs-bomb_giant.pdf; do
        [ -f "$SHARED/pdf/$f" ] && cp "$SHARED/pdf/$f" "$F/"
    done
fi
D="$T/db"

echo "1..9"
vg index 0 index --db "$D" --manifest "$S/corpus/manifest.tsv" "$C"
vg reindex 0 index --db "$D" --prune "$C"
vg failing 0 index --db "$D" "$F"
vg search_ja 0 search --db "$D" 'ユニバーサル・ヘルス・カバレッジ'
vg search_json 0 search --db "$D" --json --facets '"100 Days Mission" diagnostics'
vg suggest 1 search --db "$D" 'helth finansing'   # matches nothing: 1
vg badquery 2 search --db "$D" '(UHC OR'
vg stats 0 stats --db "$D" --json
doc=$("$GHS" search --db "$D" --json --limit 1 '保健' | sed -n 's/.*"doc":"\([^"]*\)".*/\1/p' | head -n 1)
vg show 0 show --db "$D" "${doc:-ok-1}"

[ "$n" = 9 ] || { echo "# ran $n tests, planned 9"; failed=$((failed + 1)); }
exit $((failed > 0))
