#pragma once
/// \file
/// Trigonometric and hyperbolic functions: sin, cos, tan, tanh. Values come from <cmath> at run
/// time and from ctgrad's own constexpr implementations during constant evaluation.

#include "../detail/constexpr_math.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "operation.hpp"
#include "power.hpp"

namespace ctgrad {

struct sin_op : function_operation {
  static constexpr std::string_view name = "sin";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::sin(u);
  }
  // d sin(u) = du * cos(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct cos_op : function_operation {
  static constexpr std::string_view name = "cos";
  using at_zero = one_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::cos(u);
  }
  // d cos(u) = -(du * sin(u))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct tan_op : function_operation {
  static constexpr std::string_view name = "tan";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::tan(u);
  }
  // d tan(u) = du / square(cos(u))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct tanh_op : function_operation {
  static constexpr std::string_view name = "tanh";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::tanh(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::tanh(u.v)};
  }
  // d tanh(u) = du * (1 - square(tanh(u)))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

/// The sine of u (radians); sin(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto sin(E u) noexcept {
  return detail::make_function<sin_op>(u);
}

/// The cosine of u (radians); cos(0) is 1.
template <expression E>
[[nodiscard]] constexpr auto cos(E u) noexcept {
  return detail::make_function<cos_op>(u);
}

/// The tangent of u (radians); tan(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto tan(E u) noexcept {
  return detail::make_function<tan_op>(u);
}

/// The hyperbolic tangent of u; tanh(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto tanh(E u) noexcept {
  return detail::make_function<tanh_op>(u);
}

template <std::size_t>
constexpr auto sin_op::pullback(auto a, auto, auto u) noexcept {
  return a * cos(u);
}
template <std::size_t>
constexpr auto cos_op::pullback(auto a, auto, auto u) noexcept {
  return -(a * sin(u));
}
template <std::size_t>
constexpr auto tan_op::pullback(auto a, auto, auto u) noexcept {
  return a / square(cos(u));
}
template <std::size_t>
constexpr auto tanh_op::pullback(auto a, auto out, auto) noexcept {
  return a * (constant<1> - square(out));
}

}  // namespace ctgrad
