#pragma once
/// \file
/// Powers and roots: `pow<N>(u)` for any integer N (negative too), `square(u)`, `sqrt(u)`,
/// `cbrt(u)`, `pow<N, D>(u)` for a compile-time rational exponent N/D, `pow(u, r)` for a real
/// exponent known at run time (or any expression), and `hypot(u, v)`.

#include "../detail/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "../detail/constexpr_math.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "exponential.hpp"
#include "operation.hpp"

namespace ctgrad {

namespace detail {
// "pow<N>" or "pow<N/D>" spelled out at compile time, for the printer.
template <std::intmax_t N, std::intmax_t D = 1>
struct pow_name {
  static constexpr auto text = [] {
    struct {
      char chars[64]{};
      std::size_t size = 0;
    } out;
    for (char c : std::string_view("pow<")) out.chars[out.size++] = c;
    auto put = [&](std::intmax_t value) {
      char digits[24]{};
      std::size_t n = 0;
      std::intmax_t rest = value < 0 ? value : -value;  // negative: -INTMAX_MIN does not exist
      do {
        digits[n++] = static_cast<char>('0' - rest % 10);
        rest /= 10;
      } while (rest != 0);
      if (value < 0)
        out.chars[out.size++] = '-';
      while (n > 0) out.chars[out.size++] = digits[--n];
    };
    put(N);
    if (D != 1) {
      out.chars[out.size++] = '/';
      put(D);
    }
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

namespace detail {
// u to the integer power N, simplified: pow<0>(u) is 1, pow<1>(u) is u, constants fold.
template <std::intmax_t N, expression E>
[[nodiscard]] constexpr auto integer_pow(E u) noexcept {
  if constexpr (N == 0 || is_one_v<E>)
    return one_t{};
  else if constexpr (N == 1)
    return u;
  else if constexpr (is_rational_v<E>) {
    static_assert(N > 0 || !is_zero_v<E>, "ctgrad: pow<N>(0) with N < 0 divides by 0");
    return rational_pow<E, N>{};
  } else if constexpr (is_zero_v<E>)
    return zero_t{};
  else
    return make_node<pow_op<N>>(u);
}
}  // namespace detail

/// u * u, written `square(u)`.
template <expression E>
[[nodiscard]] constexpr auto square(E u) noexcept {
  return detail::integer_pow<2>(u);
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
  return detail::integer_pow<N>(u);
}

template <std::intmax_t N>
template <std::size_t>
constexpr auto pow_op<N>::pullback(auto a, auto, auto u) noexcept {
  return constant<N> * a * detail::integer_pow<N - 1>(u);
}

namespace detail {
// The integer k >= 0 with k^d == n, or -1 when n (>= 0) is not a perfect d-th power.
constexpr std::intmax_t exact_root(std::intmax_t n, std::intmax_t d) noexcept {
  if (n < 2)
    return n;
  std::intmax_t lo = 1, hi = n;
  while (lo <= hi) {
    const std::intmax_t mid = lo + (hi - lo) / 2;
    std::intmax_t p = 1;
    bool above = false;  // mid^d > n, found without overflowing
    for (std::intmax_t i = 0; i < d && !above; ++i)
      above = __builtin_mul_overflow(p, mid, &p) || p > n;
    if (!above && p == n)
      return mid;
    if (above)
      hi = mid - 1;
    else
      lo = mid + 1;
  }
  return -1;
}

// C^(1/D) for a compile-time constant C, when it is a rational number (D odd for C < 0).
template <class C, std::intmax_t D>
struct rational_root {
  static constexpr bool representable = C::num != INTMAX_MIN;
  static constexpr std::intmax_t n =
      representable ? exact_root(C::num < 0 ? -C::num : C::num, D) : -1;
  static constexpr std::intmax_t d = exact_root(C::den, D);
  static constexpr bool exact = n >= 0 && d > 0;
  using type = rational<exact ? (C::num < 0 ? -n : n) : 0, exact ? d : 1>;
};

// True when E is a compile-time constant whose D-th root is rational.
template <class E, std::intmax_t D>
constexpr bool has_rational_root() noexcept {
  if constexpr (is_rational_v<E>)
    return rational_root<E, D>::exact;
  else
    return false;
}
}  // namespace detail

/// u to the rational power N/D (D >= 2, N/D in lowest terms): for a negative u, the real D-th
/// root when D is odd (pow<1, 3>(-8) is -2), NaN when D is even.
template <std::intmax_t N, std::intmax_t D>
struct rational_pow_op : function_operation {
  static constexpr std::string_view name = detail::pow_name<N, D>::view;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::pow_rational(u, static_cast<std::int64_t>(N), static_cast<std::int64_t>(D));
  }
  // d pow<N/D>(u) = N/D * du * pow<(N - D)/D>(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

/// u^v for a real exponent v known at run time (a number, or any expression): IEEE pow, so a
/// negative u gives NaN unless v is an integer.
struct real_pow_op : pointwise_operation {
  static constexpr std::string_view name = "pow";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return detail::pow(u, v);
  }
  // d pow(u, v) = v * pow(u, v - 1) * du + pow(u, v) * log(u) * dv
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto out, auto u, auto v) noexcept;
};

struct cbrt_op : function_operation {
  static constexpr std::string_view name = "cbrt";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return detail::cbrt(u);
  }
  // d cbrt(u) = du / (3 * square(cbrt(u))); +inf at u = 0
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct hypot_op : pointwise_operation {
  static constexpr std::string_view name = "hypot";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return detail::hypot(u, v);
  }
  // d hypot(u, v) = (u * du + v * dv) / hypot(u, v); NaN at u = v = 0 (0 / 0, as torch.hypot)
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto out, auto u, auto v) noexcept;
};

