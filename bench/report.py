#!/usr/bin/env python3
"""Runs the runtime benchmarks and writes their section of docs/performance.md.

    python3 bench/report.py build-bench

runs build-bench/bench/ctgrad_bench twice (everything, with random interleaving of the
repetitions; then LibTorch alone with glibc's malloc tuned), takes the median of the repetitions
of every case, and writes tables of times and ratios to the vectorized hand loop, the issue's
target checks, and the machine, compilers and flags. Python 3 standard library only.

Times are CPU time of the benchmark thread (robust on a shared machine: time spent descheduled
does not count), except for the multi-threaded cases, which are wall-clock time.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"
BEGIN = "<!-- BEGIN runtime: written by bench/report.py, do not edit by hand -->"
END = "<!-- END runtime -->"

TUNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "4294967295"}

# Display order and labels. "libtorch_tuned" is the second run (tuned malloc).
SYSTEMS = [
    ("ctgrad", "ctgrad"),
    ("ctgrad_fma", "ctgrad, -ffp-contract=fast"),
    ("hand_scalar", "hand loop, scalar"),
    ("hand_vector", "hand loop, vectorized (-ffast-math)"),
    ("eigen_autodiff", "Eigen AutoDiffScalar"),
    ("ceres_jet", "Ceres Jet"),
    ("adolc", "ADOL-C (tape reused)"),
    ("libtorch", "LibTorch, default malloc"),
    ("libtorch_tuned", "LibTorch, tuned malloc"),
]
LABEL = dict(SYSTEMS)
MODELS = [("wx", "loss = mean((y - w*x)^2), gradient in w"),
          ("wxb", "loss = mean((y - (w*x + b))^2), gradient in w and b")]
TYPES = ["float", "double"]
SIZES = [4, 1024, 1000000]
THREAD_SIZE = 10000000

# The source files of each system, to report the flags they were compiled with.
SOURCES = {
    "ctgrad": ("ctgrad.cpp", "bench_ctgrad"),
    "ctgrad_fma": ("ctgrad.cpp", "bench_ctgrad_fma"),
    "ctgrad_threads": ("ctgrad_threads.cpp", "bench_ctgrad_threads"),
    "hand_scalar": ("hand_scalar.cpp", "bench_hand_scalar"),
    "hand_vector": ("hand_vector.cpp", "bench_hand_vector"),
    "eigen_autodiff": ("eigen_autodiff.cpp", "bench_eigen_autodiff"),
    "ceres_jet": ("ceres_jet.cpp", "bench_ceres_jet"),
    "adolc": ("adolc.cpp", "bench_adolc"),
    "libtorch": ("libtorch.cpp", "bench_libtorch"),
}


def run_benchmarks(binary, args, env_extra, label, workdir):
    """Runs the binary with JSON output into a file; returns the parsed JSON."""
    out = Path(workdir) / (label + ".json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.update(env_extra)
    cmd = [str(binary), "--benchmark_out=" + str(out), "--benchmark_out_format=json"] + args
    print("+", " ".join(f"{k}={v}" for k, v in env_extra.items()), shlex.join(cmd), flush=True)
    # The console output goes to stderr so that progress is visible; the JSON goes to the file.
    # The working directory is a scratch one: ADOL-C may write tape files there.
    subprocess.run(cmd, env=env, cwd=workdir, check=True, stdout=sys.stderr)
    return json.loads(out.read_text())


def collect(results, rename=None):
    """{name: {"times": [...], "error": str|None, "real_time": bool}} from Google Benchmark JSON."""
    cases = {}
    for row in results["benchmarks"]:
        if row.get("run_type", "iteration") != "iteration":
            continue  # aggregates: the medians are computed here
        name = row["run_name"]
        real = name.endswith("/real_time")
        if real:
            name = name[: -len("/real_time")]
        if rename:
            name = rename(name)
        case = cases.setdefault(name, {"times": [], "error": None, "real_time": real})
        if row.get("error_occurred"):
            case["error"] = row.get("error_message", "error")
            continue
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[row.get("time_unit", "ns")]
        case["times"].append(row["real_time" if real else "cpu_time"] * scale)
    return cases


def median_seconds(cases, name):
    case = cases.get(name)
    if not case or case["error"] or not case["times"]:
        return None
    return statistics.median(case["times"])


def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            digits = 3 if value < 10 else (1 if value < 100 else 0)
            return f"{value:.{digits}f} {unit}"
    return "n/a"


def fmt_ratio(r):
    if r is None:
        return ""
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def size_label(n):
    return f"{n:,}"


def cmd_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    info = {}
    for line in cmd_output(["lscpu"]).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    model = info.get("Model name", platform.processor() or "unknown")
    cpus = info.get("CPU(s)", str(os.cpu_count()))
    cores = info.get("Core(s) per socket", "?")
    threads = info.get("Thread(s) per core", "?")
    caches = ", ".join(f"{k.split()[0]} {info[k]}" for k in ("L1d cache", "L2 cache", "L3 cache")
                       if k in info)
    hyper = info.get("Hypervisor vendor")
    text = f"{model}, {cpus} logical CPUs ({cores} cores per socket, {threads} thread(s) per core)"
    if caches:
        text += f"; caches: {caches}"
    if hyper:
        text += f"; virtual machine ({hyper})"
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return text + (f", {mem}" if mem else "") + f"; {platform.system()} {platform.release()}"


def header_version(path, names):
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    parts = []
    for name in names:
        m = re.search(r"#define\s+" + name + r"\s+(\d+)", text)
        if not m:
            return None
        parts.append(m.group(1))
    return ".".join(parts)


def compile_commands(build):
    try:
        entries = json.loads((Path(build) / "compile_commands.json").read_text())
    except (OSError, ValueError):
        return {}
    found = {}
    for system, (source, target) in SOURCES.items():
        for e in entries:
            if e["file"].endswith("bench/" + source) and (target + ".a.p") in e.get("output", e["command"]):
                found[system] = e["command"]
    return found


def relevant_flags(command):
    """The flags that matter for code generation, in command-line order."""
    keep = []
    for arg in shlex.split(command):
        if re.match(r"^(-O\S*|-march=\S+|-mtune=\S+|-ffp-contract=\S+|-ffast-math|-fno-fast-math|"
                    r"-std=\S+|-fPIC|-DNDEBUG|-funroll\S*|-m\S+)$", arg):
            keep.append(arg)
    return " ".join(keep)


def compiler_version(commands):
    cmd = next(iter(commands.values()), "c++ x").split()[0]
    first = cmd_output([cmd, "--version"]).splitlines()
    return f"`{cmd}`: {first[0]}" if first else cmd


def versions(build):
    out = {}
    text = cmd_output(["meson", "introspect", str(build), "--dependencies"])
    try:
        for dep in json.loads(text):
            out[dep["name"]] = dep.get("version")
    except ValueError:
        pass
    torch = header_version("/usr/include/torch/csrc/api/include/torch/version.h",
                           ["TORCH_VERSION_MAJOR", "TORCH_VERSION_MINOR", "TORCH_VERSION_PATCH"])
    if torch:
        out["libtorch"] = torch
    ceres = header_version("/usr/include/ceres/version.h",
                           ["CERES_VERSION_MAJOR", "CERES_VERSION_MINOR", "CERES_VERSION_REVISION"])
    if ceres:
        out["ceres"] = ceres
    return out


def source_state():
    """The commit measured, and whether the library's headers differ from it."""
    head = cmd_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip()
    if not head:
        return "not a git checkout"
    subject = cmd_output(["git", "-C", str(ROOT), "log", "-1", "--format=%s"]).strip()
    dirty = cmd_output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "include"]).strip()
    text = f"commit `{head}` ({subject})"
    return text + (", with uncommitted changes under include/" if dirty else "")


