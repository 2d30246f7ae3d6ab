// The hand-written fused loop, compiled without -ffast-math: sequential sums.
#include "hand_loops.hpp"

void bench::register_hand_scalar() { add_cases("hand_scalar", hand::prepare{}); }
