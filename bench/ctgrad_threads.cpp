// ctgrad on a thread pool (ctgrad::thread_pool), 1 and 2 threads, at N = 10,000,000: the issue's
// scaling target (two threads at least 1.7x one). Timed on the wall clock, since the work is
// spread over threads. Built with the project's flags, as the "ctgrad" system.
#include <ctgrad.hpp>
#include <ctgrad/runtime/thread_pool.hpp>

#include <array>

#include "common.hpp"

namespace bench {

namespace {

// Distinct names from bench/ctgrad.cpp: see the note there on shared template instantiations.
constexpr ctgrad::param<"w_pool"> w;
constexpr ctgrad::param<"b_pool"> b;
constexpr ctgrad::data<"x_pool"> x;
constexpr ctgrad::data<"y_pool"> y;

constexpr auto loss_wx = mean(square(y - w * x));
constexpr auto loss_wxb = mean(square(y - (w * x + b)));

constexpr std::array<std::size_t, 1> large{10'000'000};

template <std::size_t Threads>
struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    static ctgrad::thread_pool pool{Threads};  // started once, outside any timed loop
    const auto points = ctgrad::dataset(x = d.x, y = d.y);
    return [points](T wv, T bv) {
      if constexpr (M == model::wx) {
        const auto [value, g] = ctgrad::value_and_grad(pool, loss_wx, wrt(w), w = wv, points);
        return step<T>{value, g[w], T(0)};
      } else {
        const auto r = ctgrad::value_and_grad(pool, loss_wxb, wrt(w, b), w = wv, b = bv, points);
        return step<T>{r.value, r.grad[w], r.grad[b]};
      }
    };
  }
};

}  // namespace

void register_ctgrad_threads() {
  add_cases("ctgrad_threads1", prepare<1>{}, {.sizes = large, .real_time = true});
  add_cases("ctgrad_threads2", prepare<2>{}, {.sizes = large, .real_time = true});
}

}  // namespace bench
