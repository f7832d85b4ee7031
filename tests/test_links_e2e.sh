#!/bin/bash
# test_links_e2e.sh: a release and the documents it links to, end to end
# through the `ghsearch` command (TAP).
#
# Builds a small web of documents: a Japanese HTML release linking a PDF
# next to it (relative link), a PDF served by a local HTTP server on
# 127.0.0.1 (tests/fetch_server.py, started here), a PDF the server does
# not have (404) and a photo. Then `ghsearch fetch` + `ghsearch index` must
# end with both PDFs indexed, the missing one reported, the release indexed
# once, and `ghsearch links` / `ghsearch search` showing it all. Also runs
# `ghsearch links` on the bundled sample release and on the real release
# of GHS_SHARED_DATA (no network here: its PDFs are "missing").
#
# Environment (set by meson): GHS_BUILD_ROOT, GHS_SOURCE_ROOT,
# GHS_SHARED_DATA. Needs python3 (the server, reading JSON).
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
S=${GHS_SOURCE_ROOT:?GHS_SOURCE_ROOT must be set}
SHARED=${GHS_SHARED_DATA:-}
GHS="$B/cli/ghsearch"
MKPDF="$B/corpus/mkpdf"
REAL_RELEASE=g7-global-health-taskforce-2023-04-28.txt

T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-links.XXXXXX") || exit 1
SRV_PID=
cleanup() {
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
unset GHSEARCH_DB GHSEARCH_CACHE NO_COLOR
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
export GHSEARCH_DB="$T/db" GHSEARCH_CACHE="$T/cache"

echo "1..16"
n=0
failed=0
. "$(dirname "$0")/tap.sh"
# expect NAME DESC STATUS PATTERN...: the run's status and every fixed
# string in its stdout
expect() {
    local name=$1 desc=$2 status=$3 p
    shift 3
    if [ "$(rc "$name")" != "$status" ]; then
        not_ok "$desc (exit $(rc "$name"), expected $status)"
        show "$T/$name.out" "$T/$name.err"
        return
    fi
    for p in "$@"; do
        if ! grep -qF -- "$p" "$T/$name.out"; then
            not_ok "$desc (no '$p' in the output)"
            show "$T/$name.out" "$T/$name.err"
            return
        fi
    done
    ok "$desc"
}
bail() { echo "Bail out! $1"; exit 1; }

[ -x "$GHS" ] || bail "no $GHS"
"$GHS" fetch --help >/dev/null 2>&1 || bail "this ghsearch was built without fetch (libcurl)"
[ -x "$MKPDF" ] || bail "no $MKPDF (the corpus tool)"
command -v python3 >/dev/null || bail "python3 is needed for the test server"

# ---------------------------------------------------------------- the web
WEB="$T/web"
SRV="$T/srv"
mkdir -p "$WEB" "$SRV"
cat >"$T/a.pages" <<'EOF'
Title: 保健財政に関する報告書Ａ
Author: ghsearch test
Date: 2023-04-28
Lang: ja

# 報告書Ａ
ユニバーサル・ヘルス・カバレッジの財政には、国内資金の動員と開発援助資金の協調が欠かせない。
EOF
cat >"$T/b.pages" <<'EOF'
Title: Report B on pandemic preparedness
Author: ghsearch test
Date: 2023-04-28
Lang: en

# Report B
The 100 Days Mission asks for diagnostics, vaccines and therapeutics within one hundred days, under the quokka clause.
EOF
"$MKPDF" "$T/a.pages" "$WEB/report-a.pdf" >/dev/null 2>&1 || bail "mkpdf failed"
"$MKPDF" "$T/b.pages" "$SRV/report-b.pdf" >/dev/null 2>&1 || bail "mkpdf failed"

python3 "$S/tests/fetch_server.py" "$SRV" 300 >"$T/port" 2>"$T/server.err" &
SRV_PID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -n 1 "$T/port")
[ -n "$PORT" ] || bail "the test server did not start: $(cat "$T/server.err")"
BASE="http://127.0.0.1:$PORT"
TITLE="保健財政に関する報告書を公開しました"
cat >"$WEB/release.html" <<EOF
<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>$TITLE</title></head>
<body><nav><a href="index.html">トップページ</a></nav>
<main><h1>$TITLE</h1>
<p>2023年4月28日　ユニバーサル・ヘルス・カバレッジ（UHC）の財政に関する報告書を公開しました。</p>
<ul>
<li><a href="report-a.pdf">報告書Ａ（日本語、PDF）</a></li>
<li><a href="$BASE/report-b.pdf">Report B (English, PDF)</a></li>
<li><a href="$BASE/report-c.pdf">報告書Ｃ（PDF）</a></li>
<li><a href="$BASE/photo.jpg">記者発表の写真</a></li>
</ul></main></body></html>
EOF

