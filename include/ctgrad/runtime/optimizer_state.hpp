#pragma once
/// \file
/// What the optimizers share: state buffers shaped like the parameters, a walk over every scalar
/// component of parameters, gradient and state together, the checks of hyper-parameters, and
/// the fused multiply-add that PyTorch's CPU kernels perform.
///
/// The optimizers follow PyTorch 1.13's single-tensor code path (`foreach=False`) operation by
/// operation, in the parameter's own type, with every hyper-parameter held as a double and
/// rounded to that type once where PyTorch hands it to a tensor operation (see
/// tests/reference/pytorch_formulas.md for the sequences and the recorded trajectories that
/// check them bit for bit).

#include "../detail/config.hpp"

#include <boost/hana/unpack.hpp>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../error.hpp"
#include "bindings.hpp"

namespace ctgrad::detail {

/// c + a * b with one rounding, as PyTorch's `add(alpha=)` and `addcmul` kernels compute it on
/// x86-64 with AVX2 (its default there): ATen's kernels are compiled with FMA contraction.
template <class V>
inline V madd(V a, V b, V c) noexcept {
  return std::fma(a, b, c);
}

/// max(a, b) that propagates NaN, as torch.maximum does (std::max would keep a if b is NaN).
template <class V>
constexpr V nan_max(V a, V b) noexcept {
  if (a != a)
    return a;
  if (b != b)
    return b;
  return a < b ? b : a;
}

/// A state buffer of an optimizer: a copy of the parameter set with every component set to
/// `value` (rounded to the parameter's type), so that it has the parameters' names, shapes and
/// types (`state[w]`).
template <class Params>
Params filled_like(const Params& params, double value) noexcept {
  Params filled = params;
  hana::unpack(filled.bindings, [value](auto&... b) {
    auto fill = [value](auto& binding) {
      using B = std::remove_cvref_t<decltype(binding)>;
      using V = std::remove_cvref_t<decltype(flat_at(binding.value, 0))>;
      for (std::size_t k = 0; k < shape_of_t<typename B::variable>::size; ++k)
        flat_at(binding.value, k) = static_cast<V>(value);
    };
    (fill(b), ...);
  });
  return filled;
}

template <class Params>
Params zeros_like(const Params& params) noexcept {
  return filled_like(params, 0.0);
}

/// Calls f(p, g, s...) for every scalar component: p the parameter's component (by reference),
/// g the gradient's, converted to the parameter's type, s... the components of `states` (by
/// reference), all in the parameter's type. The gradient is read by name, so it may hold the
/// parameters in any order.
template <class Params, class Gradient, class F, class... States>
void for_each_component(Params& params, const Gradient& grad, F&& f, States&... states) {
  auto one = [&](auto& binding) {
    using B = std::remove_cvref_t<decltype(binding)>;
    using P = typename B::variable;
    using V = std::remove_cvref_t<decltype(flat_at(binding.value, 0))>;
    const auto g = grad[P{}];
    for (std::size_t k = 0; k < shape_of_t<P>::size; ++k)
      f(flat_at(binding.value, k), static_cast<V>(flat_at(g, k)), flat_at(states[P{}], k)...);
  };
  hana::unpack(params.bindings, [&](auto&... b) { (one(b), ...); });
}

/// Throws std::invalid_argument naming the optimizer, the hyper-parameter, its value and the
/// valid range when `ok` is false (NaN fails every range), as PyTorch's constructors do.
inline void require(bool ok, const char* optimizer, const char* name, double value,
                    const char* range) {
  if (ok)
    return;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  raise<std::invalid_argument>(error_kind::invalid_argument,
                               std::string("ctgrad: ") + optimizer + ": invalid " + name + " " +
                                   buffer + " (it must be " + range + ")");
}

inline void require_non_negative(const char* optimizer, const char* name, double value) {
  require(value >= 0, optimizer, name, value, ">= 0");
}

}  // namespace ctgrad::detail
