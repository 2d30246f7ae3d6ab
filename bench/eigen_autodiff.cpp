// Eigen's forward-mode AutoDiffScalar, with a fixed-size derivative vector (one entry per
// parameter, no heap): the loss is accumulated as an AutoDiffScalar over the points.
#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include <array>
#include <cstddef>

#include "common.hpp"
#include "shaped.hpp"

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

// Logistic regression (shaped.hpp): one derivative entry per weight and one for the bias.
struct prepare_logistic {
  template <shaped::model M, class T>
  auto operator()(shaped::model_tag<M>, const shaped::table<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](const shaped::params<T, M>& p,
                                                          shaped::step<T, M>& out) {
      constexpr int F = static_cast<int>(shaped::features(M));
      constexpr int P = F + 1;
      using derivatives = Eigen::Matrix<T, P, 1>;
      using scalar = Eigen::AutoDiffScalar<derivatives>;
      std::array<scalar, F> w;
      for (int j = 0; j < F; ++j) w[j] = scalar(p.w[j], P, j);
      const scalar b(p.b, P, F);
      scalar loss(T(0), derivatives::Zero());
      for (std::size_t i = 0; i < n; ++i) {
        scalar z = b;
        for (int j = 0; j < F; ++j) z += w[j] * x[static_cast<std::size_t>(j) * n + i];
        loss += log(T(1) + exp(z)) - y[i] * z;
      }
      loss /= static_cast<T>(n);
      out.loss = loss.value();
      for (int j = 0; j < F; ++j) out.grad.w[j] = loss.derivatives()(j);
      out.grad.b = loss.derivatives()(F);
    };
  }
};

}  // namespace

void register_eigen_autodiff() { add_cases("eigen_autodiff", prepare{}); }
void register_eigen_autodiff_shaped() {
  shaped::add_cases<shaped::model::logistic64>("eigen_autodiff", prepare_logistic{});
}

}  // namespace bench
