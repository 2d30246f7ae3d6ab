#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <ctgrad.hpp>
#include <ctgrad/runtime/thread_pool.hpp>
#include <thread>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;

template <class T>
std::vector<T> noisy(std::size_t n, std::uint32_t seed) {
  std::vector<T> v(n);
  for (auto& e : v) {
    seed = seed * 1664525u + 1013904223u;
    e = static_cast<T>(seed >> 8) / T(16777216) * T(4) - T(1.3);
  }
  return v;
}
}  // namespace

TEST_CASE_TEMPLATE("value_and_grad is bitwise identical for 1, 2, 3 and 16 threads", T, float,
                   double) {
  const auto loss = mean(square(y - (w * x + b)));
  for (std::size_t n : {std::size_t{1}, std::size_t{4096}, std::size_t{4097}, std::size_t{100000},
                        std::size_t{1000003}}) {
    CAPTURE(n);
    const auto xs = noisy<T>(n, 1);
    const auto ys = noisy<T>(n, 2);
    const auto data = ctgrad::dataset(x = xs, y = ys);
    const auto reference = ctgrad::value_and_grad(loss, wrt(w, b), w = T(0.7), b = T(-0.2), data);
    for (std::size_t threads : {1u, 2u, 3u, 16u}) {
      CAPTURE(threads);
      ctgrad::thread_pool pool{threads};
      CHECK(pool.size() == threads);
      for (int repeat = 0; repeat < 3; ++repeat) {
        const auto r = ctgrad::value_and_grad(pool, loss, wrt(w, b), w = T(0.7), b = T(-0.2), data);
        CHECK(r.value == reference.value);
        CHECK(r.grad[w] == reference.grad[w]);
        CHECK(r.grad[b] == reference.grad[b]);
      }
      CHECK(ctgrad::evaluate(pool, loss, w = T(0.7), b = T(-0.2), data) == reference.value);
    }
  }
}

TEST_CASE("training on a pool follows the single-threaded run exactly") {
  const auto xs = noisy<float>(50000, 3);
  const auto ys = noisy<float>(50000, 4);
  const auto data = ctgrad::dataset(x = xs, y = ys);
  const auto loss = mean(square(y - (w * x + b)));
  auto one = ctgrad::parameters(w = 0.0f, b = 0.0f);
  auto two = ctgrad::parameters(w = 0.0f, b = 0.0f);
  ctgrad::thread_pool pool{2};
  const float l1 = ctgrad::train(loss, one, data, ctgrad::sgd{0.1f}, 25);
  const float l2 = ctgrad::train(pool, loss, two, data, ctgrad::sgd{0.1f}, 25);
  CHECK(l1 == l2);
  CHECK(one[w] == two[w]);
  CHECK(one[b] == two[b]);
}

TEST_CASE("several threads may share one pool: their evaluations take turns") {
  const auto xs = noisy<double>(200000, 5);
  const auto ys = noisy<double>(200000, 6);
  const auto data = ctgrad::dataset(x = xs, y = ys);
  const auto loss = mean(square(y - (w * x + b)));
  const double expected = ctgrad::evaluate(loss, w = 0.5, b = 0.25, data);
  ctgrad::thread_pool pool{2};
  std::atomic<int> wrong{0};
  auto client = [&] {
    for (int k = 0; k < 50; ++k)
      if (ctgrad::evaluate(pool, loss, w = 0.5, b = 0.25, data) != expected)
        ++wrong;
  };
  std::thread a(client), c(client);
  a.join();
  c.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("a vector model on a pool: bitwise identical to one thread, functions included") {
  using namespace ctgrad::literals;
  constexpr ctgrad::param<"v", 5> v;
  constexpr ctgrad::data<"r", 5> r;
  const std::size_t n = 3 * ctgrad::reduction_block + 77;
  const auto flat = noisy<float>(5 * n, 7);
  const auto ys = noisy<float>(n, 8);
  const auto data = ctgrad::dataset(r = ctgrad::columns<5>(flat.data(), n), y = ys);
  const auto loss = mean(log(1_c + exp(dot(v, r) + b)) - y * tanh(dot(v, r)));
  const std::array<float, 5> start{0.1f, -0.2f, 0.3f, 0.05f, -0.4f};
  const auto reference = ctgrad::value_and_grad(loss, wrt(v, b), v = start, b = 0.5f, data);
  for (std::size_t threads : {2u, 3u}) {
    ctgrad::thread_pool pool{threads};
    const auto got = ctgrad::value_and_grad(pool, loss, wrt(v, b), v = start, b = 0.5f, data);
    CHECK(got.value == reference.value);
    CHECK(got.grad[v] == reference.grad[v]);
    CHECK(got.grad[b] == reference.grad[b]);
  }
}
