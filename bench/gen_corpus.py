#!/usr/bin/python3
"""gen_corpus.py: large, realistic passage sets for the speed benchmarks.

Recombines the real sentences of the shared retrieval sets
(../shared/data/retrieval: jsquad-valid for Japanese, squad2-dev-subset
for English) into as many passages as asked, so the text is real prose with
its natural, Zipf-like word frequencies (common words are common because
they are common in the sentences), while the passages themselves are new
combinations. Vocabulary is bounded by the source sentences (a real corpus
of 1M passages would hold more distinct words: the term dictionary here is
smaller than real, the posting lists of frequent words as long as real).

  gen_corpus.py records --lang ja --passages 100000 --out DIR
      DIR/part-NNNN.jsonl: JSON Lines records {"id","title","text","lang"}
      (--per-file records per file, default 10000), each text 2-6 sentences
      (about 150-450 characters in Japanese, 250-900 in English); and
      DIR/queries.tsv: "class<TAB>query" lines, --queries per class:
        word     one word of the text (ja: a kanji or katakana run of 2-6
                 characters; en: a content word of 4+ letters)
        two      two words of one sentence
        phrase   "three consecutive words" (en) / "word, particle, word" (ja:
                 a kanji or katakana run, 1-2 hiragana, another run)
        question a real question of the retrieval set's queries.jsonl
  gen_corpus.py pdfs --lang ja --docs 20 --pages 30 --out DIR --mkpdf PATH
      DIR/*.pdf typeset by corpus/mkpdf (built with the project) from
      generated .pages sources, about --pages A4 pages each.

Deterministic for a given --seed. Standard library only. Never commit the
output: write it to a temporary or bench directory.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))
SETS = {"ja": "jsquad-valid", "en": "squad2-dev-subset"}

EN_STOP = set("""a an and are as at be by for from has have he her his in is it its of on
or that the their they this to was were which with who whom whose what when where why
how not but also had been into than then there these those such more most other some
only over after before during about between under while would could should may might
will shall can did does done one two three first""".split())

# A Japanese "word" for a query: a run of kanji, or a run of katakana.
JA_WORD = re.compile(r"[\u4e00-\u9fff々]{2,6}|[\u30a1-\u30fa\u30fc]{3,8}")
# A Japanese phrase: word, particle, word ("梅雨の時期", "気象現象で発生").
JA_PHRASE = re.compile(r"(?:[\u4e00-\u9fff々]{2,4}|[\u30a1-\u30fa\u30fc]{3,6})"
                       r"[\u3041-\u3093]{1,2}"
                       r"(?:[\u4e00-\u9fff々]{2,4}|[\u30a1-\u30fa\u30fc]{3,6})")
EN_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def sentences_of(text, lang):
    """Split a passage into sentences (kept with their final punctuation)."""
    if lang == "ja":
        parts = re.split(r"(?<=[。！？])", text)
    else:
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", text)
    return [p.strip() for p in parts if len(p.strip()) >= 8]


def load(data, lang):
    base = os.path.join(data, "retrieval", SETS[lang])
    sents, titles = [], []
    with open(os.path.join(base, "corpus.jsonl"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            titles.append(rec.get("title") or rec["id"])
            sents.extend(sentences_of(rec["text"], lang))
    questions = []
    with open(os.path.join(base, "queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            questions.append(json.loads(line)["query"])
    if not sents:
        sys.exit("[gen_corpus] no sentences in %s" % base)
    return sents, sorted(set(titles)), questions


def passage(rng, sents, lang):
    n = rng.randint(2, 6)
    sep = "" if lang == "ja" else " "
    return sep.join(rng.choice(sents) for _ in range(n))


def words(sent, lang):
    if lang == "ja":
        return JA_WORD.findall(sent)
    return [w for w in EN_WORD.findall(sent) if w.lower() not in EN_STOP]


def make_queries(rng, sents, questions, lang, per_class):
    out = []
    tries = 0
    while len([q for q in out if q[0] == "word"]) < per_class and tries < 100000:
        tries += 1
        ws = words(rng.choice(sents), lang)
        if ws:
            out.append(("word", rng.choice(ws)))
    tries = 0
    while len([q for q in out if q[0] == "two"]) < per_class and tries < 100000:
        tries += 1
        ws = list(dict.fromkeys(words(rng.choice(sents), lang)))
        if len(ws) >= 2:
            a, b = rng.sample(ws, 2)
            out.append(("two", a + " " + b))
    tries = 0
    while len([q for q in out if q[0] == "phrase"]) < per_class and tries < 100000:
        tries += 1
        s = rng.choice(sents)
        if lang == "ja":
            runs = JA_PHRASE.findall(s)
            if not runs:
                continue
            out.append(("phrase", '"%s"' % rng.choice(runs)))
        else:
            ws = re.findall(r"[A-Za-z]+", s)
            if len(ws) < 3:
                continue
            i = rng.randint(0, len(ws) - 3)
            out.append(("phrase", '"%s"' % " ".join(ws[i:i + 3])))
    for q in rng.sample(questions, min(per_class, len(questions))):
        q = q.replace("\t", " ").replace("\n", " ").replace('"', " ").strip()
        out.append(("question", q))
    return out


def cmd_records(args):
    sents, titles, questions = load(args.data, args.lang)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    part = None
    for i in range(args.passages):
        if i % args.per_file == 0:
            if part:
                part.close()
            part = open(os.path.join(args.out, "part-%04d.jsonl" % (i // args.per_file)),
                        "w", encoding="utf-8")
        text = passage(rng, sents, args.lang)
        total += len(text.encode("utf-8"))
        rec = {"id": "gen-%s-%07d" % (args.lang, i), "title": rng.choice(titles),
               "text": text, "lang": args.lang}
        part.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if part:
        part.close()
    with open(os.path.join(args.out, "queries.tsv"), "w", encoding="utf-8") as f:
        for cls, q in make_queries(random.Random(args.seed + 1), sents, questions, args.lang,
                                   args.queries):
            f.write("%s\t%s\n" % (cls, q))
    print("%s: %d %s passages, %.1f MB of text, %d sentences recombined" %
          (args.out, args.passages, args.lang, total / 1e6, len(sents)))


def cmd_pdfs(args):
    sents, titles, _ = load(args.data, args.lang)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    sep = "" if args.lang == "ja" else " "
    # about 1,100 characters of Japanese or 2,600 of English fill an A4 page
    per_page = 1100 if args.lang == "ja" else 2600
    for d in range(args.docs):
        name = "gen-%s-%03d" % (args.lang, d)
        src = os.path.join(args.out, name + ".pages")
        with open(src, "w", encoding="utf-8") as f:
            f.write("Title: %s\nAuthor: ghsearch bench\nDate: 2023-05-10\nLang: %s\n\n" %
                    (rng.choice(titles), args.lang))
            for p in range(args.pages):
                if p:
                    f.write("---page---\n")
                f.write("# %s\n" % rng.choice(titles))
                size = 0
                while size < per_page * 0.8:
                    para = sep.join(rng.choice(sents) for _ in range(rng.randint(2, 4)))
                    size += len(para)
                    f.write(para + "\n")
        r = subprocess.run([args.mkpdf, src, os.path.join(args.out, name + ".pdf")],
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            sys.exit("[gen_corpus][%s] mkpdf failed: %s" % (src, r.stderr.strip()))
        os.unlink(src)
    print("%s: %d %s PDFs of about %d pages" % (args.out, args.docs, args.lang, args.pages))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("records", "pdfs"):
        p = sub.add_parser(name)
        p.add_argument("--lang", choices=sorted(SETS), default="ja")
        p.add_argument("--out", required=True)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--data", default=os.environ.get("GHS_SHARED_DATA", DEFAULT_DATA))
    r = sub.choices["records"]
    r.add_argument("--passages", type=int, default=100000)
    r.add_argument("--per-file", type=int, default=10000)
    r.add_argument("--queries", type=int, default=100, help="queries per class")
    p = sub.choices["pdfs"]
    p.add_argument("--docs", type=int, default=20)
    p.add_argument("--pages", type=int, default=30)
    p.add_argument("--mkpdf", required=True, help="corpus/mkpdf of a build directory")
    args = ap.parse_args()
    (cmd_records if args.cmd == "records" else cmd_pdfs)(args)


if __name__ == "__main__":
    main()
