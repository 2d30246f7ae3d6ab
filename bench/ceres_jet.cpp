// Ceres' forward-mode Jet<T, P> (header-only use): the loss is accumulated as a Jet over the
// points.
#include <ceres/jet.h>

#include "common.hpp"

namespace bench {

namespace {

struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](T w, T b) {
      constexpr int P = M == model::wx ? 1 : 2;
      using jet = ceres::Jet<T, P>;
      const jet wj(w, 0);
      jet loss(T(0));
      if constexpr (M == model::wx) {
        for (std::size_t i = 0; i < n; ++i) {
          const jet r = y[i] - wj * x[i];
          loss += r * r;
        }
      } else {
        const jet bj(b, 1);
        for (std::size_t i = 0; i < n; ++i) {
          const jet r = y[i] - (wj * x[i] + bj);
          loss += r * r;
        }
      }
      loss /= static_cast<T>(n);
      return step<T>{loss.a, loss.v[0], P == 2 ? loss.v[P - 1] : T(0)};
    };
  }
};

}  // namespace

void register_ceres_jet() { add_cases("ceres_jet", prepare{}); }

}  // namespace bench
