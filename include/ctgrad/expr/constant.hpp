#pragma once
/// \file
/// Constants: exact rationals known at compile time (`constant<1, 3>`, `2_c`, `0.5_c`), which
/// simplification folds, and runtime numbers (`scalar<double>`), which it leaves alone.

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "node.hpp"

namespace ctgrad {

namespace detail {
// std::gcd lives in <numeric>, which is slow to include for one function.
constexpr std::intmax_t gcd(std::intmax_t a, std::intmax_t b) noexcept {
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0) {
    const std::intmax_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}
}  // namespace detail

/// An exact rational N/D known at compile time, in lowest terms with D > 0. An empty type: its
/// value is its type, so constant folding happens in the type system.
template <std::intmax_t N, std::intmax_t D>
struct rational {
  static_assert(D > 0 && detail::gcd(N, D) == 1,
                "ctgrad: rational<N, D> must be in lowest terms with D > 0; use constant<N, D>");
  using ctgrad_expression_tag = void;
  static constexpr std::intmax_t num = N;
  static constexpr std::intmax_t den = D;

  /// The value in the evaluation type T, correctly rounded when N and D are exact in T.
  template <std::floating_point T>
  [[nodiscard]] static constexpr T as() noexcept {
    if constexpr (D == 1)
      return static_cast<T>(N);
    else
      return static_cast<T>(N) / static_cast<T>(D);
  }
};

namespace detail {

template <std::intmax_t N, std::intmax_t D>
struct normalized {
  static_assert(D != 0, "ctgrad: compile-time constant with a zero denominator (division by 0)");
  static constexpr std::intmax_t g = gcd(N, D) == 0 ? 1 : gcd(N, D);
  static constexpr std::intmax_t sign = D < 0 ? -1 : 1;
  using type = rational<sign * N / g, sign * D / g>;
};

// Checked arithmetic on the intmax_t numerators and denominators: an overflow while folding is
// a compile error, never a wrong constant.
consteval std::intmax_t checked_mul(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_mul_overflow(a, b, &r))
    throw "ctgrad: overflow while folding a compile-time constant";
  return r;
}
consteval std::intmax_t checked_add(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_add_overflow(a, b, &r))
    throw "ctgrad: overflow while folding a compile-time constant";
  return r;
}

}  // namespace detail

/// The compile-time constant N/D, reduced to lowest terms: `constant<2>`, `constant<-1, 3>`.
template <std::intmax_t N, std::intmax_t D = 1>
inline constexpr typename detail::normalized<N, D>::type constant{};

using zero_t = rational<0, 1>;
using one_t = rational<1, 1>;

template <class E>
inline constexpr bool is_rational_v = false;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_rational_v<rational<N, D>> = true;

/// The sign of a compile-time constant: -1, 0 or 1; 2 for anything that is not one.
template <class E>
inline constexpr int constant_sign_v = 2;
template <std::intmax_t N, std::intmax_t D>
inline constexpr int constant_sign_v<rational<N, D>> = (N > 0) - (N < 0);

template <class E>
inline constexpr bool is_zero_v = std::is_same_v<E, zero_t>;
template <class E>
inline constexpr bool is_one_v = std::is_same_v<E, one_t>;

namespace detail {

template <class A, class B>
using rational_add =
    typename normalized<checked_add(checked_mul(A::num, B::den), checked_mul(B::num, A::den)),
                        checked_mul(A::den, B::den)>::type;
template <class A>
using rational_neg = rational<-A::num, A::den>;
template <class A, class B>
using rational_mul =
    typename normalized<checked_mul(A::num, B::num), checked_mul(A::den, B::den)>::type;
template <class A, class B>
using rational_div =
    typename normalized<checked_mul(A::num, B::den), checked_mul(A::den, B::num)>::type;

}  // namespace detail

/// A number known only at run time (`w * 2.0`). It is converted to the evaluation type when
/// evaluated, so `0.5 * x` over float data computes in float.
template <class T>
struct scalar {
  using ctgrad_expression_tag = void;
  using value_type = T;
  T value;
};

template <class E>
inline constexpr bool is_scalar_v = false;
template <class T>
inline constexpr bool is_scalar_v<scalar<T>> = true;

/// Turns an operand into an expression: expressions pass through, numbers become `scalar`.
template <operand T>
[[nodiscard]] constexpr auto as_expression(T value) noexcept {
  if constexpr (expression<T>)
    return value;
  else
    return scalar<T>{value};
}

namespace detail {

consteval int digit_value(char c) {
  if (c < '0' || c > '9')
    throw "ctgrad: the _c literal takes decimal digits and one '.' only";
  return c - '0';
}

template <char... Cs>
consteval std::intmax_t literal_part(bool want_denominator) {
  constexpr char text[] = {Cs...};
  std::intmax_t num = 0;
  std::intmax_t den = 1;
  bool fraction = false;
  for (char c : text) {
    if (c == '\'')
      continue;
    if (c == '.') {
      if (fraction)
        throw "ctgrad: the _c literal has more than one '.'";
      fraction = true;
      continue;
    }
    num = checked_add(checked_mul(num, 10), digit_value(c));
    if (fraction)
      den = checked_mul(den, 10);
  }
  return want_denominator ? den : num;
}

}  // namespace detail

namespace literals {

/// A compile-time constant literal: `2_c` is constant<2>, `0.25_c` is constant<1, 4>.
template <char... Cs>
[[nodiscard]] consteval auto operator""_c() noexcept {
  return constant<detail::literal_part<Cs...>(false), detail::literal_part<Cs...>(true)>;
}

}  // namespace literals

}  // namespace ctgrad
