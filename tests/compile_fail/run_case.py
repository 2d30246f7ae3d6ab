#!/usr/bin/env python3
"""Runs one compile-fail case: see README.md in this folder.

    run_case.py [--compiler-id ID] CASE.cpp -- COMPILER [ARGS...]

COMPILER and ARGS are the compiler command and flags (standard, include directories); this
script adds -fsyntax-only, the case file and, for the offending variant, -DCTGRAD_COMPILE_FAIL.

The case passes when
  1. the twin (the file without CTGRAD_COMPILE_FAIL) compiles,
  2. the file with -DCTGRAD_COMPILE_FAIL does not,
  3. the first line of the compiler's output that contains "error" contains "ctgrad:",
  4. the output contains the text of the `// expect:` line, and the `// expect-name:` text if any.

A `// only: ID: reason` line restricts the case to the compiler whose meson id is ID: on another
compiler it is reported as skipped (exit 77) without compiling. A `// expect-errors: N` line
requires exactly N error lines (notes and "N errors generated" do not count), for misuses whose
fix was to make the ctgrad: line the only error.

A `// known-bad: ID: reason` line marks a library diagnostic known to fail check 3 on the
compiler whose meson id is ID (gcc, clang): there the case is reported as skipped (exit 77) as
long as everything else holds, and fails once check 3 passes, so that the stale marker is removed.
"""
import os
import re
import subprocess
import sys

SKIP = 77
TIMEOUT = 300  # seconds per compilation; a case takes about one
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
ERROR_LINE = re.compile(r'\berror\b')
ERROR_COUNTED = re.compile(r'(^|: )(fatal )?error: ')  # "file:line:col: error: ...", not notes


def fail(message, output=None):
    print('FAIL: ' + message)
    if output is not None:
        print('--- compiler output')
        print(output.rstrip('\n'))
    sys.exit(1)


def parse_case(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    m = re.match(r'^// expect: (\S.*?)\s*$', lines[0] if lines else '')
    if not m:
        fail(path + ': the first line must be "// expect: ctgrad: <message>"')
    expect = m.group(1)
    if 'ctgrad:' not in expect:
        fail(path + ': the expected message must contain "ctgrad:"')
    name = None
    if len(lines) > 1:
        m = re.match(r'^// expect-name: (\S.*?)\s*$', lines[1])
        if m:
            name = m.group(1)
    known_bad = {}
    only = None
    errors = None
    for line in lines:
        if not line.startswith('//'):
            break  # only the leading comment block
        m = re.match(r'^// known-bad: (\w+): (.*)$', line)
        if m:
            known_bad[m.group(1)] = m.group(2)
        m = re.match(r'^// only: (\w+): (.*)$', line)
        if m:
            only = (m.group(1), m.group(2))
        m = re.match(r'^// expect-errors: (\d+)$', line)
        if m:
            errors = int(m.group(1))
    text = '\n'.join(lines)
    if not re.search(r'^#ifdef CTGRAD_COMPILE_FAIL$', text, re.M) or not re.search(r'^#else\b', text, re.M):
        fail(path + ': the offending line must be under "#ifdef CTGRAD_COMPILE_FAIL" and its '
             'correct twin under "#else"')
    if not re.search(r'^#include <ctgrad.hpp>', text, re.M):
        fail(path + ': a case includes <ctgrad.hpp>')
    return expect, name, known_bad, only, errors


def compile_case(command, path, offending):
    args = list(command) + ['-fsyntax-only']
    if offending:
        args.append('-DCTGRAD_COMPILE_FAIL')
    args.append(path)
    env = dict(os.environ, LC_ALL='C', LANG='C', LANGUAGE='C')  # untranslated, ASCII quotes
    print('$ ' + ' '.join(args))
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=TIMEOUT)
    except FileNotFoundError as e:
        fail('cannot run the compiler: ' + str(e))
    except subprocess.TimeoutExpired as e:
        out = e.output.decode('utf-8', errors='replace') if e.output else ''
        fail('the compiler took longer than %d s' % TIMEOUT, out)
    return p.returncode, ANSI.sub('', p.stdout.decode('utf-8', errors='replace'))


def main(argv):
    compiler_id = None
    if len(argv) >= 2 and argv[0] == '--compiler-id':
        compiler_id, argv = argv[1], argv[2:]
    if len(argv) < 3 or argv[1] != '--':
        print(__doc__)
        return 2
    path, command = argv[0], argv[2:]
    expect, name, known_bad, only, errors = parse_case(path)
    if only is not None and compiler_id != only[0]:
        print('SKIP (%s only: %s)' % only)
        return SKIP

    code, out = compile_case(command, path, offending=False)
    if code != 0:
        fail('the twin does not compile, so the case proves nothing', out)

    code, out = compile_case(command, path, offending=True)
    if code == 0:
        fail('the offending line compiles (-DCTGRAD_COMPILE_FAIL): the misuse is not rejected', out)

    # clang writes the message as a string literal, with its quotes escaped.
    plain = out.replace('\\"', '"')
    first = next((line for line in out.splitlines() if ERROR_LINE.search(line)), None)
    if first is None:
        fail('the compilation failed without any line containing "error"', out)
    if 'internal compiler error' in out:
        fail('the compiler crashed', out)
    first_ok = 'ctgrad:' in first
    if not first_ok and compiler_id not in known_bad:
        fail('the first error is not a ctgrad: message: ' + first.strip(), out)
    if expect not in plain:
        fail('the output does not contain the expected message "%s"' % expect, out)
    if name is not None and name not in plain:
        fail('the output does not name the variable: "%s" is missing' % name, out)
    if errors is not None:
        count = sum(1 for line in out.splitlines() if ERROR_COUNTED.search(line))
        if count != errors:
            fail('%d error lines, where the case expects %d' % (count, errors), out)

    if compiler_id in known_bad:
        if first_ok:
            fail('the case is marked "known-bad: %s" but the first error now begins with ctgrad:; '
                 'remove the marker from %s' % (compiler_id, path), out)
        print(out.rstrip('\n'))
        print('SKIP (known library diagnostic bug on %s: %s)' % (compiler_id, known_bad[compiler_id]))
        print('first error line: ' + first.strip())
        return SKIP

    print('first error line: ' + first.strip())
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
