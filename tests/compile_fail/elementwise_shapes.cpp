// expect: ctgrad: element-wise operands must have the same shape, or one must be a scalar
// expect-name: shape<3
// Misuse: adding vectors of 3 and 4 components.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w", 3> w;
#ifdef CTGRAD_COMPILE_FAIL
constexpr ctgrad::param<"b", 4> b;
#else
constexpr ctgrad::param<"b", 3> b;
#endif
constexpr ctgrad::data<"x", 3> x;
}  // namespace

[[maybe_unused]] constexpr auto model = w * x + b;
