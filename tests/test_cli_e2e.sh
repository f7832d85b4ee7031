#!/bin/bash
# test_cli_e2e.sh: end-to-end tests of the `ghsearch` command (TAP).
#
# Indexes the sample corpus (PDFs generated into $GHS_BUILD_ROOT/corpus,
# with copies of the release and the records, and corpus/manifest.tsv),
# then checks what a user and a script see: exit statuses, messages, the
# JSON Lines contract of `search --json` (keys, types, code point
# highlights, pages), readable output, re-indexing, stats, a locked index,
# indexing the shared collection of real and hostile PDFs, and a document
# named by its file name or path in `show` and `doc:`.
#
# Environment (set by meson): GHS_BUILD_ROOT, GHS_SOURCE_ROOT,
# GHS_SHARED_DATA. Needs python3 (stdlib only) to read JSON.
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
S=${GHS_SOURCE_ROOT:?GHS_SOURCE_ROOT must be set}
SHARED=${GHS_SHARED_DATA:-}
GHS="$B/cli/ghsearch"
CORPUS="$B/corpus"
MANIFEST="$S/corpus/manifest.tsv"
JA_PDF=uhc-brief-ja.pdf
EN_PDF=g7-health-brief-en.pdf

T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-e2e.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
D="$T/db"
unset GHSEARCH_DB NO_COLOR

echo "1..50"
n=0
failed=0

. "$(dirname "$0")/tap.sh"
# check DESCRIPTION COMMAND...: one test point from a command's status
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}


# pycheck NAME [ARG...] <<'EOF' ... EOF: run a python check on $T/NAME.out
# (sys.argv[1]; ARGs follow); it may `from hits import *` (below), prints
# "# ..." diagnostics and exits non-zero on failure
pycheck() {
    PYTHONPATH="$T" python3 - "$T/$1.out" "${@:2}"
}

# The common header of the Python checks: load JSON Lines, check the
# contract's keys and types, give the highlighted substrings.
cat >"$T/hits.py" <<'EOF'
import json, sys

REQUIRED = {"rank": int, "score": (int, float), "doc": str, "title": str,
            "source": str, "page": (int, type(None)), "lang": str,
            "passage": str, "highlights": list, "citation": str}
KEY_ORDER = list(REQUIRED)

def fail(msg):
    print("# " + msg)
    sys.exit(1)

def load(path):
    hits = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                h = json.loads(line)
            except ValueError as e:
                fail("line %d is not JSON (%s): %r" % (i, e, line[:200]))
            if not isinstance(h, dict):
                fail("line %d is not an object" % i)
            for k, t in REQUIRED.items():
                if k not in h:
                    fail("line %d lacks %r" % (i, k))
                if not isinstance(h[k], t) or isinstance(h[k], bool):
                    fail("line %d: %r is %r" % (i, k, h[k]))
            if list(h)[:len(KEY_ORDER)] != KEY_ORDER:
                fail("line %d: keys out of order: %r" % (i, list(h)))
            hits.append(h)
    return hits

def spans(h):
    """The highlighted substrings, after checking the offsets are code
    point offsets into passage, end exclusive, in order, not overlapping."""
    p, out, last = h["passage"], [], 0
    for s in h["highlights"]:
        if (not isinstance(s, list) or len(s) != 2 or
                not all(isinstance(x, int) for x in s)):
            fail("rank %d: bad highlight %r" % (h["rank"], s))
        a, b = s
        if not (last <= a < b <= len(p)):
            fail("rank %d: highlight %r out of order or outside passage of %d "
                 "code points" % (h["rank"], s, len(p)))
        last = b
        out.append(p[a:b])
    return out
EOF

# ---------------------------------------------------------------- 1
run version --version
check "--version prints the version and exits 0" \
    grep -Eq '^ghsearch [0-9]+\.[0-9]+\.[0-9]+' "$T/version.out"

# ---------------------------------------------------------------- 2
# The build's corpus directory holds the whole sample corpus: the two
# generated PDFs and copies of the release and the records (so that the
# release's relative links resolve). corpus/ in the source tree holds the
# same release and records again, so it is not indexed a second time.
for f in "$CORPUS/$JA_PDF" "$CORPUS/$EN_PDF" "$MANIFEST"; do
    [ -f "$f" ] || echo "# missing corpus file $f"
done
start=$(date +%s)
run index index --db "$D" --manifest "$MANIFEST" "$CORPUS"
echo "# indexed the sample corpus in $(( $(date +%s) - start )) s"
diag <"$T/index.out"
if [ "$(rc index)" = 0 ] &&
   grep -Eq '^indexed ([4-9]|[1-9][0-9]+) files \([0-9]+ added, [0-9]+ updated, [0-9]+ unchanged, 0 failed\): [1-9][0-9]* pages, '"$(grep -c . "$CORPUS/records.jsonl")"' records, [1-9][0-9]* passages' "$T/index.out"; then
    ok "index of the sample corpus exits 0 and its summary counts at least 4 files, 0 failed, records as records"
else
    not_ok "index of the sample corpus exits 0 and its summary counts at least 4 files, 0 failed, records as records"
    echo "# exit status $(rc index)"
    show "$T/index.err"
fi

# ---------------------------------------------------------------- 3-5
run ja search --db "$D" --json 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50
if [ "$(rc ja)" = 0 ] && [ -s "$T/ja.out" ] && pycheck ja <<'EOF'
from hits import *
hits = load(sys.argv[1])
if [h["rank"] for h in hits] != list(range(1, len(hits) + 1)):
    fail("ranks are not 1..n: %r" % [h["rank"] for h in hits])
if any(h["score"] <= 0 for h in hits):
    fail("a score is not positive")
EOF
then
    ok "search --json prints JSON Lines with the contract's keys and types, ranked 1..n"
else
    not_ok "search --json prints JSON Lines with the contract's keys and types, ranked 1..n"
    echo "# exit status $(rc ja)"
    show "$T/ja.out" "$T/ja.err"
fi

if pycheck ja "$JA_PDF" <<'EOF'
from hits import *
hits = [h for h in load(sys.argv[1]) if h["source"].endswith(sys.argv[2])]
pages = sorted({h["page"] for h in hits})
print("# %s hits on pages %r" % (sys.argv[2], pages))
if pages != [2, 4]:
    fail("expected hits on pages 2 and 4 only")
for h in hits:
    if not h["citation"].endswith("p. %d" % h["page"]):
        fail("citation %r does not end with the page" % h["citation"])
    if h["lang"] != "ja":
        fail("lang is %r" % h["lang"])
EOF
then
    ok "the Japanese PDF is found on pages 2 and 4 only, both present, cited with the page"
else
    not_ok "the Japanese PDF is found on pages 2 and 4 only, both present, cited with the page"
fi

# Literal search: glossary expansion would also (rightly) mark UHC.
run ja_lit search --db "$D" --json --no-expand 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50
if pycheck ja_lit "$JA_PDF" <<'EOF'
from hits import *
hits = load(sys.argv[1])
if not hits:
    fail("no hits")
# the words of the query, or the whole compound as one span
words = {"ユニバーサル", "ヘルス", "カバレッジ", "ユニバーサル・ヘルス・カバレッジ"}
for h in hits:
    marked = spans(h)
    joined = "".join(marked)
    if h["source"].endswith(sys.argv[2]) and not ("ユニバーサル" in joined and "カバレッジ" in joined):
        fail("rank %d: highlighted text %r lacks ユニバーサル or カバレッジ; passage %r"
             % (h["rank"], marked, h["passage"][:120]))
    if not set(marked) <= words:
        fail("rank %d: highlights %r are not exactly the query's words" % (h["rank"], marked))
print("# rank 1 highlights: %r" % spans(hits[0]))
EOF
then
    ok "highlights are code point offsets into the passage marking exactly ユニバーサル, ヘルス, カバレッジ"
else
    not_ok "highlights are code point offsets into the passage marking exactly ユニバーサル, ヘルス, カバレッジ"
fi

# ---------------------------------------------------------------- 6
run en search --db "$D" --json '"100 Days Mission"' --per-doc 10 --limit 50
if [ "$(rc en)" = 0 ] && pycheck en "$EN_PDF" <<'EOF'
from hits import *
hits = [h for h in load(sys.argv[1]) if h["source"].endswith(sys.argv[2])]
if {h["page"] for h in hits} != {3}:
    fail("English PDF hits on pages %r, expected page 3 only" % sorted({h["page"] for h in hits}))
for h in hits:
    words = [s.lower() for s in spans(h)]
    if set(words) != {"100", "days", "mission"}:
        fail("page 3 highlights are %r" % spans(h))
    if h["lang"] != "en":
        fail("lang is %r" % h["lang"])
EOF
then
    ok "the phrase \"100 Days Mission\" finds the English PDF on page 3 with exactly its three words marked"
