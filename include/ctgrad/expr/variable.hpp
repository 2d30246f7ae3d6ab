#pragma once
/// \file
/// Named variables: parameters (what gradients are taken with respect to) and data columns (what
/// reductions run over). The name is part of the type, so `d(w * x, w)` is resolved at compile
/// time and a binding `w = 0.5f` finds its variable without any runtime lookup.

#include "../detail/config.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../detail/diagnostics.hpp"
#include "../error.hpp"
#include "../runtime/data_views.hpp"
#include "fixed_string.hpp"
#include "node.hpp"
#include "shape.hpp"

namespace ctgrad {

template <class Variable, class Value>
struct param_binding;
template <class Variable, class Storage>
struct data_binding;

/// A compile-time index: `w[ctgrad::index_c<3>]`, or `w[3_i]` with ctgrad::literals.
template <std::size_t I>
inline constexpr std::integral_constant<std::size_t, I> index_c{};

namespace detail {
// The value a parameter of shape S holds, as the user sees it: T, std::array<T, n>, or
// std::array<std::array<T, n>, m> for an m x n matrix.
template <class T, class S>
struct shaped_value;
template <class T>
struct shaped_value<T, shape<>> {
  using type = T;
};
template <class T, std::size_t N>
struct shaped_value<T, shape<N>> {
  using type = std::array<T, N>;
};
template <class T, std::size_t M, std::size_t N>
struct shaped_value<T, shape<M, N>> {
  using type = std::array<std::array<T, N>, M>;
};
}  // namespace detail

/// A value of shape S in the user's terms: `shaped_value_t<float, shape<8>>` is
/// std::array<float, 8>.
template <class T, class S>
using shaped_value_t = typename detail::shaped_value<T, S>::type;

namespace detail {
/// Component k (row-major) of a shaped value, by reference.
template <class V>
constexpr auto& flat_at(V& v, [[maybe_unused]] std::size_t k) noexcept {
  if constexpr (std::is_arithmetic_v<V>)
    return v;
  else if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(v[0])>>)
    return v[k];
  else
    return v[k / v[0].size()][k % v[0].size()];
}

template <class A>
inline constexpr std::size_t array_extent_v = 0;
template <class T, std::size_t N>
inline constexpr std::size_t array_extent_v<std::array<T, N>> = N;

[[noreturn]] inline void throw_parameter_length(std::string_view name, std::size_t expected,
                                                std::size_t got) {
  char buffer[96];
  std::string message = "ctgrad: parameter '";
  message.append(name);
  std::snprintf(buffer, sizeof buffer, "' has %zu components, the bound values %zu", expected, got);
  raise<std::invalid_argument>(error_kind::invalid_argument, message + buffer);
}
[[noreturn]] inline void throw_feature_stride(std::string_view name, std::size_t points,
                                              std::size_t stride) {
  char buffer[128];
  std::string message = "ctgrad: data '";
  message.append(name);
  std::snprintf(buffer, sizeof buffer,
                "': the stride between features (%zu) is smaller than the number of points (%zu)",
                stride, points);
  raise<std::invalid_argument>(error_kind::invalid_argument, message + buffer);
}

template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;
}  // namespace detail

/// How a type of another library binds to a variable: a specialization of
/// `binding_adapter<C>` has `static constexpr bool adapts = true;` and `static auto bind(V
/// variable, X&& value)` for the variables it supports, returning a binding (a copy, or a ctgrad
/// view). `<ctgrad/eigen.hpp>` specializes it for Eigen's dense types. Without one, a type
/// binds as what it is (a container, a number) or not at all.
template <class C>
struct binding_adapter {};

