#pragma once
/// \file
/// The exponential family: exp, log. Values come from ctgrad's own constexpr implementations
/// during constant evaluation (detail/constexpr_math.hpp) and from its vectorized ones at run
/// time, on whole SIMD packets of points (detail/simd_math.hpp).

#include "../detail/constexpr_math.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "operation.hpp"

namespace ctgrad {

struct exp_op : function_operation {
  static constexpr std::string_view name = "exp";
  using at_zero = one_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::exp(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::exp(u.v)};
  }
  // d exp(u) = du * exp(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto) noexcept {
    return a * out;
  }
};

struct log_op : function_operation {
  static constexpr std::string_view name = "log";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::log(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::log(u.v)};
  }
  // d log(u) = du / u
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return a / u;
  }
};

/// e to the power u; exp(0) is 1.
template <expression E>
[[nodiscard]] constexpr auto exp(E u) noexcept {
  return detail::make_function<exp_op>(u);
}

/// The natural logarithm of u; log(1) is 0.
template <expression E>
[[nodiscard]] constexpr auto log(E u) noexcept {
  static_assert(constant_sign_v<E> > 0,
                "ctgrad: log() of a compile-time constant that is not positive");
  if constexpr (is_one_v<E>)
    return zero_t{};
  else
    return make_node<log_op>(u);
}

}  // namespace ctgrad
