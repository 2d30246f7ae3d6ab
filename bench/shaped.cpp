// The shaped models' data, parameter values and long-double references (see shaped.hpp).
#include "shaped.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>

namespace bench::shaped {

namespace {

// A uniform number in [0, 1) from 53 random bits: the same sequence on every platform.
double unit(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

// Logistic data: features uniform in [-1, 1), labels drawn from the model itself with
// P(y = 1 | x) = sigmoid(w_true . x + b_true), so the classes overlap.
table<double> generate_logistic(std::size_t f, std::size_t n) {
  std::mt19937_64 engine(20261130u + 7 * f + n);
  table<double> t;
  t.x.resize(f * n);
  t.y.resize(n);
  const double scale = 3.0 / std::sqrt(static_cast<double>(f));
  for (std::size_t i = 0; i < n; ++i) {
    double z = -0.2;
    for (std::size_t j = 0; j < f; ++j) {
      const double v = 2.0 * unit(engine) - 1.0;
      t.x[j * n + i] = v;
      z += scale * std::cos(1.7 * static_cast<double>(j) + 0.3) * v;
    }
    t.y[i] = unit(engine) < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return t;
}

// Network data: inputs uniform in [-1, 1), a smooth target that one unit cannot represent.
table<double> generate_network(std::size_t n) {
  std::mt19937_64 engine(20261201u + n);
  table<double> t;
  t.x.resize(network_inputs * n);
  t.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double f[network_inputs];
    for (std::size_t j = 0; j < network_inputs; ++j)
      f[j] = t.x[j * n + i] = 2.0 * unit(engine) - 1.0;
    t.y[i] = std::sin(f[0] + 0.5 * f[1]) * std::cos(f[2]) + 0.3 * f[3] * f[4] - 0.2 * f[5] +
             0.1 * f[6] * f[6] - 0.15 * f[7];
  }
  return t;
}

const table<double>& master(model m, std::size_t n) {
  static std::map<std::pair<model, std::size_t>, table<double>> cache;
  auto it = cache.find({m, n});
  if (it == cache.end())
    it = cache
             .emplace(std::pair{m, n},
                      m == model::network ? generate_network(n) : generate_logistic(features(m), n))
             .first;
  return it->second;
}

template <class T, std::size_t F>
logistic_params<T, F> logistic_point() {
  logistic_params<T, F> p{};
  const double scale = 0.5 / std::sqrt(static_cast<double>(F));
  for (std::size_t j = 0; j < F; ++j)
    p.w[j] = static_cast<T>(scale * std::sin(0.9 * static_cast<double>(j) + 0.2));
  p.b = static_cast<T>(0.1);
  return p;
}

template <class T>
network_params<T> network_point() {
  network_params<T> p{};
  for (std::size_t k = 0; k < network_hidden; ++k) {
    const double kd = static_cast<double>(k);
    for (std::size_t j = 0; j < network_inputs; ++j)
      p.W1[k][j] = static_cast<T>(0.5 * std::sin(1.3 * kd + 0.7 * static_cast<double>(j) + 0.1));
    p.b1[k] = static_cast<T>(0.1 * std::cos(kd));
    p.w2[k] = static_cast<T>(0.3 * std::sin(2.1 * kd + 0.5));
  }
  p.b2 = static_cast<T>(0.05);
  return p;
}

// The parameters (or a gradient) as one flat list, in the order W1 (row-major), b1, w2, b2 or
// w, b.
template <class T, std::size_t F>
std::vector<long double> flatten(const logistic_params<T, F>& p) {
  std::vector<long double> v(p.w.begin(), p.w.end());
  v.push_back(p.b);
  return v;
}

template <class T>
std::vector<long double> flatten(const network_params<T>& p) {
  std::vector<long double> v;
  for (const auto& row : p.W1) v.insert(v.end(), row.begin(), row.end());
  v.insert(v.end(), p.b1.begin(), p.b1.end());
  v.insert(v.end(), p.w2.begin(), p.w2.end());
  v.push_back(p.b2);
  return v;
}

struct exact {
  long double loss;
  std::vector<long double> grad;  // flattened as above
};

// The exact step (to long-double precision) on the data and parameters as rounded to T.
template <class T, model M>
exact compute_reference(std::size_t n) {
  const table<T>& d = data<T>(M, n);
  const std::vector<long double> p = flatten(point<T, M>());
  const auto x = [&](std::size_t j, std::size_t i) -> long double { return d.x[j * n + i]; };
  exact e{0.0L, std::vector<long double>(p.size(), 0.0L)};
  if constexpr (M != model::network) {
    const std::size_t f = features(M);
    for (std::size_t i = 0; i < n; ++i) {
      long double z = p[f];
      for (std::size_t j = 0; j < f; ++j) z += p[j] * x(j, i);
      const long double y = d.y[i];
      e.loss += std::log1p(std::exp(z)) - y * z;
      const long double r = 1.0L / (1.0L + std::exp(-z)) - y;
      for (std::size_t j = 0; j < f; ++j) e.grad[j] += r * x(j, i);
      e.grad[f] += r;
    }
  } else {
    constexpr std::size_t I = network_inputs, H = network_hidden;
    const long double* W1 = p.data();
    const long double* b1 = W1 + H * I;
    const long double* w2 = b1 + H;
    const long double b2 = w2[H];
    long double* gW1 = e.grad.data();
    long double* gb1 = gW1 + H * I;
    long double* gw2 = gb1 + H;
    long double& gb2 = gw2[H];
    for (std::size_t i = 0; i < n; ++i) {
      long double h[H];
      long double prediction = b2;
      for (std::size_t k = 0; k < H; ++k) {
        long double a = b1[k];
        for (std::size_t j = 0; j < I; ++j) a += W1[k * I + j] * x(j, i);
        h[k] = std::tanh(a);
        prediction += w2[k] * h[k];
      }
      const long double r = prediction - static_cast<long double>(d.y[i]);
      e.loss += r * r;
      const long double dp = 2.0L * r;
      gb2 += dp;
      for (std::size_t k = 0; k < H; ++k) {
        gw2[k] += dp * h[k];
        const long double da = dp * w2[k] * (1.0L - h[k] * h[k]);
        gb1[k] += da;
        for (std::size_t j = 0; j < I; ++j) gW1[k * I + j] += da * x(j, i);
      }
    }
  }
  const long double count = static_cast<long double>(n);
  e.loss /= count;
  for (long double& g : e.grad) g /= count;
  return e;
}

template <class T, model M>
const exact& reference(std::size_t n) {
  static std::map<std::size_t, exact> cache;
  auto it = cache.find(n);
  if (it == cache.end())
    it = cache.emplace(n, compute_reference<T, M>(n)).first;
  return it->second;
}

}  // namespace

template <class T>
const table<T>& data(model m, std::size_t n) {
  static std::map<std::pair<model, std::size_t>, table<T>> cache;
  auto it = cache.find({m, n});
  if (it == cache.end()) {
    const table<double>& d = master(m, n);
    table<T> t;
    t.x.assign(d.x.begin(), d.x.end());
    t.y.assign(d.y.begin(), d.y.end());
    it = cache.emplace(std::pair{m, n}, std::move(t)).first;
  }
  return it->second;
}

template <class T, model M>
const params<T, M>& point() {
  static const params<T, M> p = [] {
    if constexpr (M == model::network)
      return network_point<T>();
    else
      return logistic_point < T, M == model::logistic64 ? 64 : 8 > ();
  }();
  return p;
}

template <class T, model M>
std::string check_step(std::size_t n, const step<T, M>& result) {
  const exact& ref = reference<T, M>(n);
  const std::vector<long double> got = flatten(result.grad);
  // As for the scalar models: loose enough for a sequential float sum of 10^6 terms, tight
  // enough to catch a wrong or optimized-away step. Partials are compared relative to the
  // largest one, as some are close to 0.
  const long double tolerance = std::is_same_v<T, float> ? 2e-3L : 1e-9L;
  long double largest = 0;
  for (long double g : ref.grad) largest = std::fmax(largest, std::fabs(g));
  char buffer[160];
  if (!(std::fabs(result.loss - ref.loss) <= tolerance * std::fabs(ref.loss))) {
    std::snprintf(buffer, sizeof buffer, "wrong loss: %.9Lg, expected %.9Lg",
                  static_cast<long double>(result.loss), ref.loss);
    return buffer;
  }
  for (std::size_t c = 0; c < got.size(); ++c) {
    if (!(std::fabs(got[c] - ref.grad[c]) <= tolerance * largest)) {
      std::snprintf(buffer, sizeof buffer,
                    "wrong partial %zu (flattened): %.9Lg, expected %.9Lg (largest %.3Lg)", c,
                    got[c], ref.grad[c], largest);
      return buffer;
    }
  }
  return {};
}

#define BENCH_SHAPED_INSTANTIATE(T)                                                         \
  template const table<T>& data<T>(model, std::size_t);                                     \
  template const params<T, model::logistic8>& point<T, model::logistic8>();                 \
  template const params<T, model::logistic64>& point<T, model::logistic64>();               \
  template const params<T, model::network>& point<T, model::network>();                     \
  template std::string check_step<T, model::logistic8>(std::size_t,                         \
                                                       const step<T, model::logistic8>&);   \
  template std::string check_step<T, model::logistic64>(std::size_t,                        \
                                                        const step<T, model::logistic64>&); \
  template std::string check_step<T, model::network>(std::size_t, const step<T, model::network>&);
BENCH_SHAPED_INSTANTIATE(float)
BENCH_SHAPED_INSTANTIATE(double)
#undef BENCH_SHAPED_INSTANTIATE

}  // namespace bench::shaped
