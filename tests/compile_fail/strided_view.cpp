// expect: ctgrad: this view has a stride or two dimensions (its data() is not its values in order)
// expect-name: data_named<'x'>
// Misuse: binding a strided view (as an Eigen row of a column-major matrix) as a data column.
#include <cstddef>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::data<"x"> x;

// The shape of Eigen's Block and Map types: data(), size(), and a stride between the values.
struct strided_row {
  const double* first;
  std::size_t count;
  std::ptrdiff_t step;
  const double* data() const { return first; }
  std::size_t size() const { return count; }
  std::ptrdiff_t innerStride() const { return step; }
};
struct contiguous_row {
  const double* first;
  std::size_t count;
  const double* data() const { return first; }
  std::size_t size() const { return count; }
};
}  // namespace

double value(const double* matrix) {
#ifdef CTGRAD_COMPILE_FAIL
  const strided_row row{matrix, 4, 3};
#else
  const contiguous_row row{matrix, 4};
#endif
  return ctgrad::evaluate(mean(x), x = row);
}
