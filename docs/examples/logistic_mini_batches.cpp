// The logistic classifier of logistic_regression.cpp trained the way large data sets are: Adam on
// shuffled mini-batches of 32 points, with a held-out validation set and early stopping. Checked
// against an independent answer: the maximum-likelihood fit of the same training data by
// Newton's method; early stopping must land within 1% of its validation loss, and leave the
// parameters of its best epoch in place. With `--history FILE`, every epoch's training and
// validation loss and the parameters go to FILE as CSV.
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/history.hpp>

#include "data_generator.hpp"
#include "history_option.hpp"

constexpr std::size_t features = 8;
constexpr ctgrad::param<"w", features> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", features> x;
constexpr ctgrad::data<"y"> y;

int main(int argc, char** argv) {
  // Labels drawn from the model, P(y = 1 | x) = sigmoid(w_true . x + b_true): 2,000 points, the
  // first 1,600 for training and the last 400 for validation.
  constexpr std::size_t n = 2000, n_train = 1600;
  const std::array<double, features> w_true{1.0, -0.5, 0.25, 0.75, -1.25, 0.5, 0.0, -0.25};
  const double b_true = -0.4;
  example::generator random(7);
  std::vector<std::array<double, features>> xs(n);
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    double z = b_true;
    for (std::size_t j = 0; j < features; ++j) {
      xs[i][j] = random.normal();
      z += w_true[j] * xs[i][j];
    }
    ys[i] = random.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  const std::span<const std::array<double, features>> x_train(xs.data(), n_train),
      x_valid(xs.data() + n_train, n - n_train);
  const std::span<const double> y_train(ys.data(), n_train),
      y_valid(ys.data() + n_train, n - n_train);
  const auto train_data = ctgrad::dataset(x = x_train, y = y_train);
  const auto valid_data = ctgrad::dataset(x = x_valid, y = y_valid);

  using namespace ctgrad::literals;
  constexpr auto z = dot(w, x) + b;
  constexpr auto loss = mean(log(1_c + exp(z)) - y * z);

  auto params = ctgrad::parameters(w = std::array<double, features>{}, b = 0.0);
  ctgrad::adam opt{params, {.lr = 0.01}};
  std::ofstream csv = example::history_file(argc, argv);
  ctgrad::training_history history{csv, params, {.validation_loss = true}};
  const auto result = ctgrad::train(
      loss, params, train_data, valid_data, opt,
      {.epochs = 500, .batch_size = 32, .shuffle = true, .seed = 2026, .patience = 10}, history);
  const double kept = ctgrad::evaluate(loss, params, valid_data);

  // The independent answer: Newton's method on the exact Hessian, over the training data.
  auto newton = ctgrad::parameters(w = std::array<double, features>{}, b = 0.0);
  for (int step = 0; step < 25; ++step) ctgrad::newton_step(loss, newton, train_data);
  const double newton_valid = ctgrad::evaluate(loss, newton, valid_data);

  const char* why =
      result.reason == ctgrad::stop_reason::no_improvement ? "no improvement" : "epochs done";
  std::printf("Adam, batches of 32: stopped after %zu epochs (%s); best epoch %zu\n",
              result.epochs_run, why, result.best_epoch);
  std::printf("validation loss: early stopping %.9f, Newton's maximum likelihood %.9f\n", kept,
              newton_valid);
  bool ok = true;
  if (kept != result.best_validation_loss) {
    std::printf("FAIL: the parameters left in place are not the best epoch's\n");
    ok = false;
  }
  if (!(kept < 1.01 * newton_valid)) {
    std::printf("FAIL: early stopping is more than 1%% above the maximum-likelihood fit\n");
    ok = false;
  }
  for (std::size_t j = 0; j < features; ++j)
    std::printf("  w%zu  Adam %+.4f  Newton %+.4f  (true %+.2f)\n", j, params[w][j], newton[w][j],
                w_true[j]);
  return ok ? 0 : 1;
}
