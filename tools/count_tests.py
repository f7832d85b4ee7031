#!/usr/bin/env python3
"""Count individual test cases in meson test logs and print the summary line.

Each meson test of ours speaks TAP, so its stdout holds one 'ok'/'not ok'
line per case. A test that produced no TAP line (it crashed before its
plan, or timed out) counts as one failure. Prints `N passed, N failed`
(and `, N skipped` when some were skipped) as the last line.
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
        except OSError:
            print(f'{path}: missing test log', file=sys.stderr)
            failed += 1
            continue
        for line in lines:
            if not line.strip():
                continue
            t = json.loads(line)
            cases = case_failures = 0
            for out in (t.get('stdout') or '').splitlines():
                m = TAP.match(out.strip())
                if not m:
                    continue
                cases += 1
                rest = m.group(2)
                if '# SKIP' in rest.upper():
                    skipped += 1
                elif m.group(1) == 'ok':
                    passed += 1
                else:
                    failed += 1
                    case_failures += 1
            result = t.get('result', '')
            if cases == 0:
                if result == 'OK':
                    passed += 1
                elif result == 'SKIP':
                    skipped += 1
                else:
                    failed += 1
            elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and case_failures == 0:
                # The runner failed it (crash after some cases, bad exit).
                failed += 1
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)


if __name__ == '__main__':
    main()
