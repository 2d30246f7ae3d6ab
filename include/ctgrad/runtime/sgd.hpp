#pragma once
/// \file
/// Stochastic gradient descent with PyTorch's update (torch.optim.SGD, single-tensor path):
/// momentum, dampening, Nesterov momentum and weight decay, in the parameter's own type, for every
/// component of vector and matrix parameters.
///
///   ctgrad::sgd plain{0.01f};                                   // p -= lr * g, no state
///   ctgrad::sgd opt{params, {.lr = 0.1, .momentum = 0.9, .nesterov = true}};

#include "../detail/config.hpp"

#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "bindings.hpp"
#include "optimizer_state.hpp"

namespace ctgrad {

/// Plain gradient descent with a fixed learning rate: `ctgrad::sgd opt{0.01f};`. No state.
/// Computes p - lr * g in two roundings, as a hand-written loop (and the seed notebook's
/// `w -= learning_rate * w.grad`) does; the stateful form below follows torch.optim.SGD.
template <class L = double>
struct sgd {
  // Unconstrained, so that sgd{1} reaches this message instead of a failed deduction.
  static_assert(std::is_floating_point_v<L>,
                "ctgrad: the learning rate is a floating-point number: write sgd{1.0} or "
                "sgd{0.01f}, not sgd{1}");
  L learning_rate;

  /// Applies one step to every parameter the gradient holds.
  template <class... Bs, class G>
  constexpr void step(param_set<Bs...>& params, const G& grad) const noexcept {
    (update<typename Bs::variable>(params, grad), ...);
  }
  [[nodiscard]] constexpr double lr() const noexcept { return learning_rate; }
  constexpr void set_lr(double lr) noexcept { learning_rate = static_cast<L>(lr); }
  /// Calls f(name, x) for every piece of state (for checkpoints): the learning rate only.
  template <class F>
  void for_each_state(F&& f) {
    double lr = learning_rate;
    f("lr", lr);
    learning_rate = static_cast<L>(lr);
  }

 private:
  template <class P, class PS, class G>
  constexpr void update(PS& params, const G& grad) const noexcept {
    auto& value = params[P{}];
    const auto g = grad[P{}];
    using V = std::remove_cvref_t<decltype(detail::flat_at(value, 0))>;
    // lr is rounded to the parameter's type first, as PyTorch does for a float tensor.
    for (std::size_t k = 0; k < shape_of_t<P>::size; ++k) {
      auto& c = detail::flat_at(value, k);
      c = c - static_cast<V>(learning_rate) * static_cast<V>(detail::flat_at(g, k));
    }
  }
};

/// torch.optim.SGD's hyper-parameters, with its defaults; `lr` has none and must be given.
struct sgd_options {
  double lr = std::numeric_limits<double>::quiet_NaN();
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
};

/// torch.optim.SGD on a parameter set: `ctgrad::sgd opt{params, {.lr = 0.1, .momentum = 0.9}};`.
/// The momentum buffer has the parameters' shapes (`opt.momentum_buffer[w]`); like PyTorch's, it
/// starts as a copy of the first step's gradient. Invalid hyper-parameters throw
/// std::invalid_argument at construction, as in PyTorch.
template <class... Bs>
struct sgd<param_set<Bs...>> {
  using params_type = param_set<Bs...>;
  sgd_options options;
  params_type momentum_buffer;
  std::size_t steps = 0;  // steps taken; the buffer is a copy of the gradient at the first

  sgd(const params_type& params, sgd_options o)
      : options(o), momentum_buffer(detail::zeros_like(params)) {
    detail::require(options.lr >= 0, "sgd", "learning rate", options.lr, ">= 0 (and given)");
    detail::require_non_negative("sgd", "momentum", options.momentum);
    detail::require_non_negative("sgd", "weight_decay", options.weight_decay);
    detail::require(!options.nesterov || (options.momentum > 0 && options.dampening == 0), "sgd",
                    "dampening", options.dampening,
                    "0, with a positive momentum, for Nesterov momentum");
  }

  /// One step of torch.optim.SGD (tests/reference/pytorch_formulas.md, "SGD").
  template <class G>
  void step(params_type& params, const G& grad) {
    const sgd_options o = options;
    const bool first = steps == 0;
    detail::for_each_component(
        params, grad,
        [&](auto& p, auto g, auto& buf) {
          using V = decltype(g);
          V d = g;
          if (o.weight_decay != 0)
            d = detail::madd(static_cast<V>(o.weight_decay), p, d);
          if (o.momentum != 0) {
            buf = first ? d
                        : detail::madd(static_cast<V>(1 - o.dampening), d,
                                       buf * static_cast<V>(o.momentum));
            d = o.nesterov ? detail::madd(static_cast<V>(o.momentum), buf, d) : buf;
          }
          p = detail::madd(static_cast<V>(-o.lr), d, p);
        },
        momentum_buffer);
    ++steps;
  }
  /// Calls f(name, x) for every piece of state, x a parameter set, a double or a std::size_t
  /// (for checkpoints): the learning rate, the step count and the momentum buffer.
  template <class F>
  void for_each_state(F&& f) {
    f("lr", options.lr);
    f("steps", steps);
    f("momentum_buffer", momentum_buffer);
  }
  [[nodiscard]] double lr() const noexcept { return options.lr; }
  void set_lr(double lr) noexcept { options.lr = lr; }
};

template <class L>
sgd(L) -> sgd<L>;
template <class... Bs>
sgd(const param_set<Bs...>&, sgd_options) -> sgd<param_set<Bs...>>;

}  // namespace ctgrad
