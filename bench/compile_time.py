#!/usr/bin/env python3
"""Compile-time benchmarks: wall time, CPU time and peak memory of `g++ -std=c++20 -O2 -c`.

    python3 bench/compile_time.py                 # 5 runs each, writes docs/performance.md
    python3 bench/compile_time.py --runs 1 --no-write

Cases: a file that only includes <boost/hana.hpp> (the baseline), the seed program
(docs/examples/linear_regression.cpp), and models generated here into a temporary directory:
value_and_grad of a least-squares loss over a sum of 2, 4, 8 and 16 terms, each with its own
parameter and data column, and the second derivatives (the Hessian) of the two-parameter loss.
Each case is compiled --runs times, the runs of all cases interleaved; the medians are reported
as ratios to the Hana-only file. Peak memory is /usr/bin/time's maximum resident set size (of
cc1plus). Python 3 standard library only.
"""

import argparse
import datetime
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"
BEGIN = "<!-- BEGIN compile-time: written by bench/compile_time.py, do not edit by hand -->"
END = "<!-- END compile-time -->"
NEW_FILE = "# Performance\n\nMeasured by the scripts in `bench/`; see the sections below for how to reproduce.\n"

HANA_ONLY = """\
#include <boost/hana.hpp>

int main() { return 0; }
"""


def sum_of_terms(k):
    """value_and_grad of mean(square(y - (p1 * x1 + ... + pk * xk))) with respect to all k."""
    params = [f"p{i}" for i in range(1, k + 1)]
    columns = [f"x{i}" for i in range(1, k + 1)]
    lines = ["#include <ctgrad.hpp>", "", "#include <vector>", "", "int main() {"]
    lines += [f'  constexpr ctgrad::param<"{p}"> {p};' for p in params]
    lines += [f'  constexpr ctgrad::data<"{x}"> {x};' for x in columns]
    lines.append('  constexpr ctgrad::data<"y"> y;')
    model = " + ".join(f"{p} * {x}" for p, x in zip(params, columns))
    lines.append(f"  constexpr auto loss = mean(square(y - ({model})));")
    lines += [f"  const std::vector<double> {x.upper()}(16, {i}.0);" for i, x in enumerate(columns, 1)]
    lines.append("  const std::vector<double> Y(16, 1.0);")
    bindings = ", ".join([f"{p} = 0.5" for p in params] + [f"{x} = {x.upper()}" for x in columns] + ["y = Y"])
    lines.append(f"  const auto r = ctgrad::value_and_grad(loss, wrt({', '.join(params)}), {bindings});")
    lines.append(f"  return r.value > 0 && r.grad[{params[-1]}] != 0 ? 0 : 1;")
    lines.append("}")
    return "\n".join(lines) + "\n"


SECOND_DERIVATIVE = """\
#include <ctgrad.hpp>

#include <vector>

int main() {
  constexpr ctgrad::param<"w"> w;
  constexpr ctgrad::param<"b"> b;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  constexpr auto loss = mean(square(y - (w * x + b)));
  // The Hessian of the loss: three second derivatives, each a new expression.
  constexpr auto dww = d(d(loss, w), w);
  constexpr auto dwb = d(d(loss, w), b);
  constexpr auto dbb = d(d(loss, b), b);
  const std::vector<double> X{1.0, 2.0, 3.0, 4.0};
  const std::vector<double> Y{2.0, 4.0, 6.0, 8.0};
  const double hww = ctgrad::evaluate(dww, w = 0.5, b = 0.25, x = X, y = Y);
  const double hwb = ctgrad::evaluate(dwb, w = 0.5, b = 0.25, x = X, y = Y);
  const double hbb = ctgrad::evaluate(dbb, w = 0.5, b = 0.25, x = X, y = Y);
  return hww > 0 && hbb > 0 && hwb > 0 ? 0 : 1;
}
"""


