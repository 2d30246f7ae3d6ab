#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
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