else
    not_ok "the phrase \"100 Days Mission\" finds the English PDF on page 3 with exactly its three words marked"
    show "$T/en.out" "$T/en.err"
fi

# ---------------------------------------------------------------- 6b
# One click from a hit to its page: the PDF indexed from this machine as a
# file:// link at the hit's physical page; a record whose url is no web
# address (records.jsonl#note-...) gets no link at all.
run open_rec search --db "$D" --json --no-expand wildlife
if pycheck en "$CORPUS/$EN_PDF" "$T/open_rec.out" <<'EOF'
from hits import *
import os, urllib.parse
hits = [h for h in load(sys.argv[1]) if h["source"].endswith(os.path.basename(sys.argv[2]))]
if not hits:
    fail("no hit of %s" % sys.argv[2])
for h in hits:
    u = h.get("open_url")
    if not u or not u.startswith("file:///") or not u.endswith("#page=%d" % h["page"]):
        fail("page %d: open_url %r" % (h["page"], u))
    path = urllib.parse.unquote(u[len("file://"):u.index("#")])
    if not os.path.isfile(path) or not os.path.samefile(path, sys.argv[2]):
        fail("open_url %r is not the indexed file %s" % (u, sys.argv[2]))
recs = [h for h in load(sys.argv[3]) if h["type"] == "record"]
if not recs:
    fail("no record hit for 'wildlife'")
for h in recs:
    if "open_url" in h:
        fail("record %s (url %r) has open_url %r" % (h["doc"], h["url"], h["open_url"]))
EOF
then
    ok "search --json: a PDF hit's open_url is its indexed file at its page (file://...#page=N); a record without a web address has none"
else
    not_ok "search --json: a PDF hit's open_url is its indexed file at its page (file://...#page=N); a record without a web address has none"
    show "$T/en.out" "$T/open_rec.out"
fi

# ---------------------------------------------------------------- 7
run rec search --db "$D" --json wildlife
if [ "$(rc rec)" = 0 ] && pycheck rec "$CORPUS/records.jsonl" <<'EOF'
from hits import *
import json as _j
want = "note-one-health-en"
recs = {r["id"]: r for r in map(_j.loads, open(sys.argv[2], encoding="utf-8"))}
if "wildlife" not in recs.get(want, {}).get("text", ""):
    fail("the corpus changed: record %s with 'wildlife' not in %s" % (want, sys.argv[2]))
hits = load(sys.argv[1])
mine = [h for h in hits if h["doc"] == want]
if not mine:
    fail("record %s not found; docs: %r" % (want, [h["doc"] for h in hits]))
h = mine[0]
if h["page"] is not None:
    fail("record has page %r, expected null" % h["page"])
if [s.lower() for s in spans(h)] != ["wildlife"]:
    fail("highlights %r" % spans(h))
if h["title"] != recs[want]["title"]:
    fail("title %r, record says %r" % (h["title"], recs[want]["title"]))
EOF
then
    ok "a JSON Lines record is found by a word it contains, doc = its id, page null"
else
    not_ok "a JSON Lines record is found by a word it contains, doc = its id, page null"
    show "$T/rec.out" "$T/rec.err"
fi

# ---------------------------------------------------------------- 8
# note-one-health-ja writes ｳｲﾙｽ in half-width katakana; the query is
# full-width. The highlight must cover the word as the passage shows it.
run kana search --db "$D" --json 'ウイルス' --per-doc 10 --limit 50
if [ "$(rc kana)" = 0 ] && pycheck kana <<'EOF'
from hits import *
import unicodedata
hits = load(sys.argv[1])
mine = [h for h in hits if h["doc"] == "note-one-health-ja"]
if not mine:
    fail("note-one-health-ja not found; docs: %r" % [h["doc"] for h in hits])
for h in hits:
    marked = [unicodedata.normalize("NFKC", s) for s in spans(h)]
    if not marked or set(marked) != {"ウイルス"}:
        fail("%s: highlights %r" % (h["doc"], spans(h)))
EOF
then
    ok "full-width ウイルス finds the record written in half-width ｳｲﾙｽ and marks it"
else
    not_ok "full-width ウイルス finds the record written in half-width ｳｲﾙｽ and marks it"
    show "$T/kana.out" "$T/kana.err"
fi

