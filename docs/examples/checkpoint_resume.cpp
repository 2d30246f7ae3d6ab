// A training run interrupted after epoch 8 and resumed from its checkpoint, checked against the
// same run uninterrupted: Adam with amsgrad on shuffled mini-batches and a cosine schedule, a
// vector parameter and a bias. The resumed run must end with the same bits.
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/checkpoint.hpp>

#include "data_generator.hpp"

constexpr std::size_t features = 3;
constexpr ctgrad::param<"w", features> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", features> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - (dot(w, x) + b)));
constexpr std::size_t epochs = 20, interrupted_after = 8;

// A fresh model: parameters, optimizer and schedule, as the program constructs them on start.
struct model {
  decltype(ctgrad::parameters(w = std::array<float, features>{}, b = 0.0f)) params =
      ctgrad::parameters(w = std::array<float, features>{}, b = 0.0f);
  ctgrad::adam<decltype(params)> opt{params, {.lr = 0.05, .amsgrad = true}};
  ctgrad::cosine_annealing_lr schedule{opt, {.t_max = 10, .eta_min = 0.001}};
};

template <class Data>
void train(model& m, const Data& data, std::size_t first, std::size_t count) {
  ctgrad::train(
      loss, m.params, data, m.opt,
      {.epochs = count, .batch_size = 16, .shuffle = true, .seed = 99, .first_epoch = first},
      [&](const auto&) { m.schedule.step(m.opt); });
}

int main() {
  constexpr std::size_t n = 300;
  example::generator random(5);
  std::vector<std::array<float, features>> xs(n);
  std::vector<float> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& v : xs[i]) v = static_cast<float>(random.normal());
    ys[i] = 0.5f * xs[i][0] - 1.5f * xs[i][1] + 2.0f * xs[i][2] + 0.25f +
            0.1f * static_cast<float>(random.normal());
  }
  const auto data = ctgrad::dataset(x = xs, y = ys);

  model uninterrupted;
  train(uninterrupted, data, 1, epochs);

  const auto dir = std::filesystem::temp_directory_path() / "ctgrad_checkpoint_resume_example";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.ckpt").string();
  {
    model first_process;
    train(first_process, data, 1, interrupted_after);
    ctgrad::save_checkpoint(path, interrupted_after, first_process.params, first_process.opt,
                            first_process.schedule);
  }
  model second_process;  // another process: nothing but the file carries over
  const std::size_t done = ctgrad::load_checkpoint(path, second_process.params, second_process.opt,
                                                   second_process.schedule);
  train(second_process, data, done + 1, epochs - done);
  std::filesystem::remove_all(dir);

  const auto& a = uninterrupted.params;
  const auto& r = second_process.params;
  std::printf("after %zu epochs, uninterrupted and resumed after epoch %zu:\n", epochs, done);
  for (std::size_t j = 0; j < features; ++j)
    std::printf("  w%zu  %+.9f  %+.9f\n", j, a[w][j], r[w][j]);
  std::printf("  b   %+.9f  %+.9f\n", a[b], r[b]);
  const bool same = std::memcmp(&a[w], &r[w], sizeof a[w]) == 0 &&
                    std::memcmp(&a[b], &r[b], sizeof a[b]) == 0 &&
                    uninterrupted.opt.lr() == second_process.opt.lr() &&
                    uninterrupted.opt.state.step_count == second_process.opt.state.step_count;
  std::printf(same ? "identical bits\n" : "FAIL: the resumed run differs\n");
  return same ? 0 : 1;
}
