// The hand-written fused loops, compiled with -ffast-math: g++ reassociates and vectorizes the
// sums, and vectorizes exp and tanh through glibc's libmvec.
#if !defined(__FAST_MATH__)
#error "bench/hand_vector.cpp must be compiled with -ffast-math (see bench/meson.build)"
#endif
#include "hand_loops.hpp"
#include "hand_shaped.hpp"

void bench::register_hand_vector() { add_cases("hand_vector", hand::prepare{}); }
void bench::register_hand_vector_shaped() { hand_shaped::register_all("hand_vector"); }
