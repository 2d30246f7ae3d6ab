// The hand-written fused loops, compiled without -ffast-math: sequential sums.
#include "hand_loops.hpp"
#include "hand_shaped.hpp"

void bench::register_hand_scalar() { add_cases("hand_scalar", hand::prepare{}); }
void bench::register_hand_scalar_shaped() { hand_shaped::register_all("hand_scalar"); }
