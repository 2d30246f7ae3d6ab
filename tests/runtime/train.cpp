#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <ctgrad.hpp>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/raises.hpp"

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
  // The state as the error is raised: without exceptions, the handler sees it so.
  const auto r = ctgrad_test::raise_in<ctgrad::diverged>(
      [&] {
        ctgrad::train(mean(square(y - w * x)), p, ctgrad::dataset(x = X, y = Y), ctgrad::sgd{10.0f},
                      1000, [&](const auto&) { ++epochs_seen; });
      },
      [&] {
        return std::to_string(epochs_seen) + (std::isfinite(p[w]) ? " finite" : " not finite");
      });
  const std::string& message = r.message;
  CHECK(message.find("ctgrad: training diverged at epoch ") == 0);
  CHECK(message.find("w = ") != std::string::npos);
  CHECK(message.find("smaller learning rate") != std::string::npos);
  const int seen = std::stoi(r.state);
  CHECK(seen > 0);
  CHECK(seen < 1000);
  CHECK(r.state.find(" finite") != std::string::npos);  // left at the last finite value
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
  CTGRAD_CHECK_RAISES_WITH_AS(
      ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, none),
      "ctgrad: train needs a positive number of epochs, got 0", std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(
      ctgrad::train(mean(square(y - w * x)), p, data, ctgrad::sgd{0.01f}, negative),
      "ctgrad: train needs a positive number of epochs, got -1", std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(
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
  CTGRAD_CHECK_RAISES_WITH_AS(
      ctgrad::train(mean(square(y - w * x)), p, ctgrad::dataset(x = X_nan, y = Y),
                    ctgrad::sgd{0.01f}, 20),
      "ctgrad: data column 'x' is not finite at index 1 (nan)", std::invalid_argument);
  CHECK(p[w] == 0.5f);

  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  auto inf_start = ctgrad::parameters(w = std::numeric_limits<float>::infinity());
  CTGRAD_CHECK_RAISES_WITH_AS(ctgrad::train(mean(square(y - w * x)), inf_start,
                                            ctgrad::dataset(x = X, y = Y), ctgrad::sgd{0.01f}, 20),
                              "ctgrad: parameter 'w' is not finite at index 0 (inf)",
                              std::invalid_argument);

  // Finite data and parameters, but log of a negative number: a domain error, not divergence.
  auto negative = ctgrad::parameters(w = -1.0f);
  const std::string message =
      ctgrad_test::raise_in<std::domain_error>([&] {
        ctgrad::train(mean(log(w * x)), negative, ctgrad::dataset(x = X), ctgrad::sgd{0.01f}, 20);
      }).message;
  CHECK(message.find("ctgrad: the loss is nan at the starting parameters, before any step") == 0);
  CHECK(message.find("outside its domain") != std::string::npos);
  CHECK(message.find("(log(w * x) is nan at data point 0)") != std::string::npos);
  CHECK(negative[w] == -1.0f);
}

TEST_CASE("a gradient that is not finite where the loss is finite is named") {
  // sqrt(w * x) at w = 0: the loss is 0, its derivative x / (2 sqrt(0)) is inf.
  const std::array X{1.0, 2.0};
  auto p = ctgrad::parameters(w = 0.0, b = 1.0);
  const auto r = ctgrad_test::raise_in<ctgrad::diverged>(
      [&] {
        ctgrad::train(mean(sqrt(w * x) + b * x), p, ctgrad::dataset(x = X), ctgrad::sgd{0.1}, 5);
      },
      [&] { return std::string(p[w] == 0.0 && p[b] == 1.0 ? "restored" : "changed"); });
  const std::string& message = r.message;
  CHECK(r.state == "restored");
  CHECK(message.find("ctgrad: training diverged at epoch 1: the gradient is not finite, d/dw = "
                     "inf, where the loss is 1.5") == 0);
  CHECK(message.find("not differentiable") != std::string::npos);
  CHECK(message.find("learning rate") == std::string::npos);
  CHECK(p[w] == 0.0);
  CHECK(p[b] == 1.0);
}

namespace {
// y = 2 x + 1 with a little deterministic noise, n points.
struct line_data {
  std::vector<double> xs, ys;
  explicit line_data(std::size_t n, double noise = 0.05) {
    for (std::size_t i = 0; i < n; ++i) {
      const double xi = -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(n);
      xs.push_back(xi);
      ys.push_back(2 * xi + 1 + noise * std::sin(7.0 * static_cast<double>(i)));
    }
  }
};
}  // namespace

TEST_CASE("mini-batches in order are steps on consecutive slices of the data") {
  const line_data d(10);
  const auto loss = mean(square(y - (w * x + b)));
  auto p = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto r = ctgrad::train(loss, p, ctgrad::dataset(x = d.xs, y = d.ys), ctgrad::sgd{0.1},
                               {.epochs = 3, .batch_size = 4});
  CHECK(r.epochs_run == 3);
  CHECK(r.reason == ctgrad::stop_reason::epochs_done);
  // By hand: batches of 4, 4 and 2 points, each a step of plain SGD.
  auto q = ctgrad::parameters(w = 0.0, b = 0.0);
  double epoch_loss = 0;
  for (int e = 0; e < 3; ++e) {
    epoch_loss = 0;
    for (std::size_t first = 0; first < 10; first += 4) {
      const std::size_t m = first + 4 <= 10 ? 4 : 10 - first;
      const std::span<const double> xb(d.xs.data() + first, m), yb(d.ys.data() + first, m);
      const auto [value, g] = ctgrad::value_and_grad(loss, wrt(w, b), q, x = xb, y = yb);
      ctgrad::sgd{0.1}.step(q, g);
      epoch_loss += value * static_cast<double>(m);
    }
    epoch_loss /= 10;
  }
  CHECK(p[w] == q[w]);
  CHECK(p[b] == q[b]);
  CHECK(r.loss == epoch_loss);
}

TEST_CASE("shuffled order: a documented generator, the same on every platform") {
  std::vector<std::size_t> order(8);
  ctgrad::shuffled_order(42, 1, order);
  // Pinned: SplitMix64 and Fisher-Yates as documented; a change here changes every shuffled run.
  CHECK(order == std::vector<std::size_t>{7, 4, 1, 2, 5, 6, 0, 3});
  std::vector<std::size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < 8; ++i) CHECK(sorted[i] == i);
  std::vector<std::size_t> other(8);
  ctgrad::shuffled_order(42, 2, other);
  CHECK(other != order);
}