namespace detail {
template <class C>
concept adapted = binding_adapter<std::remove_cvref_t<C>>::adapts;

// Types that know their own stride (Eigen's blocks and maps, mdspan-like views): their data()
// is not the start of size() consecutive values.
template <class C>
concept strided_view = requires(const C& c) {
  c.innerStride();
}
|| requires(const C& c) { c.stride(0); };
template <class C>
concept unit_stride = requires {
  requires std::remove_cvref_t<C>::InnerStrideAtCompileTime == 1;
};
// Two-dimensional types (Eigen's matrices) keep their values in their storage order, which may
// be column-major: their data() is not the values in row-major order.
template <class C>
concept two_dimensional = requires {
  requires std::remove_cvref_t<C>::IsVectorAtCompileTime == 0;
};
// What data() and size() give as the values in order; anything else is refused rather than
// misread (an Eigen row of a column-major matrix, a matrix for a vector).
template <class C>
concept reads_as_consecutive = (!strided_view<std::remove_cvref_t<C>> ||
                                unit_stride<C>)&&!two_dimensional<C>;
template <bool Ok, class Variable, class View>
inline constexpr bool is_contiguous = Ok;
}  // namespace detail

/// A trainable parameter named at compile time: `constexpr ctgrad::param<"w"> w;` is a scalar,
/// `ctgrad::param<"w", 8>` a vector of 8 components, `ctgrad::param<"W", 16, 8>` a 16 x 8
/// matrix. The shape is part of the type; values live on the stack.
template <fixed_string Name, std::size_t... Dims>
struct param {
  using ctgrad_expression_tag = void;
  using shape_type = shape<Dims...>;
  static constexpr auto name = Name;
  static_assert(Name.size() > 0, "ctgrad: a parameter needs a name: param<\"\"> is refused");

