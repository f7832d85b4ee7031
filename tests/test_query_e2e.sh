#!/bin/bash
# test_query_e2e.sh: every operator and filter of the query language,
# end to end through `ghsearch search`, on the bundled sample corpus (TAP).
#
# Indexes $GHS_BUILD_ROOT/corpus with corpus/manifest.tsv, plus a few
# JSON Lines records written here (other years and publishers than the
# sample corpus's 2023 and "ghsearch sample corpus", and one text repeated
# in two records), then runs Japanese and English queries. Each check is
# built so that it fails when the operator does nothing: a phrase is
# compared with its words in another order, NOT and -word with the same
# query without them, a filter with the unfiltered query, NEAR/n with a
# narrower window. Also: positioned errors for malformed queries, --facets,
# passage windows and repeated passages (also_in).
#
# Queries run with --no-expand: the literal query language is under test,
# not glossary expansion. The corpus's page table is corpus/README.md.
#
# Environment (set by meson): GHS_BUILD_ROOT, GHS_SOURCE_ROOT. Needs
# python3 (stdlib only).
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
S=${GHS_SOURCE_ROOT:?GHS_SOURCE_ROOT must be set}
GHS="$B/cli/ghsearch"
CORPUS="$B/corpus"
MANIFEST="$S/corpus/manifest.tsv"

T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-query-e2e.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
D="$T/db"
unset GHSEARCH_DB NO_COLOR

PLAN=26
echo "1..$PLAN"
n=0
failed=0

. "$(dirname "$0")/tap.sh"

# q NAME QUERY [OPTION...]: search as JSON Lines, every hit of every
# document; stdout to $T/NAME.out, stderr to $T/NAME.err, status to
# $T/NAME.rc
q() {
    local name=$1 query=$2
    shift 2
    "$GHS" search --db "$D" --json --no-expand --limit 500 --per-doc 100 "$@" -- "$query" \
        >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}

# expect DESCRIPTION <<'EOF' ... EOF: one test point from a Python check
# (it may `from qhits import *`, see below; exits non-zero on failure)
expect() {
    local desc=$1
    if PYTHONPATH="$T" python3 - "$T"; then
        ok "$desc"
    else
        not_ok "$desc"
    fi
}

cat >"$T/qhits.py" <<'EOF'
"""Loading and checking the hits of the queries run by test_query_e2e.sh."""
import json, os, sys, unicodedata

DIR = sys.argv[1]
ELLIPSIS = "\u2026"

def fail(msg):
    print("# " + msg)
    sys.exit(1)

def norm(s):
    return unicodedata.normalize("NFKC", s).casefold()

def status(name):
    with open(os.path.join(DIR, name + ".rc")) as f:
        return int(f.read())

def err(name):
    with open(os.path.join(DIR, name + ".err"), encoding="utf-8") as f:
        return f.read()

def check_window(h):
    """passage is full_passage[window] with "…" where text was cut, and
    every highlight marks the same text in both."""
    full, p = h["full_passage"], h["passage"]
    ws, we = h["window"]
    if not (0 <= ws < we <= len(full)):
        fail("rank %d: window %r outside a passage of %d" % (h["rank"], h["window"], len(full)))
    pre = ELLIPSIS if ws > 0 else ""
    want = pre + full[ws:we] + (ELLIPSIS if we < len(full) else "")
    if p != want:
        fail("rank %d: passage %r is not the window %r of %r" % (h["rank"], p, h["window"], full))
    for a, b in h["highlights"]:
        if not (0 <= a < b <= len(p)):
            fail("rank %d: highlight %r outside the passage" % (h["rank"], [a, b]))
        fa = a - len(pre) + ws
        if p[a:b] != full[fa:fa + b - a] or ELLIPSIS in p[a:b]:
            fail("rank %d: highlight %r marks %r" % (h["rank"], [a, b], p[a:b]))

