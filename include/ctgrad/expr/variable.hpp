#pragma once
/// \file
/// Named variables: parameters (what gradients are taken with respect to) and data columns (what
/// reductions run over). The name is part of the type, so `d(w * x, w)` is resolved at compile
/// time and a binding `w = 0.5f` finds its variable without any runtime lookup.

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include "../detail/diagnostics.hpp"
#include "fixed_string.hpp"
#include "node.hpp"

namespace ctgrad {

template <fixed_string Name, class Value>
struct param_binding;
template <fixed_string Name, class Storage>
struct data_binding;

/// A trainable parameter named at compile time: `constexpr ctgrad::param<"w"> w;`.
template <fixed_string Name>
struct param {
  using ctgrad_expression_tag = void;
  static constexpr auto name = Name;

  /// Binds a value to this parameter for evaluation: `w = 0.0f`.
  template <std::floating_point T>
  constexpr param_binding<Name, T> operator=(T value) const noexcept {  // NOLINT
    return {value};
  }
  template <class T>
  requires(!std::floating_point<T> && !std::is_same_v<std::remove_cvref_t<T>, param>) constexpr auto
  operator=(T) const {  // NOLINT: auto, so the error shows at the call
    constexpr bool ok = std::floating_point<T>;
    static_assert(detail::takes_a_floating_point_value<ok, detail::spelled_t<param>, T>,
                  "ctgrad: a parameter takes a floating-point value (float, double or long "
                  "double); write 1.0f or 1.0, not 1");
  }
};

namespace detail {
template <class C>
using element_pointer_t = decltype(std::data(std::declval<C&>()));

// A contiguous container of floating-point numbers: std::array, std::vector, std::span, a C
// array, or anything with data() and size(). Spelled without <ranges>, which is slow to compile.
template <class C>
concept contiguous_floats = requires(C& c) {
  std::data(c);
  { std::size(c) } -> std::convertible_to<std::size_t>;
}
&&std::is_pointer_v<element_pointer_t<C>>&&
    std::floating_point<std::remove_cv_t<std::remove_pointer_t<element_pointer_t<C>>>>;

template <class C>
using element_t = std::remove_cv_t<std::remove_pointer_t<element_pointer_t<C>>>;
}  // namespace detail

/// A data column named at compile time: `constexpr ctgrad::data<"x"> x;`. Inside `mean()` or
/// `sum()` it stands for one data point at a time.
template <fixed_string Name>
struct data {
  using ctgrad_expression_tag = void;
  static constexpr auto name = Name;

  /// Binds a column (std::array, std::vector, std::span, ...) without copying it. The
  /// container must outlive the binding.
  template <class C>
  requires detail::contiguous_floats<C> && std::is_lvalue_reference_v<C>
  constexpr auto operator=(C&& column) const noexcept {  // NOLINT
    using T = detail::element_t<C>;
    return data_binding<Name, std::span<const T>>{
        std::span<const T>(std::data(column), std::size(column))};
  }
  /// A temporary std::array is copied into the binding (handy in constant expressions).
  template <std::floating_point T, std::size_t N>
  constexpr auto operator=(std::array<T, N>&& column) const noexcept {  // NOLINT
    return data_binding<Name, std::array<T, N>>{column};
  }
  /// A span is a view: binding it copies the view, not the data.
  template <std::floating_point T, std::size_t E>
  constexpr auto operator=(std::span<T, E> column) const noexcept {  // NOLINT
    return data_binding<Name, std::span<const T>>{std::span<const T>(column)};
  }
  /// One data point: the column is a single value (e.g. to predict at x = 5).
  template <std::floating_point T>
  constexpr auto operator=(T point) const noexcept {  // NOLINT
    return data_binding<Name, T>{point};
  }
  template <class C>
  requires(!std::is_lvalue_reference_v<C> && !std::floating_point<std::remove_cvref_t<C>> &&
           !std::is_same_v<std::remove_cvref_t<C>, data>) auto
  operator=(C&&) const {  // NOLINT: auto, so the error shows at the call
    constexpr bool floats = detail::contiguous_floats<C>;
    if constexpr (floats)
      static_assert(detail::can_view_without_dangling<!floats, detail::spelled_t<data>, C>,
                    "ctgrad: binding a temporary container to a data column would leave a "
                    "dangling view; bind a named container (x = X) or a std::array temporary, "
                    "which is copied");
    else
      static_assert(
          detail::takes_a_column_of_floating_point_numbers<floats, detail::spelled_t<data>, C>,
          "ctgrad: a data column takes a contiguous container of float, double or long "
          "double (std::array, std::vector, std::span, ctgrad::column(ptr, n)) or one "
          "floating-point value");
  }
  template <class C>
  requires(std::is_lvalue_reference_v<C> && !detail::contiguous_floats<C> &&
           !std::floating_point<std::remove_cvref_t<C>> &&
           !std::is_same_v<std::remove_cvref_t<C>, data>) auto
  operator=(C&&) const {  // NOLINT: auto, so the error shows at the call
    constexpr bool floats = detail::contiguous_floats<C>;
    static_assert(
        detail::takes_a_column_of_floating_point_numbers<floats, detail::spelled_t<data>, C>,
        "ctgrad: a data column takes a contiguous container of float, double or long "
        "double (std::array, std::vector, std::span, ctgrad::column(ptr, n)) or one "
        "floating-point value");
  }
};

/// A column given as pointer and length: `x = ctgrad::column(ptr, n)`.
template <std::floating_point T>
[[nodiscard]] constexpr std::span<const T> column(const T* first, std::size_t length) noexcept {
  return {first, length};
}

template <class E>
inline constexpr bool is_param_v = false;
template <fixed_string Name>
inline constexpr bool is_param_v<param<Name>> = true;

template <class E>
inline constexpr bool is_data_v = false;
template <fixed_string Name>
inline constexpr bool is_data_v<data<Name>> = true;

/// The number of data points, N: what `sum` of a data-free term multiplies by.
struct data_size {
  using ctgrad_expression_tag = void;
};

}  // namespace ctgrad
