#include <doctest/doctest.h>

#include <ctgrad.hpp>
#include <sstream>

namespace {
using namespace ctgrad::literals;
using ctgrad::pow;
using ctgrad::to_static_string;
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));

// The seed's derivative, shown and pinned at compile time.
static_assert(to_static_string(d(loss, w)) == "mean(-2 * x * (y - w * x))");
static_assert(to_static_string(loss) == "mean(square(y - w * x))");
static_assert(ctgrad::to_string_v<decltype(w * x + b)> == "w * x + b");
// Brackets only where the tree needs them.
static_assert(to_static_string(w - (x - b)) == "w - (x - b)");
static_assert(to_static_string((w - x) - b) == "w - x - b");
static_assert(to_static_string(w * (x * b)) == "w * (x * b)");
static_assert(to_static_string((w + x) * b) == "(w + x) * b");
static_assert(to_static_string(w / (x * b)) == "w / (x * b)");
static_assert(to_static_string(-(w + x)) == "-(w + x)");
static_assert(to_static_string(-w * x) == "-(w * x)");
static_assert(to_static_string(1_c / 3_c * w) == "1/3 * w");
static_assert(to_static_string(w * (1_c / 3_c + x)) == "w * (1/3 + x)");
static_assert(to_static_string(pow<3>(w) + pow<-2>(x)) == "pow<3>(w) + pow<-2>(x)");
static_assert(to_static_string(d(sum(w * w + x), w)) == "2 * N * w");
}  // namespace

TEST_CASE("to_string and operator<< print the same formula, runtime numbers included") {
  CHECK(ctgrad::to_string(d(loss, w)) == "mean(-2 * x * (y - w * x))");
  CHECK(ctgrad::to_string(w * 2.5 - 1.0) == "w * 2.5 - 1");
  CHECK(ctgrad::to_string(w * -2.5) == "w * (-2.5)");
  std::ostringstream os;
  os << d(loss, w);
  CHECK(os.str() == "mean(-2 * x * (y - w * x))");
}

// A negative fraction on the right of / keeps its brackets: w / -1/2 would read as (w / -1) / 2.
static_assert(ctgrad::to_static_string(w / ctgrad::constant<-1, 2>) == "w / (-1/2)");
static_assert(ctgrad::to_static_string(ctgrad::constant<-1, 2> * w) == "-1/2 * w");
static_assert(ctgrad::to_static_string(w - ctgrad::constant<1, 2>) == "w - 1/2");
static_assert(ctgrad::to_static_string(w * ctgrad::constant<-3>) == "-3 * w");
