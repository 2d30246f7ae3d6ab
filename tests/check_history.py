#!/usr/bin/env python3
"""Runs an example with `--history FILE` and checks that it prints exactly the expected output
(the option must not change the transcript) and writes exactly the expected CSV history.

Usage: check_history.py PROGRAM EXPECTED_STDOUT EXPECTED_CSV
"""
import os
import subprocess
import sys
import tempfile

program, expected_stdout, expected_csv = sys.argv[1:4]
with tempfile.TemporaryDirectory() as directory:
    csv_path = os.path.join(directory, 'history.csv')
    stdout = subprocess.run([program, '--history', csv_path], check=True,
                            stdout=subprocess.PIPE).stdout
    with open(csv_path, 'rb') as f:
        csv = f.read()
failed = False
for actual, path, what in ((stdout, expected_stdout, 'stdout'), (csv, expected_csv, 'history')):
    with open(path, 'rb') as f:
        expected = f.read()
    if actual != expected:
        failed = True
        sys.stdout.write('%s differs from %s\n--- expected\n%s--- actual\n%s' %
                         (what, path, expected.decode(errors='replace'),
                          actual.decode(errors='replace')))
if failed:
    sys.exit(1)
print('stdout and history match')
