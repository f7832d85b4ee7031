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
  - output: a readable block on stdout and one `RESULT key=value ...` line
    that eval.sh turns into its table; with --dump-misses N the N worst
    queries (not found first, then by rank) go to stderr.

Standard library only.
"""
import json
import math


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


def load_queries(path, split="all"):
    return [q for q in read_jsonl(path) if in_split(q, split)]


def add_common_args(ap):
    ap.add_argument("--split", choices=("all", "even", "odd"), default="all",
                    help="queries to run: all, or one half (hash of the relevant id)")
    ap.add_argument("--limit", type=int, default=100, help="hits per query (default 100)")
    ap.add_argument("--dump-misses", type=int, default=0, metavar="N",
                    help="print the N worst queries to stderr")
    ap.add_argument("--ranks", metavar="FILE",
                    help="write qid<TAB>rank per query (0 not found, -1 error)")


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


def report(engine, results, index_s, n_misses=0, ranks=None):
    import sys
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
    print("RESULT engine=%s queries=%d errors=%d mrr10=%.6f r10=%.6f r100=%.6f "
          "mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f index_s=%s" % (
              engine, f["queries"], f["errors"], f["mrr10"], f["r10"], f["r100"],
              f["mean_ms"], f["p50_ms"], f["p99_ms"],
              "%.3f" % index_s if index_s is not None else "-"))
    sys.stdout.flush()
    if n_misses > 0:
        dump_misses(results, n_misses, sys.stderr)
    if ranks:
        write_ranks(results, ranks)
