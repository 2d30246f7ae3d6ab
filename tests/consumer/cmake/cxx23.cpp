// Compiled with CXX_STANDARD 23 and linked with ctgrad::ctgrad, whose cxx_std_20 must not lower
// it (the version header alone: the standard is all this unit checks).
#include <ctgrad/version.hpp>

static_assert(__cplusplus > 202002L, "ctgrad::ctgrad lowered the consumer's C++ standard");
