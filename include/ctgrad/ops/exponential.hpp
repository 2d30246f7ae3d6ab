#pragma once
/// \file
/// The exponential family: exp, log, expm1, log1p, and the logistic functions built on them:
/// sigmoid, softplus, log_sigmoid (stable for any argument: finite, and exact to rounding at
/// u = +-1000, as are their derivatives). Values come from ctgrad's own constexpr implementations
/// during constant evaluation (detail/constexpr_math.hpp) and from its vectorized ones at run
/// time, on whole SIMD packets of points (detail/simd_math.hpp).

#include "../detail/config.hpp"

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

struct expm1_op : function_operation {
  static constexpr std::string_view name = "expm1";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::expm1(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::expm1(u.v)};
  }
  // d expm1(u) = du * exp(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct log1p_op : function_operation {
  static constexpr std::string_view name = "log1p";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::log1p(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::log1p(u.v)};
  }
  // d log1p(u) = du / (1 + u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return a / (constant<1> + u);
  }
};

struct sigmoid_op : function_operation {
  static constexpr std::string_view name = "sigmoid";
  using at_zero = rational<1, 2>;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::sigmoid(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::sigmoid(u.v)};
  }
  // d sigmoid(u) = du * sigmoid(u) * sigmoid(-u): 1 - sigmoid(u) would cancel for large u
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct softplus_op : function_operation {
  static constexpr std::string_view name = "softplus";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::softplus(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::softplus(u.v)};
  }
  // d softplus(u) = du * sigmoid(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct log_sigmoid_op : function_operation {
  static constexpr std::string_view name = "log_sigmoid";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::log_sigmoid(u);
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    return {detail::simd::log_sigmoid(u.v)};
  }
  // d log_sigmoid(u) = du * sigmoid(-u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
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

/// e^u - 1, accurate for small u (exp(u) - 1 would cancel); expm1(0) is 0.
template <expression E>
[[nodiscard]] constexpr auto expm1(E u) noexcept {
  return detail::make_function<expm1_op>(u);
}

/// log(1 + u), accurate for small u; log1p(0) is 0. -inf at u = -1, NaN below (IEEE).
template <expression E>
[[nodiscard]] constexpr auto log1p(E u) noexcept {
  if constexpr (is_rational_v<E>)
    static_assert(E::num > -E::den, "ctgrad: log1p() of a compile-time constant that is not > -1");
  return detail::make_function<log1p_op>(u);
}

/// The logistic function 1 / (1 + e^-u), computed without overflow for any u; sigmoid(0) is 1/2.
template <expression E>
[[nodiscard]] constexpr auto sigmoid(E u) noexcept {
  return detail::make_function<sigmoid_op>(u);
}

/// log(1 + e^u), computed as max(u, 0) + log1p(e^-|u|): finite for any finite u.
template <expression E>
[[nodiscard]] constexpr auto softplus(E u) noexcept {
  return make_node<softplus_op>(u);
}

/// log(sigmoid(u)) = -softplus(-u), computed without overflow: log_sigmoid(-1000) is -1000.
template <expression E>
[[nodiscard]] constexpr auto log_sigmoid(E u) noexcept {
  return make_node<log_sigmoid_op>(u);
}

template <std::size_t>
constexpr auto expm1_op::pullback(auto a, auto, auto u) noexcept {
  return a * exp(u);
}
template <std::size_t>
constexpr auto sigmoid_op::pullback(auto a, auto out, auto u) noexcept {
  return a * out * sigmoid(-u);
}
template <std::size_t>
constexpr auto softplus_op::pullback(auto a, auto, auto u) noexcept {
  return a * sigmoid(u);
}
template <std::size_t>
constexpr auto log_sigmoid_op::pullback(auto a, auto, auto u) noexcept {
  return a * sigmoid(-u);
}

}  // namespace ctgrad
