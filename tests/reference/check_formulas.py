#!/usr/bin/python3
"""Replay the recorded PyTorch data with the operation order of pytorch_formulas.md.

Run from the repository root (needs numpy and mpmath, both come with python3-torch):

    /usr/bin/python3 tests/reference/check_formulas.py

For every optimizer case it starts from the recorded initial parameter and state, feeds the
recorded gradients, and carries its own parameter and state through all steps, comparing
param_after and every state tensor bit for bit at each step.  The arithmetic is numpy float32
(each numpy op is one IEEE float32 operation, rounded to nearest even) plus an exact fused
multiply-add, so a match means the written-down order is the order PyTorch used.

pytorch_optimizers.txt was recorded with ATen's AVX2 kernels, whose `add(alpha=)` and
`addcmul` are fused (one rounding); pytorch_optimizers_cpu_default.txt with the non-AVX
kernels, where they are two roundings.  Each file is replayed with its own model, and, as a
negative control, with the other one, which must fail: that shows the data can tell the two
apart, so the fused/unfused claims in the spec are tested rather than assumed.

The schedules are replayed in Python floats.  Last, every libm result the formulas use
(pow for Adam's bias corrections, cos for CosineAnnealingLR) is compared with the correctly
rounded value from mpmath, to tell whether a C++ port depends on glibc's exact libm.

Exit status 0 when every replay matches and every negative control fails.
"""

import math
import os
import sys
from fractions import Fraction

import mpmath
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
F = np.float32


# --- float32 arithmetic ------------------------------------------------------------------------

def f32(x):
    """A Python float (double) rounded to the nearest float32: how ATen turns a Python scalar
    (alpha=, value=, mul_(s), div(s), add_(s)) into the float32 it computes with."""
    return F(x)


def round_to_f32(q):
    """The float32 nearest to the exact rational q, ties to even."""
    guess = F(float(q))  # float(Fraction) is correctly rounded; float32 of it is within 1 ulp
    best = None
    for cand in (np.nextafter(guess, F(-np.inf)), guess, np.nextafter(guess, F(np.inf))):
        dist = abs(Fraction(float(cand)) - q)
        even = (int(cand.view(np.uint32)) & 1) == 0
        if best is None or dist < best[0] or (dist == best[0] and even):
            best = (dist, cand)
    return best[1]


def fma32(a, b, c):
    """Element-wise a * b + c with a single rounding, computed exactly with fractions."""
    a, b, c = np.broadcast_arrays(np.asarray(a, F), np.asarray(b, F), np.asarray(c, F))
    out = np.empty(a.shape, F)
    for i in np.ndindex(a.shape):
        exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
        out[i] = round_to_f32(exact) if exact != 0 else F(0.0)
    return out


class Kernels:
    """The one place the two ATen CPU builds differ: `self + a * b` in add(alpha=)/addcmul."""

    def __init__(self, fused):
        self.fused = fused

    def madd(self, a, b, c):
        """c + a * b: fma(a, b, c) in the AVX2 kernels, fl(fl(a * b) + c) in the default ones."""
        if self.fused:
            return fma32(a, b, c)
        return (np.asarray(a, F) * np.asarray(b, F) + np.asarray(c, F)).astype(F)


# --- the optimizers, in the order of pytorch_formulas.md ---------------------------------------

def sgd(o, p, g, st, k):
    lr, momentum, dampening = o["lr"], o["momentum"], o["dampening"]
    d = g
    if o["weight_decay"] != 0:
        d = k.madd(f32(o["weight_decay"]), p, d)                  # d_p.add(param, alpha=wd)
    if momentum != 0:
        if "momentum_buffer" not in st:
            buf = d.copy()                                         # first step: a plain copy
        else:
            buf = k.madd(f32(1 - dampening), d,                    # buf.mul_(m).add_(d, 1 - damp)
                         st["momentum_buffer"] * f32(momentum))
        st["momentum_buffer"] = buf
        d = k.madd(f32(momentum), buf, d) if o["nesterov"] else buf
    return k.madd(f32(-lr), d, p)                                  # param.add_(d_p, alpha=-lr)


