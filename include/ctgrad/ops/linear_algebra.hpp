#pragma once
/// \file
/// Operations on whole vectors and matrices: `dot(u, v)`, the matrix-vector product `W * x`
/// (`matvec`), a component `w[i]`, the sum of the components (`component_sum`, `squared_norm`),
/// and the operations their derivative rules need (outer products, transposed products, a
/// scalar spread over a shape or placed in one component).
///
/// Values are flat and row-major (expr/shape.hpp); `compute` works on std::array of any number
/// type with + and * (a float, a double, or a SIMD packet of either), always in the same order,
/// so that a packet's lanes get exactly the scalar results.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "../expr/shape.hpp"
#include "operation.hpp"

namespace ctgrad {

/// Shaped operations are not element-wise: they have compute() on whole values.
struct shaped_operation : pointwise_operation {
  static constexpr bool elementwise = false;
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
};

namespace detail {
template <class S>
inline constexpr bool is_vector_shape_v = S::rank == 1;
template <class S>
inline constexpr bool is_matrix_shape_v = S::rank == 2;
}  // namespace detail

template <expression U, expression V>
constexpr auto dot(U u, V v) noexcept;
template <expression W, expression X>
constexpr auto matvec(W w, X x) noexcept;
template <expression W, expression A>
constexpr auto transposed_matvec(W w, A a) noexcept;
template <expression P, expression Q>
constexpr auto outer(P p, Q q) noexcept;
template <std::size_t K, expression E>
constexpr auto component(E e) noexcept;
template <expression E>
constexpr auto component_sum(E e) noexcept;
template <class S, expression E>
constexpr auto broadcast(E e) noexcept;
template <std::size_t K, class S, expression E>
constexpr auto scatter(E e) noexcept;

/// u . v = sum_k u[k] * v[k], added in index order.
struct dot_op : shaped_operation {
  static constexpr std::string_view name = "dot";
  template <class A, class B>
  using result_shape = scalar_shape;
  template <class A, class B, class X, class Y>
  static constexpr auto compute(const X& u, const Y& v) noexcept {
    auto r = u[0] * v[0];
    for (std::size_t k = 1; k < A::size; ++k) r = r + u[k] * v[k];
    return r;
  }
  // d(u . v) = du . v + u . dv
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto u, auto v) noexcept {
    if constexpr (I == 0)
      return v * a;
    else
      return u * a;
  }
};

/// (W x)[i] = sum_j W[i][j] * x[j], added in j order.
struct matvec_op : shaped_operation {
  static constexpr std::string_view name = "*";
  static constexpr auto notation = print_notation::infix;
  static constexpr int precedence = print_precedence::product;
  template <class A, class B>
  using result_shape = shape<detail::dim_v<A, 0>>;
  template <class A, class B, class X, class Y>
  static constexpr auto compute(const X& w, const Y& x) noexcept {
    constexpr std::size_t m = detail::dim_v<A, 0>, n = detail::dim_v<A, 1>;
    std::array<std::remove_cvref_t<decltype(w[0] * x[0])>, m> r;  // every component written
    for (std::size_t i = 0; i < m; ++i) {
      auto s = w[i * n] * x[0];
      for (std::size_t j = 1; j < n; ++j) s = s + w[i * n + j] * x[j];
      r[i] = s;
    }
    return r;
  }
  // d(W x) = dW x + W dx: W's adjoint is the outer product a x^T, x's is W^T a
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto w, auto x) noexcept {
    if constexpr (I == 0)
      return outer(a, x);
    else
      return transposed_matvec(w, a);
  }
};

/// (W^T a)[j] = sum_i W[i][j] * a[i], added in i order.
struct transposed_matvec_op : shaped_operation {
  static constexpr std::string_view name = "transposed_matvec";
  template <class A, class B>
  using result_shape = shape<detail::dim_v<A, 1>>;
  template <class A, class B, class X, class Y>
  static constexpr auto compute(const X& w, const Y& a) noexcept {
    constexpr std::size_t m = detail::dim_v<A, 0>, n = detail::dim_v<A, 1>;
    std::array<std::remove_cvref_t<decltype(w[0] * a[0])>, n> r;  // every component written
    for (std::size_t j = 0; j < n; ++j) r[j] = w[j] * a[0];
    for (std::size_t i = 1; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) r[j] = r[j] + w[i * n + j] * a[i];
    return r;
  }
  // d(W^T a) = dW^T a + W^T da
  template <std::size_t I>
  static constexpr auto pullback(auto g, auto, auto w, auto a) noexcept {
    if constexpr (I == 0)
      return outer(a, g);
    else
      return matvec(w, g);
  }
};