# ---------------------------------------------------------------- 9
run ja_text search --db "$D" 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50 --color=marks
run ja_plain search --db "$D" 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50
run ja_never search --db "$D" 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50 --color=never
ja_title=$(python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    h = json.loads(l)
    if h["source"].endswith(sys.argv[2]):
        print(h["title"]); break' "$T/ja.out" "$JA_PDF" 2>/dev/null)
echo "# title of the Japanese PDF: $ja_title"
if [ "$(rc ja_text)" = 0 ] && [ -n "$ja_title" ] &&
   [ "$(grep -cF -- "$ja_title — p. " "$T/ja_text.out")" = 1 ] &&
   grep -Eq -- 'p\. 2( |$)' "$T/ja_text.out" && grep -Eq -- 'p\. 4( |$)' "$T/ja_text.out" &&
   grep -q -- '\*\*[^*][^*]*\*\*' "$T/ja_text.out" &&
   ! grep -q $'\033' "$T/ja_text.out" &&
   ! grep -q -- '\*\*' "$T/ja_plain.out" && ! grep -q $'\033' "$T/ja_plain.out" &&
   cmp -s "$T/ja_plain.out" "$T/ja_never.out" &&
   [ "$(sed 's/\*\*//g' "$T/ja_text.out" | tr -d ' \n' | md5sum)" = "$(tr -d ' \n' <"$T/ja_plain.out" | md5sum)" ]; then
    ok "readable output groups pages 2 and 4 under one title header; a pipe gets plain text, --color=marks marks matches with **"
else
    not_ok "readable output groups pages 2 and 4 under one title header; a pipe gets plain text, --color=marks marks matches with **"
    show "$T/ja_text.out" "$T/ja_text.err"
fi

# ---------------------------------------------------------------- 10
GHSEARCH_DB="$D" "$GHS" search 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --json --limit 50 \
    >"$T/env.out" 2>"$T/env.err"
if [ -s "$T/ja.out" ] && cmp -s "$T/env.out" "$T/ja.out"; then
    ok "options after the query and \$GHSEARCH_DB as the default index give the same hits"
else
    not_ok "options after the query and \$GHSEARCH_DB as the default index give the same hits"
    show "$T/env.err"
fi

# ---------------------------------------------------------------- 11
run one search --db "$D" --json --limit 1 'ユニバーサル・ヘルス・カバレッジ'
check "--limit 1 prints exactly one hit" \
    test "$(rc one)" = 0 -a "$(wc -l <"$T/one.out")" = 1

# ---------------------------------------------------------------- 12
run none search --db "$D" zzyzxqj
run none_json search --db "$D" --json zzyzxqj
if [ "$(rc none)" = 1 ] && [ ! -s "$T/none.out" ] &&
   grep -qx 'no results for: zzyzxqj' "$T/none.err" &&
   [ "$(rc none_json)" = 1 ] && [ ! -s "$T/none_json.out" ] && [ ! -s "$T/none_json.err" ]; then
    ok "no hits: 'no results for: QUERY' on stderr and exit 1 (as grep); --json prints nothing"
else
    not_ok "no hits: 'no results for: QUERY' on stderr and exit 1 (as grep); --json prints nothing"
    show "$T/none.out" "$T/none.err" "$T/none_json.out"
fi

# ---------------------------------------------------------------- 13
run bad search --db "$D" '"unclosed'
if [ "$(rc bad)" = 2 ] && grep -q '^ghsearch: query error at 1' "$T/bad.err" && [ ! -s "$T/bad.out" ]; then
    ok "a malformed query exits 2 with 'ghsearch: query error at 1' on stderr"
else
    not_ok "a malformed query exits 2 with 'ghsearch: query error at 1' on stderr"
    echo "# exit status $(rc bad)"
    show "$T/bad.err"
fi

# ---------------------------------------------------------------- 14
run usage search --db "$D" --limit many word
if [ "$(rc usage)" = 2 ] && grep -q -- "--limit" "$T/usage.err" && grep -q '^usage: ghsearch search' "$T/usage.err"; then
    ok "a non-numeric --limit is a usage error (exit 2, usage line)"
else
    not_ok "a non-numeric --limit is a usage error (exit 2, usage line)"
    show "$T/usage.err"
fi

# ---------------------------------------------------------------- 15
(cd "$T" && "$GHS" search word >"$T/nodb.out" 2>"$T/nodb.err"; echo $? >"$T/nodb.rc")
if [ "$(rc nodb)" = 1 ] &&
   grep -qxF "ghsearch: no index at ./ghsearch-db (run 'ghsearch index' first)" "$T/nodb.err"; then
    ok "search without an index exits 1 and says to run 'ghsearch index' first"
else
    not_ok "search without an index exits 1 and says to run 'ghsearch index' first"
    show "$T/nodb.err"
fi

# ---------------------------------------------------------------- 16
run reindex index --db "$D" --manifest "$MANIFEST" "$CORPUS"
diag <"$T/reindex.out"
run ja2 search --db "$D" --json 'ユニバーサル・ヘルス・カバレッジ' --per-doc 10 --limit 50
if [ "$(rc reindex)" = 0 ] && grep -q '(0 added, ' "$T/reindex.out" &&
   [ "$(wc -l <"$T/ja2.out")" = "$(wc -l <"$T/ja.out")" ] &&
   python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
b = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
key = lambda h: (h["doc"], h["page"], h["passage"])
sys.exit(0 if sorted(map(key, a)) == sorted(map(key, b)) else 1)' "$T/ja.out" "$T/ja2.out"; then
    ok "indexing the same corpus again adds nothing and leaves the same hits"
else
    not_ok "indexing the same corpus again adds nothing and leaves the same hits"
    echo "# hits before: $(wc -l <"$T/ja.out"), after: $(wc -l <"$T/ja2.out")"
    show "$T/reindex.err"
fi

# ---------------------------------------------------------------- 17
run stats stats --db "$D" --json
if [ "$(rc stats)" = 0 ] && pycheck stats "$CORPUS/records.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    lines = f.read().splitlines()
if len(lines) != 1:
    print("# %d lines" % len(lines)); sys.exit(1)
s = json.loads(lines[0])
print("# " + lines[0])
# the two PDFs, the release and every record of records.jsonl
want = 3 + sum(1 for l in open(sys.argv[2], encoding="utf-8") if l.strip())
ok = (s["documents"] >= want and s["passages"] >= s["documents"] and s["terms"] > 0
      and s["avg_passage_length"] > 0)
if s["documents"] < want:
    print("# expected at least %d documents" % want)
sys.exit(0 if ok else 1)
EOF
then
    ok "stats --json is one object counting every document of the corpus, passages, terms, average length"
else
    not_ok "stats --json is one object counting every document of the corpus, passages, terms, average length"
    show "$T/stats.out" "$T/stats.err"
fi

# ---------------------------------------------------------------- 18
# Hold the index's write lock as another writer would (Xapian locks
# byte 0 of the flintlock file with fcntl), then try to index.
lockfile=$(find "$D" -name flintlock 2>/dev/null | head -n 1)
if [ -n "$lockfile" ] && python3 - "$lockfile" "$GHS" "$D" "$CORPUS" "$T" <<'EOF'
import fcntl, subprocess, sys
lock, ghs, db, corpus, tmp = sys.argv[1:]
with open(lock, "r+") as f:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    r = subprocess.run([ghs, "index", "--db", db, corpus], capture_output=True, text=True)
print("# status %d, stderr: %s" % (r.returncode, r.stderr.strip()[:300]))
sys.exit(0 if r.returncode == 1 and "locked" in r.stderr and r.stderr.startswith("ghsearch: ") else 1)
EOF
then
    ok "indexing while another writer holds the index exits 1 and says it is locked"
else
    not_ok "indexing while another writer holds the index exits 1 and says it is locked"
    echo "# lock file: ${lockfile:-none found under $D}"
fi

# ---------------------------------------------------------------- 19
run nopath index --db "$T/db-nopath" "$T/no-such-dir"
if [ "$(rc nopath)" = 1 ] && grep -q "^ghsearch: .*no-such-dir" "$T/nopath.err"; then
    ok "indexing a path that does not exist exits 1 naming the path"
else
    not_ok "indexing a path that does not exist exits 1 naming the path"
    echo "# exit status $(rc nopath)"
    show "$T/nopath.out" "$T/nopath.err"
fi

# ---------------------------------------------------------------- 20
# show: the page the phrase was found on holds it; the JSON is one object.
en_doc=$(python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    h = json.loads(l)
    if h["source"].endswith(sys.argv[2]):
        print(h["doc"]); break' "$T/en.out" "$EN_PDF" 2>/dev/null)
run show show --db "$D" --page 3 -- "${en_doc:-missing}"
run show_json show --db "$D" --json "${en_doc:-missing}"
run show_none show --db "$D" no-such-document
if [ -n "$en_doc" ] && [ "$(rc show)" = 0 ] && grep -q '100 Days Mission' "$T/show.out" &&
   grep -q '^--- p\. 3 ---$' "$T/show.out" && [ "$(rc show_none)" = 1 ] &&
   grep -q "no-such-document" "$T/show_none.err" &&
   pycheck show_json "$en_doc" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
pages = [t["page"] for t in d["text"]]
if d["id"] != sys.argv[2] or d["type"] != "pdf" or d["pages"] < 4 or pages != list(range(1, d["pages"] + 1)):
    print("# id %r type %r pages %r text pages %r" % (d["id"], d["type"], d["pages"], pages))
    sys.exit(1)
if "100 Days Mission" not in d["text"][2]["text"] or "100 Days Mission" in d["text"][1]["text"]:
    print("# the phrase is not on page 3 only")
    sys.exit(1)
EOF
then
    ok "show prints a document's page 3 with the phrase, --json every page, exit 1 for an unknown id"
else
    not_ok "show prints a document's page 3 with the phrase, --json every page, exit 1 for an unknown id"
    echo "# doc: ${en_doc:-none}"
    show "$T/show.out" "$T/show.err" "$T/show_json.err" "$T/show_none.err"
fi

# ---------------------------------------------------------------- 21
run cite search --db "$D" --json --cite csl-json '"100 Days Mission"'
run cite_text search --db "$D" --cite bibtex '"100 Days Mission"'
if [ "$(rc cite)" = 0 ] && [ "$(rc cite_text)" = 0 ] &&
   grep -q '^   cite: @techreport{' "$T/cite_text.out" && pycheck cite <<'EOF'
from hits import *
hits = load(sys.argv[1])
if not hits:
    fail("no hits")
for h in hits:
    c = h.get("cite")
    if not isinstance(c, dict) or c.get("title") != h["title"]:
        fail("rank %d: cite %r" % (h["rank"], c))
    if h["page"] is not None and str(c.get("page")) != str(h["page"]):
        fail("rank %d: cite page %r, hit page %r" % (h["rank"], c.get("page"), h["page"]))
EOF
then
    ok "--cite csl-json adds the CSL-JSON item to each JSON hit; --cite bibtex prints a BibTeX entry"
else
    not_ok "--cite csl-json adds the CSL-JSON item to each JSON hit; --cite bibtex prints a BibTeX entry"
    show "$T/cite.out" "$T/cite.err" "$T/cite_text.out"
fi

# ---------------------------------------------------------------- 22
run typo search --db "$D" 'helth finansing'
if [ "$(rc typo)" = 1 ] && grep -qx 'no results for: helth finansing' "$T/typo.err" &&
   grep -qx 'did you mean: health financing' "$T/typo.err"; then
    ok "a misspelt query that finds nothing suggests the index's words (did you mean: health financing)"
else
    not_ok "a misspelt query that finds nothing suggests the index's words (did you mean: health financing)"
    show "$T/typo.out" "$T/typo.err"
fi

# ---------------------------------------------------------------- 23
if [ -z "$SHARED" ] || [ ! -d "$SHARED/pdf" ]; then
    if [ "${CI:-}" = true ]; then
        not_ok "index the shared PDF collection (GHS_SHARED_DATA/pdf missing: '$SHARED')"
    else
        skip "GHS_SHARED_DATA/pdf not found ('$SHARED'); set GHS_SHARED_DATA to run"
    fi
else
    start=$(date +%s)
    run shared index --db "$T/db-shared" "$SHARED/pdf"
    echo "# indexed $SHARED/pdf in $(( $(date +%s) - start )) s, exit status $(rc shared)"
    diag <"$T/shared.out"
    echo "# $(grep -c '^ghsearch: skipped ' "$T/shared.err") files skipped"
    files=$(sed -n 's/^indexed \([0-9][0-9]*\) files .*/\1/p' "$T/shared.out")
    if [ "$(rc shared)" = 0 ] && [ "${files:-0}" -gt 100 ] &&
       grep -Eq '^ghsearch: skipped .*hostile-not-a-pdf\.pdf: .+' "$T/shared.err"; then
        ok "indexing the shared PDFs (real and hostile) exits 0, names the non-PDF and indexes over 100 files"
    else
        not_ok "indexing the shared PDFs (real and hostile) exits 0, names the non-PDF and indexes over 100 files"
        show "$T/shared.err"
    fi
fi

# ---------------------------------------------------------------- 24
# What the summary counts must be in the index: one document per PDF.
if [ -z "${files:-}" ]; then
    if [ "${CI:-}" = true ]; then
        not_ok "the index holds a document for every PDF the summary counts (no shared data)"
    else
        skip "the index holds a document for every PDF the summary counts (no shared data)"
    fi
else
    run shared_stats stats --db "$T/db-shared" --json
    docs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' \
           "$T/shared_stats.out" 2>/dev/null)
    echo "# summary: $files files indexed; stats: ${docs:-?} documents"
    check "the index holds a document for every PDF the summary counts" \
        test "${docs:-0}" -ge "$files"
fi

# ---------------------------------------------------------------- 25
# One file named twice in one run (./x.pdf x.pdf) is indexed once.
( cd "$CORPUS" && "$GHS" index --db "$T/db-twice" "./$JA_PDF" "$JA_PDF" ) \
    >"$T/twice.out" 2>"$T/twice.err"
diag <"$T/twice.out"
check "a file named twice in one run is written once, then found unchanged" \
    grep -Eq '^indexed 2 files \(1 added, 0 updated, 1 unchanged, 0 failed\)' "$T/twice.out"

# ---------------------------------------------------------------- 26
# A document by the names a user types: the manifest gives the Japanese
# PDF the id sample-brief-ja; its file name (from a directory where no file
# of that name is) and its path name it too. A file name several
# documents share (the records of records.jsonl) names none of them.
ja_id=$(awk -F'\t' -v f="$JA_PDF" '$2 == f { print $1 }' "$MANIFEST")
(cd "$T" && run show_name show --db "$D" --json "$JA_PDF" --page 2)
run show_path show --db "$D" --json "$CORPUS/$JA_PDF" --page 2
(cd "$T" && run show_ambiguous show --db "$D" records.jsonl)
if [ -n "$ja_id" ] && [ "$ja_id" != "$JA_PDF" ] &&
   [ "$(rc show_name)" = 0 ] && [ "$(rc show_path)" = 0 ] &&
   cmp -s "$T/show_name.out" "$T/show_path.out" &&
   pycheck show_name "$ja_id" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
if d["id"] != sys.argv[2] or [t["page"] for t in d["text"]] != [2]:
    print("# id %r, pages %r" % (d["id"], [t["page"] for t in d["text"]]))
    sys.exit(1)
if "プライマリ・ヘルス・ケア" not in d["text"][0]["text"]:
    print("# page 2 lacks プライマリ・ヘルス・ケア")
    sys.exit(1)
EOF2
then
    if [ "$(rc show_ambiguous)" = 2 ] &&
       grep -q "'records.jsonl' is the file name of .* documents: .*note-" "$T/show_ambiguous.err"; then
        ok "show FILE.pdf --page 2 and show PATH show the document the manifest names; an ambiguous file name lists the ids"
    else
        not_ok "show FILE.pdf --page 2 and show PATH show the document the manifest names; an ambiguous file name lists the ids"
        echo "# exit status $(rc show_ambiguous)"
        show "$T/show_ambiguous.out" "$T/show_ambiguous.err"
    fi
else
    not_ok "show FILE.pdf --page 2 and show PATH show the document the manifest names; an ambiguous file name lists the ids"
    echo "# manifest id of $JA_PDF: ${ja_id:-none}"
    show "$T/show_name.out" "$T/show_name.err" "$T/show_path.err"
fi

# ---------------------------------------------------------------- 27
# doc: takes the same names: the file name finds what the id finds.
(cd "$T" && run doc_name search --db "$D" --json --per-doc 10 "doc:$JA_PDF ユニバーサル・ヘルス・カバレッジ")
run doc_id search --db "$D" --json --per-doc 10 "doc:${ja_id:-missing} ユニバーサル・ヘルス・カバレッジ"
if [ "$(rc doc_name)" = 0 ] && [ -s "$T/doc_id.out" ] && cmp -s "$T/doc_name.out" "$T/doc_id.out" &&
   pycheck doc_name "${ja_id:-missing}" <<'EOF2'
from hits import *
hits = load(sys.argv[1])
if not hits or {h["doc"] for h in hits} != {sys.argv[2]}:
    fail("docs %r" % sorted({h["doc"] for h in hits}))
EOF2
then
    ok "search 'doc:FILE.pdf ...' finds the same hits as 'doc:ID ...', all of that document"
else
    not_ok "search 'doc:FILE.pdf ...' finds the same hits as 'doc:ID ...', all of that document"
    echo "# hits by file name: $(wc -l <"$T/doc_name.out"), by id: $(wc -l <"$T/doc_id.out")"
    show "$T/doc_name.err" "$T/doc_id.err"
fi

# ---------------------------------------------------------------- 28
# Passages with every word come first whatever their scores: the readable
# output says where the others begin, the JSON hits say which is which.
# Here a tier-2 document's best passage outscores a tier-1 one's.
run tier_json search --db "$D" --json --limit 20 'PPR 資金'
run tier_text search --db "$D" --limit 20 'PPR 資金'
if [ "$(rc tier_json)" = 0 ] && [ "$(rc tier_text)" = 0 ] &&
   pycheck tier_json "$T/tier_text.out" <<'EOF'
from hits import *
import re
hits = load(sys.argv[1])
tiers = [h.get("tier") for h in hits]
if set(tiers) != {1, 2} or tiers != sorted(tiers):
    fail("tiers %r: not 1s then 2s" % tiers)
if not max(h["score"] for h in hits if h["tier"] == 2) > min(h["score"] for h in hits if h["tier"] == 1):
    fail("no tier-2 hit scores above a tier-1 hit: %r" % [(h["tier"], h["score"]) for h in hits])
# The text: one tier line, after the documents of tier 1, before the others.
text = open(sys.argv[2], encoding="utf-8").read().split("\n")
line = "— passages with only some of the words —"
if text.count(line) != 1:
    fail("the tier line is there %d times" % text.count(line))
at = text.index(line)
heads = [(i, int(re.match(r"(\d+)\. ", t).group(1))) for i, t in enumerate(text)
         if re.match(r"\d+\. \S", t)]
docs1 = {h["doc_rank"] for h in hits if h["tier"] == 1}
before = {r for i, r in heads if i < at}
after = {r for i, r in heads if i > at}
if before != docs1 or not after or min(after) != max(docs1) + 1:
    fail("documents %r before the tier line, %r after; tier 1: %r" % (before, after, docs1))
if text[at - 1] != "" or text[at + 1] != "":
    fail("the tier line does not stand between blank lines")
EOF
then
    ok "search prints the tier line where tier 2 begins, JSON hits carry tier 1 then 2 (a tier-2 hit may score higher)"
else
    not_ok "search prints the tier line where tier 2 begins, JSON hits carry tier 1 then 2 (a tier-2 hit may score higher)"
    show "$T/tier_json.out" "$T/tier_text.out" "$T/tier_json.err"
fi

# ---------------------------------------------------------------- 29
# Ranks and document numbers go on across pages; the total is the same for
# every page; --explain says per hit why it stands where it does.
run page_all search --db "$D" --json --limit 8 'health financing'
run page_two search --db "$D" --json --limit 4 --offset 4 'health financing'
run page_two_text search --db "$D" --limit 4 --offset 4 'health financing'
run page_one_text search --db "$D" --limit 1 'health financing'
run page_big_text search --db "$D" --limit 5 --offset 2 'health financing'
run explain search --db "$D" --explain --limit 6 '保健医療体制はどのように強くするのか'
run explain_json search --db "$D" --json --limit 6 '保健医療体制はどのように強くするのか'
if [ "$(rc page_two)" = 0 ] && [ "$(rc explain)" = 0 ] &&
   pycheck page_all "$T/page_two.out" "$T/page_two_text.out" "$T/explain.out" \
       "$T/explain_json.out" "$T/page_one_text.out" "$T/page_big_text.out" <<'EOF'
from hits import *
import re
whole, two = load(sys.argv[1]), load(sys.argv[2])
if len(whole) != 8 or len(two) != 4:
    fail("%d and %d hits" % (len(whole), len(two)))
want = [(h["rank"], h["doc_rank"], h["doc"], h["tier"]) for h in whole[4:]]
got = [(h["rank"], h["doc_rank"], h["doc"], h["tier"]) for h in two]
if got != want or [h["rank"] for h in two] != [5, 6, 7, 8]:
    fail("page 2 %r, not %r" % (got, want))
text = open(sys.argv[3], encoding="utf-8").read()
first = re.search(r"^(\d+)\. ", text, re.M)
if not first or int(first.group(1)) != two[0]["doc_rank"]:
    fail("page 2's first document is numbered %r, not %d" % (first and first.group(1), two[0]["doc_rank"]))
# the same total on every page: "N passages shown of T" (counted: no
# "about"), on stderr
totals = set()
for path in (sys.argv[3], sys.argv[6], sys.argv[7]):
    path = path[:-len(".out")] + ".err"
    if "passages shown" in open(path[:-len(".err")] + ".out", encoding="utf-8").read():
        fail("%s: the footer is on stdout" % path)
    m = re.search(r"passages? shown of (\d+) ", open(path, encoding="utf-8").read())
    if not m:
        fail("%s has no total" % path)
    totals.add(int(m.group(1)))
if len(totals) != 1 or min(totals) < 8:
    fail("totals %r" % totals)
# --explain: a line per hit, in rank order, with tier, BM25 and wording
hits = load(sys.argv[5])
lines = re.findall(r"^   rank (\d+): tier ([12]) \((all|some) words\), BM25 (\d+\.\d\d), "
                   r"(wording -?\d+\.\d\d|not re-ranked)$",
                   open(sys.argv[4], encoding="utf-8").read(), re.M)
if [(int(r), int(t)) for r, t, *_ in lines] != [(h["rank"], h["tier"]) for h in hits]:
    fail("explain lines %r for hits %r" % (lines, [(h["rank"], h["tier"]) for h in hits]))
for (r, t, w, bm25, why), h in zip(lines, hits):
    if abs(float(bm25) - h["score"]) > 0.006 or (why != "not re-ranked") != ("rerank" in h):
        fail("rank %s: %s %s, hit %r" % (r, bm25, why, (h["score"], h.get("rerank"))))
if not any("rerank" in h for h in hits):
    fail("the question was not re-ranked")
EOF
then
    ok "ranks and document numbers go on across pages, the total stays, --explain gives each hit's tier, BM25 and wording"
else
    not_ok "ranks and document numbers go on across pages, the total stays, --explain gives each hit's tier, BM25 and wording"
    show "$T/page_two.out" "$T/page_two_text.out" "$T/explain.out"
fi

# ---------------------------------------------------------------- 30
# Facets count the documents the list is drawn from, both tiers: with one
# Japanese hit shown, the English documents that only the looser matches
# reach are counted, and no value of a listed hit is counted 0.
run facet_one search --db "$D" --json --facets --limit 1 'ユニバーサル・ヘルス・カバレッジ 財政'
run facet_all search --db "$D" --json --facets --limit 30 'ユニバーサル・ヘルス・カバレッジ 財政'
run facet_text search --db "$D" --facets --limit 1 'ユニバーサル・ヘルス・カバレッジ 財政'
if [ "$(rc facet_one)" = 0 ] && [ "$(rc facet_all)" = 0 ] &&
   pycheck facet_all "$T/facet_one.out" "$T/facet_text.out" <<'EOF'
from hits import *
def read(path):
    lines = [json.loads(l) for l in open(path, encoding="utf-8")]
    return lines[:-1], lines[-1]["facets"]
hits, facets = read(sys.argv[1])
one, facets_one = read(sys.argv[2])
if facets != facets_one:
    fail("facets change with --limit: %r / %r" % (facets, facets_one))
count = {(f, v["value"]): v["documents"] for f, vs in facets.items() for v in vs}
if not any(h["tier"] == 2 for h in hits):
    fail("no tier-2 hit")
for h in hits:
    for f in ("lang", "type", "publisher"):
        if h[f] and count.get((f, h[f]), 0) < 1:
            fail("rank %d: %s %r counted 0" % (h["rank"], f, h[f]))
langs = {v["value"]: v["documents"] for v in facets.get("lang", [])}
want = {l: len({h["doc"] for h in hits if h["lang"] == l}) for l in ("ja", "en")}
if langs.get("en", 0) < want["en"] or langs.get("ja", 0) < want["ja"] or want["en"] == 0:
    fail("lang counts %r, listed documents %r" % (langs, want))
text = open(sys.argv[3], encoding="utf-8").read()
if "  lang: ja %d, en %d" % (langs["ja"], langs["en"]) not in text:
    fail("the readable facets differ: %r" % text[-300:])
EOF
then
    ok "--facets counts both tiers' documents: a listed hit's values are never 0, whatever --limit"
else
    not_ok "--facets counts both tiers' documents: a listed hit's values are never 0, whatever --limit"
    show "$T/facet_one.out" "$T/facet_text.out"
fi

# Only regular files are read: a FIFO named a.pdf (open() would block) and
# a symbolic link z.pdf -> /dev/zero (endless) in a walked folder, and a
# FIFO given directly, are refused by name with the reason; the regular
# file beside them is indexed, the run ends (timeout turns a hang into a
# failure) and leaves the index unlocked for the next run.
NR="$T/nonregular"
mkdir -p "$NR/dir"
printf 'Quarantined okapi census\n\nThe okapi census was counted twice.\n' >"$NR/dir/b.txt"
nr_ok=1
mkfifo "$NR/dir/a.pdf" "$NR/direct.pdf" && ln -s /dev/zero "$NR/dir/z.pdf" || nr_ok=0
nrun() {
    local name=$1
    shift
    timeout 30 "$GHS" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}
if [ "$nr_ok" = 1 ]; then
    nrun nr_walk index --db "$T/nrdb" "$NR/dir"
    nrun nr_again index --db "$T/nrdb" "$NR/dir"
    nrun nr_search search --db "$T/nrdb" okapi
    if [ "$(rc nr_walk)" = 0 ] && [ "$(rc nr_again)" = 0 ] &&
       grep -q "skipped $NR/dir/a.pdf: .*not a regular file (a FIFO)" "$T/nr_walk.err" &&
       grep -q "skipped $NR/dir/z.pdf: .*not a regular file (a character device)" "$T/nr_walk.err" &&
       grep -q "(1 added, 0 updated, 0 unchanged, 2 failed: 2 unreadable)" "$T/nr_walk.out" &&
       grep -q "skipped $NR/dir/a.pdf: .*not a regular file (a FIFO)" "$T/nr_again.err" &&
       ! grep -q "locked" "$T/nr_again.err" &&
       grep -q "b.txt" "$T/nr_search.out"; then
        ok "a FIFO and a link to /dev/zero in a folder are skipped as not regular files; the run ends and the next is not locked"
    else
        not_ok "a FIFO and a link to /dev/zero in a folder are skipped as not regular files; the run ends and the next is not locked"
        show "$T/nr_walk.out" "$T/nr_walk.err" "$T/nr_again.out" "$T/nr_again.err" "$T/nr_search.out"
    fi
    nrun nr_direct index --db "$T/nrdb" "$NR/direct.pdf"
    nrun nr_after index --db "$T/nrdb" "$NR/dir/b.txt"
    if [ "$(rc nr_direct)" = 0 ] && [ "$(rc nr_after)" = 0 ] &&
       grep -q "skipped $NR/direct.pdf: .*not a regular file (a FIFO)" "$T/nr_direct.err" &&
       grep -q "1 failed: 1 unreadable" "$T/nr_direct.out" &&
       grep -q "(0 added, 0 updated, 1 unchanged, 0 failed)" "$T/nr_after.out"; then
        ok "a FIFO given as an argument is skipped as not a regular file; the next run is not locked"
    else
        not_ok "a FIFO given as an argument is skipped as not a regular file; the next run is not locked"
        show "$T/nr_direct.out" "$T/nr_direct.err" "$T/nr_after.out" "$T/nr_after.err"
    fi
else
    skip "mkfifo or ln -s failed here"
    skip "mkfifo or ln -s failed here"
fi

# ---------------------------------------------------------------- 33-35
# Habits of other command-line tools: short options, a lone "-n" never a
# silent NOT, "did you mean", a version subcommand.
run short_n search --db "$D" -n 2 -j UHC
run short_glued search --db "$D" -n2 UHC
run lone_dash search --db "$D" -x UHC
run after_dashes search --db "$D" -n 1 -- -x UHC
if [ "$(rc short_n)" = 0 ] && [ "$(wc -l <"$T/short_n.out")" = 2 ] &&
   head -1 "$T/short_n.out" | python3 -c 'import json,sys; json.loads(sys.stdin.readline())' &&
   [ "$(rc short_glued)" = 0 ] && grep -q "^2 passages shown" "$T/short_glued.err" &&
   [ "$(rc lone_dash)" = 2 ] && grep -q "'-x' is not an option" "$T/lone_dash.err" &&
   [ ! -s "$T/lone_dash.out" ] && [ "$(rc after_dashes)" = 0 ]; then
    ok "-n N and -j are --limit and --json; a lone -x is refused with a hint, not searched as NOT x"
else
    not_ok "-n N and -j are --limit and --json; a lone -x is refused with a hint, not searched as NOT x"
    show "$T/short_n.out" "$T/short_n.err" "$T/short_glued.out" "$T/lone_dash.err" "$T/after_dashes.err"
fi
run typo_cmd serch UHC
run typo_opt search --db "$D" --limt 3 UHC
if [ "$(rc typo_cmd)" = 2 ] && grep -q "unknown command 'serch' (did you mean 'search'?)" "$T/typo_cmd.err" &&
   [ "$(rc typo_opt)" = 2 ] && grep -q "unknown option '--limt' (did you mean '--limit'?)" "$T/typo_opt.err"; then
    ok "a mistyped command or option is answered with the one meant"
else
    not_ok "a mistyped command or option is answered with the one meant"
    show "$T/typo_cmd.err" "$T/typo_opt.err"
fi
run version version
run help_search help search
if [ "$(rc version)" = 0 ] && grep -q "^ghsearch [0-9.]* (libghsearch [0-9.]*)$" "$T/version.out" &&
   [ "$(rc help_search)" = 0 ] && grep -q -- "-n, --limit N" "$T/help_search.out"; then
    ok "version and help are subcommands too"
else
    not_ok "version and help are subcommands too"
    show "$T/version.out" "$T/version.err" "$T/help_search.out"
fi

# Helpers of the Ctrl-C and progress tests (37, 47-50).
# ptyrun.py OUT PATTERN TIMEOUT CMD...: run CMD on a terminal (a pty) with
# its output in OUT; once the output matches PATTERN (a regex; "" never)
# send it SIGINT; print its exit status and the ms from SIGINT to its exit
# (-1: not sent).
cat >"$T/ptyrun.py" <<'EOF'
import os, pty, re, select, signal, sys, time
out_path, pattern, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[4], sys.argv[4:])
buf, t_int, t0 = b"", None, time.monotonic()
while True:
    r, _, _ = select.select([fd], [], [], 0.01)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        buf += data
    if t_int is None and pattern and re.search(pattern.encode(), buf):
        os.kill(pid, signal.SIGINT)
        t_int = time.monotonic()
    if time.monotonic() - t0 > timeout:
        os.kill(pid, signal.SIGKILL)
        break
_, status = os.waitpid(pid, 0)
t_end = time.monotonic()
open(out_path, "wb").write(buf)
print(os.waitstatus_to_exitcode(status), int((t_end - t_int) * 1000) if t_int else -1)
EOF
# mkpages.py PATH N: a PDF of N pages of 40 distinct lines of English each
cat >"$T/mkpages.py" <<'EOF'
import random, sys, zlib
path, n = sys.argv[1], int(sys.argv[2])
words = ("health financing primary care coverage system resilience policy budget insurance "
         "households payment pooling purchasing workforce medicines equity access quality "
         "governance reform district hospital clinic community surveillance data emergency "
         "preparedness outbreak vaccine maternal child nutrition tuberculosis malaria").split()
rnd = random.Random(7)
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
kids = []
for p in range(n):
    lines = ["(%s %d.%d.) Tj 0 -16 Td" % (" ".join(rnd.choice(words) for _ in range(12)).capitalize(),
                                         p + 1, l + 1) for l in range(40)]
    z = zlib.compress(("BT /F1 10 Tf 50 760 Td " + " ".join(lines) + " ET").encode())
    objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
    objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objs)))
    kids.append(len(objs))
