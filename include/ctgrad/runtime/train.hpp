#pragma once
/// \file
/// The training loop: evaluate the loss and its gradient, check that the run is still finite,
/// step the optimizer, report. No heap allocation per step.

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../derivative.hpp"
#include "bindings.hpp"
#include "validate.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

/// Thrown when the loss or a parameter stops being finite during training; the message names
/// the epoch and the last finite values. The usual cause is too large a learning rate.
class diverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What the per-epoch callback receives. `loss` is the loss before this epoch's update (as
/// PyTorch prints it); `params` already hold the updated values.
template <class T, class Params>
struct epoch_report {
  std::size_t epoch;  // 1-based
  T loss;
  const Params& params;
};

namespace detail {

template <class T, class... Bs>
[[noreturn]] void throw_diverged(std::size_t epoch, T loss, T last_loss,
                                 const param_set<Bs...>& before) {
  char buffer[256];
  if (epoch > 1)
    std::snprintf(buffer, sizeof buffer,
                  "ctgrad: training diverged at epoch %zu: the loss is %g (last finite loss %.9g); "
                  "last finite parameters:",
                  epoch, static_cast<double>(loss), static_cast<double>(last_loss));
  else
    std::snprintf(buffer, sizeof buffer,
                  "ctgrad: training diverged at epoch 1: the loss is %g; the starting parameters:",
                  static_cast<double>(loss));
  std::string message = buffer;
  auto add = [&](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    using S = shape_of_t<typename B::variable>;
    message += " ";
    message.append(B::variable::name.view());
    message += S::rank == 0 ? " =" : " = [";
    // A long vector is shown by its first components: the message is for a person.
    constexpr std::size_t shown = S::size < 8 ? S::size : 8;
    for (std::size_t k = 0; k < shown; ++k) {
      std::snprintf(buffer, sizeof buffer, k == 0 ? " %.9g" : ", %.9g",
                    static_cast<double>(b.at(k)));
      message += buffer;
    }
    if constexpr (S::rank > 0)
      message += S::size > shown ? ", ...]" : "]";
  };
  hana::unpack(before.bindings, [&](const auto&... b) { (add(b), ...); });
  message += ". Try a smaller learning rate.";
  throw diverged(message);
}

struct no_callback {
  template <class R>
  constexpr void operator()(const R&) const noexcept {}
};

}  // namespace detail

namespace detail {

template <class Summation, class E, class... Ps, class... Ds, class Optimizer, class Callback>
auto train_with(const Summation& summation, const E& loss, param_set<Ps...>& params,
                const data_set<Ds...>& train_data, const Optimizer& optimizer, std::size_t epochs,
                Callback& on_epoch) {
  constexpr auto variables = wrt(typename Ps::variable{}...);
  using T = decltype(value_and_grad_with(summation, loss, variables, params, train_data).value);
  T last = T(0);
  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    const auto [value, grad] = value_and_grad_with(summation, loss, variables, params, train_data);
    const auto before = params;
    optimizer.step(params, grad);
    bool ok = is_finite(value);
    auto finite = [](const auto& b) {
      for (std::size_t k = 0;
           k < shape_of_t<typename std::remove_cvref_t<decltype(b)>::variable>::size; ++k)
        if (!is_finite(b.at(k)))
          return false;
      return true;
    };
    hana::unpack(params.bindings, [&](const auto&... b) { ok = ok && (finite(b) && ...); });
    if (!ok) {
      params = before;
      throw_diverged(epoch, value, last, before);
    }
    last = value;
    on_epoch(epoch_report<T, param_set<Ps...>>{epoch, value, params});
  }
  return last;
}

}  // namespace detail

/// Runs `epochs` steps of `optimizer` on `loss` over `train_data`, updating `params` in place,
/// and calls `on_epoch(report)` after each. Returns the last loss. Throws ctgrad::diverged when
/// the loss or a parameter becomes NaN or infinite, leaving `params` at their last finite values.
template <expression E, class... Ps, class... Ds, class Optimizer,
          class Callback = detail::no_callback>
auto train(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& train_data,
           const Optimizer& optimizer, std::size_t epochs, Callback&& on_epoch = {}) {
  return detail::train_with(detail::sequential_summation{}, loss, params, train_data, optimizer,
                            epochs, on_epoch);
}

}  // namespace ctgrad