/// (p q^T)[i][j] = p[i] * q[j].
struct outer_op : shaped_operation {
  static constexpr std::string_view name = "outer";
  template <class A, class B>
  using result_shape = shape<A::size, B::size>;
  template <class A, class B, class X, class Y>
  static constexpr auto compute(const X& p, const Y& q) noexcept {
    constexpr std::size_t m = A::size, n = B::size;
    std::array<std::remove_cvref_t<decltype(p[0] * q[0])>, m * n> r;  // every component written
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) r[i * n + j] = p[i] * q[j];
    return r;
  }
  // d(p q^T) = dp q^T + p dq^T
  template <std::size_t I>
  static constexpr auto pullback(auto g, auto, auto p, auto q) noexcept {
    if constexpr (I == 0)
      return matvec(g, q);
    else
      return transposed_matvec(g, p);
  }
};

/// Component K (row-major) of a vector or matrix.
template <std::size_t K>
struct component_op : shaped_operation {
  static constexpr std::string_view name = "[]";
  static constexpr auto notation = print_notation::subscript;
  static constexpr std::size_t index = K;
  template <class A>
  using result_shape = scalar_shape;
  template <class A, class X>
  static constexpr auto compute(const X& u) noexcept {
    return u[K];
  }
  // d u[K] = du[K]: the adjoint goes to component K alone
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return scatter<K, shape_of_t<decltype(u)>>(a);
  }
};

/// The sum of the components, in index order.
struct component_sum_op : shaped_operation {
  static constexpr std::string_view name = "component_sum";
  template <class A>
  using result_shape = scalar_shape;
  template <class A, class X>
  static constexpr auto compute(const X& u) noexcept {
    auto r = u[0];
    for (std::size_t k = 1; k < A::size; ++k) r = r + u[k];
    return r;
  }
  // d sum_k u[k] = sum_k du[k]: every component receives the adjoint
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return broadcast<shape_of_t<decltype(u)>>(a);
  }
};

/// A scalar spread over shape S.
template <class S>
struct broadcast_op : shaped_operation {
  static constexpr std::string_view name = "broadcast";
  template <class A>
  using result_shape = S;
  template <class A, class X>
  static constexpr auto compute(const X& u) noexcept {
    std::array<X, S::size> r;
    for (auto& c : r) c = u;
    return r;
  }
  template <std::size_t>
  static constexpr auto pullback(auto g, auto, auto) noexcept {
    return component_sum(g);
  }
};

/// A value of shape S that is the scalar u in component K and 0 elsewhere.
template <std::size_t K, class S>
struct scatter_op : shaped_operation {
  static constexpr std::string_view name = "unit";
  static constexpr std::size_t index = K;
  template <class A>
  using result_shape = S;
  template <class A, class X>
  static constexpr auto compute(const X& u) noexcept {
    std::array<X, S::size> r{};
    r[K] = u;
    return r;
  }
  template <std::size_t>
  static constexpr auto pullback(auto g, auto, auto) noexcept {
    return component<K>(g);
  }
};

namespace detail {
template <class A, class B>
constexpr void check_dot_shapes() noexcept {
  constexpr bool ok = std::is_same_v<A, B> && A::rank == 1;
  static_assert(shapes_conform<ok, A, B>,
                "ctgrad: dot() takes two vectors of the same length; the two shapes are in the "
                "condition above");
}
template <class A, class B>
constexpr void check_matvec_shapes() noexcept {
  constexpr bool ok = A::rank == 2 && B::rank == 1 && dim_v<A, 1> == dim_v<B, 0>;
  static_assert(shapes_conform<ok, A, B>,
                "ctgrad: a matrix-vector product W * x needs an m x n matrix and a vector of n "
                "components; the two shapes are in the condition above");
}
}  // namespace detail

/// The dot product of two vectors of the same length: `dot(w, x)`.
template <expression U, expression V>
[[nodiscard]] constexpr auto dot(U u, V v) noexcept {
  detail::check_dot_shapes<shape_of_t<U>, shape_of_t<V>>();
  return make_node<dot_op>(u, v);
}

/// The matrix-vector product, also written `W * x`.
template <expression W, expression X>
[[nodiscard]] constexpr auto matvec(W w, X x) noexcept {
  detail::check_matvec_shapes<shape_of_t<W>, shape_of_t<X>>();
  return make_node<matvec_op>(w, x);
}

/// W^T a, for an m x n matrix W and a vector a of m components.
template <expression W, expression A>
[[nodiscard]] constexpr auto transposed_matvec(W w, A a) noexcept {
  using SW = shape_of_t<W>;
  using SA = shape_of_t<A>;
  constexpr bool ok = SW::rank == 2 && SA::rank == 1 && detail::dim_v<SW, 0> == SA::size;
  static_assert(detail::shapes_conform<ok, SW, SA>,
                "ctgrad: transposed_matvec(W, a) needs an m x n matrix and a vector of m "
                "components; the two shapes are in the condition above");
  return make_node<transposed_matvec_op>(w, a);
}

