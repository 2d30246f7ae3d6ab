#pragma once
/// \file
/// Values bound to names for evaluation: `w = 0.5f` binds a parameter, `x = X` a data column
/// (viewed, not copied), and `parameters(...)` / `dataset(...)` group bindings that are used
/// again and again, as in a training loop.

#include "../detail/config.hpp"

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../detail/diagnostics.hpp"
#include "../error.hpp"
#include "../expr/fixed_string.hpp"
#include "../expr/shape.hpp"
#include "../expr/variable.hpp"
#include "data_views.hpp"

namespace ctgrad {

namespace hana = boost::hana;

namespace detail {
template <class V>
struct scalar_of {
  using type = V;
};
template <class V, std::size_t N>
struct scalar_of<std::array<V, N>> : scalar_of<V> {};
}  // namespace detail

/// A value bound to a parameter; made by `param<...>::operator=`. `value` is the parameter's
/// value in the user's shape (a number, a std::array, or a nested std::array for a matrix).
template <class Variable, class Value>
struct [[nodiscard(
    "ctgrad: w = value makes a binding and does nothing by itself; pass it to evaluate(), "
    "value_and_grad() or parameters(), or assign to p[w] to change a parameter")]] param_binding {
  using variable = Variable;
  using value_type = typename detail::scalar_of<Value>::type;
  static constexpr bool is_column = false;
  Value value;

  /// Component k of the value, row-major.
  [[nodiscard]] constexpr value_type at(std::size_t k) const noexcept {
    return detail::flat_at(value, k);
  }
};

/// Data bound to a data variable: a column (a span or an owned std::array) or a single point
/// for a scalar variable; a row-major or feature-major view, or a single point (std::array),
/// for data rows.
template <class Variable, class Storage>
struct data_binding;

namespace detail {
template <class Storage>
struct element_type {
  using type = std::remove_cv_t<typename Storage::value_type>;
};
template <std::floating_point T>
struct element_type<T> {
  using type = T;
};
template <class T, std::size_t N>
struct element_type<row_view<T, N>> {
  using type = T;
};
template <class T, std::size_t N>
struct element_type<column_view<T, N>> {
  using type = T;
};
template <class T, std::size_t N>
struct element_type<strided_row_view<T, N>> {
  using type = T;
};
}  // namespace detail

template <class Variable, class Storage>
struct [[nodiscard(
    "ctgrad: x = X makes a binding and does nothing by itself; pass it to evaluate(), "
    "value_and_grad() or dataset()")]] data_binding {
  using variable = Variable;
  /// True when the binding holds one value per data point (false for a single point).
  static constexpr bool is_column =
      !std::is_floating_point_v<Storage> &&
      !(shape_of_t<Variable>::rank > 0 && detail::is_std_array_v<Storage>);
  using value_type = typename detail::element_type<Storage>::type;
  using storage_type = Storage;
  Storage storage;

  [[nodiscard]] constexpr std::size_t size() const noexcept {
    if constexpr (!is_column)
      return 1;
    else if constexpr (is_row_data_view_v<Storage>)
      return storage.points;
    else
      return storage.size();
  }
  /// Point i of a column (the point itself when a single point is bound).
  [[nodiscard]] constexpr value_type at([[maybe_unused]] std::size_t i) const noexcept {
    if constexpr (is_column)
      return storage[i];
    else
      return storage;
  }
  /// Feature j of point i, for data rows.
  [[nodiscard]] constexpr value_type at([[maybe_unused]] std::size_t i, std::size_t j)
      const noexcept {
    if constexpr (is_column)
      return storage.at(i, j);
    else
      return storage[j];
  }
};

template <class B>
inline constexpr bool is_binding_v = false;
template <class Variable, class V>
inline constexpr bool is_binding_v<param_binding<Variable, V>> = true;
template <class Variable, class S>
inline constexpr bool is_binding_v<data_binding<Variable, S>> = true;

namespace detail {

// The position of V's binding among Bs, or sizeof...(Bs) when unbound.
template <class V, class... Bs>
consteval std::size_t binding_index() noexcept {
  constexpr bool match[] = {std::is_same_v<typename Bs::variable, V>..., false};
  std::size_t i = 0;
  while (i < sizeof...(Bs) && !match[i]) ++i;
  return i;
}

template <class V, class... Bs>
inline constexpr std::size_t binding_count_v =
    (std::size_t{std::is_same_v<typename Bs::variable, V>} + ... + 0);

template <class... Bs>
consteval bool all_bound_once() noexcept {
  return ((binding_count_v<typename Bs::variable, Bs...> == 1) && ...);
}

// The first variable bound more than once among Bs, or void.
template <class... Bs>
struct first_bound_twice {
  using type = void;
};
template <class B, class... Bs>
struct first_bound_twice<B, Bs...> {
  using type = std::conditional_t<(binding_count_v<typename B::variable, B, Bs...> > 1),
                                  typename B::variable, typename first_bound_twice<Bs...>::type>;
};

template <class... Bs>
constexpr void check_bound_once() noexcept {
  constexpr bool once = all_bound_once<Bs...>();
  static_assert(bound_only_once<once, spelled_t<typename first_bound_twice<Bs...>::type>>,
                "ctgrad: a name is bound twice in one call (named in the condition above); bind "
                "each parameter and data column once");
}

[[noreturn]] inline void throw_column_lengths(std::string_view first, std::size_t first_length,
                                              std::string_view other, std::size_t other_length) {
  char buffer[64];
  std::string message = "ctgrad: data columns have different lengths: '";
  message.append(first);
  std::snprintf(buffer, sizeof buffer, "' has %zu points, '", first_length);
  message += buffer;
  message.append(other);
  std::snprintf(buffer, sizeof buffer, "' has %zu", other_length);
  message += buffer;
  raise<std::invalid_argument>(error_kind::invalid_argument, message);
}

// The common length of the data columns among Bs (0 when none is bound); throws
// std::invalid_argument naming two columns when their lengths differ.
template <class... Bs>
constexpr std::size_t column_length(const hana::tuple<Bs...>& bindings) {
  std::size_t length = 0;
  std::string_view first_name;
  bool seen = false;
  auto check = [&](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    if constexpr (B::is_column && is_data_v<typename B::variable>) {
      if (!seen) {
        seen = true;
        length = b.size();
        first_name = B::variable::name.view();
      } else if (b.size() != length) {
        throw_column_lengths(first_name, length, B::variable::name.view(), b.size());
      }
    }
  };
  hana::unpack(bindings, [&](const auto&... b) { (check(b), ...); });
  return length;
}

}  // namespace detail

/// A set of parameter values that training updates in place: `auto p = parameters(w = 0.0f);`,
/// then `p[w]` reads or writes w.
namespace detail {
// The first binding among Bs whose variable fails Pred, or void.
template <template <class> class Pred, class... Bs>
struct first_failing {
  using type = void;
};
template <template <class> class Pred, class B, class... Bs>
struct first_failing<Pred, B, Bs...> {
  using type = std::conditional_t<Pred<typename B::variable>::value,
                                  typename first_failing<Pred, Bs...>::type, typename B::variable>;
};
template <class V>
struct is_param_variable : std::bool_constant<is_param_v<V>> {};
template <class V>
struct is_data_variable : std::bool_constant<is_data_v<V>> {};
}  // namespace detail

template <class... Bs>
struct param_set {
  static constexpr bool all_params = (is_param_v<typename Bs::variable> && ...);
  static_assert(
      detail::is_a_parameter_binding<all_params, detail::spelled_t<typename detail::first_failing<
                                                     detail::is_param_variable, Bs...>::type>>,
      "ctgrad: parameters() takes parameter bindings such as w = 0.0f, not data (named "
      "in the condition above)");
  hana::tuple<Bs...> bindings;