# ---------------------------------------------------------------- fetch
run fetch fetch --delay 0 "$WEB"
expect fetch "fetch downloads the served PDF and reports the missing one with its HTTP status" 0 \
    "downloaded      $BASE/report-b.pdf" \
    "failed          $BASE/report-c.pdf: HTTP 404 Not Found" \
    "1 downloaded, 0 already cached, 1 failed"
if grep -q "photo.jpg" "$T/fetch.out"; then
    not_ok "fetch leaves a link to a photo alone"; show "$T/fetch.out"
else
    ok "fetch leaves a link to a photo alone"
fi

# ---------------------------------------------------------------- index
run index index "$WEB"
expect index "index follows the links: both PDFs indexed, one link missing" 0 \
    "indexed 3 files (3 added" \
    "links of releases: 4 (2 indexed, 1 missing, 0 failed, 1 not-a-document)"
run stats stats --json
if [ "$(rc stats)" = 0 ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["documents"] != 3)' "$T/stats.out"; then
    ok "the index holds the release and the two PDFs, each once"
else
    not_ok "the index holds the release and the two PDFs, each once"; show "$T/stats.out"
fi

run links links release.html
expect links "links lists each link with anchor, state and document" 0 \
    "links:    4 (2 indexed, 1 missing, 0 failed, 1 not a document)" \
    "indexed         report-a.pdf" "anchor:   報告書Ａ（日本語、PDF）" \
    "indexed         $BASE/report-b.pdf" "document: report-b.pdf" \
    "missing         $BASE/report-c.pdf" "reason:   fetch failed: HTTP 404 Not Found" \
    "not-a-document  $BASE/photo.jpg"

run links_json links --json "$WEB/release.html"
if [ "$(rc links_json)" = 0 ] && python3 - "$T/links_json.out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
states = [l["state"] for l in d["links"]]
assert d["doc"] == "release.html", d
assert states == ["indexed", "indexed", "missing", "not-a-document"], states
assert d["links"][1]["path"].endswith(".pdf") and "/sha256/" in d["links"][1]["path"]
assert d["links"][2]["doc"] == "" and "404" in d["links"][2]["reason"]
EOF
then ok "links --json by path gives the same, machine-readable"
else not_ok "links --json by path gives the same, machine-readable"; show "$T/links_json.out" "$T/links_json.err"
fi

run from links report-b.pdf
expect from "a linked document shows the release it is linked from" 0 \
    "linked from: 1 release" "  release.html" "title:    $TITLE" "anchor:   Report B (English, PDF)"

run search search quokka
expect search "search shows that a hit comes from a document linked from the release" 0 \
    "Report B on pandemic preparedness" "linked from $TITLE" "$BASE/report-b.pdf"
run search_ja search --json 国内資金
if [ "$(rc search_ja)" = 0 ] && python3 - "$T/search_ja.out" "$TITLE" <<'EOF'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert hits and hits[0]["doc"] == "report-a.pdf", hits
assert hits[0]["linked_from"] == sys.argv[2], hits[0]
EOF
then ok "search --json carries linked_from for a Japanese hit in the local PDF"
else not_ok "search --json carries linked_from for a Japanese hit in the local PDF"; show "$T/search_ja.out"
fi

# Every download failing is a failure of the run (exit 1), not a success.
mkdir -p "$T/gone"
printf '<html><body><h1>Gone</h1><p>Text.</p><a href="%s/gone-1.pdf">a</a> <a href="%s/gone-2.pdf">b</a></body></html>\n' \
    "$BASE" "$BASE" >"$T/gone/gone.html"
