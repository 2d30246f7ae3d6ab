#pragma once
/// \file
/// Learning-rate schedules with PyTorch's formulas (torch.optim.lr_scheduler 1.13): step,
/// exponential, cosine annealing and linear warm-up. Each computes, at every step, what PyTorch's
/// `scheduler.step()` computes: the recursive ("chainable") form, from the previous learning
/// rate, in double, in PyTorch's order of operations, so the rates match PyTorch's bit for bit
/// (tests/reference/pytorch_schedules.txt). The closed forms differ from them in the last bits.
///
///   ctgrad::adam opt{params, {.lr = 0.1}};
///   ctgrad::cosine_annealing_lr schedule{opt, {.t_max = 10, .eta_min = 0.001}};
///   ctgrad::train(loss, params, data, opt, 30, [&](const auto&) { schedule.step(opt); });

#include "../detail/config.hpp"

#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>

#include "optimizer_state.hpp"

namespace ctgrad {

namespace detail {

// What every schedule shares: the epoch (0 after construction), the base and current rates.
struct schedule_clock {
  double base_lr;
  double current_lr;
  std::size_t last_epoch = 0;

  /// The learning rate of the current epoch.
  [[nodiscard]] double lr() const noexcept { return current_lr; }
  /// Calls f(name, x) for every piece of state (for checkpoints). The base rate is state too,
  /// as in PyTorch's state_dict: it comes from the optimizer at construction, and cosine
  /// annealing's restart branch reads it.
  template <class F>
  void for_each_state(F&& f) {
    f("schedule_base_lr", base_lr);
    f("schedule_lr", current_lr);
    f("schedule_epoch", last_epoch);
  }
};

}  // namespace detail

/// StepLR's options: multiply by `gamma` every `step_size` epochs.
struct step_lr_options {
  std::size_t step_size = 0;
  double gamma = 0.1;
};

/// torch.optim.lr_scheduler.StepLR.
struct step_lr : detail::schedule_clock {
  step_lr_options options;
  step_lr(double base, step_lr_options o) : schedule_clock{base, base}, options(o) {
    detail::require(options.step_size > 0, "step_lr", "step_size", 0, ">= 1");
  }
  template <class Optimizer>
  step_lr(Optimizer& opt, step_lr_options o) : step_lr(opt.lr(), o) {}

  /// Advances one epoch and returns the new rate.
  double step() noexcept {
    ++last_epoch;
    if (last_epoch % options.step_size == 0)
      current_lr = current_lr * options.gamma;
    return current_lr;
  }
  /// Advances one epoch and sets the optimizer's rate.
  template <class Optimizer>
  void step(Optimizer& opt) {
    opt.set_lr(step());
  }
};

/// ExponentialLR's option: multiply by `gamma` every epoch.
struct exponential_lr_options {
  double gamma = 0.9;
};

/// torch.optim.lr_scheduler.ExponentialLR.
struct exponential_lr : detail::schedule_clock {
  exponential_lr_options options;
  exponential_lr(double base, exponential_lr_options o) : schedule_clock{base, base}, options(o) {}
  template <class Optimizer>
  exponential_lr(Optimizer& opt, exponential_lr_options o) : exponential_lr(opt.lr(), o) {}

  double step() noexcept {
    ++last_epoch;
    current_lr = current_lr * options.gamma;
    return current_lr;
  }
  template <class Optimizer>
  void step(Optimizer& opt) {
    opt.set_lr(step());
  }
};

/// CosineAnnealingLR's options: half a cosine from the base rate down to `eta_min` over `t_max`
/// epochs, then back up (PyTorch's schedule is periodic with period 2 t_max).
struct cosine_annealing_lr_options {
  std::size_t t_max = 0;
  double eta_min = 0;
};

/// torch.optim.lr_scheduler.CosineAnnealingLR, with its recursive update and its restart branch.
struct cosine_annealing_lr : detail::schedule_clock {
  cosine_annealing_lr_options options;
  cosine_annealing_lr(double base, cosine_annealing_lr_options o)
      : schedule_clock{base, base}, options(o) {
    detail::require(options.t_max > 0, "cosine_annealing_lr", "t_max", 0, ">= 1");
  }
  template <class Optimizer>
  cosine_annealing_lr(Optimizer& opt, cosine_annealing_lr_options o)
      : cosine_annealing_lr(opt.lr(), o) {}

  double step() noexcept {
    ++last_epoch;
    const double pi = std::numbers::pi;
    const double t_max = static_cast<double>(options.t_max);
    const double e = static_cast<double>(last_epoch);
    if ((last_epoch - 1 + options.t_max) % (2 * options.t_max) == 0)  // (e - 1 - T) % 2T == 0
      current_lr = current_lr + ((base_lr - options.eta_min) * (1 - std::cos(pi / t_max))) / 2;
    else
      current_lr = ((1 + std::cos((pi * e) / t_max)) / (1 + std::cos((pi * (e - 1)) / t_max))) *
                       (current_lr - options.eta_min) +
                   options.eta_min;
    return current_lr;
  }
  template <class Optimizer>
  void step(Optimizer& opt) {
    opt.set_lr(step());
  }
};

/// LinearLR's options: a linear ramp of the factor from `start_factor` to `end_factor` over
/// `total_iters` epochs (a warm-up with the defaults' shape), then constant.
struct linear_lr_options {
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  std::size_t total_iters = 5;
};

/// torch.optim.lr_scheduler.LinearLR. Epoch 0's rate is base * start_factor, set on
/// construction (as PyTorch's constructor does through its first step()).
struct linear_lr : detail::schedule_clock {
  linear_lr_options options;
  linear_lr(double base, linear_lr_options o)
      : schedule_clock{base, base * o.start_factor}, options(o) {
    detail::require(options.start_factor > 0 && options.start_factor <= 1, "linear_lr",
                    "start_factor", options.start_factor, "in (0, 1]");
    detail::require(options.end_factor >= 0 && options.end_factor <= 1, "linear_lr", "end_factor",
                    options.end_factor, "in [0, 1]");
  }
  /// Also sets the optimizer's rate to epoch 0's.
  template <class Optimizer>
  linear_lr(Optimizer& opt, linear_lr_options o) : linear_lr(opt.lr(), o) {
    opt.set_lr(current_lr);
  }

  double step() noexcept {
    ++last_epoch;
    if (last_epoch <= options.total_iters) {
      const double start = options.start_factor, end = options.end_factor;
      const double total = static_cast<double>(options.total_iters);
      const double e = static_cast<double>(last_epoch);
      current_lr = current_lr * (1.0 + (end - start) / (total * start + (e - 1) * (end - start)));
    }
    return current_lr;
  }
  template <class Optimizer>
  void step(Optimizer& opt) {
    opt.set_lr(step());
  }
};

}  // namespace ctgrad
