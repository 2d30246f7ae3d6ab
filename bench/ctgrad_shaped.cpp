// ctgrad: value_and_grad of the shaped models (shaped.hpp), with the data bound once through
// ctgrad::dataset as a training loop would.
#include <ctgrad.hpp>

#include "shaped.hpp"

namespace bench {

namespace {

using shaped::model;
using shaped::model_tag;
using shaped::network_hidden;
using shaped::network_inputs;
using namespace ctgrad::literals;

constexpr ctgrad::param<"w", 8> w8;
constexpr ctgrad::param<"w", 64> w64;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", 8> x8;
constexpr ctgrad::data<"x", 64> x64;
constexpr ctgrad::data<"y"> y;

constexpr ctgrad::param<"W1", network_hidden, network_inputs> W1;
constexpr ctgrad::param<"b1", network_hidden> b1;
constexpr ctgrad::param<"w2", network_hidden> w2;
constexpr ctgrad::param<"b2"> b2;

// The negative log-likelihood, log(1 + e^z) - y z with z the logit.
constexpr auto logistic(auto w, auto x) {
  const auto z = dot(w, x) + b;
  return mean(log(1_c + exp(z)) - y * z);
}
constexpr auto loss_logistic8 = logistic(w8, x8);
constexpr auto loss_logistic64 = logistic(w64, x64);
constexpr auto loss_network = mean(square(y - (dot(w2, tanh(W1* x8 + b1)) + b2)));

// The step of a logistic model; the variables are empty objects, captured by value.
template <model M, class Loss, class W, class X, class T>
auto logistic_kernel(Loss loss, W w, X x, const shaped::table<T>& d) {
  const auto points =
      ctgrad::dataset(x = ctgrad::columns<shaped::features(M)>(d.x.data(), d.size()), y = d.y);
  return [loss, w, points](const shaped::params<T, M>& p, shaped::step<T, M>& out) {
    const auto r = ctgrad::value_and_grad(loss, wrt(w, b), w = p.w, b = p.b, points);
    out.loss = r.value;
    out.grad.w = r.grad[w];
    out.grad.b = r.grad[b];
  };
}

struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const shaped::table<T>& d) const {
    using step = shaped::step<T, M>;
    using params = shaped::params<T, M>;
    if constexpr (M == model::network) {
      const auto points =
          ctgrad::dataset(x8 = ctgrad::columns<network_inputs>(d.x.data(), d.size()), y = d.y);
      return [points](const params& p, step& out) {
        const auto r = ctgrad::value_and_grad(loss_network, wrt(W1, b1, w2, b2), W1 = p.W1,
                                              b1 = p.b1, w2 = p.w2, b2 = p.b2, points);
        out.loss = r.value;
        out.grad.W1 = r.grad[W1];
        out.grad.b1 = r.grad[b1];
        out.grad.w2 = r.grad[w2];
        out.grad.b2 = r.grad[b2];
      };
    } else if constexpr (M == model::logistic8) {
      return logistic_kernel<M>(loss_logistic8, w8, x8, d);
    } else {
      return logistic_kernel<M>(loss_logistic64, w64, x64, d);
    }
  }
};

}  // namespace

void register_ctgrad_shaped() {
  shaped::add_cases<shaped::model::logistic8>("ctgrad", prepare{});
  shaped::add_cases<shaped::model::logistic64>("ctgrad", prepare{});
  shaped::add_cases<shaped::model::network>("ctgrad", prepare{});
}

}  // namespace bench
