#!/usr/bin/env python3
"""The shared library's interface is include/ghsearch.h and nothing else:
`nm -D` of libghsearch.so lists exactly the functions the header declares
(each marked GHS_API), so an embedding program cannot come to depend on an
internal function, and a function added to the header is really exported.
Prints TAP.

Usage: test_exports.py LIBGHSEARCH.so GHSEARCH.h
"""
import re
import subprocess
import sys


def declared(header):
    text = open(header, encoding='utf-8').read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'^\s*#.*$', ' ', text, flags=re.M)   # preprocessor lines
    names, unmarked = set(), []
    for stmt in text.split(';'):
        stmt = ' '.join(stmt.split())
        if 'typedef' in stmt:
            continue
        m = re.search(r'\b(ghs_[a-z0-9_]+)\s*\(', stmt)
        if not m:
            continue
        names.add(m.group(1))
        if 'GHS_API' not in stmt:
            unmarked.append(m.group(1))
    return names, unmarked


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ('T', 'W', 'D', 'B', 'R', 'V', 'i'):
            names.add(parts[2])
    return names


def main():
    lib, header = sys.argv[1], sys.argv[2]
    want, unmarked = declared(header)
    have = exported(lib)
    checks = [
        ('the header declares the public functions', len(want) >= 40,
         f'{len(want)} declarations found'),
        ('every declaration in ghsearch.h is marked GHS_API', not unmarked,
         'unmarked: ' + ', '.join(sorted(unmarked))),
        ('every declared function is exported', want <= have,
         'missing: ' + ', '.join(sorted(want - have))),
        ('nothing else is exported (no internal ghs_ or xc_ function, no C++ symbol)',
         have <= want, 'also exported: ' + ', '.join(sorted(have - want)[:20])
         + (f' (+{len(have - want) - 20} more)' if len(have - want) > 20 else '')),
    ]
    print(f'1..{len(checks)}')
    failed = 0
    for i, (name, ok, why) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {name}')
        if not ok:
            print(f'# {why}')
            failed += 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
