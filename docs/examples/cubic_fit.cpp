// A cubic curve fit with Adam and a cosine learning-rate schedule, checked against the exact
// least-squares cubic (the normal equations, solved here in double). With `--history FILE`, every
// epoch's loss and a, b, c, d go to FILE as CSV.
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/history.hpp>

#include "data_generator.hpp"
#include "history_option.hpp"

constexpr ctgrad::param<"a"> a;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::param<"c"> c;
constexpr ctgrad::param<"d"> d;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;

int main(int argc, char** argv) {
  // y = 0.5 x^3 - x^2 + 2 x - 0.25 + noise, 200 points on [-2, 2]
  constexpr std::size_t n = 200;
  example::generator random(11);
  std::vector<double> xs(n), ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = -2.0 + 4.0 * random.uniform();
    ys[i] =
        0.5 * xs[i] * xs[i] * xs[i] - xs[i] * xs[i] + 2.0 * xs[i] - 0.25 + 0.1 * random.normal();
  }

  constexpr auto model = a * pow<3>(x) + b * square(x) + c * x + d;
  constexpr auto loss = mean(square(y - model));
  auto params = ctgrad::parameters(a = 0.0, b = 0.0, c = 0.0, d = 0.0);
  const auto data = ctgrad::dataset(x = xs, y = ys);
  constexpr std::size_t epochs = 4000;
  ctgrad::adam opt{params, {.lr = 0.05}};
  ctgrad::cosine_annealing_lr schedule{opt, {.t_max = epochs, .eta_min = 1e-6}};
  std::ofstream csv = example::history_file(argc, argv);
  ctgrad::training_history history{csv, params};
  const auto result =
      ctgrad::train(loss, params, data, opt, {.epochs = epochs}, [&](const auto& report) {
        history(report);
        schedule.step(opt);
      });

  // The independent answer: the normal equations of the design matrix [x^3 x^2 x 1].
  constexpr std::size_t m = 4;
  double s[m][m + 1] = {};
  for (std::size_t i = 0; i < n; ++i) {
    const double row[m] = {xs[i] * xs[i] * xs[i], xs[i] * xs[i], xs[i], 1.0};
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t k = 0; k < m; ++k) s[r][k] += row[r] * row[k];
      s[r][m] += row[r] * ys[i];
    }
  }
  for (std::size_t col = 0; col < m; ++col) {
    std::size_t p = col;
    for (std::size_t r = col + 1; r < m; ++r)
      if (std::fabs(s[r][col]) > std::fabs(s[p][col]))
        p = r;
    for (std::size_t k = 0; k <= m; ++k) std::swap(s[col][k], s[p][k]);
    for (std::size_t r = 0; r < m; ++r)
      if (r != col) {
        const double f = s[r][col] / s[col][col];
        for (std::size_t k = col; k <= m; ++k) s[r][k] -= f * s[col][k];
      }
  }
  const std::array<double, m> exact{s[0][m] / s[0][0], s[1][m] / s[1][1], s[2][m] / s[2][2],
                                    s[3][m] / s[3][3]};
  const std::array<double, m> fitted{params[a], params[b], params[c], params[d]};
  const char* names = "abcd";
  double worst = 0;
  std::printf("Adam, %zu epochs, cosine schedule to 1e-6: loss %.12f\n", result.epochs_run,
              result.loss);
  for (std::size_t k = 0; k < m; ++k) {
    std::printf("  %c  Adam %+.9f  least squares %+.9f\n", names[k], fitted[k], exact[k]);
    worst = std::fmax(worst, std::fabs(fitted[k] - exact[k]));
  }
  std::printf("largest difference: %.3g\n", worst);
  if (!(worst < 1e-9)) {
    std::printf("FAIL: Adam did not reach the least-squares cubic\n");
    return 1;
  }
  return 0;
}