objs[1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) +
           b"] /Count %d >>" % n)
out, offs = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += (b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) +
        b"".join(b"%010d 00000 n \n" % o for o in offs))
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(path, "wb").write(out)
EOF

# ---------------------------------------------------------------- 36
run export_bib search --db "$D" --export bibtex -n 10 --per-doc 3 UHC
run export_bad search --db "$D" --export endnote UHC
if [ "$(rc export_bib)" = 0 ] && [ "$(grep -c '^@' "$T/export_bib.out")" -ge 2 ] &&
   [ "$(grep -c '^@' "$T/export_bib.out")" = "$(grep '^@' "$T/export_bib.out" | sort -u | wc -l)" ] &&
   ! grep -q "$B" "$T/export_bib.out" &&
   [ "$(rc export_bad)" = 2 ] && grep -q "bibtex, ris or csl-json" "$T/export_bad.err"; then
    ok "--export writes one entry per document, distinct keys, no local path"
else
    not_ok "--export writes one entry per document, distinct keys, no local path"
    show "$T/export_bib.out" "$T/export_bib.err" "$T/export_bad.err"
fi

# ---------------------------------------------------------------- 37
# Ctrl-C once the last file is done (the progress line says 1/1; the run
# still commits and compacts): nothing is left undone, so the run is a
# success, not 130. (Ctrl-C inside a file stops it: 40, 47-50.)
mkdir -p "$T/sig"
python3 - "$T/sig/many.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 15000):
        f.write(json.dumps({"id": "s%d" % i, "text": "保健財政の記録 %d: health financing, "
                            "primary health care and resilient systems, note %d." % (i, i)},
                           ensure_ascii=False) + "\n")