def adam(o, p, g, st, k, decoupled):
    lr, beta1, beta2, eps, wd = o["lr"], o["beta1"], o["beta2"], o["eps"], o["weight_decay"]
    st["step"] = (st["step"] + F(1)).astype(F)                    # float32 tensor += 1
    if decoupled:
        p = p * f32(1 - lr * wd)                                   # AdamW: param.mul_(1 - lr*wd)
    elif wd != 0:
        g = k.madd(f32(wd), p, g)                                  # Adam: grad.add(param, wd)
    st["exp_avg"] = k.madd(f32(1 - beta1), g, st["exp_avg"] * f32(beta1))
    st["exp_avg_sq"] = k.madd(f32(1 - beta2) * g, g, st["exp_avg_sq"] * f32(beta2))
    step = float(st["step"][0])                                    # step_t.item()
    bias_correction1 = 1 - beta1 ** step                           # Python doubles from here
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = math.sqrt(bias_correction2)
    v = st["exp_avg_sq"]
    if o["amsgrad"]:
        st["max_exp_avg_sq"] = np.maximum(st["max_exp_avg_sq"], v)
        v = st["max_exp_avg_sq"]
    denom = np.sqrt(v) / f32(bias_correction2_sqrt) + f32(eps)
    return p + (f32(-step_size) * st["exp_avg"]) / denom         # addcdiv_: (value*t1)/t2


def rmsprop(o, p, g, st, k):
    lr, alpha, eps, momentum = o["lr"], o["alpha"], o["eps"], o["momentum"]
    st["step"] = (st["step"] + F(1)).astype(F)                    # a Python int in PyTorch
    if o["weight_decay"] != 0:
        g = k.madd(f32(o["weight_decay"]), p, g)
    st["square_avg"] = k.madd(f32(1 - alpha) * g, g, st["square_avg"] * f32(alpha))
    if o["centered"]:
        st["grad_avg"] = k.madd(f32(1 - alpha), g, st["grad_avg"] * f32(alpha))
        avg = np.sqrt(k.madd(f32(-1) * st["grad_avg"], st["grad_avg"], st["square_avg"]))
    else:
        avg = np.sqrt(st["square_avg"])
    avg = avg + f32(eps)
    if momentum > 0:
        st["momentum_buffer"] = st["momentum_buffer"] * f32(momentum) + (f32(1) * g) / avg
        return k.madd(f32(-lr), st["momentum_buffer"], p)
    return p + (f32(-lr) * g) / avg


def adagrad(o, p, g, st, k):
    lr, lr_decay = o["lr"], o["lr_decay"]
    st["step"] = (st["step"] + F(1)).astype(F)
    step = float(st["step"][0])
    if o["weight_decay"] != 0:
        g = k.madd(f32(o["weight_decay"]), p, g)
    clr = lr / (1 + (step - 1) * lr_decay)                         # Python double
    st["sum"] = k.madd(f32(1) * g, g, st["sum"])                   # addcmul_(g, g, value=1)
    std = np.sqrt(st["sum"]) + f32(o["eps"])
    return p + (f32(-clr) * g) / std


def initial_state(kind, o, n):
    """The state PyTorch creates before the first step (what is missing appears on step 1)."""
    zeros = np.zeros(n, F)
    if kind in ("adam", "adamw"):
        st = dict(step=np.zeros(1, F), exp_avg=zeros.copy(), exp_avg_sq=zeros.copy())
        if o["amsgrad"]:
            st["max_exp_avg_sq"] = zeros.copy()
        return st
    if kind == "rmsprop":
        st = dict(step=np.zeros(1, F), square_avg=zeros.copy())
        if o["momentum"] > 0:
            st["momentum_buffer"] = zeros.copy()
        if o["centered"]:
            st["grad_avg"] = zeros.copy()
        return st
    if kind == "adagrad":
        return dict(step=np.zeros(1, F), sum=np.full(n, f32(o["initial_accumulator_value"])))
    return {}  # SGD: momentum_buffer appears on the first step


def step_once(kind, o, p, g, st, k):
    if kind == "sgd":
        return sgd(o, p, g, st, k)
    if kind in ("adam", "adamw"):
        return adam(o, p, g, st, k, decoupled=(kind == "adamw"))
    if kind == "rmsprop":
        return rmsprop(o, p, g, st, k)
    if kind == "adagrad":
        return adagrad(o, p, g, st, k)
    raise ValueError(kind)


