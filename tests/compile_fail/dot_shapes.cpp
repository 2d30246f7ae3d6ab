// expect: ctgrad: dot() takes two vectors of the same length
// expect-name: shape<8
// Misuse: a dot product of vectors of 8 and 7 components.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w", 8> w;
#ifdef CTGRAD_COMPILE_FAIL
constexpr ctgrad::data<"x", 7> x;
#else
constexpr ctgrad::data<"x", 8> x;
#endif
}  // namespace

[[maybe_unused]] constexpr auto model = dot(w, x);
