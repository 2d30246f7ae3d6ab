// Logistic regression with 8 features and a bias on noisy labels, trained by gradient descent,
// and checked against the maximum-likelihood solution found by Newton's method (iteratively
// reweighted least squares) on the exact Hessian.
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
  // Labels drawn from the model itself, P(y = 1 | x) = sigmoid(w_true . x + b_true), so they
  // are noisy: the classes overlap and the maximum-likelihood estimate is finite.
  constexpr std::size_t n = 2000;
  const std::array<double, features> w_true{1.0, -0.5, 0.25, 0.75, -1.25, 0.5, 0.0, -0.25};
  const double b_true = -0.4;
  example::generator random(7);
  std::vector<std::array<double, features>> xs(n);  // rows: one std::array per point
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    double z = b_true;
    for (std::size_t j = 0; j < features; ++j) {
      xs[i][j] = random.normal();
      z += w_true[j] * xs[i][j];
    }
    ys[i] = random.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }

  // The negative log-likelihood: log(1 + e^z) - y z, with z the logit.
  using namespace ctgrad::literals;
  constexpr auto z = dot(w, x) + b;
  constexpr auto loss = mean(log(1_c + exp(z)) - y * z);
  const auto data = ctgrad::dataset(x = xs, y = ys);

  auto trained = ctgrad::parameters(w = std::array<double, features>{}, b = 0.0);
  const double final_loss = ctgrad::train(loss, trained, data, ctgrad::sgd{2.0}, 3000);

  // The independent answer: Newton's method from zero, each step solving H d = g with the
  // Hessian that ctgrad derives (9 x 9 here), until the step is below 1e-14.
  auto newton = ctgrad::parameters(w = std::array<double, features>{}, b = 0.0);
  int steps = 0;
  for (double moved = 1.0; moved > 1e-14 && steps < 50; ++steps) {
    const auto before = newton;
    ctgrad::newton_step(loss, newton, data);
    moved = std::fabs(newton[b] - before[b]);
    for (std::size_t j = 0; j < features; ++j)
      moved = std::fmax(moved, std::fabs(newton[w][j] - before[w][j]));
  }

  double worst = std::fabs(trained[b] - newton[b]);
  std::printf("gradient descent: 3000 epochs, loss %.12f; Newton: %d steps, loss %.12f\n",
              final_loss, steps, ctgrad::evaluate(loss, newton, data));
  for (std::size_t j = 0; j < features; ++j) {
    worst = std::fmax(worst, std::fabs(trained[w][j] - newton[w][j]));
    std::printf("  w%zu  gradient descent %+.10f  Newton %+.10f  (true %+.2f)\n", j, trained[w][j],
                newton[w][j], w_true[j]);
  }
  std::printf("  b   gradient descent %+.10f  Newton %+.10f  (true %+.2f)\n", trained[b], newton[b],
              b_true);
  std::printf("largest difference: %.3g\n", worst);
  return worst < 1e-6 && steps < 50 ? 0 : 1;
}
