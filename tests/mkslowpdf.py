#!/usr/bin/env python3
"""mkslowpdf.py PATH: a one-page PDF that takes poppler seconds to read
(5 million no-op operators, 200 KB on disk), for the tests that stop or
kill ghsearch while a PDF is being extracted (test_cli_e2e.sh,
test_robust_crash.sh)."""
import sys, zlib
c = zlib.compressobj(1)
z = c.compress(b"BT /F1 12 Tf 72 720 Td (Slow page text) Tj ET\n")
block = b"q 1 0 0 1 0 0 cm Q\n" * 10000
for _ in range(500):
    z += c.compress(block)
z += c.flush()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
out, offs = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open(sys.argv[1], "wb").write(out)
