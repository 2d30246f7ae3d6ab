#!/usr/bin/python3
"""Record PyTorch's optimizer steps and learning-rate schedules as bit-exact reference data.

Run from the repository root with Debian's python (the one that sees python3-torch):

    /usr/bin/python3 tests/reference/record_pytorch.py

It rewrites three files next to this script:

  pytorch_optimizers.txt              optimizer steps, ATen CPU kernels pinned to AVX2 (what
                                      PyTorch picks by itself on any x86-64 with AVX2): the
                                      `add(alpha=)` and `addcmul` kernels are fused (one FMA)
  pytorch_optimizers_cpu_default.txt  the same cases with ATEN_CPU_CAPABILITY=default (no FMA
                                      in the kernels): only to pin down which ops fuse, see
                                      pytorch_formulas.md
  pytorch_schedules.txt               learning-rate schedules (pure Python double arithmetic)

Every number is written as the exact hex form of the value (`float.hex()`): float32 values for
tensors, float64 values for Python floats.  `std::strtof` / `std::strtod` read them back
without rounding.  The output is deterministic: fixed data, no randomness, one thread.

pytorch_formulas.md explains the operation order; check_formulas.py replays every case and
probe_kernels.py checks the ATen ops one at a time.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
COMMAND = "/usr/bin/python3 tests/reference/record_pytorch.py"

# The ATen CPU capability decides whether `self + alpha * other` is one rounding (FMA) or two,
# so it is pinned per output file.  It must be in the environment before torch is imported,
# which is why the optimizer recordings run in child processes (see main()).
# (ATEN_CPU_CAPABILITY value, what torch.__config__ then reports, output file)
OPTIMIZER_FILES = [
    ("avx2", "AVX2", "pytorch_optimizers.txt"),
    ("default", "NO AVX", "pytorch_optimizers_cpu_default.txt"),
]

STEPS = 20

# --- The fixed problem -------------------------------------------------------------------------
# w has 4 components.  loss(w) = mean((X @ w - y)^2) over 8 points.  All literals are exact
# float32 values (multiples of 1/8 or 1/16) so the problem is the same wherever it is typed in.
# Its Hessian (2/8 X^T X) has eigenvalues below 2, so even SGD with lr 0.1 stays bounded.
W0 = [0.5, -0.25, 1.0, 0.125]
X = [
    [1.0, 0.5, -0.25, 0.125],
    [0.25, -1.0, 0.5, 0.75],
    [-0.5, 0.25, 1.0, -0.125],
    [0.75, 0.125, -0.5, 1.0],
    [-1.0, 0.375, 0.25, -0.5],
    [0.125, -0.75, -1.0, 0.25],
    [0.625, 0.25, 0.75, -1.0],
    [-0.25, 1.0, -0.375, 0.5],
]
Y = [0.5, -1.0, 0.25, 1.5, -0.75, 0.125, 1.0, -0.5]

# --- The optimizer configurations --------------------------------------------------------------
# (case name, optimizer class name, keyword arguments).  foreach=False is passed to every one so
# the single-tensor path (_single_tensor_*) runs; everything not named keeps PyTorch's default,
# and the full option set actually used (defaults included) is written on each `case` line.
CASES = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd_momentum_dampening", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_momentum_weight_decay", "SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("adam", "Adam", dict(lr=0.01)),
    ("adam_weight_decay", "Adam", dict(lr=0.01, weight_decay=0.01)),
    ("adam_amsgrad", "Adam", dict(lr=0.01, amsgrad=True)),
    ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.01)),
    ("adamw_amsgrad", "AdamW", dict(lr=0.01, weight_decay=0.01, amsgrad=True)),
    ("rmsprop", "RMSprop", dict(lr=0.01)),
    ("rmsprop_momentum", "RMSprop", dict(lr=0.01, momentum=0.9)),
    ("rmsprop_centered", "RMSprop", dict(lr=0.01, centered=True)),
    ("adagrad", "Adagrad", dict(lr=0.1)),
    ("adagrad_decay", "Adagrad",
     dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
]

# State entries in the order they are written (only those the optimizer keeps appear).
STATE_ORDER = ["step", "momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq",
               "square_avg", "grad_avg", "sum"]

# --- The schedules -----------------------------------------------------------------------------
BASE_LR = 0.1
EPOCHS = 30
SCHEDULES = [
    # (name, scheduler class name, keyword arguments, note on the form step() uses)
    ("steplr", "StepLR", dict(step_size=3, gamma=0.5),
     "recursive: lr *= gamma when epoch % step_size == 0 (gamma 0.5 is exact, so it equals "
     "the closed form here)"),
    ("exponentiallr", "ExponentialLR", dict(gamma=0.9),
     "recursive: lr *= gamma every epoch (differs from base_lr * gamma**epoch in the last bits)"),
    ("cosineannealinglr", "CosineAnnealingLR", dict(T_max=10, eta_min=0.001),
     "recursive: ratio of (1 + cos) terms times (lr - eta_min), plus a restart branch when "
     "(epoch - 1 - T_max) % (2 T_max) == 0"),
    ("linearlr", "LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=5),
     "recursive: lr *= 1 + (end - start) / (total_iters * start + (epoch - 1) * (end - start)) "
     "for 0 < epoch <= total_iters; epoch 0 is base_lr * start_factor"),
]


def hexfloat(value):
    """Exact hex of a float (`float.hex()`), trailing zero digits dropped: 0x1.99999ap-4.

    A float32 value is widened to a Python float first (exactly), so the same function
    writes float32 and float64 values; strtof/strtod read either form back exactly.
    """
    text = float(value).hex()
    mantissa, exponent = text.split("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa + "p" + exponent


def option_text(value):
    """An option as a number strtod reads: bools as 0/1, ints in decimal, floats in hex."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return hexfloat(value)


