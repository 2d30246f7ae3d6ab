#pragma once
// Shared by every benchmark translation unit. Each system (ctgrad, the hand loops, the peers)
// lives in its own translation unit, compiled with its own flags (see bench/meson.build), and
// registers its cases through `add_cases` below. The timed loop is instantiated in the system's
// own translation unit, so it is compiled with that system's flags too.
//
// Benchmark names are "<system>/<model>/<type>/<N>", e.g. "ctgrad/wxb/float/1024", which
// bench/report.py parses.

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bench {

/// The two models: loss = mean((y - w*x)^2) ("wx", gradient in w) and
/// loss = mean((y - (w*x + b))^2) ("wxb", gradient in w and b).
enum class model { wx, wxb };

inline constexpr std::array<std::size_t, 3> sizes{4, 1024, 1'000'000};

/// The parameter values every step is evaluated at.
inline constexpr double w0 = 0.5;
inline constexpr double b0 = 0.25;

/// One data set: the columns x and y of n points.
template <class T>
struct columns {
  std::vector<T> x;
  std::vector<T> y;
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// The data set of n points in precision T: generated once, from a fixed seed, the first time
/// it is asked for (outside any timed loop), then shared by every system. Defined in main.cpp.
template <class T>
const columns<T>& data(std::size_t n);

/// What one step computes: the loss and its partial derivatives (db is 0 for model wx).
template <class T>
struct step {
  T loss;
  T dw;
  T db;
};

/// Checks a step's result against a long-double reference for the same model and data;
/// returns an empty string when it agrees to within the precision's tolerance, else a message.
/// Defined in main.cpp.
template <class T>
std::string check_step(model m, std::size_t n, const step<T>& result);

[[nodiscard]] constexpr std::string_view model_name(model m) noexcept {
  return m == model::wx ? "wx" : "wxb";
}

template <class T>
[[nodiscard]] constexpr std::string_view type_name() noexcept {
  return std::is_same_v<T, float> ? "float" : "double";
}

/// Makes `value` opaque to the optimizer: afterwards it may hold anything, so code that uses it
/// can be neither folded nor hoisted out of the timed loop. Not benchmark::DoNotOptimize: with
/// g++ its "+m,r" constraint can lose a floating-point value (google/benchmark#903, GCC PR
/// 92597: the parameters arrive as 0 in Google Benchmark 1.7.1); "+x" keeps it in its SSE
/// register at no cost.
template <class T>
inline void opaque(T& value) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("" : "+x"(value));
#elif defined(__GNUC__)
  asm volatile("" : "+m"(value) : : "memory");
#else
  volatile T copy = value;
  value = copy;
#endif
}

/// The model as a type, so that each kernel is compiled for one model (no run-time dispatch).
template <model M>
using model_tag = std::integral_constant<model, M>;

/// Times `kernel(w, b)` for one (model, type, N). `prepare(model_tag<M>{}, data)` runs before
/// the timed loop (each time the benchmark is run) and returns the kernel; a system that needs
/// expensive set-up (a tape) caches it itself.
template <class T, model M, class Prepare>
void run_case(benchmark::State& state, std::size_t n, const Prepare& prepare) {
  const columns<T>& d = data<T>(n);
  auto kernel = prepare(model_tag<M>{}, d);
  step<T> result{};
  for (auto _ : state) {
    // The parameters are opaque to the optimizer, so the step can be neither hoisted out of
    // the loop nor folded; the result is "used", so it cannot be dropped.
    T w = static_cast<T>(w0);
    T b = static_cast<T>(b0);
    opaque(w);
    opaque(b);
    result = kernel(w, b);
    benchmark::DoNotOptimize(std::as_const(result));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
  if (const std::string error = check_step<T>(M, n, result); !error.empty())
    state.SkipWithError(error.c_str());
}

/// How a system's cases are registered.
struct case_options {
  std::span<const std::size_t> sizes = bench::sizes;
  bool real_time = false;  // for cases that run on several threads: time on the wall clock
};

/// Registers system `system` for both models, for each precision in Ts (float and double when
/// Ts is empty), at every size. `prepare(model_tag<M>{}, const columns<T>&)` returns a callable
/// `(T w, T b) -> step<T>`; it is called for every model and T, so it is a generic lambda.
template <class... Ts, class Prepare>
void add_cases(std::string_view system, const Prepare& prepare, case_options options = {}) {
  auto add = [&]<class T, model M>(std::type_identity<T>, model_tag<M>) {
    for (std::size_t n : options.sizes) {
      std::string name{system};
      name += '/';
      name += model_name(M);
      name += '/';
      name += type_name<T>();
      name += '/';
      name += std::to_string(n);
      auto* b = benchmark::RegisterBenchmark(name.c_str(), [n, prepare](benchmark::State& state) {
        run_case<T, M>(state, n, prepare);
      });
      b->Unit(benchmark::kNanosecond);
      if (options.real_time)
        b->UseRealTime();
    }
  };
  auto add_type = [&]<class T>(std::type_identity<T> type) {
    add(type, model_tag<model::wx>{});
    add(type, model_tag<model::wxb>{});
  };
  if constexpr (sizeof...(Ts) == 0) {
    add_type(std::type_identity<float>{});
    add_type(std::type_identity<double>{});
  } else {
    (add_type(std::type_identity<Ts>{}), ...);
  }
}

// One registration function per system; main.cpp calls those that were built.
void register_ctgrad();
void register_ctgrad_fma();
void register_hand_scalar();
void register_hand_vector();
void register_eigen_autodiff();
void register_ceres_jet();
void register_adolc();
void register_libtorch();
void register_ctgrad_threads();

}  // namespace bench
