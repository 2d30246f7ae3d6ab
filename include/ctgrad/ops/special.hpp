#pragma once
/// \file
/// Special functions: erf. Values come from ctgrad's own constexpr implementation during
/// constant evaluation and from the C library at run time (lane by lane on packets).

#include "../detail/config.hpp"

#include <cstddef>
#include <string_view>

#include "../detail/constexpr_math.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "exponential.hpp"
#include "operation.hpp"
#include "power.hpp"

namespace ctgrad {

struct erf_op : function_operation {
  static constexpr std::string_view name = "erf";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::erf(u);
  }
  // The double nearest 2 / sqrt(pi), the derivative of erf at 0: irrational, so a number in the
  // rule rather than a compile-time constant.
  static constexpr double two_over_sqrt_pi = 1.1283791670955126;
  // d erf(u) = du * 2 / sqrt(pi) * exp(-square(u))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return scalar<double>{two_over_sqrt_pi} * a * exp(-square(u));
  }
};

/// The error function 2 / sqrt(pi) * integral from 0 to u of exp(-t^2) dt; erf(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto erf(E u) noexcept {
  return detail::make_function<erf_op>(u);
}

}  // namespace ctgrad