/// u to the power N/D, both compile-time integers: pow<N>(u) for D = 1 (see above), sqrt(u) for
/// 1/2, and otherwise the real D-th root raised to N (NaN for a negative u when D is even).
/// Constants fold when the result is rational: pow<3, 2>(4_c) is 8_c.
template <std::intmax_t N, std::intmax_t D = 1, expression E>
[[nodiscard]] constexpr auto pow(E u) noexcept {
  static_assert(D != 0, "ctgrad: pow<N, D>(u) with D = 0: the exponent N/D is undefined");
  constexpr std::intmax_t g = detail::gcd(N, D) * (D < 0 ? -1 : 1);
  constexpr std::intmax_t n = N / g, d = D / g;
  if constexpr (d == 1) {
    return detail::integer_pow<n>(u);
  } else if constexpr (n == 1 && d == 2) {
    return sqrt(u);
  } else if constexpr (is_rational_v<E>) {
    static_assert(d % 2 != 0 || E::num >= 0,
                  "ctgrad: pow<N, D>() with an even D of a negative compile-time constant");
    static_assert(n > 0 || E::num != 0, "ctgrad: pow<N, D>(0) with N/D < 0 divides by 0");
    using root = detail::rational_root<E, d>;
    if constexpr (root::exact)
      return detail::integer_pow<n>(typename root::type{});
    else
      return make_node<rational_pow_op<n, d>>(u);
  } else {
    return make_node<rational_pow_op<n, d>>(u);
  }
}

/// u^v for a real exponent: pow(w, 2.5) or pow(w, r) with r an expression. A compile-time
/// rational v goes to pow<N, D>(u); pow(u, 0) is 1.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto pow(U u_, V v_) noexcept {
  auto u = as_expression(u_);
  auto v = as_expression(v_);
  using B = decltype(v);
  if constexpr (is_rational_v<B>)
    return pow<B::num, B::den>(u);
  else
    return make_node<real_pow_op>(u, v);
}

/// The real cube root of u, negative for a negative u; constants fold when rational
/// (cbrt(-8_c) is -2_c).
template <expression E>
[[nodiscard]] constexpr auto cbrt(E u) noexcept {
  if constexpr (detail::has_rational_root<E, 3>())
    return typename detail::rational_root<E, 3>::type{};
  else
    return make_node<cbrt_op>(u);
}

/// sqrt(u * u + v * v), without overflow or underflow in between; hypot(u, 0) is |u| (IEEE).
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto hypot(U u, V v) noexcept {
  return make_node<hypot_op>(as_expression(u), as_expression(v));
}

template <std::intmax_t N, std::intmax_t D>
template <std::size_t>
constexpr auto rational_pow_op<N, D>::pullback(auto a, auto, auto u) noexcept {
  return constant<N, D> * a * pow<N - D, D>(u);
}

template <std::size_t I>
constexpr auto real_pow_op::pullback(auto a, auto out, auto u, auto v) noexcept {
  if constexpr (I == 0)
    return a * v * pow(u, v - constant<1>);
  else
    return a * out * log(u);
}

template <std::size_t>
constexpr auto cbrt_op::pullback(auto a, auto out, auto) noexcept {
  return a / (constant<3> * square(out));
}

template <std::size_t I>
constexpr auto hypot_op::pullback(auto a, auto out, auto u, auto v) noexcept {
  if constexpr (I == 0)
    return a * u / out;
  else
    return a * v / out;
}

}  // namespace ctgrad
