#pragma once
/// \file
/// Losses of one residual or logit, built from ctgrad's functions, so that `d()` and the
/// reverse sweep differentiate them like any expression. Each is point-wise: reduce it with
/// `mean` or `sum` over the data. Definitions and stable forms are PyTorch's (torch 1.13).

#include "../detail/config.hpp"

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "exponential.hpp"
#include "piecewise.hpp"

namespace ctgrad {

/// The Huber loss of a residual r with threshold delta > 0 (torch.nn.HuberLoss):
/// r^2 / 2 for |r| < delta, delta * (|r| - delta / 2) beyond; quadratic near 0, linear in the
/// tails, with a continuous derivative (clamp(r, -delta, delta)). Written
/// m * (|r| - m / 2) with m = min(|r|, delta), which is both pieces at once. At |r| == delta
/// the derivative is r, as both pieces give (min's tie splits nothing that differs).
template <operand R, operand Delta = one_t>
requires(expression<R> || expression<Delta>)
    [[nodiscard]] constexpr auto huber(R r_, Delta delta_ = {}) {
  auto r = as_expression(r_);
  auto delta = as_expression(delta_);
  if constexpr (is_rational_v<decltype(delta)>)
    static_assert(constant_sign_v<decltype(delta)> > 0, "ctgrad: huber() needs a delta > 0");
  const auto m = min(abs(r), delta);
  return m * (abs(r) - constant<1, 2> * m);
}

/// Binary cross-entropy of a logit z against a target y in [0, 1]
/// (torch.nn.BCEWithLogitsLoss): -(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))), computed
/// stably as softplus(z) - z * y, softplus(z) being max(z, 0) + log1p(exp(-|z|)) as PyTorch
/// writes it: finite for any finite z. Its derivative in z is sigmoid(z) - y, at z = 0 too
/// (written with relu and abs, the kinks' subgradients would give -y there).
template <operand Z, operand Y>
requires(expression<Z> || expression<Y>)
    [[nodiscard]] constexpr auto binary_cross_entropy_with_logits(Z z_, Y y_) {
  auto z = as_expression(z_);
  auto y = as_expression(y_);
  return softplus(z) - z * y;
}

/// log(cosh(r)) of a residual r: about r^2 / 2 near 0 and |r| - log 2 in the tails, computed as
/// |r| + log1p(exp(-2|r|)) - log 2, which cannot overflow (cosh(r) does past |r| = 710). Its
/// derivative is tanh(r).
template <expression R>
[[nodiscard]] constexpr auto log_cosh(R r) {
  return abs(r) + log1p(exp(constant<-2> * abs(r))) - log(constant<2>);
}

}  // namespace ctgrad
