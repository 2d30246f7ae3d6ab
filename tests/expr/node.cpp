#include <doctest/doctest.h>

#include <ctgrad.hpp>
#include <type_traits>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;

// Nodes built only from variables and compile-time constants hold nothing at run time.
static_assert(std::is_empty_v<decltype(w * x)>);
static_assert(std::is_empty_v<decltype(w * x + x * x - w)>);
// A runtime number is stored by value, and only it.
static_assert(sizeof(w * x + 2.0) == sizeof(double));
static_assert(sizeof((w + 1.0) * (x + 2.0)) == 2 * sizeof(double));
static_assert(ctgrad::expression<decltype(w)> && ctgrad::expression<decltype(w * x)>);
static_assert(!ctgrad::expression<double> && ctgrad::operand<double>);
static_assert(!ctgrad::operand<bool>);

// Two equal expressions are one type.
static_assert(std::is_same_v<decltype(w * x), decltype(w * x)>);
}  // namespace

TEST_CASE("operands are stored by value and can be read back") {
  auto make = [] {
    const double local = 4.5;
    return w * local;  // the node owns a copy: returning it cannot dangle
  };
  const auto e = make();
  CHECK(ctgrad::operand_of<1>(e).value == 4.5);
  CHECK(ctgrad::evaluate(e, w = 2.0) == 9.0);
}
