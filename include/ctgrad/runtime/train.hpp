#pragma once
/// \file
/// The training loop: evaluate the loss and its gradient, check that the run is still finite,
/// step the optimizer, report. No heap allocation per step.

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "../derivative.hpp"
#include "../detail/diagnostics.hpp"
#include "bindings.hpp"
#include "domain.hpp"
#include "validate.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

/// Thrown when the loss, its gradient or a parameter stops being finite during training; the
/// message names the epoch, what stopped being finite and the last finite values. A loss that is
/// not finite before the first step is not a divergence: `train` throws std::invalid_argument for
/// non-finite data or starting parameters (naming them, as `validate` does) and
/// std::domain_error for a loss outside its domain at the start.
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

// `bad_gradient` is empty, or names the first gradient component that is not finite while the
// loss is: then the loss is not differentiable where the parameters stand (sqrt at 0, say), and
// a smaller learning rate is only a guess.
template <class T, class... Bs>
[[noreturn]] void throw_diverged(std::size_t epoch, T loss, T last_loss,
                                 const param_set<Bs...>& before, const std::string& bad_gradient) {
  char buffer[256];
  if (!bad_gradient.empty())
    std::snprintf(buffer, sizeof buffer,
                  "ctgrad: training diverged at epoch %zu: the gradient is not finite, d/d%s, "
                  "where the loss is %.9g; the parameters:",
                  epoch, bad_gradient.c_str(), static_cast<double>(loss));
  else if (epoch > 1)
    std::snprintf(buffer, sizeof buffer,
                  "ctgrad: training diverged at epoch %zu: the loss is %g (last finite loss %.9g); "
                  "last finite parameters:",
                  epoch, static_cast<double>(loss), static_cast<double>(last_loss));
  else
    std::snprintf(buffer, sizeof buffer,
                  "ctgrad: training diverged at epoch 1: the step left the parameters not finite; "
                  "the starting parameters:");
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
  message += bad_gradient.empty() ? ". Try a smaller learning rate."
                                  : ". The loss is not differentiable there.";
  throw diverged(message);
}

struct no_callback {
  template <class R>
  constexpr void operator()(const R&) const noexcept {}
};

// The epoch count as a std::size_t, refused when it is not positive: a negative int would
// otherwise convert to about 2^64 epochs, and 0 epochs would return a loss never computed.
template <class Epochs>
std::size_t checked_epochs(Epochs epochs) {
  static_assert(std::is_integral_v<Epochs> && !std::is_same_v<Epochs, bool>,
                "ctgrad: the number of epochs must be an integer");
  if (epochs < 1)
    throw std::invalid_argument("ctgrad: train needs a positive number of epochs, got " +
                                std::to_string(epochs));
  return static_cast<std::size_t>(epochs);
}

// The first gradient component that is not finite, as "w[k] = v" ("w = v" for a scalar), or
// an empty string when all are finite.
template <class T, class... Ps>
std::string first_non_finite(const gradient<T, Ps...>& g) {
  std::string found;
  std::size_t offset = 0;
  auto check = [&](auto variable) {
    using P = decltype(variable);
    constexpr std::size_t size = shape_of_t<P>::size;
    for (std::size_t k = 0; k < size && found.empty(); ++k)
      if (const T v = g.values[offset + k]; !is_finite(v)) {
        char buffer[64];
        if constexpr (size == 1)
          std::snprintf(buffer, sizeof buffer, " = %g", static_cast<double>(v));
        else
          std::snprintf(buffer, sizeof buffer, "[%zu] = %g", k, static_cast<double>(v));
        found.append(P::name.view());
        found += buffer;
      }
    offset += size;
  };
  (check(Ps{}), ...);
  return found;
}

// Why the loss is not finite before any step, where no learning rate is to blame: a non-finite
// data value or starting parameter (std::invalid_argument naming the column or parameter and
// the index, from validate()), or else a loss outside its domain there (std::domain_error,
// naming the operation that left it, runtime/domain.hpp, where it is inside a reduction).
template <class T, class E, class... Ps, class... Ds>
[[noreturn]] void throw_non_finite_start(T value, const E& loss, const param_set<Ps...>& params,
                                         const data_set<Ds...>& train_data) {
  validate(train_data);
  validate(params);
  char number[32];
  std::snprintf(number, sizeof number, "%g", static_cast<double>(value));
  const std::string where = first_domain_error(loss, params, train_data);
  throw std::domain_error(std::string("ctgrad: the loss is ") + number +
                          " at the starting parameters, before any step, although the data and "
                          "the parameters are finite: the loss is outside its domain there (" +
                          (where.empty() ? std::string("a log or sqrt of a negative number, a "
                                                       "division by zero, an overflow")
                                         : where) +
                          ")");
}

template <class Summation, class E, class... Ps, class... Ds, class Optimizer, class Callback>
auto train_with(const Summation& summation, const E& loss, param_set<Ps...>& params,
                const data_set<Ds...>& train_data, const Optimizer& optimizer, std::size_t epochs,
                Callback& on_epoch) {
  constexpr auto variables = wrt(typename Ps::variable{}...);
  using T = decltype(value_and_grad_with(summation, loss, variables, params, train_data).value);
  T last = T(0);
  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    const auto [value, grad] = value_and_grad_with(summation, loss, variables, params, train_data);
    if (epoch == 1 && !is_finite(value))
      throw_non_finite_start(value, loss, params, train_data);
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
      throw_diverged(epoch, value, last, before,
                     is_finite(value) ? first_non_finite(grad) : std::string());
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
/// `epochs` is an integer of any type and must be positive (std::invalid_argument otherwise;
/// with clang a constant that is not positive is a compile error).
template <expression E, class... Ps, class... Ds, class Optimizer, class Epochs,
          class Callback = detail::no_callback>
auto train(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& train_data,
           const Optimizer& optimizer, Epochs epochs, Callback&& on_epoch = {})
    CTGRAD_DIAGNOSE_IF(epochs < 1, "ctgrad: train needs a positive number of epochs") {
  return detail::train_with(detail::sequential_summation{}, loss, params, train_data, optimizer,
                            detail::checked_epochs(epochs), on_epoch);
}

}  // namespace ctgrad
