// The seed notebook in C++: linear regression f(x) = w * x on four points, mean squared error,
// plain gradient descent with learning rate 0.01 for 20 epochs. Prints the same transcript as
// PyTorch, digit for digit, because it performs the same float32 operations in the same order.
// `linear_regression --history FILE` also writes every epoch's loss and w to FILE as CSV
// (docs/plots/seed.gp plots it); what it prints is the same either way.
#include <array>
#include <cstdio>

#include <ctgrad.hpp>
#include <ctgrad/runtime/history.hpp>

#include "history_option.hpp"

int main(int argc, char** argv) {
  constexpr ctgrad::param<"w"> w;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;

  constexpr auto model = w * x;
  constexpr auto loss = mean(square(y - model));

  // The gradient is derived at compile time; its form is pinned here.
  using namespace ctgrad::literals;
  static_assert(d(loss, w) == mean(-2_c * x * (y - w * x)));

  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};

  auto params = ctgrad::parameters(w = 0.0f);
  const auto points = ctgrad::dataset(x = X, y = Y);

  std::ofstream csv = example::history_file(argc, argv);  // before any output: it may exit
  std::printf("Prediction before training: f(5) = %.3f\n",
              ctgrad::evaluate(model, params, x = 5.0f));

  ctgrad::training_history history{csv, params};
  ctgrad::train(loss, params, points, ctgrad::sgd{0.01f}, 20, [&](const auto& report) {
    history(report);
    if (report.epoch % 2 == 1)
      std::printf("epoch %zu: w = %.3f, loss = %.8f\n", report.epoch, report.params[w],
                  report.loss);
  });

  std::printf("Prediction after training: f(5) = %.3f\n",
              ctgrad::evaluate(model, params, x = 5.0f));
}
