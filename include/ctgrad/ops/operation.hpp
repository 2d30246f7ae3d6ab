#pragma once
/// \file
/// What every operation tag provides, so the drivers can treat operations generically:
///
///   is_reduction     false for point-wise operations, true for `mean` and `sum`
///   name, notation   how the printer writes it (`+` infix, `-` prefix, `exp(...)` function)
///   precedence       for minimal parentheses (higher binds tighter)
///   result_shape<S...>  the shape of the value from the operands' shapes
///   apply(T...)      the value rule of an element-wise operation, on numbers (or packets) of the
///                    evaluation type; an operation that is not element-wise (`dot`, `W * x`)
///                    has `compute<S...>(values...)` on whole shaped values instead
///   pullback<I>(a, out, u...)  the derivative rule, in reverse form: given the adjoint `a` of
///                    the result (d loss / d out), the result `out` and the operands, the
///                    contribution to operand I's adjoint. Written with ctgrad's operators, it
///                    serves twice: on expressions, for the symbolic `d(e, w)`; on placeholder
///                    leaves that the reverse sweep binds to numbers, for gradients at run time.

#include "../detail/config.hpp"

#include <string_view>
#include <type_traits>

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "../expr/shape.hpp"

namespace ctgrad {

/// How an operation is written when printed.
enum class print_notation { infix, prefix, function, subscript };

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
  // True when the operation applies its scalar rule component by component (broadcasting a
  // scalar operand); false for operations on whole vectors and matrices, which have compute().
  static constexpr bool elementwise = true;
  // True when apply() is written with + - * / and unary minus only, so it also computes on
  // packets of data points (runtime/reduce.hpp); otherwise packets are evaluated lane by lane,
  // or by the tag's own `apply_packet` when it has one.
  static constexpr bool vectorizable = false;
  static constexpr bool defined_on_empty = true;
  template <class... Ss>
  using result_shape = broadcast_t<Ss...>;
};

/// The defaults of a one-argument function such as exp or sin, printed `name(u)`. A tag may add
/// `using at_zero = ...;`, the compile-time constant f(0), which its factory then folds.
struct function_operation : pointwise_operation {
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
};

namespace detail {
/// The node Op(u), or the tag's `at_zero` constant when u is the constant 0.
template <class Op, class E>
constexpr auto make_function(E u) noexcept {
  if constexpr (requires { typename Op::at_zero; }) {
    if constexpr (is_zero_v<E>)
      return typename Op::at_zero{};
    else
      return make_node<Op>(u);
  } else {
    return make_node<Op>(u);
  }
}
/// Op applied to the operands through its simplifying factory (`Op::rebuild`) where it has one,
/// as a plain node otherwise.
template <class Op, class... Es>
constexpr auto rebuild(Es... es) noexcept {
  if constexpr (requires { Op::rebuild(es...); })
    return Op::rebuild(es...);
  else
    return make_node<Op>(es...);
}
}  // namespace detail

}  // namespace ctgrad