EOF
python3 "$T/ptyrun.py" "$T/sig.out" 'indexing 1/1 files' 300 \
    "$GHS" index --jobs 1 --db "$T/sigdb" "$T/sig" >"$T/sig.res"
read -r sig_rc sig_ms <"$T/sig.res"
echo "# Ctrl-C after the last file: exit $sig_rc, $sig_ms ms after the signal"
if [ "$sig_rc" = 0 ] && grep -q "indexed 1 file (1 added, 0 updated, 0 unchanged, 0 failed)" "$T/sig.out" &&
   ! grep -q "interrupted" "$T/sig.out"; then
    ok "Ctrl-C after the last file was finished and committed: the run exits 0"
else
    not_ok "Ctrl-C after the last file was finished and committed: the run exits 0 (exit $sig_rc)"
    tr '\r' '\n' <"$T/sig.out" | tail -n 5 | diag
fi

# ---------------------------------------------------------------- 38
# Queries from scripts: "-" reads the query from stdin; --queries FILE runs
# one a line and echoes each hit's query and line.
echo 'ユニバーサル・ヘルス・カバレッジ' | "$GHS" search --db "$D" --json -n 2 - >"$T/stdin_q.out" 2>"$T/stdin_q.err"
stdin_rc=$?
printf 'UHC\n\n# a comment\n(unclosed\n保健財政\n' >"$T/queries.txt"
run queries search --db "$D" -n 2 --queries "$T/queries.txt"
if [ "$stdin_rc" = 0 ] && [ "$(wc -l <"$T/stdin_q.out")" = 2 ] &&
   [ "$(rc queries)" = 2 ] && grep -q "queries.txt line 4: query error" "$T/queries.err" &&
   python3 - "$T/queries.out" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [(h["query"], h["line"], h["rank"]) for h in lines]
