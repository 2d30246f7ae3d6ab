// LibTorch (one thread): the parameters are tensors that require gradients, the data are
// tensors viewing the columns (no copy), and a step builds the loss with tensor operations and
// calls backward(), as in the PyTorch training loop the seed reproduces. The gradients are reset
// to undefined after each step (what zero_grad(set_to_none=True) does), so every step does the
// same work. The parameter values live in the tensors: the step's w and b arguments are not used.
#include <torch/torch.h>

#include <type_traits>

#include "common.hpp"

namespace bench {

namespace {

void single_thread() {
  static const bool done = [] {
    torch::set_num_threads(1);
    torch::set_num_interop_threads(1);
    return true;
  }();
  (void)done;
}

struct prepare {
  template <model M, class T>
  auto operator()(model_tag<M>, const columns<T>& d) const {
    single_thread();
    const auto options =
        torch::TensorOptions().dtype(std::is_same_v<T, float> ? torch::kFloat32 : torch::kFloat64);
    const auto n = static_cast<std::int64_t>(d.size());
    // from_blob wants a non-const pointer; the columns are only read.
    torch::Tensor x = torch::from_blob(const_cast<T*>(d.x.data()), {n}, options);
    torch::Tensor y = torch::from_blob(const_cast<T*>(d.y.data()), {n}, options);
    torch::Tensor w = torch::scalar_tensor(w0, options.requires_grad(true));
    torch::Tensor b = torch::scalar_tensor(b0, options.requires_grad(true));
    return [x, y, w, b](T, T) {
      torch::Tensor loss;
      if constexpr (M == model::wx)
        loss = (y - w * x).pow(2).mean();
      else
        loss = (y - (w * x + b)).pow(2).mean();
      loss.backward();
      step<T> result{loss.template item<T>(), w.grad().template item<T>(), T(0)};
      w.mutable_grad().reset();
      if constexpr (M == model::wxb) {
        result.db = b.grad().template item<T>();
        b.mutable_grad().reset();
      }
      return result;
    };
  }
};

}  // namespace

void register_libtorch() { add_cases("libtorch", prepare{}); }

}  // namespace bench
