#pragma once
/// \file
/// Adam and AdamW with PyTorch's updates (torch.optim.Adam / AdamW 1.13, single-tensor path),
/// amsgrad included, in the parameter's own type.
///
///   ctgrad::adam opt{params, {.lr = 0.01}};
///   ctgrad::adamw opt{params, {.lr = 0.01, .weight_decay = 0.01, .amsgrad = true}};

#include "../detail/config.hpp"

#include <cmath>
#include <cstddef>

#include "bindings.hpp"
#include "optimizer_state.hpp"

namespace ctgrad {

/// torch.optim.Adam's hyper-parameters and defaults (`weight_decay` adds wd * p to the gradient).
struct adam_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
};

/// torch.optim.AdamW's hyper-parameters and defaults (`weight_decay` scales p by 1 - lr * wd).
struct adamw_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
};

namespace detail {

// Adam's state and step; Decoupled selects AdamW's weight decay.
template <class Params, bool Decoupled>
struct adam_state {
  Params exp_avg;
  Params exp_avg_sq;
  Params max_exp_avg_sq;  // used with amsgrad only
  // PyTorch keeps the step count as a float32 tensor and raises beta to its value as a double:
  // the same here, so that the bias corrections match past 2^24 steps too.
  float step_count = 0;

  explicit adam_state(const Params& params)
      : exp_avg(zeros_like(params)), exp_avg_sq(exp_avg), max_exp_avg_sq(exp_avg) {}

  template <class Options>
  static void check(const Options& o, const char* name) {
    require_non_negative(name, "learning rate", o.lr);
    require_non_negative(name, "eps", o.eps);
    require(o.beta1 >= 0 && o.beta1 < 1, name, "beta1", o.beta1, "in [0, 1)");
    require(o.beta2 >= 0 && o.beta2 < 1, name, "beta2", o.beta2, "in [0, 1)");
    require_non_negative(name, "weight_decay", o.weight_decay);
  }

  template <class F>
  void for_each_state(F&& f) {
    f("step", step_count);
    f("exp_avg", exp_avg);
    f("exp_avg_sq", exp_avg_sq);
    f("max_exp_avg_sq", max_exp_avg_sq);
  }

  // One step (tests/reference/pytorch_formulas.md, "Adam" and "AdamW").
  template <class Options, class G>
  void step(const Options& o, Params& params, const G& grad) {
    step_count = step_count + 1.0f;
    const double t = static_cast<double>(step_count);
    const double bias_correction1 = 1 - std::pow(o.beta1, t);
    const double bias_correction2 = 1 - std::pow(o.beta2, t);
    const double step_size = o.lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    for_each_component(
        params, grad,
        [&](auto& p, auto g, auto& m, auto& v, auto& v_max) {
          using V = decltype(g);
          if constexpr (Decoupled)
            p = p * static_cast<V>(1 - o.lr * o.weight_decay);
          else if (o.weight_decay != 0)
            g = madd(static_cast<V>(o.weight_decay), p, g);
          m = madd(static_cast<V>(1 - o.beta1), g, m * static_cast<V>(o.beta1));
          v = madd(static_cast<V>(1 - o.beta2) * g, g, v * static_cast<V>(o.beta2));
          V second = v;
          if (o.amsgrad) {
            v_max = nan_max(v_max, v);
            second = v_max;
          }
          const V denom =
              std::sqrt(second) / static_cast<V>(bias_correction2_sqrt) + static_cast<V>(o.eps);
          p = p + (static_cast<V>(-step_size) * m) / denom;
        },
        exp_avg, exp_avg_sq, max_exp_avg_sq);
  }
};

// Adam and AdamW: the options, the state and the calls they share.
template <class Params, class Options, bool Decoupled>
struct adam_optimizer {
  using params_type = Params;
  Options options;
  adam_state<Params, Decoupled> state;

  adam_optimizer(const Params& params, Options o, const char* name) : options(o), state(params) {
    adam_state<Params, Decoupled>::check(options, name);
  }
  template <class G>
  void step(Params& params, const G& grad) {
    state.step(options, params, grad);
  }
  [[nodiscard]] double lr() const noexcept { return options.lr; }
  void set_lr(double lr) noexcept { options.lr = lr; }
  /// Calls f(name, x) for every piece of state (for checkpoints): the learning rate, the step
  /// count (a float, as PyTorch's) and the moments.
  template <class F>
  void for_each_state(F&& f) {
    f("lr", options.lr);
    state.for_each_state(f);
  }
};

}  // namespace detail

template <class Params>
struct adam;

/// torch.optim.Adam on a parameter set: `ctgrad::adam opt{params, {.lr = 0.01}};`. The moments
/// have the parameters' shapes (`opt.state.exp_avg[w]`). Invalid hyper-parameters throw
/// std::invalid_argument at construction, as in PyTorch.
template <class... Bs>
struct adam<param_set<Bs...>> : detail::adam_optimizer<param_set<Bs...>, adam_options, false> {
  adam(const param_set<Bs...>& params, adam_options o = {})
      : detail::adam_optimizer<param_set<Bs...>, adam_options, false>(params, o, "adam") {}
};

template <class Params>
struct adamw;

/// torch.optim.AdamW on a parameter set: `ctgrad::adamw opt{params, {.lr = 0.01}};`: Adam with
/// the weight decay applied to the parameter (p *= 1 - lr * wd) rather than to the gradient.
template <class... Bs>
struct adamw<param_set<Bs...>> : detail::adam_optimizer<param_set<Bs...>, adamw_options, true> {
  adamw(const param_set<Bs...>& params, adamw_options o = {})
      : detail::adam_optimizer<param_set<Bs...>, adamw_options, true>(params, o, "adamw") {}
};

template <class... Bs>
adam(const param_set<Bs...>&, adam_options = {}) -> adam<param_set<Bs...>>;
template <class... Bs>
adamw(const param_set<Bs...>&, adamw_options = {}) -> adamw<param_set<Bs...>>;

}  // namespace ctgrad
