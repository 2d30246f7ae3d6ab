// Ceres' forward-mode Jet<T, P> (header-only use): the loss is accumulated as a Jet over the
// points.
#include <ceres/jet.h>

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

// Logistic regression (shaped.hpp): one derivative entry per weight and one for the bias.
struct prepare_logistic {
  template <shaped::model M, class T>
  auto operator()(shaped::model_tag<M>, const shaped::table<T>& d) const {
    return [x = d.x.data(), y = d.y.data(), n = d.size()](const shaped::params<T, M>& p,
                                                          shaped::step<T, M>& out) {
      constexpr int F = static_cast<int>(shaped::features(M));
      using jet = ceres::Jet<T, F + 1>;
      std::array<jet, F> w;
      for (int j = 0; j < F; ++j) w[j] = jet(p.w[j], j);
      const jet b(p.b, F);
      jet loss(T(0));
      for (std::size_t i = 0; i < n; ++i) {
        jet z = b;
        for (int j = 0; j < F; ++j) z += w[j] * x[static_cast<std::size_t>(j) * n + i];
        loss += log(T(1) + exp(z)) - y[i] * z;
      }
      loss /= static_cast<T>(n);
      out.loss = loss.a;
      for (int j = 0; j < F; ++j) out.grad.w[j] = loss.v[j];
      out.grad.b = loss.v[F];
    };
  }
};

}  // namespace

void register_ceres_jet() { add_cases("ceres_jet", prepare{}); }
void register_ceres_jet_shaped() {
  shaped::add_cases<shaped::model::logistic64>("ceres_jet", prepare_logistic{});
}

}  // namespace bench
