#!/usr/bin/env python3
"""Compiles every ```cpp block of README.md and docs/*.md, so that the docs cannot drift from the
library. Fails naming the file and line of each block that does not compile.

Conventions for writers of docs (the rendered page shows none of them):

- A block fenced ```cpp is compiled; ```cpp-eigen is compiled only when Eigen is found
  (pkg-config eigen3), with its include path; every other info string (sh, cmake, text, python,
  c++, ...) is not compiled.
- A block is a fragment: its #include lines go to the top of the translation unit, and the rest
  is the body of a function of its own (declarations such as `constexpr ctgrad::param<"w"> w;`,
  statements, static_assert, lambdas and local structs are all fine there). <ctgrad.hpp> and the
  standard headers the docs use (<array>, <cstdio>, <vector>, <span>, <iostream>, <fstream>,
  <string>, <cmath>) are included for every block.
- A block that defines functions, templates or main is compiled at namespace scope instead: mark
  it with `<!-- snippet: namespace-scope -->` on the line before the fence (a block with
  `int main(` is detected as one).
- Names a fragment uses but does not declare come from a context: an HTML comment on the line(s)
  before the fence, `<!-- snippet-context: ... -->`, whose text (C++; it may span lines) goes
  before the block, in the same function. Write the context so that the block reads as it would in
  a program: e.g. `<!-- snippet-context: const std::array X{1.0f}, Y{2.0f}; -->`.
- `<!-- snippet: continues -->` before a block appends it to the previous compiled block of the
  same file (same function, same context): a walkthrough split into steps is compiled as one.
- `<!-- snippet: compile-fail -->` before a block that shows code that must not compile: it is
  compiled on its own (with its context) and must fail with an error that contains "ctgrad:",
  the project's mark of a diagnosed misuse (the test fails if it compiles, or fails otherwise).
- `<!-- snippet: skip -->` before a block leaves it out (say why in the prose).
- Markers may be combined in one comment, comma-separated: `<!-- snippet: continues, skip -->`.

Each file's blocks become one translation unit (each block in a namespace of its own, so names
do not clash), compiled with -fsyntax-only (templates are instantiated and static_asserts
evaluated: enough to catch a wrong name, type or proof) in parallel; #line directives make the
compiler's messages point into the Markdown file itself.

Usage: docs_snippets.py --root DOCS_ROOT [--include DIR] [--keep DIR] [--cxx COMPILER ARGS...]
(--include: ctgrad's include directory, DOCS_ROOT/include by default; tests/docs_snippets/ holds
the script's own tests: a page that uses every convention, and a broken block that must fail.)
"""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile
import time

STANDARD_PRELUDE = """#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <vector>
#include <ctgrad.hpp>
"""

FENCE = re.compile(r'^(\s*)```(\S*)\s*$')
MARKER = re.compile(r'<!--\s*snippet:\s*([^>]*?)\s*-->')
CONTEXT_START = '<!-- snippet-context:'


class Block:
    def __init__(self, path, line, kind, code, context, context_line, markers):
        self.path = path          # the Markdown file
        self.line = line          # the line of the first code line (1-based)
        self.kind = kind          # 'cpp' or 'cpp-eigen'
        self.code = code          # list of lines
        self.context = context    # list of lines, or []
        self.context_line = context_line
        self.markers = markers
        self.parts = []           # blocks appended by `continues`

    def namespace_scope(self):
        text = '\n'.join(self.code)
        return 'namespace-scope' in self.markers or re.search(r'^\s*int\s+main\s*\(', text, re.M)


def parse(path, relative):
    """The cpp blocks of one Markdown file, with their markers and contexts."""
    lines = path.read_text(encoding='utf-8').splitlines()
    blocks = []
    markers, context, context_line = set(), [], 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(CONTEXT_START):
            # A context comment: everything up to the closing -->.
            start = i
            text = line.lstrip()[len(CONTEXT_START):]
            while '-->' not in text and i + 1 < len(lines):
                i += 1
                text += '\n' + lines[i]
            context = text.split('-->')[0].split('\n')
            context_line = start + 1
            i += 1
            continue
        marker = MARKER.search(line)
        if marker:
            markers |= {m.strip() for m in marker.group(1).split(',')}
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            info = fence.group(2)
            indent = len(fence.group(1))
            body_start = i + 1
            j = body_start
            while j < len(lines) and not re.match(r'^\s*```\s*$', lines[j]):
                j += 1
            code = [l[indent:] if l[:indent].strip() == '' else l for l in lines[body_start:j]]
            if info in ('cpp', 'cpp-eigen') and 'skip' not in markers:
                blocks.append(Block(relative, body_start + 1, info, code, context, context_line,
                                    markers))
            markers, context, context_line = set(), [], 0
            i = j + 1
            continue
        if line.strip():
            # Prose between a marker and its block breaks the link.
            markers, context, context_line = set(), [], 0
        i += 1
    # Join `continues` blocks to the block before them.
    joined = []
    for block in blocks:
        if 'continues' in block.markers and joined:
            joined[-1].parts.append(block)
        else:
            joined.append(block)
    return joined


def split_includes(block_lines, first_line):
    """(#include lines, the other lines with their line numbers)."""
    includes, rest = [], []
    for offset, line in enumerate(block_lines):
        if re.match(r'^\s*#\s*include\b', line):
            includes.append(line.strip())
            rest.append((first_line + offset, ''))
        else:
            rest.append((first_line + offset, line))
    return includes, rest


