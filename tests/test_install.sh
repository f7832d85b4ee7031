#!/usr/bin/env bash
# test_install.sh: libghsearch as an outside program sees it. Installs the
# build into a temporary DESTDIR, builds examples/search.c with nothing but
# `pkg-config --cflags --libs ghsearch` (PKG_CONFIG_PATH and
# PKG_CONFIG_SYSROOT_DIR pointing into that tree), and runs it against a
# small index made by the installed `ghsearch`. Prints TAP.
#
# Needs GHS_BUILD_ROOT (a configured and built build directory) and
# GHS_SOURCE_ROOT. Nothing is written outside a temporary directory.
set -uo pipefail

build=${GHS_BUILD_ROOT:?GHS_BUILD_ROOT is not set}
src=${GHS_SOURCE_ROOT:?GHS_SOURCE_ROOT is not set}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ghs-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" | tail -n 30
}
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }

# 1. install
if meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/out" 2>&1; then
  ok "meson install puts the build into a temporary destdir"
else
  not_ok "meson install puts the build into a temporary destdir"; finish
fi

# 2. what an embedding program needs is there: the header, the library, the .pc
header=$(find "$dest" -name ghsearch.h -path '*include*' | head -n 1)
pc=$(find "$dest" -name ghsearch.pc | head -n 1)
lib=$(find "$dest" -name 'libghsearch.so*' -type f | head -n 1)
tool=$(find "$dest" -name ghsearch -type f -path '*bin*' | head -n 1)
if [ -n "$header" ] && [ -n "$pc" ] && [ -n "$lib" ] && [ -n "$tool" ]; then
  ok "the header, libghsearch, ghsearch.pc and the ghsearch tool are installed"
else
  echo "header=$header pc=$pc lib=$lib tool=$tool" >"$tmp/out"
  not_ok "the header, libghsearch, ghsearch.pc and the ghsearch tool are installed"; finish
fi
libdir=$(dirname "$lib")

# 2b. the manual and the shell completion, where man and bash-completion look
man=$(find "$dest" -path '*/share/man/man1/ghsearch.1' -type f | head -n 1)
completion=$(find "$dest" -path '*/share/bash-completion/completions/ghsearch' -type f | head -n 1)
if [ -n "$man" ] && grep -q '^\.TH GHSEARCH 1' "$man" && [ -n "$completion" ] &&
   grep -q 'complete -F _ghsearch ghsearch' "$completion"; then
  ok "the man page (man1/ghsearch.1) and the bash completion (completions/ghsearch) are installed"
else
  echo "man=$man completion=$completion" >"$tmp/out"
  not_ok "the man page (man1/ghsearch.1) and the bash completion (completions/ghsearch) are installed"
fi

# 3. compile the example with the flags pkg-config gives, warnings as errors
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$dest
cflags=$(pkg-config --cflags ghsearch) && libs=$(pkg-config --libs ghsearch)
extra=()
# A sanitized build's library needs its runtime linked into the program too.
# (ldd's output is read whole: with pipefail, grep -q closing the pipe early
# would fail the test now and then)
if [[ $(ldd "$lib") == *libasan* ]]; then
  extra=(-fsanitize=address,undefined)
fi
# shellcheck disable=SC2086  # pkg-config output is a list of words
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror "${extra[@]}" $cflags \
      "$src/examples/search.c" -o "$tmp/search" $libs >"$tmp/out" 2>&1; then
  ok "examples/search.c builds with pkg-config --cflags --libs ghsearch alone"
else
  echo "cflags=$cflags libs=$libs" >>"$tmp/out"
  not_ok "examples/search.c builds with pkg-config --cflags --libs ghsearch alone"; finish
fi
if ! grep -q -- "$dest" <<<"$cflags $libs"; then
  echo "cflags=$cflags libs=$libs" >"$tmp/out"
  not_ok "pkg-config points into the installed tree, not the source or build tree"
else
  ok "pkg-config points into the installed tree, not the source or build tree"
fi

# 4. a small index, made by the installed tool
export LD_LIBRARY_PATH=$libdir
mkdir -p "$tmp/docs"
cat >"$tmp/docs/notes.jsonl" <<'EOF'
{"id":"uhc-ja","title":"保健財政の覚え書き","text":"ユニバーサル・ヘルス・カバレッジ（UHC）を支えるのは持続可能な保健財政である。","lang":"ja"}
{"id":"mission-en","title":"Notes on the 100 Days Mission","text":"The 100 Days Mission aims to make diagnostics, vaccines and treatments available within 100 days of a pandemic being declared.","lang":"en"}
EOF
if "$tool" index --db "$tmp/db" "$tmp/docs" >"$tmp/out" 2>&1; then
  ok "the installed ghsearch indexes with the installed library"
else
  not_ok "the installed ghsearch indexes with the installed library"; finish
fi

# 5. the example finds, marks and cites Japanese and English hits
if "$tmp/search" "$tmp/db" 'ユニバーサル・ヘルス・カバレッジ' >"$tmp/out" 2>&1 &&
   grep -q '保健財政の覚え書き' "$tmp/out" && grep -q '\[[^]]*ヘルス[^]]*\]' "$tmp/out" &&
   grep -q 'cite: ' "$tmp/out"; then
  ok "the example prints a cited Japanese hit with its match marked"
else
  not_ok "the example prints a cited Japanese hit with its match marked"
fi
if "$tmp/search" "$tmp/db" '"100 Days Mission"' diagnostics >"$tmp/out" 2>&1 &&
   grep -q 'Notes on the 100 Days Mission' "$tmp/out" && grep -qi '\[mission\]' "$tmp/out"; then
  ok "the example joins its arguments into one query and finds the English phrase"
else
  not_ok "the example joins its arguments into one query and finds the English phrase"
fi

# 6. a malformed query: exit 2 and the library's message with the position
"$tmp/search" "$tmp/db" '保健 "財政' >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q 'at 4' "$tmp/out"; then
  ok "the example reports a malformed query with its position"
else
  echo "exit $rc" >>"$tmp/out"
  not_ok "the example reports a malformed query with its position"
fi

finish
