// LibTorch (one thread): the parameters are tensors that require gradients, the data are
// tensors viewing the columns (no copy), and a step builds the loss with tensor operations and
// calls backward(), as in the PyTorch training loop the seed reproduces. The gradients are reset
// to undefined after each step (what zero_grad(set_to_none=True) does), so every step does the
// same work. The parameter values live in the tensors: the step's w and b arguments are not used.
#include <torch/torch.h>

#include <algorithm>
#include <type_traits>

#include "common.hpp"
#include "shaped.hpp"

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

// The 8-16-1 network (shaped.hpp) on a feature-major 8 x N tensor viewing the data: the
// hidden layer is one matrix product over all points. The parameter values live in the tensors
// (set from the evaluation point once); the step's parameter argument is not used.
struct prepare_network {
  template <shaped::model M, class T>
  auto operator()(shaped::model_tag<M>, const shaped::table<T>& d) const {
    static_assert(M == shaped::model::network);
    single_thread();
    constexpr auto I = static_cast<std::int64_t>(shaped::network_inputs);
    constexpr auto H = static_cast<std::int64_t>(shaped::network_hidden);
    const auto options =
        torch::TensorOptions().dtype(std::is_same_v<T, float> ? torch::kFloat32 : torch::kFloat64);
    const auto n = static_cast<std::int64_t>(d.size());
    torch::Tensor x = torch::from_blob(const_cast<T*>(d.x.data()), {I, n}, options);
    torch::Tensor y = torch::from_blob(const_cast<T*>(d.y.data()), {n}, options);
    const shaped::network_params<T>& p = shaped::point<T, M>();
    auto param = [&](const T* values, c10::IntArrayRef sizes) {
      return torch::from_blob(const_cast<T*>(values), sizes, options).clone().requires_grad_(true);
    };
    torch::Tensor W1 = param(p.W1[0].data(), {H, I});
    torch::Tensor b1 = param(p.b1.data(), {H, 1});
    torch::Tensor w2 = param(p.w2.data(), {H});
    torch::Tensor b2 = param(&p.b2, {});
    return [x, y, W1, b1, w2, b2](const shaped::params<T, M>&, shaped::step<T, M>& out) {
      const torch::Tensor hidden = torch::tanh(torch::mm(W1, x) + b1);  // H x N
      const torch::Tensor prediction = torch::matmul(w2, hidden) + b2;  // N
      const torch::Tensor loss = (y - prediction).pow(2).mean();
      loss.backward();
      out.loss = loss.template item<T>();
      // Copy the gradients out (row-major, as the parameters), then reset them to undefined.
      const torch::Tensor grads[] = {W1.grad(), b1.grad(), w2.grad(), b2.grad()};
      T* targets[] = {out.grad.W1[0].data(), out.grad.b1.data(), out.grad.w2.data(), &out.grad.b2};
      for (int k = 0; k < 4; ++k) {
        const torch::Tensor g = grads[k].contiguous();
        std::copy_n(g.template data_ptr<T>(), g.numel(), targets[k]);
      }
      W1.mutable_grad().reset();
      b1.mutable_grad().reset();
      w2.mutable_grad().reset();
      b2.mutable_grad().reset();
    };
  }
};

}  // namespace

void register_libtorch() { add_cases("libtorch", prepare{}); }
void register_libtorch_shaped() {
  shaped::add_cases<shaped::model::network>("libtorch", prepare_network{});
}

}  // namespace bench