def cases(workdir):
    """(label, source path) in report order; the first is the baseline."""
    out = []

    def write(name, text):
        path = Path(workdir) / name
        path.write_text(text)
        return path

    out.append(("`#include <boost/hana.hpp>` only", write("hana_only.cpp", HANA_ONLY)))
    out.append(("seed program (docs/examples/linear_regression.cpp)",
                ROOT / "docs" / "examples" / "linear_regression.cpp"))
    for k in (2, 4, 8, 16):
        out.append((f"value_and_grad, sum of {k} terms, {k} parameters",
                    write(f"sum_of_{k}_terms.cpp", sum_of_terms(k))))
    out.append(("second derivatives (Hessian of w*x + b), evaluated",
                write("second_derivative.cpp", SECOND_DERIVATIVE)))
    return out


def compile_once(cxx, flags, source):
    """(wall seconds, CPU seconds, peak RSS in KiB) of one compilation."""
    time_bin = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile(suffix=".o") as obj, tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        cmd = [time_bin, "-o", report.name, "-f", "%e %U %S %M", cxx] + flags + ["-c", str(source), "-o", obj.name]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"compilation failed: {shlex.join(cmd)}\n{proc.stderr}")
        fields = report.read().split()
        user, system, rss = float(fields[-3]), float(fields[-2]), int(fields[-1])
    return wall, user + system, rss


def fmt_ratio(r):
    return f"{r:.2f}x"


def replace_section(path, body):
    text = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{body.rstrip()}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        if not text:
            text = NEW_FILE
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cxx", default=os.environ.get("CXX", "g++"), help="the compiler (default $CXX or g++)")
    parser.add_argument("--runs", type=int, default=5, help="compilations of each case (default 5)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the markdown file to update")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    parser.add_argument("--keep", type=Path, help="also write the generated sources into this directory")
    args = parser.parse_args()

    flags = ["-std=c++20", "-O2", f"-I{ROOT / 'include'}"]
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ctgrad-compile-time-") as work:
        todo = cases(work)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for _, source in todo:
                if Path(source).parent == Path(work):
                    shutil.copy(source, args.keep / Path(source).name)
        results = {label: [] for label, _ in todo}
        for run in range(args.runs):  # interleaved, so that slow drift affects every case alike
            for label, source in todo:
                results[label].append(compile_once(args.cxx, flags, source))
                print(f"run {run + 1}/{args.runs}: {label}: {results[label][-1][0]:.2f} s", file=sys.stderr)
    load_after = os.getloadavg()

    medians = {label: tuple(statistics.median(r[i] for r in runs) for i in range(3))
               for label, runs in results.items()}
    base = medians[todo[0][0]]
    version = subprocess.run([args.cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]

    out = ["## Compile time\n"]
    out.append(f"Measured {started:%Y-%m-%d %H:%M} UTC by `bench/compile_time.py`: "
               f"`{args.cxx} {' '.join(flags[:2])} -I include -c FILE` ({version}), "
               f"{args.runs} compilations of each case, interleaved; medians. CPU time is user + system "
               "time, which a busy machine disturbs less than wall time; peak memory is the maximum "
               "resident set size of the compiler. Ratios are to the file that only includes "
               "`<boost/hana.hpp>`.\n")
    out.append("To reproduce: `python3 bench/compile_time.py` (add `--keep DIR` to see the generated sources).\n")
    out.append("| file | wall | CPU | peak memory | wall ratio | CPU ratio | memory ratio |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for label, _ in todo:
        wall, cpu, rss = medians[label]
        out.append(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {rss / 1024:.0f} MiB | "
                   f"{fmt_ratio(wall / base[0])} | {fmt_ratio(cpu / base[1])} | {fmt_ratio(rss / base[2])} |")
    seed = medians[todo[1][0]]
    cpu_ratio, wall_ratio = seed[1] / base[1], seed[0] / base[0]
    verdict = "met" if cpu_ratio <= 2.0 else "**missed**"
    out.append("")
    out.append(f"Target (issue 4): the seed program compiles in at most 2x the time of the Hana-only file: "
               f"{fmt_ratio(cpu_ratio)} in CPU time ({fmt_ratio(wall_ratio)} wall), {verdict}.")
    out.append(f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
               f"after: {', '.join(f'{x:.2f}' for x in load_after)}.")
    body = "\n".join(out) + "\n"

    if args.no_write:
        print(body)
    else:
        replace_section(args.output, body)
        print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
