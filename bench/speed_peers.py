#!/usr/bin/python3
"""speed_peers.py: the peers of the speed benchmark (bench/speed.sh).

  speed_peers.py index ENGINE SRC DB      index SRC/part-*.jsonl into DB
  speed_peers.py query ENGINE DB QUERIES  query latency per class

ENGINE is one of
  xapian   Debian's python3-xapian: TermGenerator with FLAG_CJK_NGRAM (CJK as
           character unigrams and bigrams), positions kept, English stemmer
           for English; the record text as document data, one document per
           record, committed every 10,000 records (Xapian's own default
           flush threshold).
  groonga  the groonga command (Debian groonga) driven over a pipe: table
           Docs (TABLE_HASH_KEY), lexicon TABLE_PAT_KEY with TokenBigram and
           NormalizerAuto, a WITH_POSITION index of text built after the
           load (Groonga's static index construction, its fastest way).
  sqlite   Python's sqlite3 with FTS5: tokenizer trigram for Japanese,
           "porter unicode61" for English; one transaction.

Text size is the UTF-8 bytes of the records' "text" fields (the same
figure for every engine). index prints one JSON line:
  {"engine","lang","records","text_mb","seconds","mb_per_s"}
query reads "class<TAB>query" lines (gen_corpus.py), runs every query
once to warm up and --repeat times more, each asking for the 10 best
records with their text, and prints per class
  {"engine","class","queries","runs","p50_ms","p99_ms","mean_ms","avg_hits"}
timed in this process around the engine call (for Groonga: the round trip
of one select over the pipe, JSON parsing of the answer included), and
cpu_p50_ms/cpu_p99_ms: the CPU time spent on it (time.process_time() of
this process; for Groonga plus the groonga process's on-CPU time from
/proc/PID/schedstat), which other load on the machine does not inflate.

How queries are given to each engine (the same text for all):
  word, two   the words ANDed (Xapian QueryParser default_op AND; Groonga
              query syntax, where space is AND; FTS5 "a" AND "b")
  phrase      the quoted phrase, as each engine's phrase syntax
  question    OR of the question's runs of kanji, katakana or Latin/digits
              (hiragana and punctuation dropped), each run quoted: what a
              user of an engine without a Japanese word splitter does.
FTS5's trigram tokenizer cannot match a term of fewer than 3 characters
(and SQLite 3.40 answers LIKE '%ab%' on a trigram table with no row): such
a term is searched with instr(text, term) > 0, a full scan.
"""
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

RUN = re.compile(r"[\u4e00-\u9fff々]+|[\u30a1-\u30fa\u30fc]+|[A-Za-z0-9]+")


