#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctgrad.hpp>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../support/pytorch_reference.hpp"
#include "../support/raises.hpp"

// PyTorch's optimizers, step by step: every recorded case of tests/reference/
// pytorch_optimizers.txt (torch 1.13, float32, single-tensor path, AVX2 kernels) is replayed
// from its first parameter value, feeding the recorded gradients; the parameter and every state
// tensor must equal PyTorch's bit for bit after each of the 20 steps.

namespace {
constexpr ctgrad::param<"w", 4> w;
using params_type = decltype(ctgrad::parameters(w = std::array<float, 4>{}));

std::string reference(const char* file) { return std::string(CTGRAD_REFERENCE_DIR) + "/" + file; }

// The distance between two floats in units in the last place (0 when the bits are equal).
std::int64_t ulps(float a, float b) {
  auto key = [](float f) {
    const auto i = static_cast<std::int64_t>(std::bit_cast<std::int32_t>(f));
    return i < 0 ? std::int64_t{INT32_MIN} - i : i;
  };
  return a == b && std::signbit(a) == std::signbit(b) ? 0 : std::abs(key(a) - key(b)) + (a == b);
}

std::array<float, 4> four(const std::vector<float>& v) {
  REQUIRE(v.size() == 4);
  return {v[0], v[1], v[2], v[3]};
}

// Compares every component; returns the largest distance in ulps.
std::int64_t compare(const char* what, const std::array<float, 4>& ours,
                     const std::vector<float>& theirs) {
  std::int64_t worst = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const std::int64_t d = ulps(ours[k], theirs.at(k));
    if (d != 0)
      MESSAGE(what << "[" << k << "]: ours " << ours[k] << ", PyTorch " << theirs[k] << " (" << d
                   << " ulp)");
    worst = d > worst ? d : worst;
  }
  return worst;
}

template <class Optimizer, class States>
std::int64_t replay(const ctgrad_test::optimizer_case& c, Optimizer opt, params_type p,
                    States states) {
  std::int64_t worst = 0;
  for (const auto& s : c.steps) {
    CAPTURE(s.step);
    worst = std::max(worst, compare("param before", p[w], s.param_before));
    ctgrad::gradient<float, std::remove_const_t<decltype(w)>> g;
    const auto recorded = four(s.grad);
    for (std::size_t k = 0; k < 4; ++k) g.values[k] = recorded[k];
    opt.step(p, g);
    worst = std::max(worst, compare("param after", p[w], s.param_after));
    for (const auto& entry : s.state) {
      const std::string& name = entry.first;            // not a structured binding: clang 14 cannot
      const std::vector<float>& values = entry.second;  // capture one in CAPTURE's lambda
      CAPTURE(name);
      const auto ours = states(opt, name);
      REQUIRE_MESSAGE(ours.has_value, "a state PyTorch keeps and ctgrad does not: " << name);
      worst = std::max(worst, compare(name.c_str(), ours.values, values));
    }
  }
  return worst;
}

struct state_view {
  bool has_value = false;
  std::array<float, 4> values{};
};
state_view of(const params_type& s) { return {true, s[w]}; }
state_view of(float step) { return {true, {step, step, step, step}}; }
state_view of(std::size_t step) {
  const auto f = static_cast<float>(step);
  return {true, {f, f, f, f}};
}

