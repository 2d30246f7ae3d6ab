#pragma once
/// \file
/// Trigonometric and hyperbolic functions and their inverses: sin, cos, tan, atan, asin, acos,
/// sinh, cosh, tanh. Values come from ctgrad's own constexpr implementations during constant
/// evaluation; at run time from the C library (sin, cos, tan, atan, asin, acos, lane by lane on
/// packets) or from ctgrad's vectorized kernels (sinh, cosh, tanh: detail/simd_math.hpp).

#include "../detail/config.hpp"

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

struct atan_op : function_operation {
  static constexpr std::string_view name = "atan";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::atan(u);
  }
  // d atan(u) = du / (1 + square(u))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct asin_op : function_operation {
  static constexpr std::string_view name = "asin";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::asin(u);
  }
  // d asin(u) = du / sqrt((1 - u) * (1 + u)): no cancellation in 1 - u^2 near +-1; +inf at +-1
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct acos_op : function_operation {
  static constexpr std::string_view name = "acos";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::acos(u);
  }
  // d acos(u) = -(du / sqrt((1 - u) * (1 + u)))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct sinh_op : function_operation {
  static constexpr std::string_view name = "sinh";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::sinh(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::sinh(u.v)};
  }
  // d sinh(u) = du * cosh(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct cosh_op : function_operation {
  static constexpr std::string_view name = "cosh";
  using at_zero = one_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::cosh(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::cosh(u.v)};
  }
  // d cosh(u) = du * sinh(u)
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

/// The arc tangent of u, in (-pi/2, pi/2); atan(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto atan(E u) noexcept {
  return detail::make_function<atan_op>(u);
}

namespace detail {
// True unless E is a compile-time constant outside [-1, 1].
template <class E>
constexpr bool within_unit_interval() noexcept {
  if constexpr (is_rational_v<E>)
    return E::num >= -E::den && E::num <= E::den;
  else
    return true;
}
}  // namespace detail

/// The arc sine of u, in [-pi/2, pi/2]; asin(0) is 0. NaN outside [-1, 1] (IEEE).
template <expression E>
[[nodiscard]] constexpr auto asin(E u) noexcept {
  static_assert(detail::within_unit_interval<E>(),
                "ctgrad: asin() of a compile-time constant outside [-1, 1]");
  return detail::make_function<asin_op>(u);
}

/// The arc cosine of u, in [0, pi]; acos(1) is 0. NaN outside [-1, 1] (IEEE).
template <expression E>
[[nodiscard]] constexpr auto acos(E u) noexcept {
  static_assert(detail::within_unit_interval<E>(),
                "ctgrad: acos() of a compile-time constant outside [-1, 1]");
  if constexpr (is_one_v<E>)
    return zero_t{};
  else
    return make_node<acos_op>(u);
}

/// The hyperbolic sine of u; sinh(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto sinh(E u) noexcept {
  return detail::make_function<sinh_op>(u);
}

/// The hyperbolic cosine of u; cosh(0) is 1.
template <expression E>
[[nodiscard]] constexpr auto cosh(E u) noexcept {
  return detail::make_function<cosh_op>(u);
}

template <std::size_t>
constexpr auto atan_op::pullback(auto a, auto, auto u) noexcept {
  return a / (constant<1> + square(u));
}
template <std::size_t>
constexpr auto asin_op::pullback(auto a, auto, auto u) noexcept {
  return a / sqrt((constant<1> - u) * (constant<1> + u));
}
template <std::size_t>
constexpr auto acos_op::pullback(auto a, auto, auto u) noexcept {
  return -(a / sqrt((constant<1> - u) * (constant<1> + u)));
}
template <std::size_t>
constexpr auto sinh_op::pullback(auto a, auto, auto u) noexcept {
  return a * cosh(u);
}
template <std::size_t>
constexpr auto cosh_op::pullback(auto a, auto, auto u) noexcept {
  return a * sinh(u);
}

}  // namespace ctgrad
