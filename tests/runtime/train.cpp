#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

TEST_CASE("training reproduces PyTorch's float32 run of the seed, bit for bit") {
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  auto p = ctgrad::parameters(w = 0.0f);
  std::vector<float> losses;
  ctgrad::train(mean(square(y - w * x)), p, ctgrad::dataset(x = X, y = Y), ctgrad::sgd{0.01f}, 20,
                [&](const auto& r) {
                  CHECK(r.epoch == losses.size() + 1);
                  losses.push_back(r.loss);
                });
  REQUIRE(losses.size() == 20);
  CHECK(losses[0] == 30.0f);
  // bit patterns of the float32 losses PyTorch prints as 15.66018772 and 0.08633806
  CHECK(losses[2] == 15.66018772f);
  CHECK(losses[18] == 0.08633806f);
  CHECK(p[w] * 5.0f == doctest::Approx(9.612).epsilon(1e-4));
}

TEST_CASE("two parameters converge to the least-squares line") {
  const std::vector<double> X{0, 1, 2, 3, 4};
  const std::vector<double> Y{1, 3, 5, 7, 9};
  auto p = ctgrad::parameters(w = 0.0, b = 0.0);
  const double last = ctgrad::train(mean(square(y - (w * x + b))), p, ctgrad::dataset(x = X, y = Y),
                                    ctgrad::sgd{0.05}, 2000);
  CHECK(p[w] == doctest::Approx(2.0).epsilon(1e-9));
  CHECK(p[b] == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(last < 1e-15);
}

TEST_CASE("a diverging run stops with the epoch and the last finite values") {
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  auto p = ctgrad::parameters(w = 0.0f);
  int epochs_seen = 0;
  std::string message;
  try {
    ctgrad::train(mean(square(y - w * x)), p, ctgrad::dataset(x = X, y = Y), ctgrad::sgd{10.0f},
                  1000, [&](const auto&) { ++epochs_seen; });
  } catch (const ctgrad::diverged& e) {
    message = e.what();
  }
  CHECK(message.find("ctgrad: training diverged at epoch ") == 0);
  CHECK(message.find("w = ") != std::string::npos);
  CHECK(message.find("smaller learning rate") != std::string::npos);
  CHECK(epochs_seen > 0);
  CHECK(epochs_seen < 1000);
  CHECK(std::isfinite(p[w]));  // left at the last finite value
}

TEST_CASE("train refuses an epoch count that is not positive, and leaves the parameters") {
  // Issue 11: 0 epochs returned a loss never computed, and -1 became 2^64 - 1 epochs (a hang).
  // Runtime values here: clang rejects a constant count at compile time (compile_fail/epochs).
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  auto p = ctgrad::parameters(w = 0.5f);
  const auto data = ctgrad::dataset(x = X, y = Y);
  int none = 0, negative = -1;
  long long big_negative = -5'000'000'000LL;
  CHECK_THROWS_WITH_AS(ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, none),
                       "ctgrad: train needs a positive number of epochs, got 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, negative),
      "ctgrad: train needs a positive number of epochs, got -1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, big_negative),
      "ctgrad: train needs a positive number of epochs, got -5000000000", std::invalid_argument);
  CHECK(p[w] == 0.5f);
  unsigned one = 1;
  CHECK(ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, one) ==
        ctgrad::evaluate(mean(square(y - w * x)), w = 0.5f, x = X, y = Y));
}

TEST_CASE("a loss that is not finite before the first step is not called a divergence") {
  // Issue 11: NaN in the data gave "diverged at epoch 1 ... Try a smaller learning rate".
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::array X_nan{1.0f, nan, 3.0f, 4.0f};
  auto p = ctgrad::parameters(w = 0.5f);
  CHECK_THROWS_WITH_AS(ctgrad::train(mean(square(y - w * x)), p, ctgrad::dataset(x = X_nan, y = Y),
                                     ctgrad::sgd{0.01f}, 20),
                       "ctgrad: data column 'x' is not finite at index 1 (nan)",
                       std::invalid_argument);
  CHECK(p[w] == 0.5f);

  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  auto inf_start = ctgrad::parameters(w = std::numeric_limits<float>::infinity());
  CHECK_THROWS_WITH_AS(ctgrad::train(mean(square(y - w * x)), inf_start,
                                     ctgrad::dataset(x = X, y = Y), ctgrad::sgd{0.01f}, 20),
                       "ctgrad: parameter 'w' is not finite at index 0 (inf)",
                       std::invalid_argument);

  // Finite data and parameters, but log of a negative number: a domain error, not divergence.
  auto negative = ctgrad::parameters(w = -1.0f);
  std::string message;
  try {
    ctgrad::train(mean(log(w * x)), negative, ctgrad::dataset(x = X), ctgrad::sgd{0.01f}, 20);
  } catch (const std::domain_error& e) {
    message = e.what();
  }
  CHECK(message.find("ctgrad: the loss is nan at the starting parameters, before any step") == 0);
  CHECK(message.find("outside its domain") != std::string::npos);
  CHECK(message.find("(log(w * x) is nan at data point 0)") != std::string::npos);
  CHECK(negative[w] == -1.0f);
}

TEST_CASE("a gradient that is not finite where the loss is finite is named") {
  // sqrt(w * x) at w = 0: the loss is 0, its derivative x / (2 sqrt(0)) is inf.
  const std::array X{1.0, 2.0};
  auto p = ctgrad::parameters(w = 0.0, b = 1.0);
  std::string message;
  try {
    ctgrad::train(mean(sqrt(w * x) + b * x), p, ctgrad::dataset(x = X), ctgrad::sgd{0.1}, 5);
  } catch (const ctgrad::diverged& e) {
    message = e.what();
  }
  CHECK(message.find("ctgrad: training diverged at epoch 1: the gradient is not finite, d/dw = "
                     "inf, where the loss is 1.5") == 0);
  CHECK(message.find("not differentiable") != std::string::npos);
  CHECK(message.find("learning rate") == std::string::npos);
  CHECK(p[w] == 0.0);
  CHECK(p[b] == 1.0);
}

TEST_CASE("a function outside its domain at the start is named with the data point") {
  const std::array X{0.5, 1.0, 2.0, 4.0};
  const auto domain_message = [&](const auto& loss) {
    auto p = ctgrad::parameters(w = 1.0, b = 0.0);
    try {
      ctgrad::train(loss, p, ctgrad::dataset(x = X), ctgrad::sgd{0.01}, 5);
    } catch (const std::domain_error& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  // acos of 2 at the third point (IEEE NaN, never UB), log1p of -1 at the second
  CHECK(domain_message(mean(acos(w * x - b))).find("(acos(w * x - b) is nan at data point 2)") !=
        std::string::npos);
  CHECK(domain_message(mean(square(b) + log1p(-(w * x))))
            .find("(log1p(-(w * x)) is -inf at data point 1)") != std::string::npos);
  CHECK(domain_message(mean(sqrt(b - w * x))).find("(sqrt(b - w * x) is nan at data point 0)") !=
        std::string::npos);
  // outside the reductions nothing is named, and the message says what it may be
  CHECK(domain_message(log(mean(b - w * x))).find("a log or sqrt of a negative number") !=
        std::string::npos);
}
