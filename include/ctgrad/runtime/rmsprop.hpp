#pragma once
/// \file
/// RMSprop with PyTorch's update (torch.optim.RMSprop 1.13, single-tensor path): momentum,
/// centered variance and weight decay, in the parameter's own type.
///
///   ctgrad::rmsprop opt{params, {.lr = 0.01, .momentum = 0.9, .centered = true}};

#include "../detail/config.hpp"

#include <cmath>
#include <cstddef>

#include "bindings.hpp"
#include "optimizer_state.hpp"

namespace ctgrad {

/// torch.optim.RMSprop's hyper-parameters and defaults.
struct rmsprop_options {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
};

template <class Params>
struct rmsprop;

/// torch.optim.RMSprop on a parameter set. The averages have the parameters' shapes
/// (`opt.square_avg[w]`). Invalid hyper-parameters throw std::invalid_argument at construction.
template <class... Bs>
struct rmsprop<param_set<Bs...>> {
  using params_type = param_set<Bs...>;
  rmsprop_options options;
  params_type square_avg;
  params_type momentum_buffer;  // used with momentum > 0 only
  params_type grad_avg;         // used when centered only
  std::size_t steps = 0;

  rmsprop(const params_type& params, rmsprop_options o = {})
      : options(o),
        square_avg(detail::zeros_like(params)),
        momentum_buffer(square_avg),
        grad_avg(square_avg) {
    detail::require_non_negative("rmsprop", "learning rate", options.lr);
    detail::require_non_negative("rmsprop", "eps", options.eps);
    detail::require_non_negative("rmsprop", "momentum", options.momentum);
    detail::require_non_negative("rmsprop", "weight_decay", options.weight_decay);
    detail::require_non_negative("rmsprop", "alpha", options.alpha);
  }

  /// One step (tests/reference/pytorch_formulas.md, "RMSprop").
  template <class G>
  void step(params_type& params, const G& grad) {
    const rmsprop_options o = options;
    detail::for_each_component(
        params, grad,
        [&](auto& p, auto g, auto& square, auto& buf, auto& mean) {
          using V = decltype(g);
          if (o.weight_decay != 0)
            g = detail::madd(static_cast<V>(o.weight_decay), p, g);
          square =
              detail::madd(static_cast<V>(1 - o.alpha) * g, g, square * static_cast<V>(o.alpha));
          V avg;
          if (o.centered) {
            mean = detail::madd(static_cast<V>(1 - o.alpha), g, mean * static_cast<V>(o.alpha));
            avg = std::sqrt(detail::madd(-mean, mean, square));
          } else {
            avg = std::sqrt(square);
          }
          avg = avg + static_cast<V>(o.eps);
          if (o.momentum > 0) {
            buf = buf * static_cast<V>(o.momentum) + g / avg;
            p = detail::madd(static_cast<V>(-o.lr), buf, p);
          } else {
            p = p + (static_cast<V>(-o.lr) * g) / avg;
          }
        },
        square_avg, momentum_buffer, grad_avg);
    ++steps;
  }
  [[nodiscard]] double lr() const noexcept { return options.lr; }
  void set_lr(double lr) noexcept { options.lr = lr; }
  /// Calls f(name, x) for every piece of state (for checkpoints).
  template <class F>
  void for_each_state(F&& f) {
    f("lr", options.lr);
    f("steps", steps);
    f("square_avg", square_avg);
    f("momentum_buffer", momentum_buffer);
    f("grad_avg", grad_avg);
  }
};

template <class... Bs>
rmsprop(const param_set<Bs...>&, rmsprop_options = {}) -> rmsprop<param_set<Bs...>>;

}  // namespace ctgrad
