#!/usr/bin/python3
"""Probe the float32 formula of each ATen CPU op the optimizers use, one op at a time.

Run from the repository root:

    /usr/bin/python3 tests/reference/probe_kernels.py

The recorded optimizer data (check_formulas.py) tests whole update sequences on 4-element
tensors.  This script backs the op-level claims of pytorch_formulas.md that those sequences
cannot all isolate: for each op it feeds random float32 inputs, computes the candidate
formulas exactly (numpy float32 plus an exact fused multiply-add) and reports which candidate
reproduces every output bit.  Each op runs on 4 elements (ATen's scalar loop only) and on 1000
(mostly its SIMD loop), under the AVX2 kernels and under the default (non-AVX) kernels.

Exit status 0 when the formula pytorch_formulas.md states is the one that matches, everywhere.
"""

import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep tests/reference free of __pycache__
from check_formulas import fma32  # noqa: E402  (the exact single-rounding a*b+c)

F = np.float32
CAPABILITIES = ["avx2", "default"]


def probes(n):
    """(op, {candidate: float32 result}, torch result, expected candidate per capability)."""
    import torch

    rng = np.random.default_rng(20240601 + n)
    a = rng.standard_normal(n).astype(F)
    b = rng.standard_normal(n).astype(F)
    c = (np.abs(rng.standard_normal(n)) + 0.01).astype(F)  # positive: sqrt and divisors
    t = lambda x: torch.from_numpy(x.copy())  # noqa: E731
    s = 0.999  # a Python scalar that is not a float32 value
    fs = F(s)
    both = lambda name: {"avx2": name, "default": name}  # noqa: E731
    fused = lambda f, u: {"avx2": f, "default": u}  # noqa: E731
    yield ("mul(t, s)", t(a).mul(s),
           {"t*f32(s)": a * fs, "f32(t*(double)s)": (a.astype(np.float64) * s).astype(F)},
           both("t*f32(s)"))
    yield ("div(t, s)", t(a) / s,
           {"t/f32(s)": a / fs, "t*f32(1/s)": a * F(1 / s),
            "f32(t/(double)s)": (a.astype(np.float64) / s).astype(F)},
           both("t/f32(s)"))
    yield ("add(t, s) scalar", t(c).add(1e-8), {"t+f32(s)": c + F(1e-8)}, both("t+f32(s)"))
    yield ("add(t, u, alpha=s)", t(a).add(t(b), alpha=s),
           {"fma(f32(s),u,t)": fma32(fs, b, a), "t+f32(s)*u": a + fs * b},
           fused("fma(f32(s),u,t)", "t+f32(s)*u"))
    yield ("addcmul(t, u, w, value=s)", t(c).addcmul(t(a), t(b), value=s),
           {"fma(f32(s)*u,w,t)": fma32(fs * a, b, c), "t+(f32(s)*u)*w": c + (fs * a) * b,
            "t+f32(s)*(u*w)": c + fs * (a * b), "fma(f32(s),u*w,t)": fma32(fs, a * b, c)},
           fused("fma(f32(s)*u,w,t)", "t+(f32(s)*u)*w"))
    yield ("addcmul(t, u, u, value=-1)", t(c).addcmul(t(b), t(b), value=-1),
           {"fma(-u,u,t)": fma32(-b, b, c), "t-u*u": c - b * b},
           fused("fma(-u,u,t)", "t-u*u"))
    yield ("addcdiv(t, u, w, value=s)", t(a).addcdiv(t(b), t(c), value=s),
           {"t+(f32(s)*u)/w": a + (fs * b) / c, "t+f32(s)*(u/w)": a + fs * (b / c),
            "fma(f32(s),u/w,t)": fma32(fs, b / c, a)},
           both("t+(f32(s)*u)/w"))
    yield ("sqrt(t)", t(c).sqrt(), {"sqrt": np.sqrt(c)}, both("sqrt"))
    yield ("maximum(t, u)", torch.maximum(t(a), t(b)), {"max": np.maximum(a, b)}, both("max"))
    # lerp is not used by the 1.13 optimizers; torch 2.x Adam uses exp_avg.lerp_(grad, 1-beta1).
    for w in (0.1, 0.7):
        fw = F(w)
        yield (f"lerp(t, u, {w})", t(a).lerp(t(b), w),
               {"fma(w,u-t,t)": fma32(fw, b - a, a), "t+w*(u-t)": a + fw * (b - a),
                "fma(-(u-t),1-w,u)": fma32(-(b - a), F(1) - fw, b),
                "u-(u-t)*(1-w)": b - (b - a) * (F(1) - fw)},
               fused("fma(w,u-t,t)", "t+w*(u-t)") if w < 0.5
               else fused("fma(-(u-t),1-w,u)", "u-(u-t)*(1-w)"))


def child(capability):
    """Run every probe with the given capability pinned (set before torch was imported)."""
    import torch

    torch.set_num_threads(1)
    ok = True
    for n in (4, 1000):
        for op, got, candidates, expected in probes(n):
            got = got.numpy()
            matching = [name for name, value in candidates.items()
                        if np.array_equal(np.asarray(value, F).view(np.uint32), got.view(np.uint32))]
            good = expected[capability] in matching
            ok &= good
            print(f"  {capability:7s} n={n:<4d} {op:28s} matches: {', '.join(matching) or 'none'}"
                  f"{'' if good else '   EXPECTED ' + expected[capability]}")
    return ok


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(0 if child(sys.argv[2]) else 1)
    import torch

    print(f"torch {torch.__version__}: which float32 formula each ATen CPU op follows")
    ok = True
    for capability in CAPABILITIES:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, PYTHONDONTWRITEBYTECODE="1")
        ok &= subprocess.run([sys.executable, os.path.abspath(__file__), "--child", capability],
                             env=env).returncode == 0
    print("every op follows the stated formula" if ok else "SOME OPS DIFFER FROM THE STATED FORMULA")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
