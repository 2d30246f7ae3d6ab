#pragma once
// The hand-written fused loops: one pass over the data computing the loss and every partial
// derivative, as a programmer would write them. The same source is compiled twice
// (bench/meson.build): without -ffast-math, where the sums stay sequential and do not vectorize
// ("hand_scalar"), and with -ffast-math, where g++ reorders the sums and vectorizes them
// ("hand_vector", the practical limit).
#include <cstddef>

#include "common.hpp"

// Internal linkage: the two translation units that include this header compile it with
// different flags, and must not share (through the linker) one copy of these functions.
namespace bench::hand {
namespace {

template <class T>
step<T> wx(T w, const T* x, const T* y, std::size_t n) {
  T loss = 0, gw = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T r = y[i] - w * x[i];
    loss += r * r;
    gw += x[i] * r;
  }
  const T count = static_cast<T>(n);
  return {loss / count, T(-2) * gw / count, T(0)};
}

template <class T>
step<T> wxb(T w, T b, const T* x, const T* y, std::size_t n) {
  T loss = 0, gw = 0, gb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T r = y[i] - (w * x[i] + b);
    loss += r * r;
    gw += x[i] * r;
    gb += r;
  }
  const T count = static_cast<T>(n);
  return {loss / count, T(-2) * gw / count, T(-2) * gb / count};
}

struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](T w, T b) {
      if constexpr (M == model::wx)
        return wx(w, x, y, n);
      else
        return wxb(w, b, x, y, n);
    };
  }
};

}  // namespace
}  // namespace bench::hand
