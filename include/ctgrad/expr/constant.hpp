#pragma once
/// \file
/// Constants: exact rationals known at compile time (`constant<1, 3>`, `2_c`, `0.5_c`), which
/// simplification folds, and runtime numbers (`scalar<double>`), which it leaves alone.

#include "../detail/config.hpp"

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

// A fraction folded from others, with a flag for overflow: the arithmetic below never fails in
// the middle of a constant expression (which compilers report as an unreadable "throw-expression
// is not a constant expression"), so that the caller can static_assert with a ctgrad: message.
struct folded {
  std::intmax_t num;
  std::intmax_t den;
  bool overflow;
};

constexpr folded fold(std::intmax_t n, std::intmax_t d, bool overflow) noexcept {
  // lowest terms with a positive denominator; -INTMAX_MIN does not exist, so it overflows
  if (overflow || d == 0)
    return {n, d, overflow};
  const std::intmax_t g = gcd(n, d);
  n /= g;
  d /= g;
  if (d < 0) {
    overflow = __builtin_mul_overflow(n, -1, &n) || __builtin_mul_overflow(d, -1, &d);
  }
  return {n, d, overflow};
}

constexpr folded fold_mul(folded a, folded b) noexcept {
  std::intmax_t n{}, d{};
  const bool o =
      __builtin_mul_overflow(a.num, b.num, &n) || __builtin_mul_overflow(a.den, b.den, &d);
  return fold(n, d, a.overflow || b.overflow || o);
}
constexpr folded fold_add(folded a, folded b) noexcept {
  std::intmax_t x{}, y{}, n{}, d{};
  const bool o = __builtin_mul_overflow(a.num, b.den, &x) ||
                 __builtin_mul_overflow(b.num, a.den, &y) || __builtin_add_overflow(x, y, &n) ||
                 __builtin_mul_overflow(a.den, b.den, &d);
  return fold(n, d, a.overflow || b.overflow || o);
}
constexpr folded fold_neg(folded a) noexcept {
  std::intmax_t n{};
  const bool o = __builtin_mul_overflow(a.num, -1, &n);
  return {n, a.den, a.overflow || o};
}
// a^n by squaring: about 2 log2(n) products (a recursion of n products ran out of template
// depth at pow<1000>). a is nonzero when n < 0.
constexpr folded fold_pow(folded a, std::intmax_t n) noexcept {
  const bool invert = n < 0;
  std::uintmax_t k = invert ? 0 - static_cast<std::uintmax_t>(n) : static_cast<std::uintmax_t>(n);
  folded result{1, 1, a.overflow};
  while (k != 0) {
    if (k & 1)
      result = fold_mul(result, a);
    k >>= 1;
    if (k != 0)
      a = fold_mul(a, a);
  }
  return invert ? fold(result.den, result.num, result.overflow) : result;
}

template <class R>
inline constexpr folded folded_v = {R::num, R::den, false};

template <folded F>
struct from_folded {
  static_assert(!F.overflow,
                "ctgrad: overflow while folding a compile-time constant: a numerator or "
                "denominator does not fit in 64 bits (std::intmax_t)");
  // After an overflow the type is 0, so that the message above comes alone.
  using type = typename std::conditional_t<F.overflow, std::type_identity<rational<0, 1>>,
                                           normalized<F.num, F.den>>::type;
};
template <folded F>
using from_folded_t = typename from_folded<F>::type;

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
using rational_add = from_folded_t<fold_add(folded_v<A>, folded_v<B>)>;
template <class A>
using rational_neg = from_folded_t<fold_neg(folded_v<A>)>;
template <class A, class B>
using rational_mul = from_folded_t<fold_mul(folded_v<A>, folded_v<B>)>;
template <class A, class B>
using rational_div = from_folded_t<fold_mul(folded_v<A>, folded{B::den, B::num, false})>;
template <class A, std::intmax_t N>
using rational_pow = from_folded_t<fold_pow(folded_v<A>, N)>;

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

// What a _c literal spells: a fraction, or why it is none.
struct literal_reading {
  folded value;
  bool bad_character;
  bool two_points;
};

template <char... Cs>
constexpr literal_reading read_literal() noexcept {
  constexpr char text[] = {Cs...};
  literal_reading r{{0, 1, false}, false, false};
  std::intmax_t num = 0, den = 1;
  bool fraction = false, overflow = false;
  for (char c : text) {
    if (c == '\'')
      continue;  // digit separator
    if (c == '.') {
      r.two_points = r.two_points || fraction;
      fraction = true;
    } else if (c < '0' || c > '9') {
      r.bad_character = true;
    } else {
      overflow = overflow || __builtin_mul_overflow(num, 10, &num) ||
                 __builtin_add_overflow(num, c - '0', &num);
      if (fraction)
        overflow = overflow || __builtin_mul_overflow(den, 10, &den);
    }
  }
  r.value = fold(num, den, overflow);
  return r;
}

}  // namespace detail

namespace literals {

/// A compile-time constant literal: `2_c` is constant<2>, `0.25_c` is constant<1, 4>. Decimal
/// digits and one '.' only; the value must fit in 64-bit integers as a fraction.
template <char... Cs>
[[nodiscard]] consteval auto operator""_c() noexcept {
  constexpr detail::literal_reading r = detail::read_literal<Cs...>();
  static_assert(!r.bad_character,
                "ctgrad: the _c literal takes decimal digits and one '.' only (no exponent such "
                "as 1e3, no hexadecimal): write 1000_c, or constant<N, D>");
  static_assert(!r.two_points, "ctgrad: the _c literal has more than one '.'");
  static_assert(r.bad_character || !r.value.overflow,
                "ctgrad: the _c literal does not fit in 64 bits (std::intmax_t) as a fraction");
  if constexpr (r.bad_character || r.two_points || r.value.overflow)
    return rational<0, 1>{};
  else
    return rational<r.value.num, r.value.den>{};
}

}  // namespace literals

}  // namespace ctgrad