std::int64_t run_case(const ctgrad_test::optimizer_case& c) {
  const auto start = ctgrad::parameters(w = four(c.steps.at(0).param_before));
  // A 0-dim `step` tensor is written once; compare it as one value broadcast to four.
  auto fix_step = [](ctgrad_test::optimizer_case k) {
    for (auto& s : k.steps)
      if (auto it = s.state.find("step"); it != s.state.end())
        it->second = std::vector<float>(4, it->second.at(0));
    return k;
  };
  const auto k = fix_step(c);
  if (c.optimizer == "sgd") {
    ctgrad::sgd opt{start,
                    {.lr = c.option("lr"),
                     .momentum = c.option("momentum"),
                     .dampening = c.option("dampening"),
                     .weight_decay = c.option("weight_decay"),
                     .nesterov = c.option("nesterov") != 0}};
    return replay(k, opt, start, [](const auto& o, const std::string& name) {
      return name == "momentum_buffer" ? of(o.momentum_buffer) : state_view{};
    });
  }
  if (c.optimizer == "adam" || c.optimizer == "adamw") {
    auto states = [](const auto& o, const std::string& name) {
      if (name == "exp_avg")
        return of(o.state.exp_avg);
      if (name == "exp_avg_sq")
        return of(o.state.exp_avg_sq);
      if (name == "max_exp_avg_sq")
        return of(o.state.max_exp_avg_sq);
      if (name == "step")
        return of(o.state.step_count);
      return state_view{};
    };
    if (c.optimizer == "adam")
      return replay(k,
                    ctgrad::adam{start,
                                 {.lr = c.option("lr"),
                                  .beta1 = c.option("beta1"),
                                  .beta2 = c.option("beta2"),
                                  .eps = c.option("eps"),
                                  .weight_decay = c.option("weight_decay"),
                                  .amsgrad = c.option("amsgrad") != 0}},
                    start, states);
    return replay(k,
                  ctgrad::adamw{start,
                                {.lr = c.option("lr"),
                                 .beta1 = c.option("beta1"),
                                 .beta2 = c.option("beta2"),
                                 .eps = c.option("eps"),
                                 .weight_decay = c.option("weight_decay"),
                                 .amsgrad = c.option("amsgrad") != 0}},
                  start, states);
  }
  if (c.optimizer == "rmsprop") {
    ctgrad::rmsprop opt{start,
                        {.lr = c.option("lr"),
                         .alpha = c.option("alpha"),
                         .eps = c.option("eps"),
                         .weight_decay = c.option("weight_decay"),
                         .momentum = c.option("momentum"),
                         .centered = c.option("centered") != 0}};
    return replay(k, opt, start, [](const auto& o, const std::string& name) {
      if (name == "square_avg")
        return of(o.square_avg);
      if (name == "momentum_buffer")
        return of(o.momentum_buffer);
      if (name == "grad_avg")
        return of(o.grad_avg);
      if (name == "step")
        return of(o.steps);
      return state_view{};
    });
  }
  REQUIRE(c.optimizer == "adagrad");
  ctgrad::adagrad opt{start,
                      {.lr = c.option("lr"),
                       .lr_decay = c.option("lr_decay"),
                       .weight_decay = c.option("weight_decay"),
                       .initial_accumulator_value = c.option("initial_accumulator_value"),
                       .eps = c.option("eps")}};
  return replay(k, opt, start, [](const auto& o, const std::string& name) {
    if (name == "sum")
      return of(o.sum);
    if (name == "step")
      return of(o.step_count);
    return state_view{};
  });
}
}  // namespace

TEST_CASE("every optimizer matches its recorded PyTorch trajectory bit for bit") {
  const auto cases = ctgrad_test::read_optimizer_cases(reference("pytorch_optimizers.txt"));
  REQUIRE(cases.size() == 15);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    REQUIRE(c.steps.size() == 20);
    const std::int64_t worst = run_case(c);
    CHECK_MESSAGE(worst == 0,
                  c.name << ": largest difference from PyTorch over 20 steps: " << worst << " ulp");
  }
}

