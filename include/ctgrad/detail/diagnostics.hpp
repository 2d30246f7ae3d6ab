#pragma once
/// \file
/// Helpers that make compile errors name the variable involved. A static_assert message cannot
/// contain a computed name in C++20, so the condition carries it instead: both g++ ("note:
/// '...' evaluates to false") and clang ("failed due to requirement '...'") print the condition
/// with its template arguments, where a variable w appears as `param_named<'w'>`.

#include "config.hpp"

#include <cstddef>
#include <utility>

#include "../expr/fixed_string.hpp"

// A compile error at the call site when an argument that is a constant there breaks a
// precondition: clang's diagnose_if sees the argument's value, which no standard C++20 construct
// can without turning every call into a constant expression. Elsewhere the function checks at
// run time.
#if defined(__clang__)
// (-Wgcc-compat, on with -pedantic, would note that g++ lacks the attribute.)
#define CTGRAD_DIAGNOSE_IF(condition, message)                                          \
  _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wgcc-compat\"") \
      __attribute__((diagnose_if(condition, message, "error"))) _Pragma("clang diagnostic pop")
#else
#define CTGRAD_DIAGNOSE_IF(condition, message)
#endif

namespace ctgrad {
template <fixed_string Name, std::size_t... Dims>
struct param;
template <fixed_string Name, std::size_t... Dims>
struct data;
}  // namespace ctgrad

namespace ctgrad::detail {

/// A parameter's name as characters, which compilers print readably in diagnostics.
template <char... Cs>
struct param_named {};
/// A data column's name as characters.
template <char... Cs>
struct data_named {};

template <class V, class = void>
struct spelled {
  using type = V;  // not a variable: shown as its own type
};
template <fixed_string S, std::size_t... I>
constexpr auto spell_param(std::index_sequence<I...>) -> param_named<S.chars[I]...>;
template <fixed_string S, std::size_t... I>
constexpr auto spell_data(std::index_sequence<I...>) -> data_named<S.chars[I]...>;
template <fixed_string S, std::size_t... Dims>
struct spelled<param<S, Dims...>> {
  using type = decltype(spell_param<S>(std::make_index_sequence<S.size()>{}));
};
template <fixed_string S, std::size_t... Dims>
struct spelled<data<S, Dims...>> {
  using type = decltype(spell_data<S>(std::make_index_sequence<S.size()>{}));
};

/// V written for a diagnostic: `param<"w">` becomes `param_named<'w'>`.
template <class V>
using spelled_t = typename spelled<V>::type;

// Conditions for static_assert that carry the name; each is just its boolean.
template <bool Ok, class Variable>
inline constexpr bool value_is_bound = Ok;
template <bool Ok, class Variable>
inline constexpr bool bound_only_once = Ok;
template <bool Ok, class Variable>
inline constexpr bool differentiable_with_respect_to = Ok;
template <bool Ok, class Variable>
inline constexpr bool used_inside_a_reduction = Ok;
template <bool Ok, class Variable>
inline constexpr bool in_this_set = Ok;
template <bool Ok, class Variable, class Value>
inline constexpr bool takes_a_floating_point_value = Ok;
template <bool Ok, class Variable, class Value>
inline constexpr bool takes_a_column_of_floating_point_numbers = Ok;
template <bool Ok, class Variable, class Value>
inline constexpr bool can_view_without_dangling = Ok;
template <bool Ok, class Variable>
inline constexpr bool is_a_parameter_binding = Ok;
template <bool Ok, class Variable>
inline constexpr bool is_a_data_binding = Ok;
template <bool Ok, class... Columns>
inline constexpr bool column_types_agree = Ok;

template <bool Ok, class Variable, class Shape, class Value>
inline constexpr bool parameter_length_matches = Ok;
template <bool Ok, class Variable, class Shape, class Value>
inline constexpr bool row_length_matches = Ok;

/// A data column and its scalar type, for column_types_agree.
template <class Name, class Scalar>
struct column_of {};

}  // namespace ctgrad::detail
