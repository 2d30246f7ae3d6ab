// expect: ctgrad: the Eigen vector bound to a vector parameter (named in the condition above)
// expect-name: param_named<'v'>
// expect-errors: 1
// Misuse: binding an Eigen vector of a fixed size other than the parameter's (4 for 3).
#include <Eigen/Core>
#include <ctgrad.hpp>
#include <ctgrad/eigen.hpp>

namespace {
constexpr ctgrad::param<"v", 3> v;
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  const Eigen::Vector4d start(1, 2, 3, 4);
#else
  const Eigen::Vector3d start(1, 2, 3);
#endif
  return ctgrad::evaluate(component_sum(v), v = start);
}
