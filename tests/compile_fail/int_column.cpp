// expect: ctgrad: a data column takes a contiguous container of float, double or long double
// Misuse: binding a column of ints to a data column.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array Xi{1, 2, 3, 4};
constexpr std::array X{1.0, 2.0, 3.0, 4.0};
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(mean(w * x), w = 1.0, x = Xi) + static_cast<double>(X.size());
#else
  return evaluate(mean(w * x), w = 1.0, x = X) + static_cast<double>(Xi.size());
#endif
}
