#!/usr/bin/env python3
"""greedy_http.py: how many requests of ordinary clients a running
`ghsearch serve` answers while one greedy client holds as many connections
as it can, each trickling a header line now and then (issue 19).

The greedy client connects from 127.0.0.2, sends a request line and then
one header line every --every seconds on each of its --greedy sockets,
reconnecting whatever the server closes. The ordinary clients (from
127.0.0.1, or each from 127.0.0.1X with --client-addrs) send GET --path,
a new connection per request unless --keepalive. Prints the answers they
got by status. Loopback only (the server must listen on 127.0.0.1);
bounded by --requests per client or --seconds (at most 300).

  ghsearch serve --db ghsearch-db --listen 127.0.0.1:8080 --max-connections 32 &
  python3 bench/greedy_http.py 8080 --greedy 33 --clients 16 --requests 50
  python3 bench/greedy_http.py 8080 --greedy 0 --clients 16 --requests 200
  python3 bench/greedy_http.py 8080 --greedy 300 --every 5 --clients 16 --seconds 20
"""
import argparse
import collections
import http.client
import socket
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('port', type=int, help='port of the server on 127.0.0.1')
    ap.add_argument('--greedy', type=int, default=33, help='sockets of the greedy client')
    ap.add_argument('--every', type=float, default=0.5,
                    help='seconds between the greedy header lines')
    ap.add_argument('--clients', type=int, default=16, help='ordinary clients')
    ap.add_argument('--requests', type=int, default=50, help='requests per ordinary client')
    ap.add_argument('--seconds', type=float, default=0,
                    help='run the ordinary clients this long instead (at most 300)')
    ap.add_argument('--keepalive', action='store_true',
                    help='ordinary clients keep their connection')
    ap.add_argument('--client-addrs', action='store_true',
                    help='each ordinary client from an address of its own')
    ap.add_argument('--path', default='/search?q=UHC')
    a = ap.parse_args()
    seconds = min(a.seconds, 300)
    stop = threading.Event()
    held = [0]
    results = collections.Counter()
    lock = threading.Lock()

    def greedy():
        socks = []
        while not stop.is_set():
            while len(socks) < a.greedy and not stop.is_set():
                try:
                    s = socket.socket()
                    s.settimeout(2)
                    s.bind(('127.0.0.2', 0))
                    s.connect(('127.0.0.1', a.port))
                    s.sendall(b'GET /health HTTP/1.1\r\nHost: x\r\n')
                    socks.append(s)
                except OSError:
                    s.close()
                    time.sleep(0.05)
                    break
            alive = []
            for s in socks:
                try:
                    s.sendall(b'X-Slow: 1\r\n')
                    alive.append(s)
                except OSError:
                    s.close()
            socks = alive
            held[0] = len(socks)
            stop.wait(a.every)
        for s in socks:
            s.close()

    def client(k):
        source = ('127.0.0.%d' % (10 + k), 0) if a.client_addrs else None
        conn = None
        end = time.time() + seconds
        i = 0
        while (time.time() < end) if seconds else (i < a.requests):
            i += 1
            try:
                if conn is None or not a.keepalive:
                    if conn:
                        conn.close()
                    conn = http.client.HTTPConnection('127.0.0.1', a.port, timeout=10,
                                                      source_address=source)
                conn.request('GET', a.path)
                r = conn.getresponse()
                r.read()
                status = r.status
                if r.will_close:
                    conn.close()
                    conn = None
            except Exception as e:  # noqa: BLE001 - counted by kind
                status = type(e).__name__
                if conn:
                    conn.close()
                conn = None
            with lock:
                results[status] += 1
        if conn:
            conn.close()

    g = threading.Thread(target=greedy)
    if a.greedy:
        g.start()
        time.sleep(1.5)   # let it take what it can
    t0 = time.time()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    if a.greedy:
        g.join()
    n = sum(results.values())
    print('greedy sockets open at the end: %d; ordinary requests: %d; answered 200: %d '
          '(%.1f%%); others: %s; %.1f s' % (
              held[0], n, results[200], 100.0 * results[200] / max(n, 1),
              dict((k, v) for k, v in results.items() if k != 200), time.time() - t0))
    return 0 if results[200] == n else 1


if __name__ == '__main__':
    sys.exit(main())