run fetch_gone fetch --delay 0 --cache "$T/gone-cache" "$T/gone"
if [ "$(rc fetch_gone)" = 1 ] && grep -qE "0 downloaded, 0 already cached, [2-9] failed" "$T/fetch_gone.out" &&
   grep -q "no download succeeded" "$T/fetch_gone.err"; then
    ok "fetch exits 1 when every download failed"
else
    not_ok "fetch exits 1 when every download failed (exit $(rc fetch_gone))"; show "$T/fetch_gone.out" "$T/fetch_gone.err"
fi

# ---------------------------------------------------------------- again
before=$(grep -c "report-b.pdf" "$SRV/.requests.log")
run fetch2 fetch --delay 0 "$WEB"
after=$(grep -c "report-b.pdf" "$SRV/.requests.log")
if [ "$(rc fetch2)" = 0 ] && grep -qF "cached          $BASE/report-b.pdf" "$T/fetch2.out" &&
   [ "$before" = "$after" ]; then
    ok "a second fetch does not download a cached document again"
else
    not_ok "a second fetch does not download a cached document again"; show "$T/fetch2.out"
fi

run index2 index "$WEB"
run search2 search --json --per-doc 50 ユニバーサル・ヘルス・カバレッジ
if [ "$(rc index2)" = 0 ] && grep -qF "indexed 3 files (0 added, 0 updated, 3 unchanged" "$T/index2.out" &&
   [ "$(grep -c '"doc":"release.html"' "$T/search2.out")" = 1 ]; then
    ok "indexing again changes nothing and the release is found once"
else
    not_ok "indexing again changes nothing and the release is found once"; show "$T/index2.out" "$T/search2.out"
fi

# The missing report appears on the server: fetch + index pick it up.
printf 'Title: 報告書Ｃ\nDate: 2023-05-01\nLang: ja\n\n# 報告書Ｃ\n薬剤耐性への対応を論じる。\n' >"$T/c.pages"
"$MKPDF" "$T/c.pages" "$SRV/report-c.pdf" >/dev/null 2>&1
run fetch3 fetch --delay 0
run index3 index "$WEB"
run links3 links release.html
expect links3 "a report that appears later is fetched from the index's missing links and indexed" 0 \
    "links:    4 (3 indexed, 0 missing" "document: report-c.pdf"

run unknown links no-such-document
if [ "$(rc unknown)" = 1 ] && grep -qF "no document 'no-such-document'" "$T/unknown.err"; then
    ok "links on an unknown document fails with a message"
else
    not_ok "links on an unknown document fails with a message"; show "$T/unknown.err"
fi

# ---------------------------------------------------------------- sample corpus
run sample index --db "$T/sample-db" --cache "$T/nocache" "$B/corpus"
run sample_links links --db "$T/sample-db" release-ja.html
expect sample_links "the sample release's relative links lead to the two sample briefs" 0 \
    "indexed         uhc-brief-ja.pdf" "indexed         g7-health-brief-en.pdf" \
    "missing         https://apps.who.int/iris/bitstream/handle/10665/44371/9789241564021_eng.pdf"

# ---------------------------------------------------------------- the real release
if [ -z "$SHARED" ] || [ ! -f "$SHARED/releases/$REAL_RELEASE" ]; then
    if [ "${CI:-}" = true ]; then
        not_ok "the real release lists its PDFs as missing (GHS_SHARED_DATA missing)"
    else
        skip "GHS_SHARED_DATA/releases/$REAL_RELEASE not available"
    fi
else
    run real index --db "$T/real-db" --cache "$T/nocache" --manifest "$S/corpus/manifest.tsv" \
        "$SHARED/releases/$REAL_RELEASE"
    run real_links links --db "$T/real-db" "$SHARED/releases/$REAL_RELEASE"
    expect real_links "the real release lists the PDFs it links as missing" 0 \
        "document: ghtf2023-release-ja" \
        "missing         https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/Promoting-Global-Solidarity-to-Advance-Health-System-Resilience-Recommendations-for-the-G7-Meetings-in-Japan.pdf" \
        "missing         https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/HiroshimaG7GHTF_recommendations_summary_J.pdf" \
        "anchor:   日本語要旨(より強靭な保健医療体制のためのグローバルな連帯の促進:2023年G7への提言)"
fi

echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
