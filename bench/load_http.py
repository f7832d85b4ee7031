#!/usr/bin/env python3
"""load_http.py: a bounded loopback load test of `ghsearch serve`.

Sends a fixed number of GET /search requests (Japanese and English queries,
with and without filters) at a few concurrency levels over keep-alive
connections, and prints queries/s, p50/p99/max latency and the error count
per level. Loopback only: it refuses any other address. Standard library only.

  # start a server on a fresh port over an existing index, measure, stop it
  python3 bench/load_http.py --ghsearch build/cli/ghsearch --db ghsearch-db
  # or measure a server that is already running on this machine
  python3 bench/load_http.py --url http://127.0.0.1:8080

Every level stops after --requests requests or --max-seconds, whichever is
first. Exit status 1 when any request failed (non-200 or no answer).
"""
import argparse
import ctypes
import http.client
import ipaddress
import json
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote, urlsplit

QUERIES = [
    'ユニバーサル・ヘルス・カバレッジ',
    'ユニバーサル・ヘルス・カバレッジ 財政',
    '"100 Days Mission" diagnostics',
    'MCM 公平なアクセス lang:ja',
    'health financing',
    '薬剤耐性',
    'primary health care workforce',
    'UHC',
    'pandemic preparedness OR 備え',
    'One Health -antimicrobial',
]
FILTERS = ['', '&lang=ja', '&lang=en', '&type=pdf', '&year=2023']


def is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == 'localhost'


def percentile(sorted_values, p):
    if not sorted_values:
        return float('nan')
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def run_level(host, port, concurrency, total, max_seconds, limit):
    """total requests spread over `concurrency` keep-alive clients."""
    lock = threading.Lock()
    latencies = []
    errors = []
    counter = [0]
    deadline = time.monotonic() + max_seconds

    def next_index():
        with lock:
            if counter[0] >= total or time.monotonic() > deadline:
                return None
            counter[0] += 1
            return counter[0] - 1

    def client():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            i = next_index()
            if i is None:
                break
            path = '/search?limit=%d&q=%s%s' % (limit, quote(QUERIES[i % len(QUERIES)], safe=''),
                                                 FILTERS[(i // len(QUERIES)) % len(FILTERS)])
            t0 = time.perf_counter()
            try:
                conn.request('GET', path)
                resp = conn.getresponse()
                body = resp.read()
                dt = time.perf_counter() - t0
                if resp.status != 200:
                    with lock:
                        errors.append('%d %s' % (resp.status, body[:200]))
                else:
                    with lock:
                        latencies.append(dt)
                if resp.getheader('Connection', '').lower() == 'close':
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        'concurrency': concurrency,
        'requests': len(latencies) + len(errors),
        'errors': len(errors),
        'first_error': errors[0] if errors else None,
        'seconds': round(wall, 3),
        'qps': round(len(latencies) / wall, 1) if wall > 0 else 0.0,
        'p50_ms': round(percentile(latencies, 50) * 1000, 2),
        'p99_ms': round(percentile(latencies, 99) * 1000, 2),
        'max_ms': round((latencies[-1] if latencies else float('nan')) * 1000, 2),
    }


def start_server(ghsearch, db, threads):
    proc = subprocess.Popen([ghsearch, 'serve', '--db', db, '--listen', '127.0.0.1:0',
                             '--threads', str(threads)],
                            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            # SIGTERM to the server if this client dies
                            preexec_fn=lambda: ctypes.CDLL(None).prctl(1, signal.SIGTERM))
    line = proc.stdout.readline().decode().strip()
    if not line.startswith('listening on http://127.0.0.1:'):
        proc.kill()
        sys.exit('load_http: the server did not start (%r)' % line)
    return proc, int(line.rsplit(':', 1)[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--url', help='a running server, e.g. http://127.0.0.1:8080 (loopback only)')
    ap.add_argument('--ghsearch', help='the ghsearch binary to start a server with')
    ap.add_argument('--db', help='the index for the server started here')
    ap.add_argument('--threads', type=int, default=4, help='server worker threads (default 4)')
    ap.add_argument('--levels', default='1,4,16', help='concurrency levels (default 1,4,16)')
    ap.add_argument('--requests', type=int, default=2000, help='requests per level (default 2000)')
    ap.add_argument('--max-seconds', type=float, default=60, help='time cap per level (default 60)')
    ap.add_argument('--limit', type=int, default=10, help='hits per query (default 10)')
    ap.add_argument('--warmup', type=int, default=50, help='unmeasured requests first (default 50)')
    ap.add_argument('--json', action='store_true', help='print one JSON object per level')
    args = ap.parse_args()

    proc = None
    if args.url:
        u = urlsplit(args.url)
        host, port = u.hostname or '', u.port or 80
        if not is_loopback(host):
            sys.exit('load_http: %s is not a loopback address; only this machine may be loaded' % host)
    elif args.ghsearch and args.db:
        proc, port = start_server(args.ghsearch, args.db, args.threads)
        host = '127.0.0.1'
    else:
        ap.error('give --url, or --ghsearch and --db')
    levels = [int(x) for x in args.levels.split(',') if x.strip()]
    if any(c < 1 or c > 256 for c in levels) or args.requests < 1 or args.requests > 1000000:
        ap.error('levels must be 1..256 and --requests 1..1000000')

    failed = False
    try:
        if args.warmup:
            run_level(host, port, 1, args.warmup, args.max_seconds, args.limit)
        if not args.json:
            print('server %s:%d, %d requests per level, limit=%d, %d server threads%s'
                  % (host, port, args.requests, args.limit, args.threads,
                     '' if proc else ' (as given to the server)'))
            print('%5s %9s %7s %9s %9s %9s %9s' % ('conc', 'requests', 'errors', 'q/s',
                                                  'p50 ms', 'p99 ms', 'max ms'))
        for c in levels:
            r = run_level(host, port, c, args.requests, args.max_seconds, args.limit)
            failed |= r['errors'] > 0
            if args.json:
                print(json.dumps(r))
            else:
                print('%5d %9d %7d %9.1f %9.2f %9.2f %9.2f' % (c, r['requests'], r['errors'], r['qps'],
                                                              r['p50_ms'], r['p99_ms'], r['max_ms']))
                if r['first_error']:
                    print('      first error: %s' % r['first_error'])
            sys.stdout.flush()
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