# --- reading the data files (a Python twin of tests/support/pytorch_reference.hpp) -------------

def read_optimizer_file(path):
    cases, capability = [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# ATen CPU capability:"):
                capability = line.split(":", 1)[1].split("(")[0].strip()
            if not line or line.startswith("#"):
                continue
            head, *rest = line.split(" ")
            if head == "case":
                options = {kv.split("=")[0]: float.fromhex(kv.split("=")[1])
                           if "0x" in kv else float(kv.split("=")[1]) for kv in rest[2:]}
                cases.append(dict(name=rest[0], kind=rest[1], options=options, steps=[]))
            elif head == "step":
                cases[-1]["steps"].append(dict(step=int(rest[0]), state={}))
            elif head in ("param_before", "grad", "param_after"):
                cases[-1]["steps"][-1][head] = np.array([float.fromhex(v) for v in rest], F)
            elif head == "state":
                values = np.array([float.fromhex(v) for v in rest[1:]], F)
                cases[-1]["steps"][-1]["state"][rest[0]] = values
            elif head != "end":
                raise ValueError(f"{path}: unknown record {head!r}")
    return capability, cases


def ulp_distance(a, b):
    """How many float32 values lie between a and b (0 when the bits are equal)."""
    def ordered(x):
        i = x.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)
    return np.abs(ordered(np.asarray(a, F)) - ordered(np.asarray(b, F)))


def replay_case(case, kernels):
    """Carry our own parameter and state through every step; return the mismatches."""
    o, kind = case["options"], case["kind"]
    p = case["steps"][0]["param_before"].copy()
    st = initial_state(kind, o, p.size)
    problems = []
    for rec in case["steps"]:
        if not np.array_equal(p.view(np.uint32), rec["param_before"].view(np.uint32)):
            problems.append((rec["step"], "param_before", ulp_distance(p, rec["param_before"])))
        p = step_once(kind, o, p, rec["grad"], st, kernels).astype(F)
        expected = dict(param_after=rec["param_after"], **rec["state"])
        ours = dict(param_after=p, **st)
        if set(ours) != set(expected):
            problems.append((rec["step"], "state names", sorted(set(ours) ^ set(expected))))
            continue
        for name, want in expected.items():
            got = np.asarray(ours[name], F)
            if not np.array_equal(got.view(np.uint32), want.view(np.uint32)):
                problems.append((rec["step"], name, ulp_distance(got, want)))
    return problems


def check_optimizer_file(filename):
    capability, cases = read_optimizer_file(os.path.join(HERE, filename))
    fused = capability != "NO AVX"
    ok = True
    print(f"{filename} (ATen CPU capability {capability}: add(alpha=)/addcmul "
          f"{'fused' if fused else 'two roundings'})")
    for case in cases:
        values = sum(1 + len(s["state"]) for s in case["steps"])  # param_after + states
        problems = replay_case(case, Kernels(fused))
        control = replay_case(case, Kernels(not fused))
        control_steps = sorted({s for s, _, _ in control})
        status = "ok" if not problems else "MISMATCH"
        ok &= not problems
        print(f"  {case['name']:28s} {len(case['steps'])} steps, {values} tensors bit-equal: "
              f"{status}; other kernel model first differs at step "
              f"{control_steps[0] if control_steps else 'never'}")
        for step, name, ulps in problems[:10]:
            print(f"      step {step} {name}: ulp difference {ulps}")
        if not control_steps:
            # Every case goes through add(alpha=) or addcmul, so the other model must diverge.
            print("      negative control did not fail: the data cannot tell the models apart")
            ok = False
    return ok


# --- schedules ---------------------------------------------------------------------------------

def read_schedule_file(path):
    schedules = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            head, *rest = line.split(" ")
            if head == "schedule":
                options = {kv.split("=")[0]: float.fromhex(kv.split("=")[1])
                           if "0x" in kv else int(kv.split("=")[1]) for kv in rest[2:]}
                schedules.append(dict(name=rest[0], kind=rest[1], options=options, epochs=[]))
            elif head == "epoch":
                schedules[-1]["epochs"].append(
                    (int(rest[0]), float.fromhex(rest[1]), float.fromhex(rest[2])))
            elif head not in ("form", "note", "end"):
                raise ValueError(f"{path}: unknown record {head!r}")
    return schedules


