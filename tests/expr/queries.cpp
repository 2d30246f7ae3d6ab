#include <doctest/doctest.h>

#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;

static_assert(ctgrad::depends_on_v<decltype(w * x + b), ctgrad::param<"b">>);
static_assert(!ctgrad::depends_on_v<decltype(w * x), ctgrad::param<"b">>);
static_assert(ctgrad::has_data_v<decltype(w * x)> && !ctgrad::has_data_v<decltype(w * b)>);
static_assert(ctgrad::has_reduction_v<decltype(w * mean(x))> &&
              !ctgrad::has_reduction_v<decltype(w * x)>);
static_assert(ctgrad::is_reduction_v<decltype(sum(x))>);
static_assert(node_count(w) == 1 && node_count(w * x) == 3 && node_count(w * x + b) == 5);
static_assert(w * x == w * x);
static_assert(!(w * x == x * w));  // structural, not algebraic, equality
}  // namespace

TEST_CASE("equality compares the runtime numbers of non-empty expressions") {
  CHECK(w * 2.0 == w * 2.0);
  CHECK_FALSE(w * 2.0 == w * 3.0);
  CHECK_FALSE(w * 2.0 == w * 2.0f);  // different types
}
