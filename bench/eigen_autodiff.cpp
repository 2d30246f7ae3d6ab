// Eigen's forward-mode AutoDiffScalar, with a fixed-size derivative vector (one entry per
// parameter, no heap): the loss is accumulated as an AutoDiffScalar over the points.
#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include "common.hpp"

namespace bench {

namespace {

struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](T w, T b) {
      constexpr int P = M == model::wx ? 1 : 2;
      using derivatives = Eigen::Matrix<T, P, 1>;
      using scalar = Eigen::AutoDiffScalar<derivatives>;
      const scalar wa(w, P, 0);
      scalar loss(T(0), derivatives::Zero());
      if constexpr (M == model::wx) {
        for (std::size_t i = 0; i < n; ++i) {
          const scalar r = y[i] - wa * x[i];
          loss += r * r;
        }
      } else {
        const scalar ba(b, P, 1);
        for (std::size_t i = 0; i < n; ++i) {
          const scalar r = y[i] - (wa * x[i] + ba);
          loss += r * r;
        }
      }
      loss /= static_cast<T>(n);
      return step<T>{loss.value(), loss.derivatives()(0),
                     P == 2 ? loss.derivatives()(P - 1) : T(0)};
    };
  }
};

}  // namespace

void register_eigen_autodiff() { add_cases("eigen_autodiff", prepare{}); }

}  // namespace bench
