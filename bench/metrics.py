"""metrics.py: what every peer of the retrieval evaluation shares.

Reading the data sets, the held-out split, the figures (MRR@10, Recall@10,
Recall@100, latency) and the way they are printed. eval.c implements the
same definitions in C for ghsearch; keep the two in step:

  - split: FNV-1a (32-bit) of the query's first relevant id, as UTF-8;
    "even" keeps queries whose hash is even, "odd" the others, so all the
    questions written on one passage land in the same half;
  - MRR@10: mean of 1/rank of the first relevant id within the top 10
    (0 when none); Recall@k: mean of |relevant in top k| / |relevant|;
    a query that failed (error) scores 0 on all three;
  - latency: mean, and p50/p99 by the nearest-rank method
    (sorted[ceil(p*n) - 1]), in milliseconds;
  - judge: the member of a query holding its relevant ids, "rel" by
    default; "lead" scores a keyword query by its article's lead paragraph
    alone (an id, or an array of ids);
  - output: a readable block on stdout and one `RESULT key=value ...` line
    that eval.sh turns into its table; with --dump-misses N the N worst
    queries (not found first, then by rank) go to stderr.

Run as a program it compares rankings (compare() and summary() below):

  metrics.py compare CUR.ranks BASE.ranks   the MRR@10 difference and its
                                            paired bootstrap 95% interval
  metrics.py summary --out DIR --sets "..." [--baseline DIR]
                                            the summary table of a run

Standard library only.
"""
import argparse
import json
import math
import os
import random
import sys


