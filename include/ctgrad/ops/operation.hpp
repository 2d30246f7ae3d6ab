#pragma once
/// \file
/// What every operation tag provides, so the drivers can treat operations generically:
///
///   is_reduction     false for point-wise operations, true for `mean` and `sum`
///   name, notation   how the printer writes it (`+` infix, `-` prefix, `exp(...)` function)
///   precedence       for minimal parentheses (higher binds tighter)
///   apply(T...)      the value rule, on numbers of the evaluation type
///   derive(u..., du...)  the derivative rule: the operands, then their derivatives

#include <string_view>

namespace ctgrad {

/// How an operation is written when printed.
enum class print_notation { infix, prefix, function };

/// Printing precedence levels, loosest first.
namespace print_precedence {
inline constexpr int sum = 1;      // a + b, a - b
inline constexpr int product = 2;  // a * b, a / b
inline constexpr int unary = 3;    // -a
inline constexpr int atom = 4;     // names, numbers, f(a)
}  // namespace print_precedence

/// The defaults of a point-wise operation; tags derive from it and set what differs.
struct pointwise_operation {
  static constexpr bool is_reduction = false;
  // True when apply() is written with + - * / and unary minus only, so it also computes on
  // packets of data points (runtime/reduce.hpp); otherwise packets are evaluated lane by lane.
  static constexpr bool vectorizable = false;
  static constexpr bool associative = false;
  static constexpr bool defined_on_empty = true;
};

/// The defaults of a one-argument function such as exp or sin, printed `name(u)`.
struct function_operation : pointwise_operation {
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
};

}  // namespace ctgrad
