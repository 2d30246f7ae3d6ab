#pragma once
/// \file
/// Integer powers: `pow<N>(u)` for any integer N (negative too) and `square(u)`.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "../detail/constexpr_math.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "operation.hpp"

namespace ctgrad {

namespace detail {
// "pow<N>" spelled out at compile time, for the printer.
template <std::intmax_t N>
struct pow_name {
  static constexpr auto text = [] {
    struct {
      char chars[32]{};
      std::size_t size = 0;
    } out;
    for (char c : std::string_view("pow<")) out.chars[out.size++] = c;
    char digits[24]{};
    std::size_t n = 0;
    std::intmax_t rest = N < 0 ? N : -N;  // negative: -INTMAX_MIN does not exist
    do {
      digits[n++] = static_cast<char>('0' - rest % 10);
      rest /= 10;
    } while (rest != 0);
    if (N < 0)
      out.chars[out.size++] = '-';
    while (n > 0) out.chars[out.size++] = digits[--n];
    out.chars[out.size++] = '>';
    return out;
  }();
  static constexpr std::string_view view{text.chars, text.size};
};
}  // namespace detail

/// u to the integer power N.
template <std::intmax_t N>
struct pow_op : pointwise_operation {
  static constexpr std::string_view name =
      N == 2 ? std::string_view("square") : detail::pow_name<N>::view;
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  static constexpr std::intmax_t exponent = N;
  static constexpr bool vectorizable = N > 0;  // 1 / u needs a scalar 1
  static constexpr auto rebuild(auto u) noexcept;

  // By repeated squaring, a fixed sequence of multiplications for each N, unrolled at compile
  // time: deterministic, and pow<2>(u) is exactly u * u (as PyTorch's `u ** 2` computes it).
  template <class T>
  static constexpr T apply(T u) noexcept {
    if constexpr (N < 0)
      return T(1) / pow_op<-N>::apply(u);
    else
      return power<N>(u);
  }

 private:
  template <std::intmax_t M, class T>
  static constexpr T power(T u) noexcept {
    if constexpr (M == 1) {
      return u;
    } else if constexpr (M % 2 == 0) {
      const T half = power<M / 2>(u);
      return half * half;
    } else {
      return power<M - 1>(u) * u;
    }
  }

 public:
  // d pow<N>(u) = N * du * pow<N - 1>(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

/// u to the integer power N, simplified: pow<0>(u) is 1, pow<1>(u) is u, constants fold.
template <std::intmax_t N, expression E>
[[nodiscard]] constexpr auto pow(E u) noexcept {
  if constexpr (N == 0 || is_one_v<E>)
    return one_t{};
  else if constexpr (N == 1)
    return u;
  else if constexpr (is_rational_v<E>) {
    static_assert(N > 0 || !is_zero_v<E>, "ctgrad: pow<N>(0) with N < 0 divides by 0");
    return detail::rational_pow<E, N>{};
  } else if constexpr (is_zero_v<E>)
    return zero_t{};
  else
    return make_node<pow_op<N>>(u);
}

/// u * u, written `square(u)`.
template <expression E>
[[nodiscard]] constexpr auto square(E u) noexcept {
  return pow<2>(u);
}

struct sqrt_op : function_operation {
  static constexpr std::string_view name = "sqrt";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::sqrt(u);
  }
  // d sqrt(u) = du / (2 * sqrt(u))
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

/// The square root of u; sqrt(0) is 0 and sqrt(1) is 1.
template <expression E>
[[nodiscard]] constexpr auto sqrt(E u) noexcept {
  static_assert(constant_sign_v<E> >= 0, "ctgrad: sqrt() of a negative compile-time constant");
  if constexpr (is_zero_v<E> || is_one_v<E>)
    return u;
  else
    return make_node<sqrt_op>(u);
}

template <std::size_t>
constexpr auto sqrt_op::pullback(auto a, auto out, auto) noexcept {
  return a / (constant<2> * out);
}

template <std::intmax_t N>
constexpr auto pow_op<N>::rebuild(auto u) noexcept {
  return pow<N>(u);
}

template <std::intmax_t N>
template <std::size_t>
constexpr auto pow_op<N>::pullback(auto a, auto, auto u) noexcept {
  return constant<N> * a * pow<N - 1>(u);
}

}  // namespace ctgrad
