#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <ctgrad.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/pytorch_reference.hpp"
#include "../support/raises.hpp"

// The schedules against PyTorch's recorded rates (tests/reference/pytorch_schedules.txt): the
// recursive form that scheduler.step() computes, bit for bit, for 30 epochs.

namespace {
std::string reference(const char* file) { return std::string(CTGRAD_REFERENCE_DIR) + "/" + file; }

template <class Schedule>
void replay(const ctgrad_test::schedule_case& c, Schedule s) {
  REQUIRE(c.epochs.size() == 31);
  for (const auto& e : c.epochs) {
    CAPTURE(e.epoch);
    if (e.epoch > 0)
      s.step();
    CHECK(s.lr() == e.lr);  // exact: both are doubles computed in the same order
  }
}
}  // namespace

TEST_CASE("every schedule matches PyTorch's recorded learning rates bit for bit") {
  const auto cases = ctgrad_test::read_schedule_cases(reference("pytorch_schedules.txt"));
  REQUIRE(cases.size() == 4);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const double base = c.option("base_lr");
    if (c.scheduler == "steplr")
      replay(c, ctgrad::step_lr{base,
                                {.step_size = static_cast<std::size_t>(c.option("step_size")),
                                 .gamma = c.option("gamma")}});
    else if (c.scheduler == "exponentiallr")
      replay(c, ctgrad::exponential_lr{base, {.gamma = c.option("gamma")}});
    else if (c.scheduler == "cosineannealinglr")
      replay(c, ctgrad::cosine_annealing_lr{base,
                                            {.t_max = static_cast<std::size_t>(c.option("T_max")),
                                             .eta_min = c.option("eta_min")}});
    else if (c.scheduler == "linearlr")
      replay(c,
             ctgrad::linear_lr{base,
                               {.start_factor = c.option("start_factor"),
                                .end_factor = c.option("end_factor"),
                                .total_iters = static_cast<std::size_t>(c.option("total_iters"))}});
    else
      FAIL("unknown schedule " << c.scheduler);
  }
}

TEST_CASE("a schedule sets the optimizer's rate, which the next step uses") {
  constexpr ctgrad::param<"w", 2> w;
  auto p = ctgrad::parameters(w = std::array{1.0f, -1.0f});
  ctgrad::sgd opt{p, {.lr = 0.1}};
  ctgrad::linear_lr warm_up{opt, {.start_factor = 0.5, .total_iters = 2}};
  CHECK(opt.lr() == 0.05);  // epoch 0's rate, set by the constructor as PyTorch's does
  warm_up.step(opt);
  CHECK(opt.lr() == warm_up.lr());
  CHECK(warm_up.lr() == 0.05 * (1.0 + 0.5 / (2 * 0.5 + 0 * 0.5)));
  ctgrad::gradient<float, ctgrad::param<"w", 2>> g;
  g.values = {1.0f, 1.0f};
  opt.step(p, g);
  CHECK(p[w][0] == std::fma(static_cast<float>(-opt.lr()), 1.0f, 1.0f));
  CTGRAD_CHECK_RAISES_AS((ctgrad::step_lr{0.1, {.step_size = 0}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::cosine_annealing_lr{0.1, {.t_max = 0}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::linear_lr{0.1, {.start_factor = 0}}), std::invalid_argument);
}
