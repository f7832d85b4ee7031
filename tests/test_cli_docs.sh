#!/bin/bash
# test_cli_docs.sh: the man page and the bash completion the build writes
# from the command's option tables (cli/docs/), as a reader and a shell see
# them (TAP).
#
# Every option `ghsearch CMD --help` lists must stand in the man page's
# section of CMD and be offered by the completion of CMD; the checks are
# also run on copies with one option taken out, which they must catch.
# The man page must render without a warning from groff (what man-db uses).
#
# Environment (set by meson): GHS_BUILD_ROOT. Needs bash, python3 and
# groff (tools/setup.sh installs groff-base).
set -u

B=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT must be set}
GHS="$B/cli/ghsearch"
MAN="$B/cli/docs/ghsearch.1"
COMPLETION="$B/cli/docs/ghsearch"
T=$(mktemp -d "${TMPDIR:-/tmp}/ghs-docs.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

echo "1..9"
n=0
failed=0
. "$(dirname "$0")/tap.sh"

commands=$("$GHS" --dump-options | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["commands"]))')
# every option --help lists for each command, "CMD --name" a line (and "CMD -x")
for c in $commands; do
    "$GHS" "$c" --help | sed -n '/^Options:/,/^$/p' |
        grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' | sed 's/^[ ,]*//' | sed "s/^/$c /"
done | sort -u >"$T/options"

# ---------------------------------------------------------------- 1
# what the tables hold is what --help shows (the dump is the generators' input)
"$GHS" --dump-options | python3 -c '
import json, sys
for c in json.load(sys.stdin)["commands"]:
    print(c["name"], "--help")
    print(c["name"], "-h")
    for o in c["options"]:
        print(c["name"], "--" + o["name"])
        if "short" in o:
            print(c["name"], "-" + o["short"])' | sort -u >"$T/dumped"
if [ "$(grep -c . "$T/options")" -gt 40 ] && diff "$T/dumped" "$T/options" >"$T/diff"; then
    ok "--help lists every option of the tables the man page and completion are written from ($(grep -c . "$T/options") names)"
else
    not_ok "--help lists every option of the tables the man page and completion are written from"
    show "$T/diff" "$T/options"
fi

# ---------------------------------------------------------------- 2
have_groff=1
command -v groff >/dev/null || have_groff=0
if [ $have_groff = 0 ] && [ "${CI:-}" != true ]; then
    skip "no groff (tools/setup.sh installs groff-base): the man page renders without warnings"
elif [ -s "$MAN" ] && LC_ALL=C.UTF-8 groff -k -man -Tutf8 -ww -z "$MAN" >"$T/groff.out" 2>&1 &&
     [ ! -s "$T/groff.out" ]; then
    ok "the man page renders with groff -man -ww without a warning"
else
    not_ok "the man page renders with groff -man -ww without a warning"
    show "$T/groff.out"
fi

# The page as a reader sees it: no hyphenation, long lines.
render() { LC_ALL=C.UTF-8 groff -k -man -Tutf8 -rHY=0 -rLL=200n -P-cbu "$1" 2>/dev/null; }

# ---------------------------------------------------------------- 3
if [ $have_groff = 1 ]; then
    render "$MAN" >"$T/man.txt"
    missing=""
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS "QUERY LANGUAGE" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
        grep -qx "$s" "$T/man.txt" || missing="$missing [$s]"
    done
    for c in $commands; do
        grep -qx "   ghsearch $c" "$T/man.txt" || missing="$missing [ghsearch $c]"
    done
    for v in GHSEARCH_DB GHSEARCH_CACHE NO_COLOR; do
        grep -q "^       $v\$" "$T/man.txt" || missing="$missing [$v]"
    done
    if [ -z "$missing" ] && grep -q 'lang:ja' "$T/man.txt" && grep -q '^       130' "$T/man.txt"; then
        ok "the man page has NAME, SYNOPSIS, each command, the query language, EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES"
    else
        not_ok "the man page has NAME, SYNOPSIS, each command, the query language, EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES:$missing"
        show "$T/man.txt"
    fi
else
    skip "no groff: the man page's sections"
fi

# man_lacks MANTEXT: the "CMD --opt" lines of $T/options whose option has no
# item (a line starting with the option, at the items' indent) in CMD's
# section of the rendered page
man_lacks() {
    python3 - "$1" "$T/options" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().split("\n")
sections, cur = {}, None
for line in text:
    m = re.fullmatch(r"   ghsearch (\S+)", line)
    if m:
        cur = m.group(1)
    elif re.fullmatch(r"[A-Z][A-Z ]+", line):
        cur = None
    if cur:
        sections.setdefault(cur, []).append(line)
for entry in open(sys.argv[2]).read().split("\n"):
    if not entry:
        continue
    cmd, opt = entry.split(" ")
    items = [l for l in sections.get(cmd, []) if re.match(r" {7}-", l)]
    if not any(re.search(r"(^|[ ,])%s([ ,]|$)" % re.escape(opt), l) for l in items):
        print(entry)
EOF
}

