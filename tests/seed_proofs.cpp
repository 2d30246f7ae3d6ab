// What the foundation promises about the seed's model, proved by the compiler: if this file
// compiles, the claims hold. The doctest case only records that it was built.
#include <doctest/doctest.h>
#include <array>

#include <ctgrad.hpp>

namespace {

using namespace ctgrad::literals;
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};

// d(w * x, w) is x itself: the same type, no leftover 1 * x + w * 0.
static_assert(d(w * x, w) == x);
static_assert(std::is_same_v<decltype(d(w * x, w)), ctgrad::data<"x">>);

// The seed's gradient comes out in the form a person would write, and no larger.
static_assert(d(loss, w) == mean(-2_c * x * (y - w * x)));
static_assert(node_count(d(loss, w)) == node_count(mean(-2_c * x * (y - w * x))));
static_assert(node_count(d(loss, w)) == 10);

// Every node of the seed's loss and gradient is an empty type: the value is the type.
static_assert(std::is_empty_v<decltype(loss)> && std::is_empty_v<decltype(d(loss, w))>);

// At w = 0 the gradient over the seed's data is exactly -30: -2/4 * (1*2 + 2*4 + 3*6 + 4*8).
static_assert(ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y).grad[w] == -30.0f);
static_assert(ctgrad::evaluate(d(loss, w), w = 0.0f, x = X, y = Y) == -30.0f);
// ... and the loss there is the 30.00000000 the transcript starts with.
static_assert(ctgrad::evaluate(loss, w = 0.0f, x = X, y = Y) == 30.0f);
// At the optimum w = 2 both vanish.
static_assert(ctgrad::value_and_grad(loss, wrt(w), w = 2.0, x = X, y = Y).value == 0.0);

// The second derivative is the constant 2 * mean(x^2) = 15.
static_assert(ctgrad::evaluate(d(d(loss, w), w), w = 0.0, x = X, y = Y) == 15.0);

}  // namespace

TEST_CASE("the seed's compile-time proofs are built") { CHECK(node_count(d(loss, w)) == 10); }
