#!/usr/bin/python3
"""peer_groonga.py: the Groonga peers of the retrieval evaluation.

Drives the `groonga` command (Debian's groonga and groonga-tokenizer-mecab)
on stdin, one process per phase, as Groonga's documentation sets it up:

  schema  Docs (TABLE_HASH_KEY ShortText: _key = record id; title, text);
          one lexicon per --tokenizer (TokenBigram or TokenMecab), TABLE_PAT_KEY
          with NormalizerAuto, holding WITH_POSITION indexes of title and text.
  scoring match_columns "scorer_tf_idf(L.title_idx) || scorer_tf_idf(L.text_idx)"
          (Groonga's TF-IDF scorer; its default scorer is plain TF), results
          sorted by -_score (select does not sort unless asked).
  query   Groonga's query syntax ANDs the words of a query and treats a run
          without spaces as one phrase, so a question finds only passages that
          hold all of it. Groonga has no "default OR" switch in 13.0 (the
          ALLOW_PRAGMA flag is documented as not implemented), so the question
          is first cut by the lexicon's tokenizer and normalizer (`tokenize
          TOKENIZER STRING NormalizerAuto --mode GET`, the tokens a search looks
          up; `table_tokenize` in GET mode returns nothing as soon as one token
          is missing from the lexicon, so it is not used), tokens made only of
          punctuation are dropped, and the rest are joined as `"t1" OR "t2" ...`
          with each token quoted and escaped, so no user text is read as query
          syntax. match_escalation_threshold stays at its default (0: loosen
          only when nothing matches).
  latency the elapsed time Groonga reports for tokenize + select
          (process start-up and pipe transfer excluded).

Prints the figures every engine of the evaluation prints (metrics.py).
Standard library only; needs the `groonga` command on PATH.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402

LEXICON = "Lex"


def groonga(db_path, commands, create=False):
    """Run commands (one a line) in one groonga process; parsed responses."""
    argv = ["groonga"] + (["-n"] if create else []) + [db_path]
    p = subprocess.run(argv, input="\n".join(commands) + "\n", capture_output=True,
                       text=True, encoding="utf-8", check=False)
    out = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line:
            out.append(json.loads(line))
    if p.returncode != 0 and not out:
        sys.exit("[groonga] %s failed (%d): %s" % (" ".join(argv), p.returncode,
                                                   p.stderr.strip()))
    return out


def uri(command, **params):
    return "/d/%s?%s" % (command, urllib.parse.urlencode(params, quote_via=urllib.parse.quote))


def check(resp, what):
    header = resp[0]
    if header[0] != 0:
        sys.exit("[groonga] %s failed: %s" % (what, header[3] if len(header) > 3 else header))
    return resp


def build_index(db_dir, corpus, tokenizer):
    if os.path.exists(db_dir):
        shutil.rmtree(db_dir)
    os.makedirs(db_dir)
    db = os.path.join(db_dir, "db")
    cmds = [
        "table_create Docs TABLE_HASH_KEY ShortText",
        "column_create Docs title COLUMN_SCALAR ShortText",
        "column_create Docs text COLUMN_SCALAR Text",
        "table_create %s TABLE_PAT_KEY ShortText --default_tokenizer '%s' "
        "--normalizer NormalizerAuto" % (LEXICON, tokenizer),
        "column_create %s title_idx COLUMN_INDEX|WITH_POSITION Docs title" % LEXICON,
        "column_create %s text_idx COLUMN_INDEX|WITH_POSITION Docs text" % LEXICON,
        "load --table Docs",
        "[",
    ]
    recs = list(metrics.read_jsonl(corpus))
    for i, r in enumerate(recs):
        row = {"_key": r["id"], "title": r.get("title") or "", "text": r.get("text") or ""}
        cmds.append(json.dumps(row, ensure_ascii=False) + ("," if i + 1 < len(recs) else ""))
    cmds.append("]")
    resps = groonga(db, cmds, create=True)
    for r in resps:
        check(r, "indexing")
    if resps[-1][1] != len(recs):
        sys.exit("[groonga] loaded %s of %d records" % (resps[-1][1], len(recs)))
    return db


def is_word(token):
    return any(unicodedata.category(c)[0] in "LN" for c in token)


def quote(token):
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def or_query(tokens):
    seen = []
    for t in tokens:
        if is_word(t) and t not in seen:
            seen.append(t)
    return " OR ".join(quote(t) for t in seen)


def run_queries(db, queries, limit, tokenizer):
    tok = groonga(db, [uri("tokenize", tokenizer=tokenizer, normalizer="NormalizerAuto",
                           string=q["query"], mode="GET")
                       for q in queries])
    if len(tok) != len(queries):
        sys.exit("[groonga] %d answers to %d tokenize commands" % (len(tok), len(queries)))
    selects = []
    for q, t in zip(queries, tok):
        tokens = [x["value"] for x in t[1]] if t[0][0] == 0 else []
        selects.append(uri(
            "select", table="Docs",
            match_columns="scorer_tf_idf(%s.title_idx) || scorer_tf_idf(%s.text_idx)"
                          % (LEXICON, LEXICON),
            query=or_query(tokens) or quote(q["query"]),
            output_columns="_key,_score", sort_keys="-_score,_id",
            limit=str(limit)))
    sel = groonga(db, selects)
    if len(sel) != len(queries):
        sys.exit("[groonga] %d answers to %d select commands" % (len(sel), len(queries)))
    results = []
    for q, t, s in zip(queries, tok, sel):
        ms = (t[0][2] + s[0][2]) * 1000.0
        if s[0][0] != 0:
            results.append(metrics.QueryResult(q, [], ms, error=True))
            continue
        rows = s[1][0][2:]  # [[n], [columns], row, row, ...]
        results.append(metrics.QueryResult(q, [r[0] for r in rows], ms))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True, help="passages, JSON Lines")
    ap.add_argument("--queries", required=True, help="queries, JSON Lines")
    ap.add_argument("--db", required=True, help="database directory (recreated)")
    ap.add_argument("--tokenizer", default="TokenBigram",
                    help="lexicon tokenizer: TokenBigram (default) or TokenMecab")
    ap.add_argument("--name", help="engine name printed (default groonga-<tokenizer>)")
    metrics.add_common_args(ap)
    args = ap.parse_args()
    if shutil.which("groonga") is None:
        sys.exit("[groonga] the groonga command is not installed (apt-get install groonga)")

    index_s = None
    if args.reuse_db:
        db = os.path.join(args.db, "db")
    else:
        t0 = time.perf_counter()
        db = build_index(args.db, args.corpus, args.tokenizer)
        index_s = time.perf_counter() - t0

    queries = metrics.load_queries(args.queries, args.split, args.judge)
    results = run_queries(db, queries, args.limit, args.tokenizer)
    name = args.name or "groonga-" + args.tokenizer.replace("Token", "").lower()
    metrics.report(name, results, index_s, args.dump_misses, args.ranks, args.judge)


if __name__ == "__main__":
    main()