def table(cases, model, typ):
    """One markdown table: systems x sizes, time and ratio to the vectorized hand loop."""
    def t(system, n):
        return median_seconds(cases, f"{system}/{model}/{typ}/{n}")

    vec = {n: t("hand_vector", n) for n in SIZES}
    scal4 = t("hand_scalar", 4)
    best4 = min((x for x in (vec[4], scal4) if x is not None), default=None)
    lines = ["| system | N = 4 | vs vec. | vs faster hand | N = 1,024 | vs vec. | N = 1,000,000 | vs vec. |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for system, label in SYSTEMS:
        times = {n: t(system, n) for n in SIZES}
        if all(v is None for v in times.values()):
            errors = [cases[f"{system}/{model}/{typ}/{n}"]["error"] for n in SIZES
                      if f"{system}/{model}/{typ}/{n}" in cases]
            if any(errors):
                lines.append(f"| {label} | error: {next(e for e in errors if e)} | | | | | | |")
            continue
        cells = [label]
        for n in SIZES:
            cells.append(fmt_time(times[n]))
            cells.append(fmt_ratio(ratio(times[n], vec[n])))
            if n == 4:
                cells.append(fmt_ratio(ratio(times[n], best4)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check(label, value, limit, at_most):
    if value is None:
        return f"| {label} | n/a | {'<=' if at_most else '>='} {limit:g}x | not measured |"
    ok = value <= limit if at_most else value >= limit
    return f"| {label} | {fmt_ratio(value)} | {'<=' if at_most else '>='} {limit:g}x | {'met' if ok else '**missed**'} |"


def targets(cases):
    def t(system, model, typ, n):
        return median_seconds(cases, f"{system}/{model}/{typ}/{n}")

    rows = ["| target | measured | required | |", "|---|---:|---:|---|"]
    for system in ("ctgrad", "ctgrad_fma"):
        name = LABEL[system]
        for model, _ in MODELS:
            for typ in TYPES:
                for n in (1024, 1000000):
                    r = ratio(t(system, model, typ, n), t("hand_vector", model, typ, n))
                    rows.append(check(f"{name}, {model}, {typ}, N = {size_label(n)}: time / vectorized hand loop",
                                      r, 1.10, True))
                hands = [x for x in (t("hand_vector", model, typ, 4), t("hand_scalar", model, typ, 4)) if x]
                r = ratio(t(system, model, typ, 4), min(hands) if hands else None)
                rows.append(check(f"{name}, {model}, {typ}, N = 4: time / faster hand loop", r, 1.10, True))
    for model, _ in MODELS:
        for typ in TYPES:
            for n, need in ((1000000, 20), (4, 1000)):
                r = ratio(t("libtorch_tuned", model, typ, n), t("ctgrad", model, typ, n))
                rows.append(check(f"ctgrad, {model}, {typ}, N = {size_label(n)}: LibTorch (tuned malloc) / ctgrad",
                                  r, need, False))
    for model, _ in MODELS:
        for peer in ("eigen_autodiff", "ceres_jet"):
            r = ratio(t(peer, model, "float", 1000000), t("ctgrad", model, "float", 1000000))
            rows.append(check(f"ctgrad, {model}, float, N = 1,000,000: {LABEL[peer]} / ctgrad", r, 5, False))
    for model, _ in MODELS:
        for typ in TYPES:
            r = ratio(t("ctgrad_threads1", model, typ, THREAD_SIZE), t("ctgrad_threads2", model, typ, THREAD_SIZE))
            rows.append(check(f"ctgrad::thread_pool, {model}, {typ}, N = {size_label(THREAD_SIZE)}: 1 thread / 2 threads",
                              r, 1.7, False))
    return "\n".join(rows)


def threads_table(cases):
    lines = ["| model | type | 1 thread | 2 threads | speed-up |", "|---|---|---:|---:|---:|"]
    for model, _ in MODELS:
        for typ in TYPES:
            one = median_seconds(cases, f"ctgrad_threads1/{model}/{typ}/{THREAD_SIZE}")
            two = median_seconds(cases, f"ctgrad_threads2/{model}/{typ}/{THREAD_SIZE}")
            if one is None and two is None:
                continue
            lines.append(f"| {model} | {typ} | {fmt_time(one)} | {fmt_time(two)} | {fmt_ratio(ratio(one, two))} |")
    return "\n".join(lines)


def replace_section(path, begin, end, body, title_if_new):
    text = path.read_text() if path.exists() else ""
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        before = text[: text.index(begin)]
        after = text[text.index(end) + len(end):]
        text = before + block + after
    else:
        if not text:
            text = title_if_new
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


NEW_FILE = "# Performance\n\nMeasured by the scripts in `bench/`; see the sections below for how to reproduce.\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", help="the meson build directory (configured with -Dbenchmarks=enabled)")
    parser.add_argument("--repetitions", type=int, default=9, help="repetitions of every case (default 9)")
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="minimum seconds per repetition (default 0.2)")
    parser.add_argument("--filter", default="", help="only the cases matching this regex (no target checks then)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the markdown file to update")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    parser.add_argument("--from-json", nargs=2, metavar=("DEFAULT_RUN", "TUNED_RUN"),
                        help="build the report from two saved JSON files instead of running")
    parser.add_argument("--save-json", type=Path, help="keep the raw JSON of both runs in this directory")
    args = parser.parse_args()

    build = Path(args.build).resolve()
    binary = build / "bench" / "ctgrad_bench"
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()

    common = [f"--benchmark_repetitions={args.repetitions}", f"--benchmark_min_time={args.min_time}",
              "--benchmark_enable_random_interleaving=true"]
    with tempfile.TemporaryDirectory(prefix="ctgrad-bench-") as work:
        if args.from_json:
            first = json.loads(Path(args.from_json[0]).read_text())
            second = json.loads(Path(args.from_json[1]).read_text())
        else:
            if not binary.exists():
                sys.exit(f"{binary} not found: configure with -Dbenchmarks=enabled and build first")
            filt = [f"--benchmark_filter={args.filter}"] if args.filter else []
            first = run_benchmarks(binary, common + filt, {}, "default", work)
            second = {"benchmarks": []}
            if not args.filter or "torch" in args.filter:
                second = run_benchmarks(binary, common + ["--benchmark_filter=^libtorch/"], TUNED_MALLOC,
                                        "tuned_malloc", work)
            if args.save_json:
                args.save_json.mkdir(parents=True, exist_ok=True)
                (args.save_json / "default.json").write_text(json.dumps(first, indent=1))
                (args.save_json / "tuned_malloc.json").write_text(json.dumps(second, indent=1))

    cases = collect(first)
    cases.update(collect(second, rename=lambda name: name.replace("libtorch/", "libtorch_tuned/", 1)))
    load_after = os.getloadavg()
    finished = datetime.datetime.now(datetime.timezone.utc)

    commands = compile_commands(build)
    vers = versions(build)
    ctx = first.get("context", {})

    out = []
    out.append("## Run time: one loss-and-gradient step\n")
    out.append(f"Measured {started:%Y-%m-%d %H:%M} to {finished:%H:%M} UTC by `bench/report.py`, "
               f"{args.repetitions} repetitions of at least {args.min_time:g} s per case, randomly interleaved; "
               "each figure is the median over the repetitions of the **CPU time of one step** (the "
               "multi-threaded cases: wall-clock time). \"vs vec.\" is the ratio to the vectorized hand "
               "loop at the same N (below 1 is faster); \"vs faster hand\" is the ratio to the faster of the "
               "two hand loops at N = 4. ADOL-C computes in double only.\n")
    out.append("To reproduce (Debian 12 with `libbenchmark-dev`; the peers `libeigen3-dev libceres-dev "
               "libadolc-dev libtorch-dev` are optional):\n")
    out.append("```sh\nmeson setup build-bench -Dbenchmarks=enabled -Dbuildtype=release && "
               "meson compile -C build-bench && python3 bench/report.py build-bench && "
               "python3 bench/compile_time.py\n```\n")
    out.append("`meson test -C build-bench --benchmark` runs every benchmark once, briefly, without a report.\n")
    for model, desc in MODELS:
        for typ in TYPES:
            out.append(f"### {model}, {typ}: {desc}\n")
            out.append(table(cases, model, typ) + "\n")
    tt = threads_table(cases)
    if tt.count("\n") > 1:
        out.append(f"### ctgrad on a `ctgrad::thread_pool`, N = {size_label(THREAD_SIZE)} (wall-clock time)\n")
        out.append(tt + "\n")
    if not args.filter:
        out.append("### Targets (issue 4)\n")
        out.append(targets(cases) + "\n")

    errors = sorted((name, c["error"]) for name, c in cases.items() if c["error"])
    if errors:
        out.append("### Failed cases\n")
        out.extend(f"- `{name}`: {msg}" for name, msg in errors)
        out.append("")

    out.append("### Set-up\n")
    out.append(f"- ctgrad: {source_state()}.")
    out.append(f"- Machine: {machine()}.")
    out.append(f"- Load average (1, 5, 15 min) before the run: {', '.join(f'{x:.2f}' for x in load_before)}; "
               f"after: {', '.join(f'{x:.2f}' for x in load_after)}.")
    if ctx:
        out.append(f"- Google Benchmark {vers.get('benchmark', '?')}: {ctx.get('num_cpus', '?')} CPUs at "
                   f"{ctx.get('mhz_per_cpu', '?')} MHz, library built as {ctx.get('library_build_type', '?')} "
                   "(the library's own build type does not affect the timed code).")
    out.append(f"- Compiler: {compiler_version(commands)}.")
    peers = ", ".join(f"{name} {vers[key]}" for name, key in
                      (("Boost", "boost"), ("Eigen", "eigen3"), ("Ceres", "ceres"), ("ADOL-C", "adolc"),
                       ("LibTorch", "libtorch")) if vers.get(key))
    if peers:
        out.append(f"- Libraries: {peers}.")
    out.append("- Code-generation flags of each system's translation unit, in command-line order (the "
               "last of conflicting flags wins; `-ffp-contract=off` is the project's own):")
    for system, command in commands.items():
        out.append(f"  - {system}: `{relevant_flags(command)}`")
    out.append("- LibTorch runs on one thread (`torch::set_num_threads(1)`); \"tuned malloc\" is a second "
               "run of the same binary with `" + " ".join(f"{k}={v}" for k, v in TUNED_MALLOC.items()) + "`.")
    body = "\n".join(out)

    if args.no_write:
        print(body)
    else:
        replace_section(args.output, BEGIN, END, body, NEW_FILE)
        print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