def emit(lines, numbered, path):
    """Lines with #line directives, so that errors name the Markdown file and line."""
    if not numbered:
        return
    lines.append('#line %d "%s"' % (numbered[0][0], path))
    lines.extend(text for _, text in numbered)


def translation_unit(blocks):
    """The C++ source of one file's blocks."""
    includes, body = [], []
    for n, block in enumerate(blocks):
        pieces = [block] + block.parts
        block_includes = []
        numbered_parts = []
        for piece in pieces:
            inc, rest = split_includes(piece.code, piece.line)
            block_includes += inc
            numbered_parts.append(rest)
        includes += block_includes
        body.append('namespace doc_snippet_%d {' % n)
        context = list(enumerate(block.context, block.context_line))
        if block.namespace_scope():
            emit(body, context, block.path)
            for rest in numbered_parts:
                emit(body, rest, block.path)
        else:
            body.append('[[maybe_unused]] void snippet() {')
            emit(body, context, block.path)
            for rest in numbered_parts:
                emit(body, rest, block.path)
            body.append('}')
        body.append('}  // namespace doc_snippet_%d' % n)
    unique_includes = list(dict.fromkeys(includes))
    return STANDARD_PRELUDE + '\n'.join(unique_includes) + '\n' + '\n'.join(body) + '\n'


def eigen_flags():
    try:
        out = subprocess.run(['pkg-config', '--cflags', 'eigen3'], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        return shlex.split(out)
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--root', required=True, help='the source tree')
    parser.add_argument('--include', help="ctgrad's include directory (default: ROOT/include)")
    parser.add_argument('--keep', help='write the generated sources to this directory')
    parser.add_argument('--cxx', nargs=argparse.REMAINDER, default=['c++'],
                        help='the compiler command (last option: takes the rest)')
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    files = [root / 'README.md'] + sorted((root / 'docs').glob('*.md'))
    eigen = eigen_flags()

    units = []  # (name, source, extra flags, blocks, must fail)
    skipped_eigen = 0
    for path in files:
        relative = str(path.relative_to(root))
        blocks = parse(path, relative)
        for b in blocks:
            if 'compile-fail' in b.markers and (b.kind == 'cpp' or eigen is not None):
                units.append(('%s:%d (must not compile)' % (relative, b.line),
                              translation_unit([b]), eigen if b.kind == 'cpp-eigen' else [],
                              [b], True))
        blocks = [b for b in blocks if 'compile-fail' not in b.markers]
        plain = [b for b in blocks if b.kind == 'cpp']
        with_eigen = [b for b in blocks if b.kind == 'cpp-eigen']
        if plain:
            units.append((relative, translation_unit(plain), [], plain, False))
        if with_eigen:
            if eigen is None:
                skipped_eigen += len(with_eigen)
            else:
                units.append((relative + ' (Eigen)', translation_unit(with_eigen), eigen,
                              with_eigen, False))

    directory = args.keep or tempfile.mkdtemp(prefix='ctgrad_docs_')
    os.makedirs(directory, exist_ok=True)
    include = pathlib.Path(args.include).resolve() if args.include else root / 'include'
    flags = ['-std=c++20', '-fsyntax-only', '-O0', '-I' + str(include)]

    def compile_unit(index_unit):
        index, (name, source, extra, blocks, must_fail) = index_unit
        source_path = os.path.join(directory, 'snippets_%d.cpp' % index)
        with open(source_path, 'w', encoding='utf-8') as f:
            f.write(source)
        # Run from the root so that the #line file names resolve as the reader sees them.
        result = subprocess.run(args.cxx + flags + extra + [source_path], cwd=root,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return name, blocks, must_fail, result

    start = time.monotonic()
    workers = max(1, min(len(units), os.cpu_count() or 1))
    failed = []
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for name, blocks, must_fail, result in pool.map(compile_unit, enumerate(units)):
            count = sum(1 + len(b.parts) for b in blocks)
            if must_fail:
                if result.returncode != 0 and 'ctgrad:' in result.stdout:
                    print('ok    %s: refused with a ctgrad: message' % name)
                else:
                    failed.append(name)
                    print('FAIL  %s: %s' % (name, 'it compiles' if result.returncode == 0
                                            else 'no ctgrad: message'))
                    print(result.stdout)
                continue
            if result.returncode == 0:
                print('ok    %s: %d block(s)' % (name, count))
                continue
            # The blocks an error points into, by the #line file and line numbers.
            bad = set()
            for m in re.finditer(r'^(\S+?\.md):(\d+):(?:\d+:)? (?:fatal )?error', result.stdout,
                                 re.M):
                where, line = m.group(1), int(m.group(2))
                for b in blocks:
                    for piece in [b] + b.parts:
                        first = b.context_line if (piece is b and b.context) else piece.line
                        if piece.path == where and first <= line <= piece.line + len(piece.code):
                            bad.add((piece.path, piece.line))
            failed.append(name)
            print('FAIL  %s' % name)
            for where, line in sorted(bad):
                print('  the block at %s:%d does not compile' % (where, line))
            print(result.stdout)
    elapsed = time.monotonic() - start
    if skipped_eigen:
        print('skipped %d cpp-eigen block(s): Eigen not found (pkg-config eigen3)' % skipped_eigen)
    print('%d translation unit(s) in %.1f s (%d in parallel)' % (len(units), elapsed, workers))
    if failed:
        print('FAILED: ' + ', '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