/// The outer product p q^T of two vectors: a matrix.
template <expression P, expression Q>
[[nodiscard]] constexpr auto outer(P p, Q q) noexcept {
  constexpr bool ok = shape_of_t<P>::rank == 1 && shape_of_t<Q>::rank == 1;
  static_assert(detail::shapes_conform<ok, shape_of_t<P>, shape_of_t<Q>>,
                "ctgrad: outer() takes two vectors");
  return make_node<outer_op>(p, q);
}

/// The sum of the components of a vector or matrix. (Named so as not to clash with `sum`, the
/// reduction over data points.)
template <expression E>
[[nodiscard]] constexpr auto component_sum(E e) noexcept {
  if constexpr (shape_of_t<E>::rank == 0)
    return e;
  else if constexpr (is_node_of_v<E, broadcast_op<shape_of_t<E>>>)
    return constant<shape_of_t<E>::size> * operand_of<0>(e);
  else
    return make_node<component_sum_op>(e);
}

/// The squared Euclidean (Frobenius) norm: the sum of the squared components.
template <expression E>
[[nodiscard]] constexpr auto squared_norm(E e) noexcept {
  return component_sum(e * e);
}

/// The scalar e spread over shape S.
template <class S, expression E>
[[nodiscard]] constexpr auto broadcast(E e) noexcept {
  static_assert(shape_of_t<E>::rank == 0, "ctgrad: broadcast() spreads a scalar");
  if constexpr (S::rank == 0)
    return e;
  else
    return make_node<broadcast_op<S>>(e);
}

/// A value of shape S with the scalar e in component K and 0 elsewhere.
template <std::size_t K, class S, expression E>
[[nodiscard]] constexpr auto scatter(E e) noexcept {
  static_assert(K < S::size, "ctgrad: scatter<K, S>: K is past the end of the shape");
  return make_node<scatter_op<K, S>>(e);
}

namespace detail {

template <class Op>
inline constexpr bool is_scatter_v = false;
template <std::size_t K, class S>
inline constexpr bool is_scatter_v<scatter_op<K, S>> = true;

template <std::size_t K, class E>
constexpr auto component_of_operand(const E& e) noexcept {
  if constexpr (shape_of_t<E>::rank == 0)
    return e;  // a scalar broadcast in an element-wise operation
  else
    return component<K>(e);
}

}  // namespace detail

/// Component K of a vector (or, row-major, of a matrix): `component<2>(w)`, also `w[index_c<2>]`.
/// Taken through element-wise operations and reductions, so that `component<2>(mean(x * r))` is
/// `mean(x[2] * r)`.
template <std::size_t K, expression E>
[[nodiscard]] constexpr auto component(E e) noexcept {
  using S = shape_of_t<E>;
  constexpr bool ok = S::rank > 0 && K < S::size;
  static_assert(detail::shapes_conform<ok, S, shape<K + 1>>,
                "ctgrad: component<K>(e) needs a vector or matrix with more than K components; "
                "the shape and K + 1 are in the condition above");
  if constexpr (!ok)
    return zero_t{};
  else if constexpr (is_node_v<E>) {
    using Op = typename E::op;
    if constexpr (std::is_same_v<Op, broadcast_op<S>>)
      return operand_of<0>(e);
    else if constexpr (detail::is_scatter_v<Op>) {
      if constexpr (Op::index == K)
        return operand_of<0>(e);
      else
        return zero_t{};
    } else if constexpr (std::is_same_v<Op, outer_op>) {
      constexpr std::size_t n = shape_of_t<operand_type_t<1, E>>::size;
      return component<K / n>(operand_of<0>(e)) * component<K % n>(operand_of<1>(e));
    } else if constexpr (Op::is_reduction)
      return Op::make(component<K>(operand_of<0>(e)));
    else if constexpr (Op::elementwise)
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return detail::rebuild<Op>(detail::component_of_operand<K>(operand_of<I>(e))...);
      }
    (std::make_index_sequence<E::arity>{});
    else return make_node<component_op<K>>(e);
  } else {
    return make_node<component_op<K>>(e);
  }
}

namespace literals {
/// A compile-time index: `w[2_i]` is component 2 of w.
template <char... Cs>
[[nodiscard]] consteval auto operator""_i() noexcept {
  constexpr std::size_t k = [] {
    std::size_t v = 0;
    for (char c : {Cs...}) v = v * 10 + static_cast<std::size_t>(c - '0');
    return v;
  }();
  return std::integral_constant<std::size_t, k>{};
}
}  // namespace literals

}  // namespace ctgrad
