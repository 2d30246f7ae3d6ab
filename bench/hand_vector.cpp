// The hand-written fused loop, compiled with -ffast-math: g++ reassociates and vectorizes the
// sums.
#if !defined(__FAST_MATH__)
#error "bench/hand_vector.cpp must be compiled with -ffast-math (see bench/meson.build)"
#endif
#include "hand_loops.hpp"

void bench::register_hand_vector() { add_cases("hand_vector", hand::prepare{}); }