def flatten_options(group):
    """The param group's options (defaults included) as name -> number, in a stable order.

    Tuples (Adam's betas) become beta1/beta2; None (foreach not given) is left out; the
    `params` list is not an option.
    """
    out = {}
    for key in sorted(group):
        value = group[key]
        if key == "params" or value is None:
            continue
        if key == "betas":
            out["beta1"], out["beta2"] = value
        else:
            out[key] = value
    return out


def torch_header_lines(torch):
    """The lines every data file starts with: where it came from and how to read it."""
    return [
        f"# torch {torch.__version__} (Debian python3-torch), Python {sys.version.split()[0]}",
        f"# made by: {COMMAND}  (from the repository root; rewrites this file)",
    ]


def record_optimizers(capability, path):
    """Child process: run every optimizer case with the given ATen CPU capability pinned."""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    config = torch.__config__.show()
    in_use = [line.split(":", 1)[1].strip() for line in config.splitlines()
              if "CPU capability usage" in line]
    in_use = in_use[0] if in_use else "unknown"
    expected = {c: reported for c, reported, _ in OPTIMIZER_FILES}[capability]
    if in_use != expected:
        sys.exit(f"asked for ATen CPU capability {capability}, torch uses {in_use}")

    x = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(Y, dtype=torch.float32)

    lines = torch_header_lines(torch) + [
        f"# ATen CPU capability: {in_use} (pinned with ATEN_CPU_CAPABILITY={capability})",
        "#",
        "# Optimizer steps on one float32 parameter w of 4 components, single-tensor path",
        "# (foreach=False; fused, differentiable, capturable, maximize at their defaults).",
        "# Loss: mean((X @ w - y)^2), X 8x4 and y 8 below; the C++ test feeds the recorded",
        "# gradient, so the loss only has to give PyTorch a nontrivial gradient.",
        "#   w0 = " + " ".join(repr(v) for v in W0),
    ]
    lines += ["#   X[%d] = %s" % (i, " ".join(repr(v) for v in row)) for i, row in enumerate(X)]
    lines += [
        "#   y  = " + " ".join(repr(v) for v in Y),
        "#",
        "# Format (one record a line, fields separated by single spaces):",
        "#   case NAME OPTIMIZER KEY=VALUE ...   every option of the param group, defaults",
        "#                                       included: floats as float64 hex, ints in",
        "#                                       decimal, bools as 0/1 (all read by strtod)",
        "#   step N                              N = 1..%d, the step that follows" % STEPS,
        "#   param_before V V V V                float32 hex: w before optimizer.step()",
        "#   grad V V V V                        float32 hex: w.grad fed to the step",
        "#   param_after V V V V                 float32 hex: w after the step",
        "#   state NAME V ...                    float32 hex: optimizer state after the step;",
        "#                                       `step` is a 0-dim float32 tensor (Adam, AdamW,",
        "#                                       Adagrad) or a Python int (RMSprop), written as",
        "#                                       one float32 hex value either way",
        "#   end                                 closes a case",
        "# Lines starting with # are comments; blank lines separate cases.",
        "#",
        "# Defaults of the optimizers in this torch version (as recorded on the case lines):",
    ]
    for cls_name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]:
        dummy = getattr(torch.optim, cls_name)([torch.zeros(1)], lr=0.5)
        defaults = {k: v for k, v in dummy.defaults.items() if k != "lr"}
        lines.append(f"#   {cls_name}: " + ", ".join(f"{k}={v!r}" for k, v in defaults.items()))

    for name, cls_name, kwargs in CASES:
        w = torch.tensor(W0, dtype=torch.float32, requires_grad=True)
        optimizer = getattr(torch.optim, cls_name)([w], foreach=False, **kwargs)
        options = flatten_options(optimizer.param_groups[0])
        lines.append("")
        lines.append(f"case {name} {cls_name.lower()} "
                     + " ".join(f"{k}={option_text(v)}" for k, v in options.items()))
        for step in range(1, STEPS + 1):
            optimizer.zero_grad(set_to_none=True)
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            before = w.detach().numpy().copy()
            grad = w.grad.detach().numpy().copy()
            optimizer.step()
            after = w.detach().numpy().copy()
            lines.append(f"step {step}")
            lines.append("param_before " + " ".join(hexfloat(v) for v in before))
            lines.append("grad " + " ".join(hexfloat(v) for v in grad))
            lines.append("param_after " + " ".join(hexfloat(v) for v in after))
            state = optimizer.state[w]
            for key in STATE_ORDER:
                if key not in state or state[key] is None:
                    continue
                value = state[key]
                if torch.is_tensor(value):
                    assert value.dtype == torch.float32, (name, key, value.dtype)
                    values = value.detach().reshape(-1).numpy()
                else:  # RMSprop keeps its step count as a Python int
                    values = np.array([value], dtype=np.float32)
                lines.append(f"state {key} " + " ".join(hexfloat(v) for v in values))
            unknown = set(state) - set(STATE_ORDER)
            assert not unknown, f"{name}: unrecorded state {unknown}"
        lines.append("end")

    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def record_schedules(path):
    """The lr of each schedule at epochs 0..EPOCHS, as PyTorch's step() computes it."""
    import warnings

    import torch

    lines = torch_header_lines(torch) + [
        "#",
        f"# Learning-rate schedules on one param group, base lr {BASE_LR!r}, {EPOCHS} epochs.",
        "# PyTorch computes lrs in Python floats (IEEE float64), so values are float64 hex.",
        "# `epoch 0` is the lr right after the scheduler is constructed (its constructor calls",
        "# step() once); `epoch N` is the lr after the N-th scheduler.step().",
        "# scheduler.step() without an epoch argument uses the recursive (chainable) get_lr(),",
        "# which updates the previous lr; _get_closed_form_lr() is used only when step(epoch)",
        "# is given an epoch.  Both are recorded: they differ in the last bits for most",
        "# schedules, and the recursive one is what a training loop sees.",
        "#",
        "# Format:",
        "#   schedule NAME SCHEDULER KEY=VALUE ...   options (floats as float64 hex, ints in",
        "#                                           decimal); base_lr is included",
        "#   form recursive                          the form `lr` below comes from",
        "#   note TEXT                               what the recursive form computes",
        "#   epoch N LR CLOSED                       float64 hex: the lr after step N (the",
        "#                                           recursive form) and the closed form at N",
        "#   end                                     closes a schedule",
    ]
    for name, cls_name, kwargs, note in SCHEDULES:
        w = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([w], lr=BASE_LR)
        scheduler = getattr(torch.optim.lr_scheduler, cls_name)(optimizer, **kwargs)
        options = dict(base_lr=BASE_LR, **kwargs)
        lines.append("")
        lines.append(f"schedule {name} {cls_name.lower()} "
                     + " ".join(f"{k}={option_text(v)}" for k, v in options.items()))
        lines.append("form recursive")
        lines.append(f"note {note}")
        for epoch in range(EPOCHS + 1):
            if epoch > 0:
                optimizer.step()  # no grad: changes nothing, keeps PyTorch's call-order check quiet
                scheduler.step()
            assert scheduler.last_epoch == epoch
            lr = optimizer.param_groups[0]["lr"]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                closed = scheduler._get_closed_form_lr()[0]
            lines.append(f"epoch {epoch} {hexfloat(lr)} {hexfloat(closed)}")
        lines.append("end")

    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("CAPABILITY", "PATH"),
                        help="internal: record the optimizers with ATEN_CPU_CAPABILITY pinned")
    args = parser.parse_args()
    if args.child:
        record_optimizers(*args.child)
        return
    for capability, _, filename in OPTIMIZER_FILES:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, OMP_NUM_THREADS="1")
        subprocess.run([sys.executable, os.path.abspath(__file__), "--child", capability,
                        os.path.join(HERE, filename)], env=env, check=True)
    record_schedules(os.path.join(HERE, "pytorch_schedules.txt"))
    for filename in [f for _, _, f in OPTIMIZER_FILES] + ["pytorch_schedules.txt"]:
        print("wrote", os.path.relpath(os.path.join(HERE, filename), REPO))


if __name__ == "__main__":
    main()