def records(src):
    for path in sorted(glob.glob(os.path.join(src, "part-*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def lang_of(src):
    for rec in records(src):
        return rec.get("lang", "en")
    return "en"


def quantile(v, q):
    if not v:
        return 0.0
    v = sorted(v)
    rank = max(1, min(len(v), int(q * len(v) + 0.999999)))
    return v[rank - 1]


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                cls, q = line.split("\t", 1)
                out.append((cls, q))
    return out


def terms_of(cls, q):
    """The query's terms: (terms, is_phrase, operator)."""
    if cls == "phrase":
        return [q.strip('"')], True, "AND"
    if cls == "question":
        return list(dict.fromkeys(RUN.findall(q))), False, "OR"
    return q.split(), False, "AND"


# ------------------------------------------------------------------ xapian

def xapian_index(src, db, lang):
    import xapian
    wdb = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    if lang == "en":
        tg.set_stemmer(xapian.Stem("english"))
    n = size = 0
    for rec in records(src):
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(rec["text"])
        doc.set_data(rec["text"])
        doc.add_boolean_term("Q" + rec["id"])
        wdb.add_document(doc)
        n += 1
        size += len(rec["text"].encode("utf-8"))
        if n % 10000 == 0:
            wdb.commit()
    wdb.commit()
    wdb.close()
    return n, size


class XapianSearcher:
    def __init__(self, db, lang):
        import xapian
        self.x = xapian
        self.db = xapian.Database(db)
        self.qp = xapian.QueryParser()
        self.qp.set_database(self.db)
        if lang == "en":
            self.qp.set_stemmer(xapian.Stem("english"))
            self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.enq = xapian.Enquire(self.db)

    def search(self, cls, q):
        x = self.x
        terms, phrase, op = terms_of(cls, q)
        if phrase:
            text = '"%s"' % terms[0]
        else:
            text = " ".join('"%s"' % t if cls == "question" else t for t in terms)
        self.qp.set_default_op(x.Query.OP_AND if op == "AND" else x.Query.OP_OR)
        query = self.qp.parse_query(text, x.QueryParser.FLAG_DEFAULT |
                                    x.QueryParser.FLAG_CJK_NGRAM)
        self.enq.set_query(query)
        ms = self.enq.get_mset(0, 10)
        return [m.document.get_data() for m in ms]


# ------------------------------------------------------------------ groonga

def gq(s):
    """A term quoted for Groonga's query syntax."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


class Groonga:
    def __init__(self, db, create=False):
        argv = ["groonga"] + (["-n"] if create else []) + [db]
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, encoding="utf-8", bufsize=1)

    def cmd(self, line, body=None):
        self.p.stdin.write(line + "\n")
        if body is not None:
            self.p.stdin.write(body + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        r = json.loads(out)
        if r[0][0] != 0:
            sys.exit("[groonga] %s: %s" % (line[:80], r[0]))
        return r

    def cpu_ms(self):
        """CPU time the groonga process has run, in ms (/proc/PID/schedstat)."""
        with open("/proc/%d/schedstat" % self.p.pid) as f:
            return int(f.read().split()[0]) / 1e6

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def groonga_index(src, db, lang):
    g = Groonga(db, create=True)
    g.cmd("table_create Docs TABLE_HASH_KEY ShortText")
    g.cmd("column_create Docs text COLUMN_SCALAR LongText")
    n = size = 0
    batch = []

    def flush():
        if batch:
            g.cmd("load --table Docs", json.dumps(batch, ensure_ascii=False))
            batch.clear()
    for rec in records(src):
        batch.append({"_key": rec["id"], "text": rec["text"]})
        n += 1
        size += len(rec["text"].encode("utf-8"))
        if len(batch) == 5000:
            flush()
    flush()
    g.cmd("table_create Lex TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
          "--normalizer NormalizerAuto")
    g.cmd("column_create Lex text_idx COLUMN_INDEX|WITH_POSITION Docs text")
    g.close()
    return n, size


class GroongaSearcher:
    def __init__(self, db, lang):
        self.g = Groonga(db)

    def cpu_ms(self):
        return self.g.cpu_ms() + time.process_time() * 1e3

    def search(self, cls, q):
        terms, phrase, op = terms_of(cls, q)
        if not terms:
            return []
        query = (" OR " if op == "OR" else " ").join(gq(t) for t in terms)
        r = self.g.cmd("select Docs --match_columns text --query %s --limit 10 "
                       "--output_columns _key,_score,text --sort_keys -_score" %
                       json.dumps(query, ensure_ascii=False))
        return r[1][0][2:]


# ------------------------------------------------------------------ sqlite

def sqlite_index(src, db, lang):
    con = sqlite3.connect(db)
    tok = "trigram" if lang == "ja" else "porter unicode61"
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, text, tokenize='%s')" % tok)
    n = size = 0
    with con:
        batch = []
        for rec in records(src):
            batch.append((rec["id"], rec["text"]))
            n += 1
            size += len(rec["text"].encode("utf-8"))
            if len(batch) == 5000:
                con.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", batch)
                batch = []
        con.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", batch)
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    return n, size


class SqliteSearcher:
    def __init__(self, db, lang):
        self.con = sqlite3.connect(db)
        self.lang = lang

    def search(self, cls, q):
        terms, phrase, op = terms_of(cls, q)
        if self.lang == "ja":
            short = [t for t in terms if len(t) < 3]
            terms = [t for t in terms if len(t) >= 3]
        else:
            short = []
        if op == "OR" and terms:
            short = []   # an OR of the longer terms: the short ones add nothing indexable
        fts = (" %s " % op).join('"%s"' % t.replace('"', '""') for t in terms)
        where, args = [], []
        if fts:
            where.append("docs MATCH ?")
            args.append(fts)
        for t in short:
            where.append("instr(text, ?) > 0")
            args.append(t)
        if not where:
            return []
        sql = "SELECT id, text FROM docs WHERE %s %s LIMIT 10" % (
            " AND ".join(where), "ORDER BY rank" if fts else "")
        return self.con.execute(sql, args).fetchall()


ENGINES = {
    "xapian": (xapian_index, XapianSearcher),
    "groonga": (groonga_index, GroongaSearcher),
    "sqlite": (sqlite_index, SqliteSearcher),
}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("index", "query") or sys.argv[2] not in ENGINES:
        sys.exit("usage: speed_peers.py index ENGINE SRC DB | query ENGINE DB QUERIES "
                 "[--repeat N]\n       ENGINE: %s" % ", ".join(ENGINES))
    what, engine = sys.argv[1], sys.argv[2]
    indexer, searcher = ENGINES[engine]
    if what == "index":
        src, db = sys.argv[3], sys.argv[4]
        if os.path.isdir(db):
            shutil.rmtree(db)
        elif os.path.exists(db):
            os.unlink(db)
        if engine == "groonga":
            os.makedirs(db)
            db = os.path.join(db, "db")
        lang = lang_of(src)
        t0 = time.monotonic()
        n, size = indexer(src, db, lang)
        secs = time.monotonic() - t0
        print(json.dumps({"engine": engine, "lang": lang, "records": n,
                          "text_mb": round(size / 1e6, 2), "seconds": round(secs, 2),
                          "mb_per_s": round(size / 1e6 / secs, 3)}))
        return
    db, qfile = sys.argv[3], sys.argv[4]
    repeat = int(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[5] == "--repeat" else 3
    lang = "ja" if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", open(qfile, encoding="utf-8").read()) else "en"
    if engine == "groonga":
        db = os.path.join(db, "db")
    s = searcher(db, lang)
    cpu_ms = getattr(s, "cpu_ms", lambda: time.process_time() * 1e3)
    qs = load_queries(qfile)
    for cls, q in qs:   # warm-up
        s.search(cls, q)
    times, cpus, hits, counts = {}, {}, {}, {}
    for _ in range(repeat):
        for cls, q in qs:
            c0 = cpu_ms()
            t0 = time.perf_counter()
            n = len(s.search(cls, q))
            times.setdefault(cls, []).append((time.perf_counter() - t0) * 1e3)
            cpus.setdefault(cls, []).append(cpu_ms() - c0)
            hits[cls] = hits.get(cls, 0) + n
    for cls, q in qs:
        counts[cls] = counts.get(cls, 0) + 1
    for cls in counts:
        v = times[cls]
        print(json.dumps({"engine": engine, "class": cls, "queries": counts[cls],
                          "runs": len(v), "p50_ms": round(quantile(v, 0.5), 3),
                          "p99_ms": round(quantile(v, 0.99), 3),
                          "mean_ms": round(sum(v) / len(v), 3),
                          "cpu_p50_ms": round(quantile(cpus[cls], 0.5), 3),
                          "cpu_p99_ms": round(quantile(cpus[cls], 0.99), 3),
                          "avg_hits": round(hits[cls] / len(v), 2)}))


if __name__ == "__main__":
    main()