  template <fixed_string Name, std::size_t... Dims>
  [[nodiscard]] constexpr auto& operator[](param<Name, Dims...>) noexcept {
    constexpr std::size_t i = index<param<Name, Dims...>>();
    if constexpr (i < sizeof...(Bs))
      return hana::at_c<i>(bindings).value;
    else
      return missing;  // only after the error naming the parameter: no follow-on errors
  }
  template <fixed_string Name, std::size_t... Dims>
  [[nodiscard]] constexpr const auto& operator[](param<Name, Dims...>) const noexcept {
    constexpr std::size_t i = index<param<Name, Dims...>>();
    if constexpr (i < sizeof...(Bs))
      return hana::at_c<i>(bindings).value;
    else
      return missing;
  }
  static constexpr std::size_t size() noexcept { return sizeof...(Bs); }

 private:
  template <class P>
  static consteval std::size_t index() noexcept {
    constexpr std::size_t i = detail::binding_index<P, Bs...>();
    static_assert(
        detail::in_this_set<(i < sizeof...(Bs)), detail::spelled_t<P>>,
        "ctgrad: this parameter set has no such parameter (named in the condition above)");
    return i;
  }
  static inline double missing = 0;
};

namespace detail {
// True for a param_set: opt-in headers that take one (checkpoint.hpp, history.hpp) refuse anything
// else with their own message.
template <class T>
inline constexpr bool is_param_set_v = false;
template <class... Bs>
inline constexpr bool is_param_set_v<param_set<Bs...>> = true;
}  // namespace detail

/// Groups parameter bindings into a mutable set: `auto p = ctgrad::parameters(w = 0.0f, b =
/// 0.0f);`.
template <class... Bs>
[[nodiscard]] constexpr param_set<Bs...> parameters(Bs... bindings) noexcept {
  detail::check_bound_once<Bs...>();
  return {hana::make_tuple(bindings...)};
}

/// Data columns bound once and checked once: `auto train_data = ctgrad::dataset(x = X, y = Y);`.
template <class... Bs>
struct data_set {
  static constexpr bool all_data = (is_data_v<typename Bs::variable> && ...);
  static_assert(
      detail::is_a_data_binding<
          all_data,
          detail::spelled_t<typename detail::first_failing<detail::is_data_variable, Bs...>::type>>,
      "ctgrad: dataset() takes data bindings such as x = X, not parameters (named in "
      "the condition above)");
  hana::tuple<Bs...> bindings;
  std::size_t length;
  /// The number of data points.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return length; }
};

/// Groups data bindings; throws std::invalid_argument when the columns' lengths differ.
template <class... Bs>
[[nodiscard]] constexpr data_set<Bs...> dataset(Bs... bindings) {
  detail::check_bound_once<Bs...>();
  auto tuple = hana::make_tuple(bindings...);
  const std::size_t length = detail::column_length(tuple);
  return {tuple, length};
}

namespace detail {

template <class A>
constexpr auto as_binding_tuple(const A& a) noexcept {
  if constexpr (is_binding_v<A>)
    return hana::make_tuple(a);
  else
    return a.bindings;
}

template <class A>
inline constexpr bool is_binding_argument_v = is_binding_v<A>;
template <class... Bs>
inline constexpr bool is_binding_argument_v<param_set<Bs...>> = true;
template <class... Bs>
inline constexpr bool is_binding_argument_v<data_set<Bs...>> = true;

}  // namespace detail

/// What evaluation accepts after the expression: bindings, parameter sets and data sets.
template <class A>
concept binding_argument = detail::is_binding_argument_v<std::remove_cvref_t<A>>;

/// All arguments' bindings as one flat tuple.
template <binding_argument... As>
[[nodiscard]] constexpr auto flatten_bindings(const As&... args) noexcept {
  return hana::flatten(hana::make_tuple(detail::as_binding_tuple(args)...));
}

}  // namespace ctgrad