want = [("UHC", 1, 1), ("UHC", 1, 2), ("保健財政", 5, 1), ("保健財政", 5, 2)]
if got != want or any(list(h)[:2] != ["query", "line"] for h in lines):
    print("# got %r" % got)
    sys.exit(1)
EOF
then
    ok "a query from standard input (-) and a file of queries (--queries) for scripts"
else
    not_ok "a query from standard input (-) and a file of queries (--queries) for scripts"
    show "$T/stdin_q.out" "$T/stdin_q.err" "$T/queries.out" "$T/queries.err"
fi

# ---------------------------------------------------------------- 39
# Messages for people: a file of a type we do not read is named with the
# types we do; a folder holding no index is said so in words.
printf 'x' >"$T/notes.docx"
run docx index --db "$T/docxdb" "$T/notes.docx"
mkdir -p "$T/emptydb"
run emptydb search --db "$T/emptydb" UHC
if grep -q "skipped $T/notes.docx: .*unsupported file type (expected .pdf, .html, .htm, .txt or .jsonl)" "$T/docx.err" &&
   grep -q "1 failed: 1 unsupported" "$T/docx.out" &&
   [ "$(rc emptydb)" = 1 ] && grep -q "no index at $T/emptydb: the folder holds no ghsearch index" "$T/emptydb.err" &&
   ! grep -q "DatabaseNotFoundError" "$T/emptydb.err"; then
    ok "an unsupported file is named with the types ghsearch reads; an empty --db folder is 'no index at'"
else
    not_ok "an unsupported file is named with the types ghsearch reads; an empty --db folder is 'no index at'"
    show "$T/docx.out" "$T/docx.err" "$T/emptydb.err"
fi

# ---------------------------------------------------------------- 40
# Ctrl-C inside a large file with small batches: honoured after the batch
# being written (not at the end of the file), exit 130, and the next run
# goes on from there.
mkdir -p "$T/sig2"
python3 - "$T/sig2/many.jsonl" 20000 <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "s%d" % i, "text": "保健財政の記録 %d: health financing, "
                            "primary health care and resilient systems, note %d." % (i, i)},
                           ensure_ascii=False) + "\n")