# ---------------------------------------------------------------- 4
if [ $have_groff = 1 ]; then
    man_lacks "$T/man.txt" >"$T/man.lacks"
    # the same check on a page with --per-doc taken out must notice
    grep -v 'per\\-doc' "$MAN" >"$T/dropped.1"
    render "$T/dropped.1" >"$T/dropped.txt"
    man_lacks "$T/dropped.txt" >"$T/dropped.lacks"
    if [ ! -s "$T/man.lacks" ] && grep -qx "search --per-doc" "$T/dropped.lacks"; then
        ok "every option --help lists has its item in its command's section of the man page (a dropped one is caught)"
    else
        not_ok "every option --help lists has its item in its command's section of the man page (a dropped one is caught)"
        show "$T/man.lacks" "$T/dropped.lacks"
    fi
else
    skip "no groff: every option is in the man page"
fi

# ---------------------------------------------------------------- 5-9
# complete FILE WORD...: what the completion function of FILE offers for
# the command line WORD... (the last word being completed), one a line
complete_words() {
    local file=$1
    shift
    (
        cd "$T/tree" || exit 1
        # shellcheck disable=SC1090
        . "$file"
        COMP_WORDS=("$@")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _ghsearch ghsearch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        if [ ${#COMPREPLY[@]} -gt 0 ]; then printf '%s\n' "${COMPREPLY[@]}"; fi
    ) | sort
}
mkdir -p "$T/tree/reports/2023" "$T/tree/refs"
: >"$T/tree/reports.tsv"
: >"$T/tree/refs/glossary.txt"

# completion_lacks FILE: the "CMD -opt" lines of $T/options the completion
# of FILE does not offer after "ghsearch CMD -"
completion_lacks() {
    local c o
    while read -r c o; do
        complete_words "$1" ghsearch "$c" - | grep -qx -- "$o" || echo "$c $o"
    done <"$T/options"
}

if bash -n "$COMPLETION" && ( . "$COMPLETION" && complete -p ghsearch ) 2>&1 | grep -q -- '-F _ghsearch ghsearch$'; then
    ok "the completion is bash that registers _ghsearch for ghsearch"
else
    not_ok "the completion is bash that registers _ghsearch for ghsearch"
fi

completion_lacks "$COMPLETION" >"$T/comp.lacks"
sed 's/ --per-doc / /' "$COMPLETION" >"$T/dropped.bash"
completion_lacks "$T/dropped.bash" >"$T/comp_dropped.lacks"
if [ ! -s "$T/comp.lacks" ] && grep -qx "search --per-doc" "$T/comp_dropped.lacks"; then
    ok "the completion offers every option --help lists, for its command only (a dropped one is caught)"
else
    not_ok "the completion offers every option --help lists, for its command only (a dropped one is caught)"
    show "$T/comp.lacks" "$T/comp_dropped.lacks"
fi

got=$(complete_words "$COMPLETION" ghsearch se | tr '\n' ' ')
got_help=$(complete_words "$COMPLETION" ghsearch help st | tr '\n' ' ')
got_opt=$(complete_words "$COMPLETION" ghsearch search --db "$T/ghsearch-db" --li | tr '\n' ' ')
got_stats=$(complete_words "$COMPLETION" ghsearch stats --li | tr '\n' ' ')
if [ "$got" = "search serve " ] && [ "$got_help" = "stats " ] && [ "$got_opt" = "--limit " ] &&
   [ -z "$got_stats" ]; then
    ok "subcommands, 'help CMD' and the options of the current subcommand complete"
else
    not_ok "subcommands, 'help CMD' and the options of the current subcommand complete ('$got' '$got_help' '$got_opt' '$got_stats')"
fi

got_db=$(complete_words "$COMPLETION" ghsearch index --db re | tr '\n' ' ')
got_manifest=$(complete_words "$COMPLETION" ghsearch index --manifest re | tr '\n' ' ')
got_paths=$(complete_words "$COMPLETION" ghsearch index --db x re | tr '\n' ' ')
got_glossary=$(complete_words "$COMPLETION" ghsearch search --glossary refs/ | tr '\n' ' ')
if [ "$got_db" = "refs reports " ] && [ "$got_manifest" = "refs reports reports.tsv " ] &&
   [ "$got_paths" = "refs reports reports.tsv " ] && [ "$got_glossary" = "refs/glossary.txt " ]; then
    ok "directories complete for --db, files for --manifest and --glossary, files and directories for index PATH"
else
    not_ok "directories complete for --db, files for --manifest and --glossary, files and directories for index PATH ('$got_db' '$got_manifest' '$got_paths' '$got_glossary')"
fi

got_color=$(complete_words "$COMPLETION" ghsearch search --color "" | tr '\n' ' ')
got_eq=$(complete_words "$COMPLETION" ghsearch search --export = b | tr '\n' ' ')
got_query=$(complete_words "$COMPLETION" ghsearch search UHC -- -dr | tr '\n' ' ')
if [ "$got_color" = "always auto marks never " ] && [ "$got_eq" = "bibtex " ] && [ -z "$got_query" ]; then
    ok "option values complete from their lists (also --export=b), nothing after -- in a query"
else
    not_ok "option values complete from their lists (also --export=b), nothing after -- in a query ('$got_color' '$got_eq' '$got_query')"
fi

[ "$n" = 9 ] || { echo "# ran $n tests, planned 9"; failed=$((failed + 1)); }
exit $((failed > 0))
