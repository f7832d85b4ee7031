# tap.sh: TAP helpers shared by the shell tests (sourced, not run).
# The test keeps the counters: it sets n=0 and failed=0 before the first
# point and exits non-zero when failed > 0.

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# prefix every line of stdin with "# " (a TAP diagnostic)
diag() { sed 's/^/# /'; }
# show FILE...: the first lines of captured output, when an assertion
# fails; to stderr too, which is what meson's log keeps of a failed test
show() {
    local f
    for f in "$@"; do
        echo "# --- $(basename "$f") (first 30 lines)"
        head -n 30 "$f" | cut -c1-300 | diag
    done | tee /dev/stderr
}
# run NAME ARGS...: run $GHS (the ghsearch binary) with stdout to
# $T/NAME.out, stderr to $T/NAME.err and the status to $T/NAME.rc
run() {
    local name=$1
    shift
    "$GHS" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}
rc() { cat "$T/$1.rc"; }