class QueryResult:
    """One query's outcome: the ranked ids, latency in ms, error flag."""

    def __init__(self, query, docs, ms, error=False):
        self.query = query
        self.docs = docs
        self.ms = ms
        self.error = error

    def rank(self):
        """1-based rank of the first relevant id, or None."""
        rel = set(self.query["rel"])
        for i, d in enumerate(self.docs):
            if d in rel:
                return i + 1
        return None


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def fnv1a32(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def in_split(query, split):
    if split == "all":
        return True
    parity = fnv1a32(query["rel"][0]) % 2 if query["rel"] else 0
    return parity == (0 if split == "even" else 1)


def judged(query, judge):
    """query with "rel" replaced by the ids in its member judge."""
    if judge == "rel":
        return query
    ids = query.get(judge)
    if ids is None:
        raise SystemExit("[queries] query %s has no \"%s\"" % (query.get("qid", "?"), judge))
    q = dict(query)
    q["rel"] = [ids] if isinstance(ids, str) else [i for i in ids if isinstance(i, str)]
    return q


def load_queries(path, split="all", judge="rel"):
    qs = (judged(q, judge) for q in read_jsonl(path))
    return [q for q in qs if in_split(q, split)]


def add_common_args(ap):
    ap.add_argument("--split", choices=("all", "even", "odd"), default="all",
                    help="queries to run: all, or one half (hash of the relevant id)")
    ap.add_argument("--limit", type=int, default=100, help="hits per query (default 100)")
    ap.add_argument("--dump-misses", type=int, default=0, metavar="N",
                    help="print the N worst queries to stderr")
    ap.add_argument("--ranks", metavar="FILE",
                    help="write qid<TAB>rank per query (0 not found, -1 error)")
    ap.add_argument("--judge", default="rel", metavar="KEY",
                    help="member of a query holding its relevant ids (default rel; "
                         "lead: a keyword query's lead paragraph)")
    ap.add_argument("--reuse-db", action="store_true",
                    help="query the database an earlier run left at --db (same corpus) "
                         "instead of building it; index time printed as -")


def percentile(sorted_ms, p):
    if not sorted_ms:
        return 0.0
    k = max(1, math.ceil(p * len(sorted_ms)))
    return sorted_ms[k - 1]


def figures(results):
    n = len(results)
    mrr = r10 = r100 = 0.0
    errors = 0
    for r in results:
        if r.error:
            errors += 1
            continue
        rel = set(r.query["rel"])
        rk = r.rank()
        if rk is not None and rk <= 10:
            mrr += 1.0 / rk
        if rel:
            r10 += len(rel & set(r.docs[:10])) / len(rel)
            r100 += len(rel & set(r.docs[:100])) / len(rel)
    lat = sorted(r.ms for r in results)
    d = max(n, 1)
    return {
        "queries": n,
        "errors": errors,
        "mrr10": mrr / d,
        "r10": r10 / d,
        "r100": r100 / d,
        "mean_ms": sum(lat) / len(lat) if lat else 0.0,
        "p50_ms": percentile(lat, 0.50),
        "p99_ms": percentile(lat, 0.99),
    }


def dump_misses(results, n, out):
    def badness(item):
        i, r = item
        rk = None if r.error else r.rank()
        return (0 if rk is None else 1, -(rk or 0), i)

    worst = sorted(enumerate(results), key=badness)[:n]
    for _, r in worst:
        if r.error:
            where = "error"
        else:
            rk = r.rank()
            where = "not found" if rk is None else "rank %d" % rk
        print("miss\t%s\t%s\t%s\trel=%s\ttop3=%s" % (
            r.query.get("qid", ""), where, r.query["query"],
            ",".join(r.query["rel"]), ",".join(r.docs[:3])), file=out)


def write_ranks(results, path):
    with open(path, "w", encoding="utf-8") as f:
        for r in results:
            f.write("%s\t%d\n" % (r.query.get("qid", ""), -1 if r.error else (r.rank() or 0)))


def report(engine, results, index_s, n_misses=0, ranks=None, judge="rel"):
    f = figures(results)
    print("engine: %s" % engine)
    print("queries: %d (malformed-query errors, counted as misses: %d)" % (
        f["queries"], f["errors"]))
    print("MRR@10: %.4f  Recall@10: %.4f  Recall@100: %.4f" % (
        f["mrr10"], f["r10"], f["r100"]))
    print("latency ms: mean %.2f  p50 %.2f  p99 %.2f" % (
        f["mean_ms"], f["p50_ms"], f["p99_ms"]))
    if index_s is not None:
        print("index s: %.2f" % index_s)
    print("RESULT engine=%s judge=%s queries=%d errors=%d mrr10=%.6f r10=%.6f r100=%.6f "
          "mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f index_s=%s" % (
              engine, judge, f["queries"], f["errors"], f["mrr10"], f["r10"], f["r100"],
              f["mean_ms"], f["p50_ms"], f["p99_ms"],
              "%.3f" % index_s if index_s is not None else "-"))
    sys.stdout.flush()
    if n_misses > 0:
        dump_misses(results, n_misses, sys.stderr)
    if ranks:
        write_ranks(results, ranks)


# ------------------------------------------------------------ comparisons
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 20261125


def read_ranks(path):
    """{qid: rank} of a ranks file (0 not found, -1 error)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                out[parts[0]] = int(parts[1])
    return out


def rr10(rank):
    """Reciprocal rank at 10 of one query: what MRR@10 averages."""
    return 1.0 / rank if 1 <= rank <= 10 else 0.0


def bootstrap_interval(diffs, samples=BOOTSTRAP_SAMPLES, seed=BOOTSTRAP_SEED):
    """95% percentile interval of the mean of diffs over resamples of the
    queries (drawn with replacement, as many as there are).

    Exact, and fast when most differences are 0 (two rankings of one query
    set mostly agree): the number k of non-zero draws in a resample is
    binomial (n, m/n), drawn by the geometric gaps between successes, and
    given k the draws are uniform over the m non-zero differences."""
    n = len(diffs)
    nz = [d for d in diffs if d != 0.0]
    if n == 0 or not nz:
        return 0.0, 0.0
    rng = random.Random(seed)
    p = len(nz) / n
    logq = math.log1p(-p) if p < 1.0 else 0.0
    means = []
    for _ in range(samples):
        if p >= 0.5:
            means.append(sum(rng.choices(diffs, k=n)) / n)
            continue
        k, i = 0, -1
        while True:
            i += 1 + int(math.log(1.0 - rng.random()) / logq)
            if i >= n:
                break
            k += 1
        means.append(sum(rng.choices(nz, k=k)) / n if k else 0.0)
    means.sort()
    return means[int(0.025 * (samples - 1) + 0.5)], means[int(0.975 * (samples - 1) + 0.5)]


def compare(cur_path, base_path, samples=BOOTSTRAP_SAMPLES):
    """MRR@10 of two rank files over the queries both hold, the difference
    (cur - base), its 95% bootstrap interval, and how many queries each
    ranks better; None when they share no query."""
    cur, base = read_ranks(cur_path), read_ranks(base_path)
    qids = [q for q in cur if q in base]
    if not qids:
        return None
    a = [rr10(cur[q]) for q in qids]
    b = [rr10(base[q]) for q in qids]
    diffs = [x - y for x, y in zip(a, b)]
    lo, hi = bootstrap_interval(diffs, samples)
    n = len(qids)
    return {"queries": n, "only_cur": len(cur) - n, "only_base": len(base) - n,
            "cur": sum(a) / n, "base": sum(b) / n, "diff": sum(diffs) / n,
            "lo": lo, "hi": hi,
            "better": sum(d > 0 for d in diffs), "worse": sum(d < 0 for d in diffs)}


def fmt_diff(c):
    """+0.0123 [+0.0050, +0.0200] +: the difference, its interval, and a
    sign when the interval excludes 0."""
    if c is None:
        return "-"
    mark = "" if c["lo"] <= 0.0 <= c["hi"] else (" +" if c["lo"] > 0 else " -")
    return "%+.4f [%+.4f, %+.4f]%s" % (c["diff"], c["lo"], c["hi"], mark)


def read_results(path):
    """{engine: {key: value}} of the RESULT lines of a run's SET.results."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("RESULT "):
                kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
                out[kv.get("engine", "?")] = kv
    return out


def summary(out_dir, sets, baseline=None, engine="ghsearch", samples=BOOTSTRAP_SAMPLES):
    """One line per set: the engine's MRR@10 and R@10, the difference of
    its MRR@10 from the same engine's in the baseline run and from the best
    other engine of this run (paired by query id, 95% bootstrap interval)."""
    print("\nSummary: %s on every set. Differences of MRR@10, paired by query, with a "
          "bootstrap 95%% interval\n(%d resamples of the queries; + or - when the interval "
          "excludes 0)." % (engine, samples))
    row = "| %-26s | %5s | %6s | %6s | %-34s | %-15s | %-34s |"
    print(row % ("set", "n", "MRR@10", "R@10",
                 "vs baseline" + ("" if baseline else " (none given)"), "best peer",
                 "vs best peer"))
    print("|" + "|".join("-" * (w + 2) for w in (26, 5, 6, 6, 34, 15, 34)) + "|")
    for s in sets:
        res = read_results(os.path.join(out_dir, s + ".results"))
        me = res.get(engine)
        if not me or me.get("failed") or "mrr10" not in me:
            print(row % (s, "-", "failed", "", "", "", ""))
            continue
        ranks = os.path.join(out_dir, "%s.%s.ranks" % (s, engine))
        vs_base = None
        if baseline:
            b = os.path.join(baseline, "%s.%s.ranks" % (s, engine))
            if os.path.exists(b) and os.path.exists(ranks):
                vs_base = compare(ranks, b, samples)
        peers = [(float(v["mrr10"]), e) for e, v in res.items()
                 if e != engine and not v.get("failed") and "mrr10" in v]
        best, vs_peer = "-", None
        if peers:
            best = max(peers)[1]
            p = os.path.join(out_dir, "%s.%s.ranks" % (s, best))
            if os.path.exists(p) and os.path.exists(ranks):
                vs_peer = compare(ranks, p, samples)
        print(row % (s, me.get("queries", "?"), "%.4f" % float(me["mrr10"]),
                     "%.4f" % float(me["r10"]), fmt_diff(vs_base), best, fmt_diff(vs_peer)))
        if vs_base and (vs_base["only_cur"] or vs_base["only_base"]):
            print("    (%s: baseline compared on the %d queries both runs hold; %d only in this "
                  "run, %d only in the baseline)" % (s, vs_base["queries"], vs_base["only_cur"],
                                                    vs_base["only_base"]))


def main():
    ap = argparse.ArgumentParser(description="compare rankings of the retrieval evaluation")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare", help="the MRR@10 difference of two rank files "
                                       "(qid<TAB>rank) and its paired bootstrap interval")
    c.add_argument("cur")
    c.add_argument("base")
    c.add_argument("--samples", type=int, default=BOOTSTRAP_SAMPLES)
    s = sub.add_parser("summary", help="the summary table of an eval.sh run")
    s.add_argument("--out", required=True, help="the run's --out directory")
    s.add_argument("--sets", required=True, help="set names, space-separated, in order")
    s.add_argument("--baseline", help="--out directory of an earlier run")
    s.add_argument("--engine", default="ghsearch")
    s.add_argument("--samples", type=int, default=BOOTSTRAP_SAMPLES)
    args = ap.parse_args()
    if args.cmd == "compare":
        r = compare(args.cur, args.base, args.samples)
        if r is None:
            sys.exit("metrics.py: the two rank files share no query id")
        print("queries %d  MRR@10 %.4f vs %.4f  difference %s  better %d  worse %d" % (
            r["queries"], r["cur"], r["base"], fmt_diff(r), r["better"], r["worse"]))
    else:
        summary(args.out, args.sets.split(), args.baseline, args.engine, args.samples)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
