#!/usr/bin/env python3
"""Measures the run-time targets of issue 7 (shaped models) and writes them to docs/performance.md.

Each build directory (configured with -Dbenchmarks=enabled, e.g. one native and one with
-Dbench_march=x86-64-v3) runs its own ctgrad_bench once over every case the targets need,
repetitions randomly interleaved; every ratio is taken within one build's run, from medians of
the CPU time of one step. The section between the `BEGIN shaped` and `END shaped` markers of the
output file is replaced (or printed, with --no-write).

    python3 bench/shaped_report.py --build native=build-bench --build avx2=build-bench-avx2
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"
BEGIN = "<!-- BEGIN shaped: written by bench/shaped_report.py, do not edit by hand -->"
END = "<!-- END shaped -->"

FILTER = (
    "^(ctgrad|hand_scalar|hand_vector)/(wx|wxb|logistic8)/|"
    "^(ctgrad|hand_scalar|hand_vector|eigen_autodiff|ceres_jet)/logistic64/|"
    "^(ctgrad|hand_scalar|hand_vector|libtorch)/network/"
)
TYPES = ("float", "double")


def run(binary, repetitions, min_time, workdir, label):
    out = Path(workdir) / (label + ".json")
    cmd = [
        str(binary),
        "--benchmark_filter=" + FILTER,
        f"--benchmark_repetitions={repetitions}",
        f"--benchmark_min_time={min_time}",
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_out=" + str(out),
        "--benchmark_out_format=json",
    ]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=workdir)
    return json.loads(out.read_text())


def medians(results):
    """{case: median CPU seconds of one step} over the repetitions; errors stop the report."""
    times = {}
    for b in results["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        if b.get("error_occurred"):
            sys.exit(f"shaped_report: {b['name']}: {b.get('error_message')}")
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        times.setdefault(b["run_name"], []).append(b["cpu_time"] * scale)
    return {name: median(v) for name, v in times.items()}


def fmt_time(s):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def targets(t):
    """(label, measured ratio, limit, at_most) for every target of issue 7 this run can check."""
    rows = []

    def add(label, a, b, limit, at_most=True):
        if a in t and b in t:
            rows.append((label, t[a] / t[b] if at_most else t[b] / t[a], limit, at_most))

    for model in ("wx", "wxb"):
        for typ in TYPES:
            for n in ("1024", "1000000"):
                add(f"{model}, {typ}, N = {int(n):,}: ctgrad / vectorized hand loop",
                    f"ctgrad/{model}/{typ}/{n}", f"hand_vector/{model}/{typ}/{n}", 1.10)
    for typ in TYPES:
        faster = min(("hand_vector", "hand_scalar"),
                     key=lambda s: t.get(f"{s}/wx/{typ}/4", float("inf")))
        add(f"wx, {typ}, N = 4: ctgrad / faster hand loop", f"ctgrad/wx/{typ}/4",
            f"{faster}/wx/{typ}/4", 1.10)
    for typ in TYPES:
        for n in ("4", "1024", "1000000"):
            add(f"logistic8, {typ}, N = {int(n):,}: ctgrad / -ffast-math hand loop",
                f"ctgrad/logistic8/{typ}/{n}", f"hand_vector/logistic8/{typ}/{n}", 1.25)
    for typ in TYPES:
        for peer, name in (("eigen_autodiff", "Eigen AutoDiffScalar"), ("ceres_jet", "Ceres Jet")):
            add(f"logistic64, {typ}: {name} / ctgrad", f"ctgrad/logistic64/{typ}/1024",
                f"{peer}/logistic64/{typ}/1024", 10.0, at_most=False)
        add(f"logistic64, {typ}: ctgrad / -ffast-math hand loop", f"ctgrad/logistic64/{typ}/1024",
            f"hand_vector/logistic64/{typ}/1024", 1.5)
    for typ in TYPES:
        add(f"network, {typ}: LibTorch / ctgrad", f"ctgrad/network/{typ}/1024",
            f"libtorch/network/{typ}/1024", 20.0, at_most=False)
        add(f"network, {typ}: ctgrad / -ffast-math hand backprop", f"ctgrad/network/{typ}/1024",
            f"hand_vector/network/{typ}/1024", 1.5)
    return rows


def times_table(t):
    systems = ["ctgrad", "hand_scalar", "hand_vector", "eigen_autodiff", "ceres_jet", "libtorch"]
    cases = sorted({name.split("/", 1)[1] for name in t},
                   key=lambda c: (["wx", "wxb", "logistic8", "logistic64", "network"].index(
                       c.split("/")[0]), c.split("/")[1], int(c.split("/")[2])))
    present = [s for s in systems if any(name.startswith(s + "/") for name in t)]
    lines = ["| case | " + " | ".join(present) + " |", "|---|" + "---:|" * len(present)]
    for c in cases:
        cells = [fmt_time(t[f"{s}/{c}"]) if f"{s}/{c}" in t else "" for s in present]
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    return lines


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def march_of(build):
    try:
        options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", str(build)],
                                            check=True, capture_output=True, text=True).stdout)
        return next(o["value"] for o in options if o["name"] == "bench_march")
    except (subprocess.CalledProcessError, StopIteration, FileNotFoundError):
        return "?"


def commit():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"],
                              check=True, capture_output=True, text=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "unknown"


def section(runs, repetitions, min_time, started, load_before, load_after):
    lines = [
        BEGIN,
        "## Shaped models (issue 7): one run per build",
        "",
        f"Measured {started} by `bench/shaped_report.py`: every build's `ctgrad_bench` runs once "
        f"over the cases below, {repetitions} repetitions of at least {min_time} s, randomly "
        "interleaved; each figure is the median of the CPU time of one step, and every ratio is "
        "taken within one build's run. ctgrad at commit " + commit() + f"; {cpu_model()}, "
        f"{os.cpu_count()} logical CPUs. Load average (1 min) before: {load_before:.2f}, after: "
        f"{load_after:.2f}.",
        "",
        "To reproduce (Debian 12; `apt-get install -y libbenchmark-dev libeigen3-dev libceres-dev "
        "libtorch-dev`):",
        "",
        "```sh",
        "meson setup build-bench -Dbenchmarks=enabled -Dbuildtype=release -Dtests=disabled",
        "meson setup build-bench-avx2 -Dbenchmarks=enabled -Dbuildtype=release -Dtests=disabled "
        "-Dbench_march=x86-64-v3",
        "meson compile -C build-bench bench/ctgrad_bench && meson compile -C build-bench-avx2 "
        "bench/ctgrad_bench",
        "python3 bench/shaped_report.py --build native=build-bench --build avx2=build-bench-avx2",
        "```",
        "",
        "### Targets",
        "",
        "| target | required | " + " | ".join(f"{label} (`-march={march}`)"
                                               for label, march, _ in runs) + " |",
        "|---|---:|" + "---|" * len(runs),
    ]
    per_build = [dict((r[0], r) for r in targets(t)) for _, _, t in runs]
    for label in [r[0] for r in targets(runs[0][2])]:
        _, _, limit, at_most = per_build[0][label]
        cells = []
        for rows in per_build:
            if label not in rows:
                cells.append("not run")
                continue
            value = rows[label][1]
            met = value <= limit if at_most else value >= limit
            cells.append(f"{value:.2f}x " + ("met" if met else "**missed**"))
        required = ("<= " if at_most else ">= ") + f"{limit:.2f}x"
        lines.append(f"| {label} | {required} | " + " | ".join(cells) + " |")
    for label, march, t in runs:
        lines += ["", f"### Times, {label} build (`-march={march}`)", ""] + times_table(t)
    lines.append(END)
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="append", required=True, metavar="LABEL=DIR",
                        help="a benchmark build directory and its label; repeat for each build")
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.1)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--no-write", action="store_true", help="print the section instead")
    args = parser.parse_args()

    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()[0]
    runs = []
    with tempfile.TemporaryDirectory() as workdir:
        for spec in args.build:
            label, _, build = spec.partition("=")
            binary = Path(build) / "bench" / "ctgrad_bench"
            if not binary.exists():
                sys.exit(f"shaped_report: {binary} not found; run meson compile -C {build} first")
            times = medians(run(binary, args.repetitions, args.min_time, workdir, label))
            runs.append((label, march_of(build), times))
    text = section(runs, args.repetitions, args.min_time, started, load_before,
                   os.getloadavg()[0])
    if args.no_write:
        print(text)
        return
    doc = args.output.read_text()
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END) + 1:]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    args.output.write_text(doc)
    print(f"shaped_report: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
