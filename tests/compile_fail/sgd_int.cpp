// expect: ctgrad: the learning rate is a floating-point number
// expect-errors: 1
// Misuse: an integer learning rate, sgd{1}.
#include <ctgrad.hpp>

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] const ctgrad::sgd optimizer{1};
#else
[[maybe_unused]] const ctgrad::sgd optimizer{1.0};
#endif
