// expect: ctgrad: huber() needs a delta > 0
// Misuse: the Huber loss with a threshold that is not positive.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * huber(w, 0_c);
#else
[[maybe_unused]] constexpr auto e = w * huber(w, 1_c / 2_c);
#endif
