// A small neural network, 8 inputs -> 16 tanh units -> 1 output, fitting a smooth function of
// its inputs. Its gradient (161 partial derivatives, one reverse sweep per point) is checked
// against central finite differences before training; the loss after training must fall below
// a stated threshold.
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctgrad.hpp>

#include "data_generator.hpp"

constexpr std::size_t inputs = 8, hidden = 16;
constexpr ctgrad::param<"W1", hidden, inputs> W1;
constexpr ctgrad::param<"b1", hidden> b1;
constexpr ctgrad::param<"w2", hidden> w2;
constexpr ctgrad::param<"b2"> b2;
constexpr ctgrad::data<"x", inputs> x;
constexpr ctgrad::data<"y"> y;

int main() {
  // The function to learn: smooth, and not representable by one unit.
  constexpr std::size_t n = 512;
  example::generator random(2024);
  std::vector<double> xs(inputs * n), ys(n);  // feature-major
  for (std::size_t i = 0; i < n; ++i) {
    double f[inputs];
    for (std::size_t j = 0; j < inputs; ++j) f[j] = xs[j * n + i] = 2 * random.uniform() - 1;
    ys[i] = std::sin(f[0] + 0.5 * f[1]) * std::cos(f[2]) + 0.3 * f[3] * f[4] - 0.2 * f[5] +
            0.1 * f[6] * f[6] - 0.15 * f[7];
  }

  constexpr auto prediction = dot(w2, tanh(W1 * x + b1)) + b2;
  constexpr auto loss = mean(square(y - prediction));

  // Small random weights, as for any network.
  std::array<std::array<double, inputs>, hidden> w1_start{};
  std::array<double, hidden> b1_start{}, w2_start{};
  for (auto& row : w1_start)
    for (auto& c : row) c = 0.5 * random.normal();
  for (auto& c : b1_start) c = 0.1 * random.normal();
  for (auto& c : w2_start) c = 0.3 * random.normal();
  auto params = ctgrad::parameters(W1 = w1_start, b1 = b1_start, w2 = w2_start, b2 = 0.0);
  const auto data = ctgrad::dataset(x = ctgrad::columns<inputs>(xs.data(), n), y = ys);

  // The gradient against central differences, component by component (161 of them).
  const bool gradient_ok = ctgrad::check_gradient(loss, wrt(W1, b1, w2, b2),
                                                  ctgrad::relative_tolerance{1e-6}, params, data);
  const double start = ctgrad::evaluate(loss, params, data);
  const double trained = ctgrad::train(loss, params, data, ctgrad::sgd{0.2}, 3000);
  const double end = ctgrad::evaluate(loss, params, data);

  const double threshold = 5e-3;  // 2% of the variance of y: R^2 above 0.98
  std::printf("gradient vs central differences (161 components): %s\n",
              gradient_ok ? "agree to 1e-6" : "DISAGREE");
  std::printf(
      "loss: %.6f before training, %.6f after 3000 epochs (threshold %.0e; the variance of "
      "y is %.6f)\n",
      start, end, threshold, [&] {
        double mean_y = 0, var = 0;
        for (double v : ys) mean_y += v / n;
        for (double v : ys) var += (v - mean_y) * (v - mean_y) / n;
        return var;
      }());
  static_cast<void>(trained);
  return gradient_ok && end < threshold ? 0 : 1;
}
