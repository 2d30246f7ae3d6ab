// A gradient step allocates nothing: global operator new is replaced by one that counts while a
// window is open, and 1,000 training steps run inside the window.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <ctgrad.hpp>
#include <ctgrad/runtime/thread_pool.hpp>
#include <new>
#include <vector>

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void* counted_allocation(std::size_t size) {
  if (counting.load(std::memory_order_relaxed))
    allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
#if __cpp_exceptions
  throw std::bad_alloc();
#else
  std::abort();
#endif
}

struct counting_window {
  counting_window() {
    allocations = 0;
    counting = true;
  }
  ~counting_window() { counting = false; }
};

constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

TEST_CASE("the counter sees allocations, so a zero below means something") {
  counting_window window;
  auto* v = new std::vector<int>(10);
  delete v;
  CHECK(allocations.load() == 2);
}

TEST_CASE("1,000 training steps allocate nothing, on one thread and on a pool") {
  std::vector<double> xs(20000), ys(20000);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    xs[i] = static_cast<double>(i % 97) / 97.0;
    ys[i] = 3.0 * xs[i] - 0.5;
  }
  const auto data = ctgrad::dataset(x = xs, y = ys);
  const auto loss = mean(square(y - (w * x + b)));
  auto params = ctgrad::parameters(w = 0.0, b = 0.0);
  ctgrad::thread_pool pool{2};
  ctgrad::train(pool, loss, params, data, ctgrad::sgd{0.1}, 1);  // the pool's scratch grows once
  double logged = 0;
  {
    counting_window window;
    ctgrad::train(loss, params, data, ctgrad::sgd{0.1}, 1000,
                  [&](const auto& r) { logged = r.loss; });
    ctgrad::train(pool, loss, params, data, ctgrad::sgd{0.1}, 1000,
                  [&](const auto& r) { logged = r.loss; });
    for (int step = 0; step < 1000; ++step) {
      const auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w, b), params, data);
      ctgrad::sgd{0.1}.step(params, grad);
      logged = value;
    }
  }
  CHECK(allocations.load() == 0);
  CHECK(logged < 1e-3);
}
