// The benchmark driver: deterministic data, a long-double reference for every case, and the
// registration of every system that was built. Run it through bench/report.py, or directly:
//   build-bench/bench/ctgrad_bench --benchmark_filter='^ctgrad/wx/float'
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "common.hpp"
#include "shaped.hpp"

namespace bench {

namespace {

// A uniform number in [0, 1) from 53 random bits: the same sequence on every platform
// (std::uniform_real_distribution is implementation-defined).
double unit(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

// n points of y = 2x + 1 plus noise, x in [0, 2): the residual at (w0, b0) stays away from zero,
// so every partial derivative is well away from 0 and can be checked to a relative tolerance.
columns<double> generate(std::size_t n) {
  std::mt19937_64 engine(20240601u + n);
  columns<double> c;
  c.x.resize(n);
  c.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.x[i] = 2.0 * unit(engine);
    c.y[i] = 2.0 * c.x[i] + 1.0 + 0.5 * (unit(engine) - 0.5);
  }
  return c;
}

const columns<double>& master(std::size_t n) {
  static std::map<std::size_t, columns<double>> cache;
  auto it = cache.find(n);
  if (it == cache.end())
    it = cache.emplace(n, generate(n)).first;
  return it->second;
}

}  // namespace

template <class T>
const columns<T>& data(std::size_t n) {
  static std::map<std::size_t, columns<T>> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    const columns<double>& m = master(n);
    columns<T> c;
    c.x.assign(m.x.begin(), m.x.end());
    c.y.assign(m.y.begin(), m.y.end());
    it = cache.emplace(n, std::move(c)).first;
  }
  return it->second;
}

template const columns<float>& data<float>(std::size_t);
template const columns<double>& data<double>(std::size_t);

namespace {

// The exact step (to long-double precision) on the data as rounded to T.
template <class T>
step<long double> reference(model m, std::size_t n) {
  const columns<T>& d = data<T>(n);
  const long double w = static_cast<T>(w0);
  const long double b = m == model::wxb ? static_cast<long double>(static_cast<T>(b0)) : 0.0L;
  long double loss = 0, dw = 0, db = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double x = d.x[i];
    const long double r = static_cast<long double>(d.y[i]) - (w * x + b);
    loss += r * r;
    dw += -2 * x * r;
    db += -2 * r;
  }
  const long double count = static_cast<long double>(n);
  return {loss / count, dw / count, m == model::wxb ? db / count : 0.0L};
}

}  // namespace

template <class T>
std::string check_step(model m, std::size_t n, const step<T>& result) {
  const step<long double> ref = reference<T>(m, n);
  // Loose enough for a sequential float sum of 10^6 terms, tight enough to catch a wrong or
  // optimized-away step.
  const long double tolerance = std::is_same_v<T, float> ? 2e-3L : 1e-9L;
  const std::pair<const char*, std::pair<long double, long double>> parts[] = {
      {"loss", {result.loss, ref.loss}},
      {"dw", {result.dw, ref.dw}},
      {"db", {result.db, ref.db}},
  };
  for (const auto& [what, values] : parts) {
    const auto [got, want] = values;
    if (!(std::fabs(got - want) <= tolerance * (std::fabs(want) + 1e-6L))) {
      char buffer[160];
      std::snprintf(buffer, sizeof buffer, "wrong %s: %.9Lg, expected %.9Lg", what, got, want);
      return buffer;
    }
  }
  return {};
}

template std::string check_step<float>(model, std::size_t, const step<float>&);
template std::string check_step<double>(model, std::size_t, const step<double>&);

}  // namespace bench

int main(int argc, char** argv) {
  bench::register_ctgrad();
  bench::register_ctgrad_fma();
  bench::register_ctgrad_threads();
  bench::register_hand_scalar();
  bench::register_hand_vector();
  bench::register_ctgrad_shaped();
  bench::register_hand_scalar_shaped();
  bench::register_hand_vector_shaped();
#if BENCH_HAVE_EIGEN
  bench::register_eigen_autodiff();
  bench::register_eigen_autodiff_shaped();
#endif
#if BENCH_HAVE_CERES
  bench::register_ceres_jet();
  bench::register_ceres_jet_shaped();
#endif
#if BENCH_HAVE_ADOLC
  bench::register_adolc();
#endif
#if BENCH_HAVE_LIBTORCH
  bench::register_libtorch();
  bench::register_libtorch_shaped();
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