TEST_CASE("a shuffled mini-batch run repeats bit for bit, and resumes at any epoch") {
  const line_data d(37);
  const auto data = ctgrad::dataset(x = d.xs, y = d.ys);
  const auto loss = mean(square(y - (w * x + b)));
  auto run = [&](std::uint64_t seed) {
    auto p = ctgrad::parameters(w = 0.0, b = 0.0);
    ctgrad::adam opt{p, {.lr = 0.05}};
    ctgrad::train(loss, p, data, opt,
                  {.epochs = 12, .batch_size = 5, .shuffle = true, .seed = seed});
    return std::array{p[w], p[b]};
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
  // 5 epochs, then 7 more from epoch 6 with the same optimizer: the 12-epoch run exactly.
  auto p = ctgrad::parameters(w = 0.0, b = 0.0);
  ctgrad::adam opt{p, {.lr = 0.05}};
  ctgrad::train(loss, p, data, opt, {.epochs = 5, .batch_size = 5, .shuffle = true, .seed = 7});
  ctgrad::train(loss, p, data, opt,
                {.epochs = 7, .batch_size = 5, .shuffle = true, .seed = 7, .first_epoch = 6});
  CHECK(std::array{p[w], p[b]} == run(7));
}

TEST_CASE("a batch size of 0 or above the number of points is refused") {
  const line_data d(10);
  auto p = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto data = ctgrad::dataset(x = d.xs, y = d.ys);
  const auto loss = mean(square(y - (w * x + b)));
  CTGRAD_CHECK_RAISES_WITH_AS(
      ctgrad::train(loss, p, data, ctgrad::sgd{0.1}, {.epochs = 1, .batch_size = 0}),
      "ctgrad: train: a batch size of 0 for 10 data points (it must be 1 to the "
      "number of points)",
      std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS(
      ctgrad::train(loss, p, data, ctgrad::sgd{0.1}, {.epochs = 1, .batch_size = 11}),
      std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS(ctgrad::train(loss, p, data, ctgrad::sgd{0.1}, {.epochs = 0}),
                         std::invalid_argument);
  CHECK(p[w] == 0.0);
}

TEST_CASE("stopping rules: gradient norm, loss change, and early stopping on validation data") {
  const line_data d(40), v(15, 0.3);
  const auto data = ctgrad::dataset(x = d.xs, y = d.ys);
  const auto loss = mean(square(y - (w * x + b)));

  auto p = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto by_norm =
      ctgrad::train(loss, p, data, ctgrad::sgd{0.3}, {.epochs = 10000, .min_gradient_norm = 1e-6});
  CHECK(by_norm.reason == ctgrad::stop_reason::gradient_norm);
  CHECK(by_norm.epochs_run < 10000);
  CHECK(std::norm(std::complex<double>(ctgrad::value_and_grad(loss, wrt(w, b), p, data).grad[w],
                                       ctgrad::value_and_grad(loss, wrt(w, b), p, data).grad[b])) <
        1e-11);

  auto q = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto by_change =
      ctgrad::train(loss, q, data, ctgrad::sgd{0.3}, {.epochs = 10000, .min_loss_change = 1e-12});
  CHECK(by_change.reason == ctgrad::stop_reason::loss_change);

  // Validation: a large learning rate with mini-batches makes the validation loss wander; the
  // run keeps the parameters of its best epoch, whose validation loss is the reported best.
  auto r = ctgrad::parameters(w = 0.0, b = 0.0);
  std::vector<double> validation_losses;
  double last_elapsed = -1;
  bool elapsed_grows = true;
  const auto result =
      ctgrad::train(loss, r, data, ctgrad::dataset(x = v.xs, y = v.ys), ctgrad::sgd{0.5},
                    {.epochs = 200, .batch_size = 4, .shuffle = true, .seed = 3, .patience = 5},
                    [&](const auto& report) {
                      validation_losses.push_back(report.validation_loss);
                      elapsed_grows = elapsed_grows && report.elapsed.count() >= last_elapsed;
                      last_elapsed = report.elapsed.count();
                    });
  CHECK(elapsed_grows);
  REQUIRE(!validation_losses.empty());
  const double best = *std::min_element(validation_losses.begin(), validation_losses.end());
  CHECK(result.best_validation_loss == best);
  CHECK(validation_losses.at(result.best_epoch - 1) == best);
  CHECK(ctgrad::evaluate(loss, r, x = v.xs, y = v.ys) == best);  // the best parameters are kept
  if (result.reason == ctgrad::stop_reason::no_improvement)
    CHECK(result.epochs_run == result.best_epoch + 5);

  // Without validation data the report's validation loss is NaN.
  auto s = ctgrad::parameters(w = 0.0, b = 0.0);
  ctgrad::train(loss, s, data, ctgrad::sgd{0.1}, 1,
                [](const auto& report) { CHECK(std::isnan(report.validation_loss)); });
}

TEST_CASE("a function outside its domain at the start is named with the data point") {
  const std::array X{0.5, 1.0, 2.0, 4.0};
  const auto domain_message = [&](const auto& loss) {
    auto p = ctgrad::parameters(w = 1.0, b = 0.0);
    const auto r = ctgrad_test::raise_in<std::domain_error>(
        [&] { ctgrad::train(loss, p, ctgrad::dataset(x = X), ctgrad::sgd{0.01}, 5); });
    return r.happened ? r.message : std::string("no exception");
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