  /// Binds a value to this scalar parameter for evaluation: `w = 0.0f`.
  template <std::floating_point T>
  requires(sizeof...(Dims) == 0) constexpr param_binding<param, T> operator=(
      T value) const noexcept {  // NOLINT
    return {value};
  }
  /// Binds a vector or matrix: `w = std::array<float, 8>{...}`; a matrix takes a nested
  /// std::array (rows) or a flat one (row-major).
  template <std::floating_point T, std::size_t N>
  requires(sizeof...(Dims) > 0) constexpr auto operator=(
      const std::array<T, N>& values) const noexcept {  // NOLINT
    static_assert(detail::parameter_length_matches<N == shape_type::size, detail::spelled_t<param>,
                                                   shape_type, std::array<T, N>>,
                  "ctgrad: the array bound to a shaped parameter (named in the condition above) "
                  "does not have as many components as the parameter");
    shaped_value_t<T, shape_type> v{};
    for (std::size_t k = 0; k < N && k < shape_type::size; ++k) detail::flat_at(v, k) = values[k];
    return param_binding<param, shaped_value_t<T, shape_type>>{v};
  }
  /// Binds a vector (or a matrix, row-major) from a braced list: `w = {0.5, -0.25, 1.0}`.
  template <std::floating_point T, std::size_t N>
  requires(sizeof...(Dims) > 0) constexpr auto operator=(
      T (&&values)[N]) const noexcept {  // NOLINT
    return *this = std::to_array(std::move(values));
  }
  template <std::floating_point T, std::size_t N, std::size_t M>
  requires(sizeof...(Dims) == 2) constexpr auto operator=(
      const std::array<std::array<T, N>, M>& values) const noexcept {  // NOLINT
    constexpr bool ok = M == detail::dim_v<shape_type, 0> && N == detail::dim_v<shape_type, 1>;
    static_assert(detail::parameter_length_matches<ok, detail::spelled_t<param>, shape_type,
                                                   std::array<std::array<T, N>, M>>,
                  "ctgrad: the nested array bound to a matrix parameter (named in the condition "
                  "above) does not have the parameter's rows and columns");
    return param_binding<param, std::array<std::array<T, N>, M>>{values};
  }
  /// Binds from a container whose length is known at run time (std::vector, std::span); throws
  /// std::invalid_argument naming the parameter when the length differs from the shape's.
  template <class C>
  requires(sizeof...(Dims) > 0 && !detail::is_std_array_v<std::remove_cvref_t<C>> &&
           !detail::adapted<C> &&
           requires(const C& c) {
             { c.size() } -> std::convertible_to<std::size_t>;
             requires std::floating_point<std::remove_cvref_t<decltype(*std::data(c))>>;
           }) auto
  operator=(const C& values) const {  // NOLINT
    using T = std::remove_cvref_t<decltype(*std::data(values))>;
    static_assert(
        detail::is_contiguous<detail::reads_as_consecutive<C>, detail::spelled_t<param>, C>,
        "ctgrad: this view has a stride or two dimensions (its data() is not its values in "
        "order); for Eigen's types #include <ctgrad/eigen.hpp>, otherwise copy the values into "
        "a contiguous container");
    if (values.size() != shape_type::size)
      detail::throw_parameter_length(Name.view(), shape_type::size, values.size());
    shaped_value_t<T, shape_type> v{};
    for (std::size_t k = 0; k < shape_type::size; ++k) detail::flat_at(v, k) = std::data(values)[k];
    return param_binding<param, shaped_value_t<T, shape_type>>{v};
  }
  /// Binds a value of another library's type through its binding_adapter (Eigen's vectors and
  /// matrices, with <ctgrad/eigen.hpp>).
  template <class C>
  requires(sizeof...(Dims) > 0 && detail::adapted<C>) auto operator=(C&& values) const {  // NOLINT
    return binding_adapter<std::remove_cvref_t<C>>::bind(*this, std::forward<C>(values));
  }
  template <class T>
  requires(sizeof...(Dims) == 0 && !std::floating_point<T> &&
           !std::is_same_v<std::remove_cvref_t<T>, param>) constexpr auto
  operator=(T) const {  // NOLINT: auto, so the error shows at the call
    constexpr bool ok = std::floating_point<T>;
    static_assert(detail::takes_a_floating_point_value<ok, detail::spelled_t<param>, T>,
                  "ctgrad: a parameter takes a floating-point value (float, double or long "
                  "double); write 1.0f or 1.0, not 1");
  }
  /// Component I of a vector parameter: `w[ctgrad::index_c<2>]`.
  template <std::size_t I>
  constexpr auto operator[](std::integral_constant<std::size_t, I>) const noexcept {
    return component<I>(*this);
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

template <class C>
using row_element_t = std::remove_cvref_t<decltype(*std::data(std::declval<C&>()))>;
}  // namespace detail

/// Data rows named at compile time: `constexpr ctgrad::data<"x", 8> x;` has 8 features per data
/// point. Inside `mean()` or `sum()` it stands for one point's features.
template <fixed_string Name, std::size_t... Dims>
struct data {
  using ctgrad_expression_tag = void;
  using shape_type = shape<Dims...>;
  static constexpr auto name = Name;
  static_assert(Name.size() > 0, "ctgrad: a data variable needs a name: data<\"\"> is refused");
  static_assert(detail::shape_is_supported<sizeof...(Dims) == 1, shape_type>,
                "ctgrad: data rows are vectors (data<\"x\", 8>); matrix-shaped data points are not "
                "supported");
  static constexpr std::size_t features = detail::dim_v<shape_type, 0>;