def schedule_recursive(kind, o, epoch, lr):
    """The lr after step() at `epoch`, from the previous lr (PyTorch's get_lr())."""
    base = o["base_lr"]
    if kind == "steplr":
        if epoch == 0 or epoch % o["step_size"] != 0:
            return lr
        return lr * o["gamma"]
    if kind == "exponentiallr":
        return lr if epoch == 0 else lr * o["gamma"]
    if kind == "cosineannealinglr":
        t_max, eta_min = o["T_max"], o["eta_min"]
        if epoch == 0:
            return lr
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            return lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        return ((1 + math.cos(math.pi * epoch / t_max))
                / (1 + math.cos(math.pi * (epoch - 1) / t_max))
                * (lr - eta_min) + eta_min)
    if kind == "linearlr":
        start, end, total = o["start_factor"], o["end_factor"], o["total_iters"]
        if epoch == 0:
            return lr * start
        if epoch > total:
            return lr
        return lr * (1. + (end - start) / (total * start + (epoch - 1) * (end - start)))
    raise ValueError(kind)


def schedule_closed(kind, o, epoch):
    """PyTorch's _get_closed_form_lr() at `epoch`."""
    base = o["base_lr"]
    if kind == "steplr":
        return base * o["gamma"] ** (epoch // o["step_size"])
    if kind == "exponentiallr":
        return base * o["gamma"] ** epoch
    if kind == "cosineannealinglr":
        t_max, eta_min = o["T_max"], o["eta_min"]
        return eta_min + (base - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2
    if kind == "linearlr":
        start, end, total = o["start_factor"], o["end_factor"], o["total_iters"]
        return base * (start + (end - start) * min(total, epoch) / total)
    raise ValueError(kind)


def check_schedule_file(filename):
    ok = True
    print(filename)
    for sch in read_schedule_file(os.path.join(HERE, filename)):
        lr, bad, differ = sch["options"]["base_lr"], [], 0
        for epoch, want, want_closed in sch["epochs"]:
            lr = schedule_recursive(sch["kind"], sch["options"], epoch, lr)
            closed = schedule_closed(sch["kind"], sch["options"], epoch)
            if lr != want or closed != want_closed:
                bad.append(epoch)
            differ += want != want_closed
        ok &= not bad
        print(f"  {sch['name']:28s} {len(sch['epochs'])} epochs bit-equal: "
              f"{'ok' if not bad else 'MISMATCH at epochs %s' % bad}; "
              f"recursive != closed form at {differ} epochs")
    return ok


# --- does anything depend on glibc's libm beyond correct rounding? -----------------------------

def correctly_rounded(x):
    """A 256-bit mpmath value rounded to the nearest double."""
    sign, man, exp, _ = mpmath.mpf(x)._mpf_  # man_exp would drop the sign
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return float(-value if sign else value)


def check_libm():
    mpmath.mp.prec = 256
    pow_calls = [(b, float(n)) for b in (0.9, 0.999) for n in range(1, 21)]
    pow_bad = [(b, n) for b, n in pow_calls
               if b ** n != correctly_rounded(mpmath.power(mpmath.mpf(b), int(n)))]
    cos_args = [math.pi / 10] + [math.pi * e / 10 for e in range(0, 31)]
    cos_bad = [a for a in cos_args if math.cos(a) != correctly_rounded(mpmath.cos(mpmath.mpf(a)))]
    print(f"libm: correctly rounded: pow (Adam's bias corrections) in "
          f"{len(pow_calls) - len(pow_bad)}/{len(pow_calls)} calls, cos (CosineAnnealingLR) "
          f"in {len(cos_args) - len(cos_bad)}/{len(cos_args)}"
          + (f"; not: pow{pow_bad} cos{cos_bad}" if pow_bad or cos_bad else ""))
    return True  # informative only: the C++ port uses the same glibc on the same machine


def main():
    ok = True
    for filename in ("pytorch_optimizers.txt", "pytorch_optimizers_cpu_default.txt"):
        ok &= check_optimizer_file(filename)
    ok &= check_schedule_file("pytorch_schedules.txt")
    check_libm()
    print("all replays bit-equal" if ok else "SOME REPLAYS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
