#pragma once
/// \file
/// Reductions over the data: `sum(e)` and `mean(e)`. Inside a reduction, data variables stand for
/// one data point; the reduction adds the point-wise values up (in the order documented in
/// runtime/reduce.hpp).

#include "../detail/config.hpp"

#include <cstddef>
#include <type_traits>

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "../expr/queries.hpp"
#include "../expr/variable.hpp"
#include "arithmetic.hpp"
#include "operation.hpp"

namespace ctgrad {

namespace detail {
template <class E>
constexpr auto make_sum(E e) noexcept;
template <class E>
constexpr auto make_mean(E e) noexcept;
}  // namespace detail

/// The sum of u over the data points.
struct sum_op {
  static constexpr bool is_reduction = true;
  static constexpr bool defined_on_empty = true;  // the sum of no terms is 0
  static constexpr std::string_view name = "sum";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T finish(T total, std::size_t) noexcept {
    return total;
  }
  template <class S>
  using result_shape = S;
  // d sum(u) = sum(du): the derivative is the same reduction of the operand's derivative
  static constexpr auto make(auto e) noexcept { return detail::make_sum(e); }
};

/// The mean of u over the data points: the sum divided by N.
struct mean_op {
  static constexpr bool is_reduction = true;
  static constexpr bool defined_on_empty = false;  // 0 / 0: an error, not a NaN
  static constexpr std::string_view name = "mean";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T finish(T total, std::size_t n) noexcept {
    return total / static_cast<T>(n);
  }
  template <class S>
  using result_shape = S;
  // d mean(u) = mean(du)
  static constexpr auto make(auto e) noexcept { return detail::make_mean(e); }
};

namespace detail {

// A term that is the same at every data point: a sum of it is N times it, its mean is itself.
template <class E>
constexpr auto make_sum(E e) noexcept {
  if constexpr (is_zero_v<E>)
    return zero_t{};
  else if constexpr (!has_data_v<E>)
    return data_size{} * e;
  else
    return make_node<sum_op>(e);
}

template <class E>
constexpr auto make_mean(E e) noexcept {
  if constexpr (!has_data_v<E>)
    return e;
  else
    return make_node<mean_op>(e);
}

template <class E>
constexpr void check_reduction_operand() noexcept {
  // mean(x - x) is mean(0) once simplified: the data variable the user wrote is gone.
  static_assert(!is_rational_v<E>,
                "ctgrad: the expression inside mean()/sum() simplified to a compile-time "
                "constant (x - x is 0, x / x is 1), so no data variable is left to reduce over");
  static_assert(is_rational_v<E> || has_data_v<E>,
                "ctgrad: mean()/sum() of an expression with no data variable: there is nothing "
                "to reduce over (did you mean to use the expression itself?)");
  static_assert(!has_reduction_v<E>,
                "ctgrad: a reduction inside a reduction (e.g. mean(x - mean(x))) is not "
                "supported yet; compute the inner one first and bind it as a parameter");
}

}  // namespace detail

/// The sum over the data points: `sum(square(y - w * x))`.
template <expression E>
[[nodiscard]] constexpr auto sum(E e) noexcept {
  detail::check_reduction_operand<E>();
  return detail::make_sum(e);
}

/// The mean over the data points: `mean(square(y - w * x))`.
template <expression E>
[[nodiscard]] constexpr auto mean(E e) noexcept {
  detail::check_reduction_operand<E>();
  return detail::make_mean(e);
}

/// A plain number is refused: it varies over no data points (ctgrad::mean(2.0) is a mistake).
template <class T>
requires std::is_arithmetic_v<T>
constexpr auto mean(T) noexcept {
  static_assert(sizeof(T) == 0,
                "ctgrad: mean() and sum() take a ctgrad expression over data, not a plain number");
  return zero_t{};  // only after the error: a use of the result adds none
}
template <class T>
requires std::is_arithmetic_v<T>
constexpr auto sum(T) noexcept {
  static_assert(sizeof(T) == 0,
                "ctgrad: mean() and sum() take a ctgrad expression over data, not a plain number");
  return zero_t{};  // only after the error: a use of the result adds none
}

}  // namespace ctgrad