  /// Binds rows from a container of std::array<T, N> (one array per point, e.g.
  /// std::vector<std::array<float, 8>>), viewed, not copied.
  template <class C>
  requires(std::is_lvalue_reference_v<C>&& requires(C& c) {
    std::data(c);
    std::size(c);
    requires detail::is_std_array_v<detail::row_element_t<C>>;
  }) constexpr auto
  operator=(C&& rows) const noexcept {  // NOLINT
    using R = detail::row_element_t<C>;
    using T = std::remove_cv_t<typename R::value_type>;
    constexpr bool ok = detail::array_extent_v<R> == features;
    static_assert(detail::row_length_matches<ok, detail::spelled_t<data>, shape_type, R>,
                  "ctgrad: the rows bound to data (named in the condition above) do not have as "
                  "many features as the variable");
    return data_binding<data, row_view<T, features>>{
        row_view<T, features>{std::data(rows)->data(), std::size(rows)}};
  }
  /// Binds a row-major or feature-major view: `x = ctgrad::rows<8>(ptr, n)`,
  /// `x = ctgrad::columns<8>(ptr, n)`.
  template <class T, std::size_t N>
  constexpr auto operator=(row_view<T, N> view) const noexcept {  // NOLINT
    static_assert(detail::row_length_matches<N == features, detail::spelled_t<data>, shape_type,
                                             row_view<T, N>>,
                  "ctgrad: the rows bound to data (named in the condition above) do not have as "
                  "many features as the variable");
    return data_binding<data, row_view<T, N>>{view};
  }
  template <class T, std::size_t N>
  constexpr auto operator=(column_view<T, N> view) const {  // NOLINT
    static_assert(detail::row_length_matches<N == features, detail::spelled_t<data>, shape_type,
                                             column_view<T, N>>,
                  "ctgrad: the columns bound to data (named in the condition above) are not as "
                  "many as the variable's features");
    if (view.stride < view.points)
      detail::throw_feature_stride(Name.view(), view.points, view.stride);
    return data_binding<data, column_view<T, N>>{view};
  }
  /// Binds strided rows: `x = ctgrad::strided_rows<8>(ptr, n, point_stride, feature_stride)`.
  template <class T, std::size_t N>
  constexpr auto operator=(strided_row_view<T, N> view) const noexcept {  // NOLINT
    static_assert(detail::row_length_matches<N == features, detail::spelled_t<data>, shape_type,
                                             strided_row_view<T, N>>,
                  "ctgrad: the rows bound to data (named in the condition above) do not have as "
                  "many features as the variable");
    return data_binding<data, strided_row_view<T, N>>{view};
  }
  /// Binds a value of another library's type through its binding_adapter (an Eigen matrix of
  /// one row per point, with <ctgrad/eigen.hpp>).
  template <class C>
  requires detail::adapted<C>
  auto operator=(C&& rows) const {  // NOLINT
    return binding_adapter<std::remove_cvref_t<C>>::bind(*this, std::forward<C>(rows));
  }
  /// One data point: `x = std::array<double, 8>{...}` (copied).
  template <std::floating_point T, std::size_t N>
  constexpr auto operator=(const std::array<T, N>& point) const noexcept {  // NOLINT
    static_assert(detail::row_length_matches<N == features, detail::spelled_t<data>, shape_type,
                                             std::array<T, N>>,
                  "ctgrad: the point bound to data (named in the condition above) does not have "
                  "as many features as the variable");
    return data_binding<data, std::array<T, N>>{point};
  }
  /// One data point as a braced list: `x = {1.0, 2.0, ...}` (copied).
  template <std::floating_point T, std::size_t N>
  constexpr auto operator=(T (&&point)[N]) const noexcept {  // NOLINT
    return *this = std::to_array(std::move(point));
  }
  /// Feature I of the data row: `x[ctgrad::index_c<0>]`.
  template <std::size_t I>
  constexpr auto operator[](std::integral_constant<std::size_t, I>) const noexcept {
    return component<I>(*this);
  }
};

/// A data column named at compile time: `constexpr ctgrad::data<"x"> x;`. Inside `mean()` or
/// `sum()` it stands for one data point at a time.
template <fixed_string Name>
struct data<Name> {
  using ctgrad_expression_tag = void;
  static constexpr auto name = Name;
  static_assert(Name.size() > 0, "ctgrad: a data variable needs a name: data<\"\"> is refused");

