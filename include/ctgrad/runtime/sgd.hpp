#pragma once
/// \file
/// Plain stochastic gradient descent, with PyTorch's update: p = p - lr * g, in the parameter's
/// own type, for every component of vector and matrix parameters.

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "bindings.hpp"

namespace ctgrad {

/// Gradient descent with a fixed learning rate: `ctgrad::sgd opt{0.01};`.
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

template <class L>
sgd(L) -> sgd<L>;

}  // namespace ctgrad
