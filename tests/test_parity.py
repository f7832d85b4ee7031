#!/usr/bin/env python3
"""One engine: the same query asked through `ghsearch search --json`, the
HTTP API's /search and a C program using the library's defaults
(parity_search.c) gives the same hits, ranks, scores, tiers and passages,
the same open_url (the indexed file on the command line, the server's link
over HTTP), and the same total, exact or estimated (the command line's readable output says
"N passages shown of [about] TOTAL" when TOTAL is more than it shows;
otherwise the total is what it shows). Japanese and English, filters, glossary expansion on and
off, paging. Prints TAP.

Needs GHS_BUILD_ROOT (cli/ghsearch, tests/parity_search and the sample
corpus in corpus/). The server runs on 127.0.0.1 with a port the kernel
picks and is stopped at the end.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

BUILD = os.environ.get('GHS_BUILD_ROOT', '')
GHSEARCH = os.path.join(BUILD, 'cli', 'ghsearch')
PARITY = os.path.join(BUILD, 'tests', 'parity_search')
CORPUS = os.path.join(BUILD, 'corpus')
SOURCE = os.environ.get('GHS_SOURCE_ROOT', '')

# (query, limit, offset, per_doc, literal)
CASES = [
    ('ユニバーサル・ヘルス・カバレッジ', 10, 0, 2, False),
    ('ユニバーサル・ヘルス・カバレッジ 財政', 3, 0, 1, False),
    ('UHC', 10, 0, 2, False),              # glossary expansion: both languages
    ('UHC', 10, 0, 2, True),               # literal
    ('"100 Days Mission" diagnostics', 5, 0, 5, False),
    ('health financing', 2, 2, 1, False),  # the second page
    ('PPR 資金', 4, 3, 2, False),           # the second page, both tiers
    ('lang:ja 保健', 4, 1, 2, False),
    ('type:pdf vaccines OR ワクチン', 10, 0, 3, False),
    ('保健医療体制はどのように強くするのか', 5, 0, 2, False),   # a question
    ('What does the 100 Days Mission aim for?', 5, 0, 2, False),
]


def hit(h):
    return (h['rank'], h['doc'], h.get('page') or 0, float(h['score']), h['tier'],
            h.get('open_url', ''), h['passage'])


def same_but_open_url(*lists):
    """Do the hit lists agree in all but open_url (which names the file on
    the command line and the server's link over HTTP)?"""
    strip = [[h[:5] + h[6:] for h in hits] for hits in lists]
    return all(s == strip[0] for s in strip)


def cli(db, q, limit, offset, per_doc, literal):
    args = [GHSEARCH, 'search', '--db', db, '--limit', str(limit),
            '--offset', str(offset), '--per-doc', str(per_doc)]
    if literal:
        args.append('--no-expand')
    r = subprocess.run(args + ['--json', '--', q], capture_output=True, text=True)
    hits = [hit(json.loads(line)) for line in r.stdout.splitlines()]
    text = subprocess.run(args + ['--', q], capture_output=True, text=True).stderr
    m = re.search(r'^\d+ passages? shown of (about )?(\d+) ', text, re.M)
    total = int(m.group(2)) if m else offset + len(hits)
    exact = (m.group(1) is None) if m else None   # no footer: every match is shown
    return hits, total, exact, r


def c_api(db, q, limit, offset, per_doc, literal):
    args = [PARITY, db, q, str(limit), str(offset), str(per_doc)] + (['literal'] if literal else [])
    r = subprocess.run(args, capture_output=True, text=True)
    here, remote = [], []   # open_url as the command line and as HTTP give it
    lines = r.stdout.splitlines()
    total = int(lines[0].split('\t')[1]) if lines else -1
    exact = lines[0].split('\t')[2] == '1' if lines else None
    for line in lines[1:]:
        rank, doc, page, score, tier, url_here, url_remote, passage = line.split('\t', 7)
        for hits, url in ((here, url_here), (remote, url_remote)):
            hits.append((int(rank), doc, int(page), float(score), int(tier), url,
                         passage.replace('\\n', '\n')))
    return here, remote, total, exact, r


def http(port, q, limit, offset, per_doc, literal):
    params = {'q': q, 'limit': limit, 'offset': offset, 'per_doc': per_doc}
    if literal:
        params['expand'] = '0'
    url = 'http://127.0.0.1:%d/search?%s' % (port, urllib.parse.urlencode(params))
    with urllib.request.urlopen(url, timeout=60) as resp:
        body = json.loads(resp.read().decode('utf-8'))
    return [hit(h) for h in body['hits']], body['total'], body['total_exact']


def main():
    if not all(os.path.exists(p) for p in (GHSEARCH, PARITY, CORPUS)):
        print('1..0 # SKIP needs GHS_BUILD_ROOT with cli/ghsearch, tests/parity_search, corpus/')
        return 0
    tmp = tempfile.mkdtemp(prefix='ghs-parity-')
    db = os.path.join(tmp, 'db')
    server = None
    n = failed = 0
    try:
        subprocess.run([GHSEARCH, 'index', '--db', db, '--manifest',
                        os.path.join(SOURCE, 'corpus', 'manifest.tsv'), CORPUS],
                       check=True, capture_output=True)
        server = subprocess.Popen([GHSEARCH, 'serve', '--db', db, '--listen', '127.0.0.1:0'],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  stdin=subprocess.DEVNULL, text=True)
        port = int(server.stdout.readline().rsplit(':', 1)[1])
        for q, limit, offset, per_doc, literal in CASES:
            what = '%r limit %d offset %d per_doc %d%s' % (q, limit, offset, per_doc,
                                                          ' literal' if literal else '')
            a, ta, ea, ra = cli(db, q, limit, offset, per_doc, literal)
            b, tb, eb = http(port, q, limit, offset, per_doc, literal)
            c, c_remote, tc, ec, rc = c_api(db, q, limit, offset, per_doc, literal)
            n += 1
            ranks = [h[0] for h in a] == list(range(offset + 1, offset + len(a) + 1))
            # open_url too: the C program's link on this machine is the
            # command line's, its link for a remote user the server's
            if (a and a == c and b == c_remote and same_but_open_url(a, b) and
                    ta == tb == tc >= offset + len(a) and ranks and eb == ec and
                    ea in (None, eb)):
                print('ok %d - %s: the command line, HTTP and C agree (%d hits of %d)'
                      % (n, what, len(a), ta))
            else:
                failed += 1
                print('not ok %d - %s: the command line, HTTP and C agree' % (n, what))
                print('# totals: cli %d, http %d, c %d (exact: %s, %s, %s); ranks from '
                      'offset + 1: %s' % (ta, tb, tc, ea, eb, ec, ranks))
                for name, hits in (('cli', a), ('http', b), ('c', c), ('c/r', c_remote)):
                    for h in hits:
                        print('# %-4s %d %s p.%d %.6g tier %d %s %s' % (
                            name, h[0], h[1], h[2], h[3], h[4], h[5] or '-',
                            h[6][:40].replace('\n', ' ')))
                print('# cli stderr: %s c stderr: %s' % (ra.stderr.strip()[:200], rc.stderr.strip()[:200]))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
