// Linear regression with 8 features and a bias, trained by gradient descent, and checked against
// the closed-form least-squares solution (the normal equations, solved here in double).
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctgrad.hpp>

#include "data_generator.hpp"

constexpr std::size_t features = 8;
constexpr ctgrad::param<"w", features> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", features> x;
constexpr ctgrad::data<"y"> y;

int main() {
  // y = w_true . x + b_true + noise, 1,000 points, stored feature-major (the fastest layout)
  constexpr std::size_t n = 1000;
  const std::array<double, features> w_true{1.5, -2.0, 0.5, 3.0, -1.0, 0.25, 2.0, -0.75};
  const double b_true = 0.3;
  example::generator random(42);
  std::vector<double> xs(features * n), ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    double t = b_true + 0.1 * random.normal();
    for (std::size_t j = 0; j < features; ++j) {
      xs[j * n + i] = random.normal();
      t += w_true[j] * xs[j * n + i];
    }
    ys[i] = t;
  }

  constexpr auto loss = mean(square(y - (dot(w, x) + b)));
  auto params = ctgrad::parameters(w = std::array<double, features>{}, b = 0.0);
  const auto data = ctgrad::dataset(x = ctgrad::columns<features>(xs.data(), n), y = ys);
  const double final_loss = ctgrad::train(loss, params, data, ctgrad::sgd{0.1}, 500);

  // The independent answer: the normal equations A^T A p = A^T y with A = [x 1], by Gaussian
  // elimination with partial pivoting.
  constexpr std::size_t m = features + 1;
  double a[m][m + 1] = {};
  for (std::size_t i = 0; i < n; ++i) {
    double row[m];
    for (std::size_t j = 0; j < features; ++j) row[j] = xs[j * n + i];
    row[features] = 1.0;
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t c = 0; c < m; ++c) a[r][c] += row[r] * row[c];
      a[r][m] += row[r] * ys[i];
    }
  }
  for (std::size_t c = 0; c < m; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < m; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c]))
        p = r;
    for (std::size_t k = 0; k <= m; ++k) std::swap(a[c][k], a[p][k]);
    for (std::size_t r = 0; r < m; ++r)
      if (r != c) {
        const double f = a[r][c] / a[c][c];
        for (std::size_t k = c; k <= m; ++k) a[r][k] -= f * a[c][k];
      }
  }

  double worst = 0.0;
  std::printf("after 500 epochs of gradient descent (loss %.9f), against least squares:\n",
              final_loss);
  for (std::size_t j = 0; j < m; ++j) {
    const double trained = j < features ? params[w][j] : params[b];
    const double exact = a[j][m] / a[j][j];
    worst = std::fmax(worst, std::fabs(trained - exact));
    char name[8];
    std::snprintf(name, sizeof name, j < features ? "w%zu" : "b", j);
    std::printf("  %-3s trained %+.12f  least squares %+.12f\n", name, trained, exact);
  }
  std::printf("largest difference: %.3g\n", worst);
  return worst < 1e-9 ? 0 : 1;
}
