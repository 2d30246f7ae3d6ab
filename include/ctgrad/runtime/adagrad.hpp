#pragma once
/// \file
/// Adagrad with PyTorch's update (torch.optim.Adagrad 1.13, single-tensor path, dense
/// gradients): learning-rate decay, weight decay and an initial accumulator value.
///
///   ctgrad::adagrad opt{params, {.lr = 0.1, .lr_decay = 0.01}};

#include "../detail/config.hpp"

#include <cmath>
#include <cstddef>

#include "bindings.hpp"
#include "optimizer_state.hpp"

namespace ctgrad {

/// torch.optim.Adagrad's hyper-parameters and defaults.
struct adagrad_options {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
};

template <class Params>
struct adagrad;

/// torch.optim.Adagrad on a parameter set. The sum of squared gradients has the parameters'
/// shapes (`opt.sum[w]`). Invalid hyper-parameters throw std::invalid_argument at construction.
template <class... Bs>
struct adagrad<param_set<Bs...>> {
  using params_type = param_set<Bs...>;
  adagrad_options options;
  params_type sum;
  float step_count = 0;  // a float32 tensor in PyTorch, as Adam's

  adagrad(const params_type& params, adagrad_options o = {})
      : options(o), sum(detail::filled_like(params, o.initial_accumulator_value)) {
    detail::require_non_negative("adagrad", "learning rate", options.lr);
    detail::require_non_negative("adagrad", "lr_decay", options.lr_decay);
    detail::require_non_negative("adagrad", "weight_decay", options.weight_decay);
    detail::require_non_negative("adagrad", "initial_accumulator_value",
                                 options.initial_accumulator_value);
    detail::require_non_negative("adagrad", "eps", options.eps);
  }

  /// One step (tests/reference/pytorch_formulas.md, "Adagrad").
  template <class G>
  void step(params_type& params, const G& grad) {
    const adagrad_options o = options;
    step_count = step_count + 1.0f;
    const double t = static_cast<double>(step_count);
    const double clr = o.lr / (1 + (t - 1) * o.lr_decay);
    detail::for_each_component(
        params, grad,
        [&](auto& p, auto g, auto& s) {
          using V = decltype(g);
          if (o.weight_decay != 0)
            g = detail::madd(static_cast<V>(o.weight_decay), p, g);
          s = detail::madd(g, g, s);
          const V std_dev = std::sqrt(s) + static_cast<V>(o.eps);
          p = p + (static_cast<V>(-clr) * g) / std_dev;
        },
        sum);
  }
  [[nodiscard]] double lr() const noexcept { return options.lr; }
  void set_lr(double lr) noexcept { options.lr = lr; }
  /// Calls f(name, x) for every piece of state (for checkpoints).
  template <class F>
  void for_each_state(F&& f) {
    f("lr", options.lr);
    f("step", step_count);
    f("sum", sum);
  }
};

template <class... Bs>
adagrad(const param_set<Bs...>&, adagrad_options = {}) -> adagrad<param_set<Bs...>>;

}  // namespace ctgrad
