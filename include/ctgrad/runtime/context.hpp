#pragma once
/// \file
/// The evaluation context: the flat list of bindings, the evaluation type that follows from
/// them, and the number of data points. Looking a name up is resolved at compile time.

#include "../detail/config.hpp"

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "../detail/diagnostics.hpp"
#include "../expr/variable.hpp"
#include "bindings.hpp"

namespace ctgrad {

namespace detail {

// The scalar type of a data column binding; void for parameters and single points.
template <class B>
using column_type_t = std::conditional_t<B::is_column && is_data_v<typename B::variable>,
                                         typename B::value_type, void>;

// A binding as a diagnostic shows it: column_of<data_named<'x'>, float> for a column.
template <class B>
using column_description_t =
    std::conditional_t<B::is_column && is_data_v<typename B::variable>,
                       column_of<spelled_t<typename B::variable>, typename B::value_type>, void>;

template <class... Ts>
struct first_non_void {
  using type = void;
};
template <class T, class... Ts>
struct first_non_void<T, Ts...> {
  using type = std::conditional_t<std::is_void_v<T>, typename first_non_void<Ts...>::type, T>;
};

// True when every data column has one scalar type. Mixing float and double columns would either
// compute in float and lose the double column's precision, or compute in double and hide which
// precision was meant: the user converts one column and says.
template <class... Bs>
inline constexpr bool columns_share_a_type_v = [] {
  using first = typename first_non_void<column_type_t<Bs>...>::type;
  return ((std::is_void_v<column_type_t<Bs>> || std::is_same_v<column_type_t<Bs>, first>)&&...);
}();

template <class... Bs>
struct evaluation_type {
  using type = std::common_type_t<typename Bs::value_type...>;
};
template <>
struct evaluation_type<> {
  using type = double;  // an expression of constants alone
};

// The first variable of E, depth first, that none of Bs... binds; void when all are bound.
template <class E, class... Bs>
struct first_unbound {
  using type = std::conditional_t<
      (is_param_v<E> || is_data_v<E>)&&binding_index<E, Bs...>() == sizeof...(Bs), E, void>;
};
template <class Op, class... Args, class... Bs>
struct first_unbound<node<Op, Args...>, Bs...> {
  using type = typename first_non_void<typename first_unbound<Args, Bs...>::type...>::type;
};

// One error for the first unbound variable, so that a call with nothing bound gets one message
// rather than one per use of each variable.
template <class V>
consteval bool report_unbound() {
  if constexpr (std::is_void_v<V>) {
    return true;
  } else {
    static_assert(value_is_bound<false, spelled_t<V>>,
                  "ctgrad: the expression uses a variable that has no value bound (named in the "
                  "condition above); pass it, e.g. w = 0.0f or x = X");
    return false;
  }
}

}  // namespace detail

/// Everything evaluation needs besides the expression. T is the evaluation type: the common
/// type of the bound values, so float data with a float parameter computes in float.
template <class... Bs>
struct context {
  using value_type = typename detail::evaluation_type<Bs...>::type;
  static_assert(std::floating_point<value_type>,
                "ctgrad: bound values must be floating-point numbers");
  static constexpr bool one_column_type = detail::columns_share_a_type_v<Bs...>;
  static_assert(detail::column_types_agree<one_column_type, detail::column_description_t<Bs>...>,
                "ctgrad: data columns of different scalar types (e.g. float and double) in one "
                "evaluation would lose precision or hide it; convert the columns to one type");
  static constexpr bool has_columns = (Bs::is_column || ...);

  hana::tuple<Bs...> bindings;
  std::size_t points;  // the common length of the data columns

  template <class V>
  static constexpr bool is_column_v = [] {
    constexpr std::size_t i = detail::binding_index<V, Bs...>();
    if constexpr (i < sizeof...(Bs))
      return std::remove_cvref_t<decltype(hana::at_c<i>(
          std::declval<hana::tuple<Bs...>>()))>::is_column;
    else
      return false;
  }();

  /// True when every variable of E has a value here; otherwise a compile error names the first
  /// that has none, and callers skip the evaluation (no further errors).
  template <class E>
  static constexpr bool binds_all =
      detail::report_unbound<typename detail::first_unbound<E, Bs...>::type>();

  /// The binding of variable V; an unbound V is a compile error naming it.
  template <class V>
  [[nodiscard]] constexpr const auto& binding() const noexcept {
    constexpr std::size_t i = detail::binding_index<V, Bs...>();
    static_assert(detail::value_is_bound<(i < sizeof...(Bs)), detail::spelled_t<V>>,
                  "ctgrad: the expression uses a variable that has no value bound (named in the "
                  "condition above); pass it, e.g. w = 0.0f or x = X");
    if constexpr (i < sizeof...(Bs))
      return hana::at_c<i>(bindings);
    else
      return placeholder;  // only after the error above: keeps the compiler from adding more
  }

 private:
  struct unbound {
    value_type value{};
    static constexpr bool is_column = false;
    constexpr value_type at(std::size_t) const noexcept { return value; }
    value_type storage{};
  };
  static constexpr unbound placeholder{};

 public:
};

/// Builds the context from evaluation arguments; throws std::invalid_argument when the data
/// columns' lengths differ.
template <binding_argument... As>
[[nodiscard]] constexpr auto make_context(const As&... args) {
  auto bindings = flatten_bindings(args...);
  return hana::unpack(bindings, [&](const auto&... b) {
    detail::check_bound_once<std::remove_cvref_t<decltype(b)>...>();
    const std::size_t points = detail::column_length(bindings);
    return context<std::remove_cvref_t<decltype(b)>...>{bindings, points};
  });
}

}  // namespace ctgrad