TEST_CASE("hyper-parameters outside their range are refused at construction, naming the value") {
  const auto p = ctgrad::parameters(w = std::array<float, 4>{});
  CTGRAD_CHECK_RAISES_WITH_AS(
      (ctgrad::sgd{p, {.lr = -0.1}}),
      "ctgrad: sgd: invalid learning rate -0.1 (it must be >= 0 (and given))",
      std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::sgd{p, {.momentum = 0.9}}), std::invalid_argument);  // no lr
  CTGRAD_CHECK_RAISES_AS((ctgrad::sgd{p, {.lr = 0.1, .nesterov = true}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS((ctgrad::adam{p, {.beta1 = 1.0}}),
                              "ctgrad: adam: invalid beta1 1 (it must be in [0, 1))",
                              std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::adam{p, {.beta2 = -0.5}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::adamw{p, {.lr = std::numeric_limits<double>::quiet_NaN()}}),
                         std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::rmsprop{p, {.alpha = -1}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::adagrad{p, {.lr_decay = -1}}), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS((ctgrad::adagrad{p, {.eps = -1e-10}}), std::invalid_argument);
}

TEST_CASE("optimizer state has the parameters' shapes, and train keeps it across epochs") {
  constexpr ctgrad::param<"W", 2, 2> W;
  constexpr ctgrad::param<"b"> b;
  constexpr ctgrad::data<"x", 2> x;
  constexpr ctgrad::data<"y"> y;
  const std::vector<std::array<double, 2>> X{{1, 0}, {0, 1}, {1, 1}, {2, -1}};
  const std::vector<double> Y{1, -1, 0.5, 2};
  const auto loss = mean(square(y - (component_sum(W * x) + b)));
  auto p = ctgrad::parameters(W = std::array{0.1, -0.2, 0.3, 0.05}, b = 0.0);
  ctgrad::adam opt{p, {.lr = 0.05}};
  static_assert(
      std::is_same_v<decltype(opt.state.exp_avg[W]), const std::array<std::array<double, 2>, 2>&> ||
      std::is_same_v<decltype(opt.state.exp_avg[W]), std::array<std::array<double, 2>, 2>&>);
  const double first = ctgrad::evaluate(loss, p, ctgrad::dataset(x = X, y = Y));
  const double last = ctgrad::train(loss, p, ctgrad::dataset(x = X, y = Y), opt, 200);
  CHECK(last < first / 10);
  CHECK(opt.state.step_count == 200.0f);
  CHECK(opt.state.exp_avg[b] != 0.0);

  // The same 200 steps taken by hand with a fresh optimizer give the same bits.
  auto q = ctgrad::parameters(W = std::array{0.1, -0.2, 0.3, 0.05}, b = 0.0);
  ctgrad::adam by_hand{q, {.lr = 0.05}};
  for (int k = 0; k < 200; ++k)
    by_hand.step(q, ctgrad::value_and_grad(loss, wrt(W, b), q, x = X, y = Y).grad);
  CHECK(q[W] == p[W]);
  CHECK(q[b] == p[b]);
  CHECK(by_hand.state.exp_avg_sq[W] == opt.state.exp_avg_sq[W]);
}

TEST_CASE("a diverging run rolls the optimizer's state back with the parameters") {
  constexpr ctgrad::param<"v"> v;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  const auto loss = mean(square(y - v * x));
  // lr 1e30: the first step moves v to about -1e30 (finite); the second loss overflows.
  auto p = ctgrad::parameters(v = 0.5f);
  ctgrad::adam opt{p, {.lr = 1e30}};
  auto one_step = p;
  ctgrad::adam after_one{one_step, {.lr = 1e30}};
  after_one.step(one_step, ctgrad::value_and_grad(loss, wrt(v), one_step, x = X, y = Y).grad);
  REQUIRE(std::isfinite(one_step[v]));
  // The parameter, the step count and the moments, exactly: observed as the error is raised
  // (without exceptions, by the error handler, before the program would end).
  const auto state = [&](const auto& params, const auto& o) {
    char text[128];
    std::snprintf(text, sizeof text, "%a %a %a %a", static_cast<double>(params[v]),
                  static_cast<double>(o.state.step_count), static_cast<double>(o.state.exp_avg[v]),
                  static_cast<double>(o.state.exp_avg_sq[v]));
    return std::string(text);
  };
  const auto r = ctgrad_test::raise_in<ctgrad::diverged>(
      [&] { ctgrad::train(loss, p, ctgrad::dataset(x = X, y = Y), opt, 10); },
      [&] { return state(p, opt); });
  CHECK(r.happened);
  CHECK(r.state == state(one_step, after_one));
}
