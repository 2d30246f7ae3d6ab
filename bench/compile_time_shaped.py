#!/usr/bin/env python3
"""Compile time of the shaped-model cases of issue 7 (docs/performance.md, "Compile time of the
shaped models"): user CPU seconds and peak memory of `CXX -std=c++20 -O2 -ffp-contract=off -c`.

    python3 bench/compile_time_shaped.py [--cxx g++] [--cases chain_50 features_64 ...]

Each case is a generated file that includes ctgrad, binds its data and trains for 10 epochs:
linear_K / logistic_K (K scalar parameters, one data column each, and a bias), features_F (one
param<"w", F> and data<"x", F>, logistic), chain_D (e = tanh(w * e + b) nested D times); seed
and network are docs/examples/linear_regression.cpp and neural_network.cpp.
Python 3 standard library only; /usr/bin/time gives the figures.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = '#include <ctgrad.hpp>\n#include <array>\n#include <vector>\nusing namespace ctgrad::literals;\n'


def scalar_case(k, logistic):
    s = HEADER
    for i in range(k):
        s += f'constexpr ctgrad::param<"w{i}"> w{i};\nconstexpr ctgrad::data<"x{i}"> x{i};\n'
    s += 'constexpr ctgrad::param<"b"> b;\nconstexpr ctgrad::data<"y"> y;\n'
    z = ' + '.join(f'w{i} * x{i}' for i in range(k)) + ' + b'
    loss = f'mean(log(1_c + exp({z})) - y * ({z}))' if logistic else f'mean(square(y - ({z})))'
    binds = ', '.join(f'x{i} = X[{i}]' for i in range(k))
    weights = ', '.join(f'w{i} = 0.1' for i in range(k))
    return s + (f'double run(const std::vector<std::vector<double>>& X, const std::vector<double>& Y) {{\n'
                f'  constexpr auto loss = {loss};\n'
                f'  auto p = ctgrad::parameters({weights}, b = 0.0);\n'
                f'  auto d = ctgrad::dataset({binds}, y = Y);\n'
                f'  return ctgrad::train(loss, p, d, ctgrad::sgd{{0.1}}, 10);\n}}\n')


def features_case(f):
    return HEADER + f'''constexpr ctgrad::param<"w", {f}> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", {f}> x;
constexpr ctgrad::data<"y"> y;
double run(const std::vector<double>& X, const std::vector<double>& Y) {{
  constexpr auto z = dot(w, x) + b;
  constexpr auto loss = mean(log(1_c + exp(z)) - y * z);
  auto p = ctgrad::parameters(w = std::array<double, {f}>{{}}, b = 0.0);
  auto d = ctgrad::dataset(x = ctgrad::columns<{f}>(X.data(), Y.size()), y = Y);
  return ctgrad::train(loss, p, d, ctgrad::sgd{{0.1}}, 10);
}}
'''


def chain_case(depth):
    e = 'x'
    for _ in range(depth):
        e = f'tanh(w * {e} + b)'
    return HEADER + f'''constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
double run(const std::vector<double>& X, const std::vector<double>& Y) {{
  constexpr auto loss = mean(square(y - {e}));
  auto p = ctgrad::parameters(w = 0.5, b = 0.1);
  auto d = ctgrad::dataset(x = X, y = Y);
  return ctgrad::train(loss, p, d, ctgrad::sgd{{0.1}}, 10);
}}
'''


def cases():
    out = {'seed': (ROOT / 'docs' / 'examples' / 'linear_regression.cpp').read_text(),
           'network': (ROOT / 'docs' / 'examples' / 'neural_network.cpp').read_text()}
    for k in (1, 8, 16, 32):
        out[f'linear_{k}'] = scalar_case(k, False)
        out[f'logistic_{k}'] = scalar_case(k, True)
    for f in (8, 64, 512):
        out[f'features_{f}'] = features_case(f)
    for d in (20, 30, 50):
        out[f'chain_{d}'] = chain_case(d)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cxx', default='g++')
    parser.add_argument('--cases', nargs='*', help='a subset of the cases, by name')
    args = parser.parse_args()
    all_cases = cases()
    names = args.cases or list(all_cases)
    with tempfile.TemporaryDirectory() as tmp:
        print('| case | user CPU | peak memory |')
        print('|---|---:|---:|')
        for name in names:
            source = Path(tmp) / f'{name}.cpp'
            source.write_text(all_cases[name])
            command = ['/usr/bin/time', '-f', '%U %M', args.cxx, '-std=c++20', '-O2',
                       '-ffp-contract=off', '-I' + str(ROOT / 'include'),
                       '-I' + str(ROOT / 'docs' / 'examples'), '-c', str(source),
                       '-o', str(Path(tmp) / f'{name}.o')]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                print(f'| {name} | failed | |')
                sys.stderr.write(result.stderr[-2000:])
                continue
            user, kib = result.stderr.strip().splitlines()[-1].split()
            print(f'| {name} | {float(user):.2f} s | {int(kib) // 1024} MiB |')


if __name__ == '__main__':
    main()
