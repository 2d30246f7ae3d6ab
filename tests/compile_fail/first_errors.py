#!/usr/bin/env python3
"""Prints the README's table: each case's misuse and the first error line that each compiler
prints for it, without file paths. Not a test; run it by hand after a diagnostic changes:

    tests/compile_fail/first_errors.py [-I include] [g++ clang++]
"""
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOCATION = re.compile(r'^.*?:\d+:\d+: ')


def only(path):
    """The compiler id of a case's `// only: ID: reason` line, or None."""
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'^// only: (\w+): ', line)
            if m:
                return m.group(1)
    return None


def first_error(compiler, include, path):
    restricted = only(path)
    if restricted is not None and restricted not in compiler:
        return '(%s only)' % restricted
    args = [compiler, '-std=c++20', '-I' + include, '-fsyntax-only', '-DCTGRAD_COMPILE_FAIL', path]
    if os.path.basename(path).startswith('eigen_'):  # the <ctgrad/eigen.hpp> cases
        args.insert(3, '-I/usr/include/eigen3')  # Debian's libeigen3-dev
    env = dict(os.environ, LC_ALL='C', LANG='C', LANGUAGE='C')
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env).stdout
    for line in out.decode('utf-8', errors='replace').splitlines():
        if re.search(r'\berror\b', line):
            return LOCATION.sub('', line.strip())
    return '(no error)'


def misuse(path):
    text = []  # the "// Misuse:" comment, with its continuation lines
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('// Misuse: '):
                text.append(line[len('// Misuse: '):].strip())
            elif text and line.startswith('// '):
                text.append(line[3:].strip())
            elif text:
                break
    return ' '.join(text)


def main(argv):
    include = os.path.join(HERE, '..', '..', 'include')
    if len(argv) >= 2 and argv[0] == '-I':
        include, argv = argv[1], argv[2:]
    compilers = argv or ['g++', 'clang++']
    print('| case | misuse | ' + ' | '.join('first error, ' + c for c in compilers) + ' |')
    print('|---|---|' + '---|' * len(compilers))
    for path in sorted(glob.glob(os.path.join(HERE, '*.cpp'))):
        cells = [first_error(c, include, path).replace('|', '\\|') for c in compilers]
        name = os.path.splitext(os.path.basename(path))[0]
        print('| `%s` | %s | ' % (name, misuse(path)) + ' | '.join('`%s`' % c for c in cells) + ' |')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
