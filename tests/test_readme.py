#!/usr/bin/env python3
"""README.md, run as a new user would run it. Prints TAP.

Every ```sh block is pasted, in order, into one shell session (variables,
the working directory and servers started with & carry over from block to
block), in a scratch copy of the checkout: its top-level folders linked,
`build` pointing at the build under test, `../shared` beside it when the
shared data is there, HOME empty and nothing named ghsearch on PATH, so
the README itself has to put the tool there. Each block must exit 0.

Then every example output is compared with what its command prints now,
against the index those blocks built:
  - a ``` block whose lines start with "$ " is a transcript: each command
    runs, and the lines after it are the start of its output;
  - a block after <!-- readme-test: output of: COMMAND --> is the start of
    COMMAND's output; a ```json block's lines are joined (JSON wrapped for
    reading).
In an expected output, "…" stands for any text within a line (a line of
"…" alone for any lines), and a decimal number for any number (scores and
timings move with the ranking and the machine; words, pages and order do
not). <!-- readme-test: skip: REASON --> before a block says why it is not
run here; the reason is printed as a TAP skip.

Ports 8080, 8101 and 8102 in commands and outputs are replaced by free
ones. Needs GHS_BUILD_ROOT and GHS_SOURCE_ROOT; GHS_SHARED_DATA is checked
for blocks that read ../shared (a failure under CI=true when missing, a
skip elsewhere).
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

BUILD = os.environ.get('GHS_BUILD_ROOT', '')
SOURCE = os.environ.get('GHS_SOURCE_ROOT', '')
SHARED = os.environ.get('GHS_SHARED_DATA', '')
CI = os.environ.get('CI') == 'true'
MARKER = re.compile(r'<!--\s*readme-test:\s*(skip|output of):\s*(.*?)\s*-->')
FENCE = re.compile(r'^```(\S*)\s*$')
PORTS = ('8080', '8101', '8102')
BLOCK_TIMEOUT = 900


class Block:
    def __init__(self, lang, text, line, marker):
        self.lang, self.text, self.line, self.marker = lang, text, line, marker

    def label(self):
        first = self.text.strip().splitlines()[0] if self.text.strip() else ''
        return 'README.md:%d `%s`' % (self.line, first[:60])


def parse(path):
    """The fenced blocks of a Markdown file, each with the marker comment
    standing right before it (blank lines between allowed)."""
    blocks, marker, lang, start, body = [], None, None, 0, []
    with open(path, encoding='utf-8') as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            m = FENCE.match(line)
            if lang is None and m:
                lang, start, body = m.group(1), n, []
            elif lang is not None and line.strip() == '```':
                blocks.append(Block(lang, '\n'.join(body) + '\n', start, marker))
                lang, marker = None, None
            elif lang is not None:
                body.append(line)
            else:
                mm = MARKER.search(line)
                if mm:
                    marker = (mm.group(1), mm.group(2))
                elif line.strip():
                    marker = None
    return blocks


def expected_pattern(text, joined):
    """A regular expression for an example output: "…" any text in a line,
    a line of "…" any lines, a decimal number any number."""
    if joined:
        text = re.sub(r'\n[ \t]*', '', text.strip('\n'))
    out = []
    for line in text.split('\n'):
        if line.strip() == '…':
            out.append(r'(?:[^\n]*\n)*?[^\n]*')
            continue
        piece = ''
        for part in re.split(r'(…|\d+\.\d+)', line):
            if part == '…':
                piece += r'[^\n]*?'
            elif re.fullmatch(r'\d+\.\d+', part):
                piece += r'\d+(?:\.\d+)?'
            else:
                piece += re.escape(part)
        out.append(piece)
    return re.compile(r'\n'.join(out))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


class Session:
    """One shell session spread over several bash processes: each block
    starts from the variables and directory the previous one left."""

    def __init__(self, root, home):
        self.root, self.state = root, os.path.join(root, 'state.sh')
        self.groups = []
        self.ports = {p: free_port() for p in PORTS}
        path = [d for d in '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'.split(':')
                if not os.path.exists(os.path.join(d, 'ghsearch'))]
        self.env = {'HOME': home, 'PATH': ':'.join(path), 'LANG': 'C.UTF-8',
                    'TERM': 'dumb', 'TMPDIR': root}
        for k in ('CI', 'LSAN_OPTIONS', 'UBSAN_OPTIONS', 'ASAN_OPTIONS'):
            if k in os.environ:
                self.env[k] = os.environ[k]
        with open(self.state, 'w') as f:
            f.write('cd %s\n' % shlex.quote(os.path.join(root, 'ghsearch')))

    def ported(self, text):
        for p, q in self.ports.items():
            text = re.sub(r'\b%s\b' % p, q, text)
        return text

    def run(self, script, check_exit=True):
        """Run script (bash) in the session; returns (status, output)."""
        out_path = os.path.join(self.root, 'out.txt')
        # The state is saved on the way out, also after a failing command,
        # as a user's shell would keep it.
        save = ('{ export -p; echo "cd $(printf %%q "$PWD")"; } > %s.new && mv %s.new %s'
                % ((shlex.quote(self.state),) * 3))
        wrapped = ('source %s\ntrap %s EXIT\nset -eo pipefail\n%s\n'
                   % (shlex.quote(self.state), shlex.quote(save), self.ported(script)))
        if not check_exit:
            wrapped = wrapped.replace('set -eo pipefail\n', '', 1)
        with open(out_path, 'wb') as out:
            proc = subprocess.Popen(['bash', '-c', wrapped], stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=self.env, cwd=self.root,
                                    start_new_session=True)
            self.groups.append(proc.pid)
            try:
                status = proc.wait(timeout=BLOCK_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                status = 'timed out after %d s' % BLOCK_TIMEOUT
        with open(out_path, encoding='utf-8', errors='replace') as f:
            return status, f.read()

    def stop(self):
        """End everything the blocks left running (servers started with &)."""
        for g in self.groups:
            try:
                os.killpg(g, signal.SIGTERM)
            except ProcessLookupError:
                pass


def scratch_checkout(root):
    """root/ghsearch: the checkout's top-level entries linked, build -> the
    build under test; root/shared -> the shared data, when there is one."""
    work = os.path.join(root, 'ghsearch')
    os.mkdir(work)
    for name in os.listdir(SOURCE):
        if name.startswith(('build', '.git', 'ghsearch-db')):
            continue
        os.symlink(os.path.join(SOURCE, name), os.path.join(work, name))
    os.symlink(os.path.abspath(BUILD), os.path.join(work, 'build'))
    if SHARED and os.path.isdir(SHARED):
        os.symlink(os.path.abspath(os.path.join(SHARED, '..')), os.path.join(root, 'shared'))
    home = os.path.join(root, 'home')
    os.mkdir(home)
    return home


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, what):
        self.n += 1
        print('ok %d - %s' % (self.n, what), flush=True)

    def not_ok(self, what, detail=''):
        self.n += 1
        self.failed += 1
        print('not ok %d - %s' % (self.n, what))
        for line in detail.rstrip('\n').splitlines()[-40:]:
            print('# ' + line[:300])
        sys.stdout.flush()

    def skip(self, what, why):
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, what, why), flush=True)


def check_output(tap, session, what, command, expected, joined):
    status, actual = session.run(command, check_exit=False)
    pattern = expected_pattern(session.ported(expected), joined)
    if pattern.match(actual):
        tap.ok('%s: `%s` prints what the README shows' % (what, command[:60]))
    else:
        tap.not_ok('%s: `%s` prints what the README shows' % (what, command[:60]),
                   '--- README shows\n%s--- it prints (exit %s)\n%s' % (expected, status, actual))


def transcript(block):
    """[(command, expected output)] of a "$ " transcript block."""
    steps = []
    for line in block.text.splitlines(keepends=True):
        if line.startswith('$ '):
            steps.append([line[2:].rstrip('\n'), ''])
        elif steps:
            steps[-1][1] += line
    return steps


def main():
    if not (BUILD and SOURCE and os.path.exists(os.path.join(BUILD, 'cli', 'ghsearch'))):
        print('1..0 # SKIP GHS_BUILD_ROOT/GHS_SOURCE_ROOT not set or no cli/ghsearch')
        return 0
    blocks = parse(os.path.join(SOURCE, 'README.md'))
    have_shared = bool(SHARED) and os.path.isdir(SHARED)
    tap = Tap()
    root = tempfile.mkdtemp(prefix='ghs-readme-')
    session = Session(root, scratch_checkout(root))
    try:
        outputs = []
        for b in blocks:
            is_transcript = b.text.startswith('$ ')
            if b.marker and b.marker[0] == 'skip':
                tap.skip(b.label(), b.marker[1])
            elif b.marker and b.marker[0] == 'output of':
                outputs.append(b)
            elif is_transcript:
                outputs.append(b)
            elif b.lang == 'sh':
                if '../shared' in b.text and not have_shared:
                    if CI:
                        tap.not_ok(b.label(), 'CI=true and no shared data at %r' % SHARED)
                    else:
                        tap.skip(b.label(), 'no shared data at %r' % SHARED)
                    continue
                status, out = session.run(b.text)
                if status != 0 and 'already in use' in out:
                    # Another program took a port between free_port() and
                    # the server's bind: new ports, the block once more.
                    try:
                        os.killpg(session.groups[-1], signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    for p in PORTS:
                        if re.search(r'\b%s\b' % p, b.text):
                            session.ports[p] = free_port()
                    status, out = session.run(b.text)
                if status == 0:
                    tap.ok('%s runs as written' % b.label())
                else:
                    tap.not_ok('%s runs as written' % b.label(),
                               '--- exit %s; the block and what it printed:\n%s---\n%s'
                               % (status, b.text, out))
        for b in outputs:
            if b.marker:
                check_output(tap, session, 'README.md:%d' % b.line, b.marker[1], b.text,
                             b.lang == 'json')
            else:
                for command, expected in transcript(b):
                    check_output(tap, session, 'README.md:%d' % b.line, command, expected, False)
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)
    print('1..%d' % tap.n)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
