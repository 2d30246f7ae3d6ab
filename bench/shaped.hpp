#pragma once
// The shaped models of issue 7, next to the seed's scalar ones (common.hpp): their parameters
// are vectors and matrices and their data rows of features, so they get their own small
// registration path instead of the scalar `model` machinery.
//
//   logistic8:  mean(log(1 + exp(z)) - y z), z = w . x + b, 8 features (9 partials)
//   logistic64: the same with 64 features (65 partials)
//   network:    mean((y - (w2 . tanh(W1 x + b1) + b2))^2), 8 inputs, 16 tanh units
//               (W1 16x8, b1 16, w2 16, b2: 161 partials)
//
// Benchmark names are "<system>/<model>/<type>/<N>", as for the scalar models, e.g.
// "hand_vector/logistic64/float/1024". The data are feature-major: feature j of point i at
// x[j * n + i].

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"

namespace bench::shaped {

enum class model { logistic8, logistic64, network };

inline constexpr std::size_t network_inputs = 8;
inline constexpr std::size_t network_hidden = 16;

[[nodiscard]] constexpr std::string_view model_name(model m) noexcept {
  return m == model::logistic8 ? "logistic8" : m == model::logistic64 ? "logistic64" : "network";
}

/// The features per point of a model.
[[nodiscard]] constexpr std::size_t features(model m) noexcept {
  return m == model::logistic64 ? 64 : 8;
}

/// The parameters of logistic regression with F features.
template <class T, std::size_t F>
struct logistic_params {
  std::array<T, F> w;
  T b;
};

/// The parameters of the 8-16-1 network.
template <class T>
struct network_params {
  std::array<std::array<T, network_inputs>, network_hidden> W1;
  std::array<T, network_hidden> b1;
  std::array<T, network_hidden> w2;
  T b2;
};

template <class T, model M>
using params = std::conditional_t<M == model::network, network_params<T>,
                                  logistic_params<T, M == model::logistic64 ? 64 : 8>>;

/// What one step computes: the loss and the gradient, shaped as the parameters.
template <class T, model M>
struct step {
  T loss;
  params<T, M> grad;
};

/// One data set: n points of features(M) feature-major values and a target each (labels in
/// {0, 1} for the logistic models).
template <class T>
struct table {
  std::vector<T> x;  // feature-major, features * n values
  std::vector<T> y;
  [[nodiscard]] std::size_t size() const noexcept { return y.size(); }
};

/// The data set of n points for model m in precision T, generated once from a fixed seed.
/// Defined in shaped.cpp.
template <class T>
const table<T>& data(model m, std::size_t n);

/// The parameter values every step is evaluated at (fixed, away from any optimum, so that every
/// partial is well away from 0). Defined in shaped.cpp.
template <class T, model M>
const params<T, M>& point();

/// Checks a step against a long-double reference on the same data and parameters; returns an
/// empty string when every component agrees to within the precision's tolerance (relative to
/// the largest partial), else a message naming the first component that does not. Defined in
/// shaped.cpp.
template <class T, model M>
std::string check_step(std::size_t n, const step<T, M>& result);

template <model M>
using model_tag = std::integral_constant<model, M>;

/// Makes the memory at `p` opaque to the optimizer: the parameters must be read again at every
/// step, so the step can be neither folded nor hoisted out of the timed loop.
inline void opaque_memory(const void* p) noexcept {
#if defined(__GNUC__)
  asm volatile("" : : "r"(p) : "memory");
#else
  benchmark::ClobberMemory();
#endif
}

/// Times `kernel(params, step&)` for one (model, type, N). `prepare(model_tag<M>{}, table)`
/// runs before the timed loop and returns the kernel.
template <class T, model M, class Prepare>
void run_case(benchmark::State& state, std::size_t n, const Prepare& prepare) {
  const table<T>& d = data<T>(M, n);
  auto kernel = prepare(model_tag<M>{}, d);
  const params<T, M> p = point<T, M>();
  step<T, M> result{};
  for (auto _ : state) {
    opaque_memory(&p);
    kernel(p, result);
    benchmark::DoNotOptimize(&result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
  if (const std::string error = check_step<T, M>(n, result); !error.empty())
    state.SkipWithError(error.c_str());
}

/// The sizes of each model: logistic8 at 4, 1,024 and 10^6 points, the others at 1,024.
[[nodiscard]] inline std::vector<std::size_t> sizes(model m) {
  if (m == model::logistic8)
    return {4, 1024, 1'000'000};
  return {1024};
}

/// Registers system `system` for model M, in float and double, at every size of the model.
/// `prepare(model_tag<M>{}, const table<T>&)` returns a callable
/// `(const params<T, M>&, step<T, M>&) -> void`.
template <model M, class Prepare>
void add_cases(std::string_view system, const Prepare& prepare) {
  auto add = [&]<class T>(std::type_identity<T>) {
    for (std::size_t n : sizes(M)) {
      std::string name{system};
      name += '/';
      name += model_name(M);
      name += '/';
      name += type_name<T>();
      name += '/';
      name += std::to_string(n);
      benchmark::RegisterBenchmark(name.c_str(), [n, prepare](benchmark::State& state) {
        run_case<T, M>(state, n, prepare);
      })->Unit(benchmark::kNanosecond);
    }
  };
  add(std::type_identity<float>{});
  add(std::type_identity<double>{});
}

}  // namespace bench::shaped

namespace bench {
// One registration function per system for the shaped models; main.cpp calls those built.
void register_ctgrad_shaped();
void register_hand_scalar_shaped();
void register_hand_vector_shaped();
void register_eigen_autodiff_shaped();
void register_ceres_jet_shaped();
void register_libtorch_shaped();
}  // namespace bench
