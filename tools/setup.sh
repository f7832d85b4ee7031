#!/usr/bin/env bash
# ghsearch set-up: install what is missing, build, and either run the demo
# (index the bundled corpus and search it) or the whole test suite.
#
#   bash tools/setup.sh demo    # install, build, index corpus/, run two searches
#   bash tools/setup.sh test    # install, build, run every test (plus ASan/UBSan)
#   bash tools/setup.sh deps    # only install the Debian packages
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  meson ninja-build pkg-config gcc g++ python3
  libxapian-dev xapian-tools
  libpoppler-glib-dev poppler-utils
  # poppler-data is only a Recommends of libpoppler, but without its CMaps
  # poppler reads no text from a Japanese PDF whose CID font is not embedded.
  poppler-data
  libicu-dev libglib2.0-dev libjson-glib-dev libxml2-dev
  libpango1.0-dev libcairo2-dev fonts-noto-cjk
  libmicrohttpd-dev chromium
  # ghsearch serve gzips answers for clients that ask (Accept-Encoding)
  zlib1g-dev
  clang libclang-rt-14-dev valgrind
  # ghsearch fetch downloads over https: the certificate authorities are
  # only a Recommends of libcurl
  libcurl4-openssl-dev ca-certificates
  # the README's HTTP examples (and their test) use curl
  curl
  # the man page's test renders it as man does, warnings being errors
  groff-base
  # the export test reads BibTeX and CSL JSON back with a real consumer
  pandoc
)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js and npm drive the search page's browser test; Debian's unless
  # the machine already has a Node.js with npm of its own.
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "ghsearch: installing ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # playwright-core drives Debian's Chromium in the search page's browser test.
  if [ ! -d tests/web/node_modules ]; then
    npm ci --prefix tests/web --no-audit --no-fund
  fi
}

build() {  # build DIR [meson options...]
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  fi
  ninja -C "$dir"
}

case "${1:-demo}" in
  deps)
    install_deps
    ;;
  demo)
    install_deps
    build build
    export GHSEARCH_DB=${GHSEARCH_DB:-$PWD/ghsearch-db}
    ./build/cli/ghsearch index --manifest corpus/manifest.tsv build/corpus
    echo
    echo '$ ghsearch search ユニバーサル・ヘルス・カバレッジ'
    ./build/cli/ghsearch search --limit 3 'ユニバーサル・ヘルス・カバレッジ'
    echo
    echo '$ ghsearch search "100 Days Mission" diagnostics'
    ./build/cli/ghsearch search --limit 3 '"100 Days Mission" diagnostics'
    echo
    echo "The index is in $GHSEARCH_DB. To type ghsearch yourself (README: Using it):"
    echo "  export PATH=$PWD/build/cli:\$PATH"
    ;;
  test)
    install_deps
    build build -Dwerror=true
    status=0
    meson test -C build --print-errorlogs || status=1
    # The same suite under AddressSanitizer and UndefinedBehaviorSanitizer
    # (the build itself sets the sanitizers' options: see meson.build).
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    meson test -C build-asan --print-errorlogs --timeout-multiplier 3 || status=1
    # Every fuzz target for a bounded time; a crash fails the run.
    bash tools/fuzz.sh 30 || status=1
    python3 tools/count_tests.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
    exit $status
    ;;
  *)
    echo "usage: bash tools/setup.sh [demo|test|deps]" >&2
    exit 2
    ;;
esac