def load(name, check_status=True):
    """The hits of query NAME (every line checked); its exit status must be
    0 with hits and 1 (as grep's) without."""
    if check_status and status(name) not in (0, 1):
        fail("%s: exit status %d: %s" % (name, status(name), err(name)[:300]))
    hits = []
    with open(os.path.join(DIR, name + ".out"), encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            h = json.loads(line)
            if "facets" in h and len(h) == 1:
                continue
            for k in ("doc", "page", "lang", "type", "date", "title", "publisher",
                      "passage", "full_passage", "window", "highlights", "also_in"):
                if k not in h:
                    fail("%s line %d lacks %r" % (name, i, k))
            check_window(h)
            hits.append(h)
    if check_status and status(name) != (0 if hits else 1):
        fail("%s: exit status %d with %d hits" % (name, status(name), len(hits)))
    return hits

def docs(hits):
    return {h["doc"] for h in hits}

def places(hits):
    return {(h["doc"], h["page"]) for h in hits}

def with_text(hits, word):
    """Hits whose whole passage holds word (NFKC, case folded)."""
    return [h for h in hits if norm(word) in norm(h["full_passage"])]

def nonempty(name):
    hits = load(name)
    if not hits:
        fail("%s: no hits" % name)
    return hits

def all_have(name, hits, *words):
    for h in hits:
        for w in words:
            if norm(w) not in norm(h["full_passage"]):
                fail("%s: %s p.%s lacks %r: %r" % (name, h["doc"], h["page"], w,
                                                   h["full_passage"][:120]))

def show(name, hits):
    print("# %s: %s" % (name, sorted(places(hits), key=str)))
EOF

# ---------------------------------------------------------------- 1
# Records of other years and publishers, and one text in two records (the
# second in full width and other spacing), next to the sample corpus.
cat >"$T/extra.jsonl" <<'EOF'
{"id":"fx-who-2019-en","title":"Primary care financing guidance","text":"This guidance explains how countries can finance primary health care on the way to UHC. It was written for ministries of health and finance.","lang":"en","date":"2019-03-01","publisher":"World Health Organization","url":"https://example.org/fx-who-2019"}
{"id":"fx-jcie-2021-ja","title":"保健財政の国際比較","text":"本稿はUHCの達成に向けた保健財政の国際比較を行う。各国の国内資金の動員状況を整理した。","lang":"ja","date":"2021-06-01","publisher":"JCIE","url":"https://example.org/fx-jcie-2021"}
{"id":"fx-jcie-2022-en","title":"Financing preparedness","text":"Preparedness needs predictable money. This paper reviews how UHC and surge financing fit together in a crisis.","lang":"en","date":"2022-09-30","publisher":"JCIE","url":"https://example.org/fx-jcie-2022"}
{"id":"fx-oxygen-1","title":"Oxygen supply note","text":"Regional stockpiles of oxygen concentrators were shared across borders in 2020.","lang":"en","date":"2020-01-10","publisher":"Sample Network"}
{"id":"fx-oxygen-2","title":"Oxygen supply note, reprinted","text":"Regional  stockpiles of OXYGEN concentrators were shared across borders in ２０２０.","lang":"en","date":"2020-02-10","publisher":"Sample Network"}
EOF
"$GHS" index --db "$D" --manifest "$MANIFEST" "$CORPUS" "$T/extra.jsonl" >"$T/index.out" 2>"$T/index.err"
if [ $? = 0 ] && grep -q ' 0 failed' "$T/index.out"; then
    ok "the sample corpus and the extra records index with nothing failed"
else
    not_ok "the sample corpus and the extra records index with nothing failed"
    sed 's/^/# /' "$T/index.out" "$T/index.err"
fi

# ---------------------------------------------------------------- words
q en_word 'vaccines'
q en_word_other 'governance'
expect "an English word finds exactly the passages holding it (any form), marking only it" <<'EOF'
from qhits import *
hits = nonempty("en_word")
show("vaccines", hits)
all_have("vaccines", hits, "vaccin")
if not {("sample-brief-en", 3), ("note-100-days-en", None)} <= places(hits):
    fail("the brief's page 3 or note-100-days-en is missing")
for h in hits:
    marked = {norm(h["passage"][a:b]) for a, b in h["highlights"]}
    if not marked or not marked <= {"vaccines", "vaccine"}:
        fail("%s: marked %r" % (h["doc"], marked))
if docs(hits) & docs(load("en_word_other")) - {"sample-brief-en", "sample-release-ja"}:
    fail("a note about governance only came back for vaccines")
EOF

q ja_word '薬剤耐性'
expect "a Japanese word finds the Japanese brief on page 3 only and the AMR note" <<'EOF'
from qhits import *
hits = nonempty("ja_word")
show("薬剤耐性", hits)
all_have("薬剤耐性", hits, "薬剤耐性")
if docs(hits) != {"sample-brief-ja", "note-amr-ja"}:
    fail("documents %r" % docs(hits))
if {h["page"] for h in hits if h["doc"] == "sample-brief-ja"} != {3}:
    fail("brief pages %r" % {h["page"] for h in hits if h["doc"] == "sample-brief-ja"})
EOF

# ---------------------------------------------------------------- phrases
q en_phrase '"100 Days Mission"'
q en_phrase_rev '"Mission Days 100"'
q en_phrase_words 'Mission Days 100'
expect "an English phrase needs its words in order: \"100 Days Mission\" finds p. 3 and the note, reversed finds nothing" <<'EOF'
from qhits import *
hits = nonempty("en_phrase")
show("phrase", hits)
all_have("phrase", hits, "100 Days Mission")
if places(hits) != {("sample-brief-en", 3), ("note-100-days-en", None)}:
    fail("places %r" % places(hits))
if load("en_phrase_rev"):
    fail("the reversed phrase found %r" % places(load("en_phrase_rev")))
if not places(hits) <= places(load("en_phrase_words")):
    fail("the same words unquoted do not find the phrase's passages")
EOF

q ja_phrase '"地域での製造"'
q ja_phrase_rev '"製造での地域"'
q ja_phrase_words '+地域 +製造'
expect "a Japanese phrase of several words matches them adjacent and in order, not anywhere in the passage" <<'EOF'
from qhits import *
hits = nonempty("ja_phrase")
show("phrase", hits)
all_have("phrase", hits, "地域での製造")
words = load("ja_phrase_words")
show("words", words)
apart = [h for h in words if norm("地域での製造") not in norm(h["full_passage"])]
if not apart:
    fail("the corpus changed: no passage holds 地域 and 製造 apart")
if places(apart) & places(hits):
    fail("the phrase matched passages where the words are apart")
if load("ja_phrase_rev"):
    fail("the reversed phrase matched")
EOF

q kagi '「地域での製造」'
q kagi_100 '「100日ミッション」'
expect "「」 quotes a Japanese phrase exactly as \"\" does" <<'EOF'
from qhits import *
hits = nonempty("kagi")
if places(hits) != places(load("ja_phrase")):
    fail("「」 %r vs \"\" %r" % (places(hits), places(load("ja_phrase"))))
h100 = nonempty("kagi_100")
show("「100日ミッション」", h100)
all_have("kagi_100", h100, "100日ミッション")
if docs(h100) != {"sample-brief-ja", "sample-release-ja"}:
    fail("documents %r" % docs(h100))
if {h["page"] for h in h100 if h["doc"] == "sample-brief-ja"} != {3}:
    fail("brief pages")
EOF

# ---------------------------------------------------------------- AND OR
q and_en 'vaccines AND research'
q and_ja '資金 AND 危機'
q ja_fund '資金'
expect "AND keeps only passages with both words (English and Japanese)" <<'EOF'
from qhits import *
for name, words, alone in (("and_en", ("vaccin", "research"), "en_word"),
                           ("and_ja", ("資金", "危機"), "ja_fund")):
    hits = nonempty(name)
    show(name, hits)
    all_have(name, hits, *words)
    if not [h for h in load(alone) if norm(words[1]) not in norm(h["full_passage"])]:
        fail("the corpus changed: every %s passage has %s" % (alone, words[1]))
EOF

q or_mixed 'wildlife OR 薬剤耐性'
q wildlife 'wildlife'
q or_en 'vaccines OR pandemic'
q juxt_en 'vaccines pandemic'
q or_ja '保健財政 OR UHC'
q juxt_ja '保健財政 UHC'
q pandemic 'pandemic'
q ja_fin '保健財政'
q uhc 'UHC'
expect "OR gives every passage holding either word: the union of the words' own hits (en, ja, mixed)" <<'EOF'
from qhits import *
for name, a, b in (("or_mixed", "wildlife", "ja_word"), ("or_en", "en_word", "pandemic"),
                   ("or_ja", "ja_fin", "uhc")):
    hits = nonempty(name)
    show(name, hits)
    want = places(load(a)) | places(load(b))
    if places(hits) != want:
        fail("%s: places %r, want %r" % (name, places(hits), want))
# Without OR, a document with both words shows only its passages with both.
if places(load("juxt_en")) == places(load("or_en")):
    fail("the corpus changed: 'vaccines pandemic' finds what the OR finds")
EOF

# ---------------------------------------------------------------- NOT -word +word
q not_en 'pandemic NOT vaccines'
q minus_en 'pandemic -vaccines'
q not_ja '保健財政 NOT UHC'
q minus_ja '保健財政 -UHC'
expect "NOT and -word exclude every passage holding the word, which the query alone finds (en, ja)" <<'EOF'
from qhits import *
for base, nots, word in (("pandemic", ("not_en", "minus_en"), "vaccin"),
                         ("ja_fin", ("not_ja", "minus_ja"), "UHC")):
    if not with_text(load(base), word):
        fail("the corpus changed: no %s passage holds %s" % (base, word))
    for name in nots:
        hits = nonempty(name)
        show(name, hits)
        if with_text(hits, word):
            fail("%s kept %r" % (name, places(with_text(hits, word))))
    if places(load(nots[0])) != places(load(nots[1])):
        fail("NOT and - differ")
EOF

q plus_en '+antimicrobial pandemic'
q plain_en 'antimicrobial pandemic'
q plus_ja '+薬剤耐性 パンデミック'
q plain_ja '薬剤耐性 パンデミック'
expect "+word makes a word required: without +, passages lacking it come back too (en, ja)" <<'EOF'
from qhits import *
for plus, plain, word in (("plus_en", "plain_en", "antimicrobial"),
                          ("plus_ja", "plain_ja", "薬剤耐性")):
    hits = nonempty(plus)
    show(plus, hits)
    all_have(plus, hits, word)
    if len(with_text(load(plain), word)) == len(load(plain)):
        fail("%s: every hit holds %s anyway" % (plain, word))
EOF

# ---------------------------------------------------------------- parentheses
q paren '(vaccines OR ワクチン) lang:ja'
q noparen 'vaccines OR ワクチン lang:ja'
expect "parentheses group: (a OR b) lang:ja filters both sides, a OR b lang:ja only the second" <<'EOF'
from qhits import *
hits = nonempty("paren")
show("paren", hits)
if {h["lang"] for h in hits} != {"ja"}:
    fail("languages %r" % {h["lang"] for h in hits})
all_have("paren", hits, "ワクチン")
other = load("noparen")
if "en" not in {h["lang"] for h in other}:
    fail("without parentheses the English vaccines passages are gone")
EOF

# ---------------------------------------------------------------- NEAR
q near_en 'therapeutics NEAR/10 pandemic'
q near_en_rev 'pandemic NEAR/10 therapeutics'
q near_en_tight 'therapeutics NEAR/3 pandemic'
q near_ja 'パンデミック NEAR/15 ワクチン'
q near_ja_rev 'ワクチン NEAR/15 パンデミック'
q near_ja_tight 'パンデミック NEAR/5 ワクチン'
expect "NEAR/n finds words within n in either order and nothing when they are further apart (en, ja)" <<'EOF'
from qhits import *
for wide, rev, tight, must in (("near_en", "near_en_rev", "near_en_tight",
                                {("note-100-days-en", None), ("sample-brief-en", 3)}),
                               ("near_ja", "near_ja_rev", "near_ja_tight",
                                {("sample-brief-ja", 3)})):
    hits = nonempty(wide)
    show(wide, hits)
    if not must <= places(hits):
        fail("%s lacks %r" % (wide, must - places(hits)))
    if places(load(rev)) != places(hits):
        fail("%s differs from %s" % (rev, wide))
    if places(load(tight)) & must:
        fail("%s matched words further apart: %r" % (tight, places(load(tight))))
EOF

# ---------------------------------------------------------------- lang: type:
q lang_ja 'UHC lang:ja'
q lang_en 'UHC lang:en'
expect "lang: keeps one language; lang:ja and lang:en together make up the unfiltered hits" <<'EOF'
from qhits import *
all_ = nonempty("uhc")
ja, en = nonempty("lang_ja"), nonempty("lang_en")
if {h["lang"] for h in ja} != {"ja"} or {h["lang"] for h in en} != {"en"}:
    fail("languages %r / %r" % ({h["lang"] for h in ja}, {h["lang"] for h in en}))
if docs(ja) | docs(en) != docs(all_):
    fail("union %r vs %r" % (docs(ja) | docs(en), docs(all_)))
EOF

q type_pdf 'UHC type:pdf'
q type_release 'UHC type:release'
q type_record 'UHC type:record'
expect "type:pdf, type:release and type:record each keep their kind: the two briefs, the release, the records" <<'EOF'
from qhits import *
pdf, rel, rec = nonempty("type_pdf"), nonempty("type_release"), nonempty("type_record")
if docs(pdf) != {"sample-brief-ja", "sample-brief-en"}:
    fail("pdf %r" % docs(pdf))
if docs(rel) != {"sample-release-ja"}:
    fail("release %r" % docs(rel))
if {h["type"] for h in rec} != {"record"} or "note-uhc-mixed-ja" not in docs(rec):
    fail("record %r" % docs(rec))
if docs(pdf) | docs(rel) | docs(rec) != docs(load("uhc")):
    fail("the three kinds do not make up the unfiltered hits")
EOF

# ---------------------------------------------------------------- year:
q year_2023 'UHC year:2023'
q year_range 'UHC year:2021..2022'
q year_range2 'UHC year:2019..2021'
q year_none 'UHC year:2024..2030'
expect "year: and year:A..B keep the documents of those years (2019, 2021, 2022 records; 2023 corpus)" <<'EOF'
from qhits import *
y23 = nonempty("year_2023")
if {h["date"][:4] for h in y23} != {"2023"}:
    fail("years %r" % {h["date"] for h in y23})
if "fx-jcie-2021-ja" not in docs(load("uhc")):
    fail("the 2021 record is not found without the filter")
if docs(nonempty("year_range")) != {"fx-jcie-2021-ja", "fx-jcie-2022-en"}:
    fail("2021..2022: %r" % docs(load("year_range")))
if docs(nonempty("year_range2")) != {"fx-who-2019-en", "fx-jcie-2021-ja"}:
    fail("2019..2021: %r" % docs(load("year_range2")))
if load("year_none") or status("year_none") != 1:
    fail("2024..2030 found %r" % docs(load("year_none")))
EOF

# ---------------------------------------------------------------- publisher: doc: title:
q pub_jcie 'UHC publisher:JCIE'
q pub_who 'UHC publisher:"World Health Organization"'
q pub_sample 'UHC publisher:"ghsearch sample corpus"'
expect "publisher: (one word or a quoted name) keeps that publisher's documents" <<'EOF'
from qhits import *
if docs(nonempty("pub_jcie")) != {"fx-jcie-2021-ja", "fx-jcie-2022-en"}:
    fail("JCIE %r" % docs(load("pub_jcie")))
if docs(nonempty("pub_who")) != {"fx-who-2019-en"}:
    fail("WHO %r" % docs(load("pub_who")))
s = nonempty("pub_sample")
if {h["publisher"] for h in s} != {"ghsearch sample corpus"} or not {"sample-brief-ja", "sample-brief-en"} <= docs(s):
    fail("sample %r" % docs(s))
EOF

q doc_en 'UHC doc:sample-brief-en'
q doc_rec 'doc:note-uhc-mixed-ja UHC'
q doc_none 'UHC doc:no-such-document'
expect "doc: keeps one document (a PDF by its manifest id, a record by its own id)" <<'EOF'
from qhits import *
if places(nonempty("doc_en")) != {("sample-brief-en", 2)}:
    fail("brief %r" % places(load("doc_en")))
if docs(nonempty("doc_rec")) != {"note-uhc-mixed-ja"}:
    fail("record %r" % docs(load("doc_rec")))
if load("doc_none"):
    fail("an unknown id found %r" % docs(load("doc_none")))
EOF

q title_en 'title:financing'
q title_ja 'title:ガバナンス'
q title_phrase 'title:"health financing"'
expect "title: keeps documents whose title has the word(s), even where the passage lacks them" <<'EOF'
from qhits import *
en = nonempty("title_en")
show("title:financing", en)
for h in en:
    if "financing" not in norm(h["title"]):
        fail("title %r" % h["title"])
if not {"note-health-financing-en", "fx-who-2019-en", "fx-jcie-2022-en"} <= docs(en):
    fail("documents %r" % docs(en))
if docs(nonempty("title_ja")) != {"note-governance-ja"}:
    fail("ガバナンス %r" % docs(load("title_ja")))
if docs(nonempty("title_phrase")) != {"note-health-financing-en"}:
    fail("\"health financing\" %r" % docs(load("title_phrase")))
EOF

q combined 'ワクチン lang:ja type:pdf year:2023'
q lang_both 'UHC lang:ja lang:en'
expect "filters of different fields combine with AND, the same field twice with OR" <<'EOF'
from qhits import *
if docs(nonempty("combined")) != {"sample-brief-ja"}:
    fail("combined %r" % docs(load("combined")))
if docs(nonempty("lang_both")) != docs(load("uhc")):
    fail("lang:ja lang:en %r" % docs(load("lang_both")))
EOF

expect "filters do not change scores: UHC lang:ja scores each passage as UHC does" <<'EOF'
from qhits import *
base = {(h["doc"], h["page"], h["full_passage"]): h["score"] for h in load("uhc")}
for h in nonempty("lang_ja"):
    k = (h["doc"], h["page"], h["full_passage"])
    if k not in base or abs(base[k] - h["score"]) > 1e-4:
        fail("%s p.%s: %r vs %r" % (h["doc"], h["page"], h["score"], base.get(k)))
EOF

# ---------------------------------------------------------------- errors
# malformed QUERY POSITION MESSAGE: exit 2, nothing on stdout, and
# "ghsearch: query error at POSITION: MESSAGE" on stderr
malformed() {
    "$GHS" search --db "$D" -- "$1" >"$T/bad.out" 2>"$T/bad.err"
    local rc=$?
    if [ $rc = 2 ] && [ ! -s "$T/bad.out" ] &&
       grep -qxF "ghsearch: query error at $2: $3" "$T/bad.err"; then
        return 0
    fi
    echo "# [$1]: exit $rc, stderr: $(head -c 300 "$T/bad.err")"
    return 1
}
bad=0
malformed 'vaccines OR' 10 "'OR' needs a term on both sides" || bad=1
malformed 'vaccines)' 9 "unexpected ')'" || bad=1
malformed 'vaccines NEAR/x therapeutics' 10 'NEAR/ needs a number, like NEAR/5' || bad=1
malformed 'UHC year:20x3' 10 'year must be YYYY or YYYY..YYYY' || bad=1
if [ $bad = 0 ]; then
    ok "malformed English queries exit 2 with 'query error at N' at the offending character"
else
    not_ok "malformed English queries exit 2 with 'query error at N' at the offending character"
fi
bad=0
# positions count code points, not bytes
malformed '保健財政 AND (UHC' 10 'unclosed parenthesis' || bad=1
malformed '保健財政 "公平なアクセス' 6 'unclosed quote' || bad=1
malformed '保健財政 "、。"' 6 'phrase has no searchable word' || bad=1
malformed '保健財政 lang:' 6 "empty value for field 'lang'" || bad=1
if [ $bad = 0 ]; then
    ok "malformed Japanese queries give their position in characters, not bytes"
else
    not_ok "malformed Japanese queries give their position in characters, not bytes"
fi

# ---------------------------------------------------------------- --facets
q facets 'UHC' --facets
expect "--facets --json ends with one {\"facets\"} line counting the hits' documents per language, year, type, publisher" <<'EOF'
from qhits import *
import collections
lines = open(os.path.join(DIR, "facets.out"), encoding="utf-8").read().splitlines()
last = json.loads(lines[-1])
if list(last) != ["facets"]:
    fail("last line %r" % lines[-1][:200])
if any("facets" in json.loads(l) for l in lines[:-1]):
    fail("facets before the last line")
hits = load("facets")
if places(hits) != places(load("uhc")):
    fail("--facets changed the hits")
f = last["facets"]
if list(f) != ["lang", "year", "type", "publisher"]:
    fail("fields %r" % list(f))
first = {}
for h in hits:
    first.setdefault(h["doc"], h)
def counts(key):
    return dict(collections.Counter(key(h) for h in first.values()))
want = {"lang": counts(lambda h: h["lang"]), "year": counts(lambda h: h["date"][:4]),
        "type": counts(lambda h: h["type"]), "publisher": counts(lambda h: h["publisher"])}
for field, w in want.items():
    got = {x["value"]: x["documents"] for x in f[field]}
    if got != w:
        fail("%s: %r, the hits say %r" % (field, got, w))
    if any(x["passages"] < x["documents"] for x in f[field]):
        fail("%s: fewer passages than documents" % field)
print("# " + lines[-1][:200])
EOF

# stderr apart: the "N passages shown" line written into stdout's file
# mid-buffer can cut a UTF-8 character in two (it did, by the length of
# the build directory's path)
"$GHS" search --db "$D" --no-expand --facets 'UHC' >"$T/facets_text.out" 2>"$T/facets_text.err"
"$GHS" search --db "$D" --no-expand 'UHC' >"$T/nofacets_text.out" 2>"$T/nofacets_text.err"
expect "readable --facets ends with a line per field, e.g. \"  year: 2023 6, 2019 1, ...\"" <<'EOF'
from qhits import *
text = open(os.path.join(DIR, "facets_text.out"), encoding="utf-8").read()
plain = open(os.path.join(DIR, "nofacets_text.out"), encoding="utf-8").read()
tail = text.split("matching documents by field:\n")
if len(tail) != 2:
    fail("no facet block: %r" % text[-300:])
rows = dict(l.strip().split(": ", 1) for l in tail[1].splitlines() if l.strip())
if list(rows) != ["lang", "year", "type", "publisher"]:
    fail("rows %r" % rows)
if not rows["year"].startswith("2023 ") or "2019 1" not in rows["year"] or "JCIE 2" not in rows["publisher"]:
    fail("rows %r" % rows)
if "matching documents by field" in plain:
    fail("facets printed without --facets")
EOF

# ---------------------------------------------------------------- windows, repeats
expect "every hit shows a window of at most about 240 characters of its passage, cut with …" <<'EOF'
from qhits import *
cut = 0
for name in ("uhc", "pandemic", "ja_fin", "and_ja", "near_en"):
    for h in load(name):
        if len(h["passage"]) > 242:
            fail("%s: a %d-character window" % (h["doc"], len(h["passage"])))
        cut += h["passage"] != h["full_passage"]
        if h["passage"] != h["full_passage"] and not h["highlights"] and name != "near_en":
            fail("%s: the window lost the matches" % h["doc"])
if cut == 0:
    fail("no passage of the corpus was cut: the check says nothing")
print("# %d windows cut" % cut)
EOF

q oxygen '"oxygen concentrators"'
"$GHS" search --db "$D" --no-expand '"oxygen concentrators"' >"$T/oxygen_text.out" 2>"$T/oxygen_text.err"
expect "a passage repeated word for word in two records is shown once, listing the other record" <<'EOF'
from qhits import *
hits = nonempty("oxygen")
if len(hits) != 1:
    fail("%d hits: %r" % (len(hits), places(hits)))
h = hits[0]
other = {"fx-oxygen-1": "fx-oxygen-2", "fx-oxygen-2": "fx-oxygen-1"}[h["doc"]]
if [a["doc"] for a in h["also_in"]] != [other] or h["also_in"][0]["page"] is not None:
    fail("also_in %r" % h["also_in"])
text = open(os.path.join(DIR, "oxygen_text.out"), encoding="utf-8").read()
title = h["also_in"][0]["title"]
if "also in: " + title not in text:
    fail("readable output lacks 'also in: %s': %r" % (title, text[:400]))
EOF

[ "$n" = "$PLAN" ] || { echo "# ran $n tests, planned $PLAN"; failed=$((failed + 1)); }
exit $((failed > 0))
