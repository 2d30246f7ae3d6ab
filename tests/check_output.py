#!/usr/bin/env python3
"""Runs a program and compares what it prints with an expected-output file, byte for byte."""
import subprocess
import sys

program, expected_path = sys.argv[1], sys.argv[2]
actual = subprocess.run([program], check=True, stdout=subprocess.PIPE).stdout
with open(expected_path, 'rb') as f:
    expected = f.read()
if actual != expected:
    sys.stdout.write('output differs from ' + expected_path + '\n--- expected\n')
    sys.stdout.write(expected.decode(errors='replace'))
    sys.stdout.write('--- actual\n')
    sys.stdout.write(actual.decode(errors='replace'))
    sys.exit(1)
print('output matches ' + expected_path)
