// expect: ctgrad: this view has a stride or two dimensions (its data() is not its values in order)
// expect-name: data_named<'x'>
// expect-errors: 1
// Misuse: binding an Eigen row of a column-major matrix (stride: the rows) without
// <ctgrad/eigen.hpp>.
#include <Eigen/Core>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::data<"x"> x;
}  // namespace

double value(const Eigen::MatrixXd& m) {
#ifdef CTGRAD_COMPILE_FAIL
  const auto values = m.row(0);
#else
  const auto values = m.col(0);  // consecutive values: read as a contiguous column
#endif
  return ctgrad::evaluate(mean(x), x = values);
}
