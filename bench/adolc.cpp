// ADOL-C (reverse mode, double only): the loss is taped once per (model, N), with the data as
// constants on the tape, and each step replays the tape: zos_forward (the loss, keeping the
// values for the reverse sweep) then fos_reverse (the gradient).
#include <adolc/adolc.h>

#include <map>
#include <utility>

#include "common.hpp"

namespace bench {

namespace {

// One tag per tape, for all models (a counter inside the template below would be one per model).
short new_tag() {
  static short next = 1;
  return next++;
}

template <model M>
short record(const columns<double>& d) {
  const short tag = new_tag();
  const std::size_t n = d.size();
  // Buffers large enough to keep the whole tape in memory (ADOL-C spills to files otherwise).
  const auto size = [n](std::size_t per_point) {
    return static_cast<unsigned>(per_point * n + 1024);
  };
  trace_on(tag, 0, size(8), size(24), size(4), size(8));
  adouble w, b;
  w <<= w0;
  if constexpr (M == model::wxb)
    b <<= b0;
  adouble sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    adouble r;
    if constexpr (M == model::wx)
      r = d.y[i] - w * d.x[i];
    else
      r = d.y[i] - (w * d.x[i] + b);
    sum += r * r;
  }
  adouble loss = sum / static_cast<double>(n);
  double value = 0;
  loss >>= value;
  trace_off();
  return tag;
}

struct prepare {
  template <model M>
  auto operator()(model_tag<M>, const columns<double>& d) const {
    static std::map<std::size_t, short> tapes;  // per N, for this model
    auto it = tapes.find(d.size());
    if (it == tapes.end())
      it = tapes.emplace(d.size(), record<M>(d)).first;
    return [tag = it->second](double w, double b) {
      constexpr int P = M == model::wx ? 1 : 2;
      double parameters[2] = {w, b};
      double loss = 0;
      zos_forward(tag, 1, P, 1, parameters, &loss);
      double weight = 1;
      double gradient[2] = {0, 0};
      fos_reverse(tag, 1, P, &weight, gradient);
      return step<double>{loss, gradient[0], P == 2 ? gradient[1] : 0.0};
    };
  }
};

}  // namespace

void register_adolc() { add_cases<double>("adolc", prepare{}); }

}  // namespace bench