EOF
"$GHS" index --db "$T/sig2db" --batch 500 "$T/sig2" >"$T/sig2.out" 2>"$T/sig2.err" &
sig2_pid=$!
sleep 0.5
kill -INT $sig2_pid 2>/dev/null
wait $sig2_pid
sig2_rc=$?
sig2_docs=$("$GHS" stats --db "$T/sig2db" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
run sig2_again index --db "$T/sig2db" --batch 500 "$T/sig2"
sig2_final=$("$GHS" stats --db "$T/sig2db" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
if [ "$sig2_rc" = 130 ] && grep -q "interrupted; what was done is committed" "$T/sig2.err" &&
   [ "${sig2_docs:-0}" -gt 0 ] && [ "${sig2_docs:-0}" -lt 20000 ] &&
   [ "$(rc sig2_again)" = 0 ] && [ "$sig2_final" = 20000 ] &&
   grep -q "records" "$T/sig2_again.out" &&
   ! grep -q " 20000 records" "$T/sig2_again.out"; then
    ok "Ctrl-C inside a large file stops after the batch being written (exit 130); the next run goes on"
else
    not_ok "Ctrl-C inside a large file stops after the batch being written (exit 130); the next run goes on (exit $sig2_rc, $sig2_docs then $sig2_final documents)"
    show "$T/sig2.out" "$T/sig2.err" "$T/sig2_again.out" "$T/sig2_again.err"
fi

# ---------------------------------------------------------------- 41
# Messages without the library's internal tags ("[show]", "[pdf][x.pdf]"):
# the file once, then what happened; GHSEARCH_DEBUG shows them as written.
run tag_show show --db "$D" no-such-document
GHSEARCH_DEBUG=1 "$GHS" show --db "$D" no-such-document >/dev/null 2>"$T/tag_debug.err"
printf '{"id":"a","text":"x"}\n{"id":"a","text":"again"}\n' >"$T/dup.jsonl"
run tag_jsonl index --db "$T/tagdb" "$T/dup.jsonl"
if grep -qx "ghsearch: no document 'no-such-document'" "$T/tag_show.err" &&
   grep -q "^ghsearch: \[" "$T/tag_debug.err" &&
   grep -q "the first: dup.jsonl:2: id \"a\" is already used on line 1" "$T/tag_jsonl.err" &&
   ! grep -q "\]" "$T/tag_jsonl.err" "$T/docx.err" &&
   [ "$(grep -o "notes.docx" "$T/docx.err" | wc -l)" = 1 ]; then
    ok "messages name the file once and carry no internal tags (GHSEARCH_DEBUG shows them)"
else
    not_ok "messages name the file once and carry no internal tags (GHSEARCH_DEBUG shows them)"
    show "$T/tag_show.err" "$T/tag_debug.err" "$T/tag_jsonl.err" "$T/docx.err"
fi

# ---------------------------------------------------------------- 42
# A field the query language does not have is an error listing the fields,
# not a word that silently finds nothing ("lan:ja") or "Foo Bar"
# ("foo:bar"); quoted, it is searched. lang: takes a real language code.
run field search --db "$D" 'lan:ja UHC'
run field_quoted search --db "$D" '"foo:bar"'
run lang_xx search --db "$D" 'UHC lang:xx'
if [ "$(rc field)" = 2 ] && grep -q "query error at 1: unknown field 'lan'" "$T/field.err" &&
   grep -q "lang, type, year, publisher, doc and title" "$T/field.err" &&
   grep -q 'put it in quotes: "lan:ja"' "$T/field.err" &&
   [ "$(rc field_quoted)" != 2 ] &&
   [ "$(rc lang_xx)" = 2 ] && grep -q "unknown language 'xx'" "$T/lang_xx.err"; then
    ok "an unknown field: is an error listing the fields (quoted it is searched); lang:xx is an error"
else
    not_ok "an unknown field: is an error listing the fields (quoted it is searched); lang:xx is an error"
    show "$T/field.err" "$T/field_quoted.err" "$T/lang_xx.err"
fi

# ---------------------------------------------------------------- 43
# On a terminal each hit's source and citation are terminal hyperlinks
# (OSC 8) to the indexed PDF at the hit's page; a pipe and --color=never
# get plain text, --color=always the links too.
EN_URI=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$CORPUS/$EN_PDF")
OSC8_OPEN=$(printf '\033]8;;')
script -qec "'$GHS' search --db '$D' -n 1 'diagnostics type:pdf'" /dev/null </dev/null >"$T/tty_links.out" 2>&1
run pipe_links search --db "$D" -n 1 'diagnostics type:pdf'
run never_links search --db "$D" -n 1 --color=never 'diagnostics type:pdf'
run always_links search --db "$D" -n 1 --color=always 'diagnostics type:pdf'
if python3 - "$T/tty_links.out" "$EN_URI#page=3" "$T/always_links.out" <<'EOF' &&
import sys
want = sys.argv[2]
for path in (sys.argv[1], sys.argv[3]):
    out = open(path, encoding="utf-8", errors="replace").read()
    cite = "\x1b]8;;%s\x1b\\Building Health Systems That Withstand Crises: A 2023 Policy Brief on Global Health, p. 3\x1b]8;;\x1b\\" % want
    if cite not in out:
        print("# no hyperlinked citation to %s in %s: %r" % (want, path, out[:600]))
        sys.exit(1)
    if out.count("\x1b]8;;" + want) < 2:
        print("# the source line is not a link in %s" % path)
        sys.exit(1)
EOF
   [ "$(rc pipe_links)" = 0 ] && ! grep -qF "$OSC8_OPEN" "$T/pipe_links.out" &&
   ! grep -qF "$OSC8_OPEN" "$T/never_links.out" && grep -q "cite: Building Health" "$T/pipe_links.out"; then
    ok "on a terminal the source and citation link to the PDF at the hit's page; a pipe and --color=never get plain text"
else
    not_ok "on a terminal the source and citation link to the PDF at the hit's page; a pipe and --color=never get plain text"
    show "$T/tty_links.out" "$T/pipe_links.out" "$T/never_links.out"
fi

# ---------------------------------------------------------------- 44
# ghsearch open DOC --page N hands the PDF's file:// link at that page to
# $BROWSER (%s stands for the link), else to xdg-open; --print prints it.
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/opened.txt"\n' "$T" >"$T/bin/fake-browser"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/xdg.txt"\n' "$T" >"$T/bin/xdg-open"
chmod +x "$T/bin/fake-browser" "$T/bin/xdg-open"
BROWSER="$T/bin/fake-browser --new-tab %s" "$GHS" open --db "$D" "$EN_PDF" --page 2 >"$T/open_browser.out" 2>&1
open_browser_rc=$?
env -u BROWSER PATH="$T/bin:$PATH" "$GHS" open --db "$D" sample-brief-ja -p 3 >"$T/open_xdg.out" 2>&1
open_xdg_rc=$?
run open_print open --db "$D" --print sample-release-ja
if [ "$open_browser_rc" = 0 ] && [ "$(cat "$T/opened.txt" 2>/dev/null)" = "$(printf -- '--new-tab\n%s#page=2' "$EN_URI")" ] &&
   [ "$open_xdg_rc" = 0 ] && grep -qx "file://.*/$JA_PDF#page=3" "$T/xdg.txt" &&
   [ "$(rc open_print)" = 0 ] && grep -qx "file://.*/release-ja.html" "$T/open_print.out"; then
    ok "open DOC --page N gives \$BROWSER (else xdg-open) the file:// link at that page; --print prints it"
else
    not_ok "open DOC --page N gives \$BROWSER (else xdg-open) the file:// link at that page; --print prints it"
    show "$T/open_browser.out" "$T/opened.txt" "$T/open_xdg.out" "$T/xdg.txt" "$T/open_print.out" "$T/open_print.err"
fi

# ---------------------------------------------------------------- 45
# What open cannot do is said: a page out of range (2), a document with
# nothing to open (1), an unknown document (1); the command is in --help.
run open_page open --db "$D" --print sample-brief-en --page 99
run open_record open --db "$D" --print note-health-financing-ja
run open_none open --db "$D" --print no-such-document
run help_all --help
if [ "$(rc open_page)" = 2 ] && grep -q "has pages 1 to 4, not 99" "$T/open_page.err" &&
   [ "$(rc open_record)" = 1 ] && grep -q "no file on this machine and no web address" "$T/open_record.err" &&
   [ "$(rc open_none)" = 1 ] && [ ! -s "$T/open_page.out" ] &&
   grep -q "^  open  *open a document at a page" "$T/help_all.out"; then
    ok "open says why it cannot open: a page out of range (exit 2), nothing to open or no such document (exit 1)"
else
    not_ok "open says why it cannot open: a page out of range (exit 2), nothing to open or no such document (exit 1)"
    show "$T/open_page.err" "$T/open_record.err" "$T/open_none.err" "$T/help_all.out"
fi

# ---------------------------------------------------------------- 47
# Ctrl-C while a PDF's text is extracted (poppler in its child, seconds of
# work): "stopping…" at once, the child killed, exit 130 well within 2 s;
# nothing of the file written, so the next run tries it again.
mkdir -p "$T/slowx"
python3 "$(dirname "$0")/mkslowpdf.py" "$T/slowx/slow.pdf"
python3 "$T/ptyrun.py" "$T/slowx.tty" 'extracting the text' 120 \
    "$GHS" index --db "$T/slowxdb" "$T/slowx" >"$T/slowx.res"
read -r slowx_rc slowx_ms <"$T/slowx.res"
slowx_left=$(pgrep -f -- "--db $T/slowxdb" | wc -l)
slowx_docs=$("$GHS" stats --db "$T/slowxdb" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
GHSEARCH_EXTRACT_TIMEOUT=1 run slowx_again index --db "$T/slowxdb" "$T/slowx"
echo "# Ctrl-C during an extraction: exit $slowx_rc, $slowx_ms ms after the signal"
if [ "$slowx_rc" = 130 ] && [ "$slowx_ms" -ge 0 ] && [ "$slowx_ms" -lt 2000 ] &&
   grep -q "stopping… (what is done is kept" "$T/slowx.tty" &&
   grep -q "interrupted; what was done is committed" "$T/slowx.tty" &&
   [ "$slowx_left" = 0 ] && [ "${slowx_docs:-x}" = 0 ] &&
   grep -q "1 failed: 1 timed out" "$T/slowx_again.out"; then
    ok "Ctrl-C during a PDF's extraction stops within a second: child killed, nothing written, exit 130"
else
    not_ok "Ctrl-C during a PDF's extraction stops within a second: child killed, nothing written, exit 130 (exit $slowx_rc after $slowx_ms ms, $slowx_left processes left, $slowx_docs documents)"
    tr '\r' '\n' <"$T/slowx.tty" | tail -n 5 | diag
    show "$T/slowx_again.out" "$T/slowx_again.err"
fi

# ---------------------------------------------------------------- 48
# A PDF of many pages on a terminal: while its pages are written the line
# shows the page, pages/s, the text's rate and an ETA; Ctrl-C there
# cancels the document within a second (exit 130, none of it in the
# index), and the next run (in a pipe: no progress line) indexes it whole.
mkdir -p "$T/longpdf"
python3 "$T/mkpages.py" "$T/longpdf/long.pdf" 500
python3 "$T/ptyrun.py" "$T/longpdf.tty" 'ETA [0-9]+:[0-9]+' 300 \
    "$GHS" index --db "$T/longdb" "$T/longpdf" >"$T/longpdf.res"
read -r long_rc long_ms <"$T/longpdf.res"
long_docs=$("$GHS" stats --db "$T/longdb" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
run long_again index --db "$T/longdb" "$T/longpdf"
echo "# Ctrl-C between pages: exit $long_rc, $long_ms ms after the signal"
if [ "$long_rc" = 130 ] && [ "$long_ms" -ge 0 ] && [ "$long_ms" -lt 2000 ] &&
   grep -Eq "indexing 0/1 files, extracting the text \([0-9]+:[0-9]{2}\): long.pdf" "$T/longpdf.tty" &&
   grep -Eq "indexing 0/1 files, page [0-9]+/500, [0-9.]+ pages/s, [0-9.]+ [kM]B/s, ETA [0-9]+:[0-9]{2}" "$T/longpdf.tty" &&
   grep -q "stopping…" "$T/longpdf.tty" && [ "${long_docs:-x}" = 0 ] &&
   [ "$(rc long_again)" = 0 ] && grep -q "(1 added, .*: 500 pages" "$T/long_again.out" &&
   [ ! -s "$T/long_again.err" ]; then
    ok "a long PDF shows page, pages/s and ETA on a terminal; Ctrl-C between its pages cancels it within a second"
else
    not_ok "a long PDF shows page, pages/s and ETA on a terminal; Ctrl-C between its pages cancels it within a second (exit $long_rc after $long_ms ms, $long_docs documents)"
    tr '\r' '\n' <"$T/longpdf.tty" | tail -n 5 | diag
    show "$T/long_again.out" "$T/long_again.err"
fi

# ---------------------------------------------------------------- 49
# A large JSON Lines file on a terminal, one writer: records, how much of
# the file (by bytes), records/s, the text's rate and an ETA; Ctrl-C
# commits the records written and exits 130 within a second.
mkdir -p "$T/recs"
cp "$T/sig2/many.jsonl" "$T/recs/many.jsonl"
python3 "$T/ptyrun.py" "$T/recs.tty" 'ETA [0-9]+:[0-9]+' 300 \
    "$GHS" index --jobs 1 --db "$T/recsdb" "$T/recs" >"$T/recs.res"
read -r recs_rc recs_ms <"$T/recs.res"
recs_docs=$("$GHS" stats --db "$T/recsdb" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
echo "# Ctrl-C inside a batch: exit $recs_rc, $recs_ms ms after the signal, $recs_docs records kept"
if [ "$recs_rc" = 130 ] && [ "$recs_ms" -ge 0 ] && [ "$recs_ms" -lt 2000 ] &&
   grep -Eq "indexing 0/1 files, [0-9]+ records \([0-9]+%\), [0-9.]+ records/s, [0-9.]+ [kM]B/s, ETA [0-9]+:[0-9]{2}" "$T/recs.tty" &&
   [ "${recs_docs:-0}" -gt 0 ] && [ "${recs_docs:-0}" -lt 20000 ]; then
    ok "a large JSON Lines file shows records, %, records/s and ETA; Ctrl-C inside a batch keeps its records, exit 130 within a second"
else
    not_ok "a large JSON Lines file shows records, %, records/s and ETA; Ctrl-C inside a batch keeps its records, exit 130 within a second (exit $recs_rc after $recs_ms ms, $recs_docs documents)"
    tr '\r' '\n' <"$T/recs.tty" | tail -n 5 | diag
fi

# ---------------------------------------------------------------- 50
# Several writers (a first run): the records of a JSON Lines file are
# added up across them on the progress line; and Ctrl-C while they
# extract slow PDFs stops them all within a second (exit 130).
mkdir -p "$T/par"
cp "$T/sig2/many.jsonl" "$T/par/many.jsonl"
python3 "$T/ptyrun.py" "$T/par.tty" '' 300 \
    "$GHS" index --jobs 2 --db "$T/pardb" "$T/par" >"$T/par.res"
read -r par_rc _ <"$T/par.res"
mkdir -p "$T/parslow"
cp "$T/slowx/slow.pdf" "$T/parslow/slow-a.pdf"
cp "$T/slowx/slow.pdf" "$T/parslow/slow-b.pdf"
python3 "$T/ptyrun.py" "$T/parslow.tty" 'extracting the text' 120 \
    "$GHS" index --jobs 2 --db "$T/parslowdb" "$T/parslow" >"$T/parslow.res"
read -r parslow_rc parslow_ms <"$T/parslow.res"
parslow_left=$(pgrep -f -- "--db $T/parslowdb" | wc -l)
echo "# several writers, Ctrl-C during extractions: exit $parslow_rc, $parslow_ms ms after the signal"
if [ "$par_rc" = 0 ] && python3 - "$T/par.tty" <<'EOF' &&
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
counts = [int(m) for m in re.findall(r"indexing 0/1 files, (\d+) records \(\d+%\)", text)]
# each writer keeps about half of the 20000 records: only their sum passes 10000
if not counts or max(counts) <= 10000 or counts != sorted(counts):
    print("# records on the progress line: %r" % counts[-10:])
    sys.exit(1)
EOF
   grep -q "indexed 1 file (1 added.*20000 records" "$T/par.tty" &&
   [ "$parslow_rc" = 130 ] && [ "$parslow_ms" -ge 0 ] && [ "$parslow_ms" -lt 2000 ] &&
   [ "$parslow_left" = 0 ] && grep -q "stopping…" "$T/parslow.tty"; then
    ok "several writers: records added up on the progress line; Ctrl-C during their extractions stops them within a second"
else
    not_ok "several writers: records added up on the progress line; Ctrl-C during their extractions stops them within a second (exit $par_rc; $parslow_rc after $parslow_ms ms, $parslow_left processes left)"
    tr '\r' '\n' <"$T/par.tty" | tail -n 5 | diag
    tr '\r' '\n' <"$T/parslow.tty" | tail -n 5 | diag
fi

[ "$n" = 50 ] || { echo "# ran $n tests, planned 50"; failed=$((failed + 1)); }
exit $((failed > 0))
