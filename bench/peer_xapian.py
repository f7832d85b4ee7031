#!/usr/bin/python3
"""peer_xapian.py: the Xapian peer of the retrieval evaluation.

Indexes a passage set (JSON Lines {"id","title","text"}) with Xapian's own
TermGenerator and answers a query set ({"qid","query","rel"}) with its own
QueryParser, exactly as Xapian's documentation sets them up:

  - TermGenerator and QueryParser with FLAG_CJK_NGRAM (CJK text indexed and
    queried as character unigrams and bigrams), the stemmer given by --stem
    ("english" for English, "none" for Japanese, where Snowball has none)
    with the default strategy STEM_SOME;
  - the title indexed twice as in Xapian's getting-started guide: under the
    prefix S (unused here) and unprefixed, then a termpos gap, then the text;
  - QueryParser flags FLAG_DEFAULT | FLAG_CJK_NGRAM, default operator OP_OR
    (Xapian's default), database set so wildcards and spelling could work;
  - BM25Weight with its default parameters (k1=1, k2=0, k3=1, b=0.5).

Xapian 1.4's QueryParser turns a run of CJK text into an AND of all its
n-grams, so a Japanese question written without spaces matches only the
passages that hold every character of it. --query-mode terms is the other
configuration Xapian's API offers for natural-language input: the question
is run through the same TermGenerator as the passages and its terms are
combined with OP_OR, each weighted by its frequency in the question (an
unstemmed word is dropped when its Z-prefixed stem is there, as QueryParser
does with STEM_SOME).

It prints the figures every engine of the evaluation prints (see
metrics.py). Standard library and Debian's python3-xapian only; run it with
/usr/bin/python3, which is the interpreter python3-xapian is built for.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xapian  # noqa: E402

import metrics  # noqa: E402


def build_index(db_path, corpus, stem, use_title):
    db = xapian.WritableDatabase(db_path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem(stem))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n = 0
    for rec in metrics.read_jsonl(corpus):
        doc = xapian.Document()
        tg.set_document(doc)
        title = rec.get("title") or ""
        if use_title and title:
            tg.index_text(title, 1, "S")
            tg.index_text(title)
            tg.increase_termpos()
        tg.index_text(rec.get("text") or "")
        doc.set_data(rec["id"])
        idterm = "Q" + rec["id"]
        doc.add_boolean_term(idterm)
        db.replace_document(idterm, doc)
        n += 1
    db.commit()
    db.close()
    return n


def terms_query(tg, stemmer, text):
    """The question's own terms, OR-ed, weighted by in-query frequency."""
    doc = xapian.Document()
    tg.set_document(doc)
    tg.index_text(text)
    terms = {t.term.decode("utf-8"): t.wdf for t in doc.termlist()}
    subs = []
    for t, wdf in terms.items():
        if not t.startswith("Z") and ("Z" + stemmer(t).decode("utf-8")) in terms:
            continue
        subs.append(xapian.Query(t, wdf))
    return xapian.Query(xapian.Query.OP_OR, subs)


def run_queries(db_path, queries, stem, limit, mode):
    db = xapian.Database(db_path)
    stemmer = xapian.Stem(stem)
    tg = xapian.TermGenerator()
    tg.set_stemmer(stemmer)
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem(stem))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_OR)
    flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())
    results = []
    for q in queries:
        t0 = time.perf_counter()
        error = False
        docs = []
        try:
            if mode == "terms":
                query = terms_query(tg, stemmer, q["query"])
            else:
                query = qp.parse_query(q["query"], flags)
            enquire.set_query(query)
            mset = enquire.get_mset(0, limit)
            docs = [m.document.get_data().decode("utf-8") for m in mset]
        except xapian.Error:
            error = True
        ms = (time.perf_counter() - t0) * 1000.0
        results.append(metrics.QueryResult(q, docs, ms, error))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True, help="passages, JSON Lines")
    ap.add_argument("--queries", required=True, help="queries, JSON Lines")
    ap.add_argument("--db", required=True, help="database directory (overwritten)")
    ap.add_argument("--stem", default="english",
                    help="Snowball stemmer name, or 'none' (default english)")
    ap.add_argument("--no-title", action="store_true",
                    help="index the text only, not the record's title")
    ap.add_argument("--query-mode", choices=("parser", "terms"), default="parser",
                    help="QueryParser (default) or OR of the question's TermGenerator terms")
    ap.add_argument("--name", help="engine name printed (default xapian or xapian-or)")
    metrics.add_common_args(ap)
    args = ap.parse_args()

    index_s = None
    if not args.reuse_db:
        t0 = time.perf_counter()
        build_index(args.db, args.corpus, args.stem, not args.no_title)
        index_s = time.perf_counter() - t0

    queries = metrics.load_queries(args.queries, args.split, args.judge)
    results = run_queries(args.db, queries, args.stem, args.limit, args.query_mode)
    name = args.name or ("xapian-or" if args.query_mode == "terms" else "xapian")
    metrics.report(name, results, index_s, args.dump_misses, args.ranks, args.judge)


if __name__ == "__main__":
    main()
