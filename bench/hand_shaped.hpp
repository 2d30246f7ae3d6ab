#pragma once
// The hand-written loops for the shaped models (shaped.hpp), as a programmer would write them:
// one pass over feature-major data computing the loss and every partial. Compiled twice, like
// hand_loops.hpp: without -ffast-math ("hand_scalar": sequential sums, exp/tanh one point at a
// time) and with -ffast-math ("hand_vector": g++ reassociates the sums and calls glibc's
// libmvec for exp and tanh).
#include <array>
#include <cmath>
#include <cstddef>

#include "shaped.hpp"

// Internal linkage: the two translation units that include this header compile it with
// different flags, and must not share (through the linker) one copy of these functions.
namespace bench::hand_shaped {
namespace {

using shaped::model;
using shaped::network_hidden;
using shaped::network_inputs;

/// Logistic regression, F features, in blocks of 16 points, so that each loop runs over the
/// points of a block (contiguous in feature-major data) and can be vectorized whatever F; each
/// block is read once, while it is in L1.
template <class T, std::size_t F>
void logistic_blocked(const shaped::logistic_params<T, F>& p, const T* x, const T* y, std::size_t n,
                      shaped::logistic_params<T, F>& grad, T& loss_out) {
  constexpr std::size_t block = 16;
  T loss = 0, gb = 0;
  std::array<T, F> gw{};
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t m = n - start < block ? n - start : block;
    T z[block], r[block];
    for (std::size_t i = 0; i < m; ++i) z[i] = p.b;
    for (std::size_t j = 0; j < F; ++j) {
      const T* xj = x + j * n + start;
      for (std::size_t i = 0; i < m; ++i) z[i] += p.w[j] * xj[i];
    }
    for (std::size_t i = 0; i < m; ++i) {
      const T e = std::exp(z[i]);
      loss += std::log(T(1) + e) - y[start + i] * z[i];
      r[i] = e / (T(1) + e) - y[start + i];  // sigmoid(z) - y
      gb += r[i];
    }
    for (std::size_t j = 0; j < F; ++j) {
      const T* xj = x + j * n + start;
      T s = 0;
      for (std::size_t i = 0; i < m; ++i) s += r[i] * xj[i];
      gw[j] += s;
    }
  }
  const T count = static_cast<T>(n);
  loss_out = loss / count;
  for (std::size_t j = 0; j < F; ++j) grad.w[j] = gw[j] / count;
  grad.b = gb / count;
}

/// Logistic regression, F features, one point at a time (the inner loops over the features are
/// unrolled for small F, and the loop over the points vectorized).
template <class T, std::size_t F>
void logistic_per_point(const shaped::logistic_params<T, F>& p, const T* x, const T* y,
                        std::size_t n, shaped::logistic_params<T, F>& grad, T& loss_out) {
  T loss = 0, gb = 0;
  std::array<T, F> gw{};
  for (std::size_t i = 0; i < n; ++i) {
    T z = p.b;
    for (std::size_t j = 0; j < F; ++j) z += p.w[j] * x[j * n + i];
    const T e = std::exp(z);
    loss += std::log(T(1) + e) - y[i] * z;
    const T r = e / (T(1) + e) - y[i];  // sigmoid(z) - y
    gb += r;
    for (std::size_t j = 0; j < F; ++j) gw[j] += r * x[j * n + i];
  }
  const T count = static_cast<T>(n);
  loss_out = loss / count;
  for (std::size_t j = 0; j < F; ++j) grad.w[j] = gw[j] / count;
  grad.b = gb / count;
}

/// Logistic regression: the faster of the two loops above, measured on this suite's machine
/// (AVX-512, g++ 12, -ffast-math, N = 1,024): one point at a time for 8 features (2.4x faster
/// than blocks in float), blocks for 64 (6x faster than one point at a time, whose feature
/// loops g++ does not unroll, so it does not vectorize the loop over the points).
template <class T, std::size_t F>
void logistic(const shaped::logistic_params<T, F>& p, const T* x, const T* y, std::size_t n,
              shaped::logistic_params<T, F>& grad, T& loss_out) {
  if constexpr (F <= 16)
    logistic_per_point(p, x, y, n, grad, loss_out);
  else
    logistic_blocked(p, x, y, n, grad, loss_out);
}

/// The 8-16-1 tanh network: per point, the forward pass, then the backward pass accumulating
/// all 161 partials.
template <class T>
void network(const shaped::network_params<T>& p, const T* x, const T* y, std::size_t n,
             shaped::network_params<T>& g, T& loss_out) {
  constexpr std::size_t I = network_inputs, H = network_hidden;
  T loss = 0;
  shaped::network_params<T> acc{};
  for (std::size_t i = 0; i < n; ++i) {
    T xi[I];
    for (std::size_t j = 0; j < I; ++j) xi[j] = x[j * n + i];
    T h[H];
    for (std::size_t k = 0; k < H; ++k) {
      T a = p.b1[k];
      for (std::size_t j = 0; j < I; ++j) a += p.W1[k][j] * xi[j];
      h[k] = std::tanh(a);
    }
    T prediction = p.b2;
    for (std::size_t k = 0; k < H; ++k) prediction += p.w2[k] * h[k];
    const T r = prediction - y[i];
    loss += r * r;
    const T dp = T(2) * r;
    acc.b2 += dp;
    for (std::size_t k = 0; k < H; ++k) {
      acc.w2[k] += dp * h[k];
      const T da = dp * p.w2[k] * (T(1) - h[k] * h[k]);
      acc.b1[k] += da;
      for (std::size_t j = 0; j < I; ++j) acc.W1[k][j] += da * xi[j];
    }
  }
  const T count = static_cast<T>(n);
  loss_out = loss / count;
  for (std::size_t k = 0; k < H; ++k) {
    for (std::size_t j = 0; j < I; ++j) g.W1[k][j] = acc.W1[k][j] / count;
    g.b1[k] = acc.b1[k] / count;
    g.w2[k] = acc.w2[k] / count;
  }
  g.b2 = acc.b2 / count;
}

struct prepare {
  template <model M, class T>
  auto operator()(shaped::model_tag<M>, const shaped::table<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](const shaped::params<T, M>& p,
                                                          shaped::step<T, M>& out) {
      if constexpr (M == model::network)
        network(p, x, y, n, out.grad, out.loss);
      else
        logistic(p, x, y, n, out.grad, out.loss);
    };
  }
};

inline void register_all(std::string_view system) {
  shaped::add_cases<model::logistic8>(system, prepare{});
  shaped::add_cases<model::logistic64>(system, prepare{});
  shaped::add_cases<model::network>(system, prepare{});
}

}  // namespace
}  // namespace bench::hand_shaped