  /// Binds a column (std::array, std::vector, std::span, ...) without copying it. The
  /// container must outlive the binding.
  template <class C>
  requires(detail::contiguous_floats<C>&& std::is_lvalue_reference_v<C> &&
           !detail::adapted<C>) constexpr auto
  operator=(C&& column) const noexcept {  // NOLINT
    using T = detail::element_t<C>;
    static_assert(detail::is_contiguous<detail::reads_as_consecutive<C>, detail::spelled_t<data>,
                                        std::remove_cvref_t<C>>,
                  "ctgrad: this view has a stride or two dimensions (its data() is not its values "
                  "in order), so it cannot be read as a column; for Eigen's types #include "
                  "<ctgrad/eigen.hpp>, otherwise bind ctgrad::column(ptr, n, stride) or copy the "
                  "values into a contiguous container");
    return data_binding<data, std::span<const T>>{
        std::span<const T>(std::data(column), std::size(column))};
  }
  /// A temporary std::array is copied into the binding (handy in constant expressions).
  template <std::floating_point T, std::size_t N>
  constexpr auto operator=(std::array<T, N>&& column) const noexcept {  // NOLINT
    return data_binding<data, std::array<T, N>>{column};
  }
  /// A span is a view: binding it copies the view, not the data.
  template <std::floating_point T, std::size_t E>
  constexpr auto operator=(std::span<T, E> column) const noexcept {  // NOLINT
    return data_binding<data, std::span<const T>>{std::span<const T>(column)};
  }
  /// A strided column, `x = ctgrad::column(ptr, n, stride)`: a view, read with that stride.
  template <std::floating_point T>
  constexpr auto operator=(strided_column_view<T> column) const noexcept {  // NOLINT
    return data_binding<data, strided_column_view<T>>{column};
  }
  /// Binds a value of another library's type through its binding_adapter (an Eigen vector, a
  /// row or column block, a Map or a Ref, with <ctgrad/eigen.hpp>).
  template <class C>
  requires detail::adapted<C>
  auto operator=(C&& column) const {  // NOLINT
    return binding_adapter<std::remove_cvref_t<C>>::bind(*this, std::forward<C>(column));
  }
  /// One data point: the column is a single value (e.g. to predict at x = 5).
  template <std::floating_point T>
  constexpr auto operator=(T point) const noexcept {  // NOLINT
    return data_binding<data, T>{point};
  }
  /// A braced list, `x = {1.0, 2.0}`, is copied into the binding as a std::array would be.
  template <std::floating_point T, std::size_t N>
  constexpr auto operator=(T (&&column)[N]) const noexcept {  // NOLINT
    return *this = std::to_array(std::move(column));
  }
  template <class C>
  requires(!std::is_lvalue_reference_v<C> && !std::floating_point<std::remove_cvref_t<C>> &&
           !std::is_same_v<std::remove_cvref_t<C>, data> && !detail::adapted<C>) auto
  operator=(C&&) const {  // NOLINT: auto, so the error shows at the call
    constexpr bool floats = detail::contiguous_floats<C>;
    if constexpr (floats && !detail::reads_as_consecutive<C>)  // the stride, before the lifetime
      static_assert(detail::is_contiguous<false, detail::spelled_t<data>, std::remove_cvref_t<C>>,
                    "ctgrad: this view has a stride or two dimensions (its data() is not its "
                    "values in order), so it cannot be read as a column; for Eigen's types "
                    "#include <ctgrad/eigen.hpp>, otherwise bind ctgrad::column(ptr, n, stride) "
                    "or copy the values into a contiguous container");
    else if constexpr (floats)
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
           !std::is_same_v<std::remove_cvref_t<C>, data> && !detail::adapted<C>) auto
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
template <fixed_string Name, std::size_t... Dims>
inline constexpr bool is_param_v<param<Name, Dims...>> = true;

template <class E>
inline constexpr bool is_data_v = false;
template <fixed_string Name, std::size_t... Dims>
inline constexpr bool is_data_v<data<Name, Dims...>> = true;

/// The number of data points, N: what `sum` of a data-free term multiplies by.
struct data_size {
  using ctgrad_expression_tag = void;
};

}  // namespace ctgrad
