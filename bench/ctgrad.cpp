// ctgrad: value_and_grad of the two models. Built twice (bench/meson.build): with the project's
// -ffp-contract=off ("ctgrad"), and with -ffp-contract=fast, which lets g++ fuse a * b + c into
// FMAs ("ctgrad_fma", CTGRAD_BENCH_FMA=1).
#include <ctgrad.hpp>

#include "common.hpp"

#ifndef CTGRAD_BENCH_FMA
#define CTGRAD_BENCH_FMA 0
#endif

// The two builds of this file must not share code: the linker keeps one copy of each template
// instantiation, and ctgrad's are named by the expression's types. Distinct variable names in
// the FMA build make every instantiation distinct.
#if CTGRAD_BENCH_FMA
#define NAME(s) s "_fma"
#else
#define NAME(s) s
#endif

namespace bench {

namespace {

constexpr ctgrad::param<NAME("w")> w;
constexpr ctgrad::param<NAME("b")> b;
constexpr ctgrad::data<NAME("x")> x;
constexpr ctgrad::data<NAME("y")> y;

constexpr auto loss_wx = mean(square(y - w * x));
constexpr auto loss_wxb = mean(square(y - (w * x + b)));

// Binds the columns once (as a user's training loop would, with ctgrad::dataset) and returns
// the step.
struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    const auto points = ctgrad::dataset(x = d.x, y = d.y);
    return [points](T wv, T bv) {
      if constexpr (M == model::wx) {
        const auto [value, g] = ctgrad::value_and_grad(loss_wx, wrt(w), w = wv, points);
        return step<T>{value, g[w], T(0)};
      } else {
        const auto r = ctgrad::value_and_grad(loss_wxb, wrt(w, b), w = wv, b = bv, points);
        return step<T>{r.value, r.grad[w], r.grad[b]};
      }
    };
  }
};

}  // namespace

#if CTGRAD_BENCH_FMA
void register_ctgrad_fma() { add_cases("ctgrad_fma", prepare{}); }
#else
void register_ctgrad() { add_cases("ctgrad", prepare{}); }
#endif

}  // namespace bench
