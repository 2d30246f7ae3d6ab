// A small, seeded generator of example data, so that every run (and every machine) sees the same
// numbers: a 64-bit linear congruential generator (Knuth's MMIX constants), uniform numbers from
// its top 53 bits, normal ones by the Box-Muller transform.
#pragma once
#include <cmath>
#include <cstdint>

namespace example {

class generator {
 public:
  explicit generator(std::uint64_t seed) : state_(seed) {}
  /// Uniform in [0, 1).
  double uniform() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) * 0x1.0p-53;
  }
  /// Standard normal.
  double normal() {
    const double u = 1.0 - uniform();  // in (0, 1]: log(u) is finite
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * uniform());
  }

 private:
  std::uint64_t state_;
};

}  // namespace example
