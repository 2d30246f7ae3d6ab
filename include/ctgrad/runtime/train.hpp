#pragma once
/// \file
/// The training loop: evaluate the loss and its gradient, check that the run is still finite,
/// step the optimizer, report. No heap allocation per step.

#include "../detail/config.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../derivative.hpp"
#include "../detail/diagnostics.hpp"
#include "../error.hpp"
#include "bindings.hpp"
#include "data_views.hpp"
#include "domain.hpp"
#include "evaluate.hpp"
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

/// What the per-epoch callback receives. `loss` is the epoch's loss before its updates (with
/// mini-batches, the mean of the batch losses weighted by batch size, each taken before its step;
/// full-batch, the loss before the epoch's update, as PyTorch prints it); `params` already hold
/// the updated values.
template <class T, class Params>
struct epoch_report {
  std::size_t epoch;  // 1-based
  T loss;
  const Params& params;
  /// Time since `train` was called.
  std::chrono::duration<double> elapsed{};
  /// The loss on the validation data after this epoch's updates; NaN without validation data.
  T validation_loss = std::numeric_limits<T>::quiet_NaN();
};

/// Every point in one batch: full-batch gradient descent (the default).
inline constexpr std::size_t all_points = std::numeric_limits<std::size_t>::max();

/// How `train` runs. Only `epochs` is required.
struct training_options {
  std::size_t epochs = 0;  ///< at least 1
  /// Points per gradient step: all_points, or 1 to the number of data points; the last batch
  /// of an epoch holds the remainder.
  std::size_t batch_size = all_points;
  /// A new order of the points every epoch, from `seed` and the epoch number alone (see
  /// shuffled_order), so a run resumed at `first_epoch` repeats the uninterrupted one.
  bool shuffle = false;
  std::uint64_t seed = 0;
  /// The number of the first epoch: k + 1 to resume after epoch k (from a checkpoint).
  std::size_t first_epoch = 1;
  /// Stop once the 2-norm of the last step's gradient is below this (0: never).
  double min_gradient_norm = 0;
  /// Stop once the epoch loss changes by less than this from the previous epoch (0: never).
  double min_loss_change = 0;
  /// With validation data: stop after this many epochs without a lower validation loss (0:
  /// never); the parameters of the best epoch are restored either way.
  std::size_t patience = 0;
};

/// Why a run ended.
enum class stop_reason { epochs_done, gradient_norm, loss_change, no_improvement };

/// What `train` with training_options returns.
template <class T>
struct training_result {
  T loss;                  ///< the last epoch's loss
  std::size_t epochs_run;  ///< epochs completed in this call
  stop_reason reason;
  /// With validation data: the lowest validation loss and its epoch, whose parameters the run
  /// leaves in place. Without: NaN and 0.
  T best_validation_loss = std::numeric_limits<T>::quiet_NaN();
  std::size_t best_epoch = 0;
};

/// The order of the points in epoch `epoch` of a shuffled run: a Fisher-Yates shuffle of
/// 0..n-1 (i from n-1 down to 1, swapping i with a uniform j in [0, i]) driven by SplitMix64
/// (Steele, Lea and Flood, 2014: state += 0x9e3779b97f4a7c15, then the two xor-shift-multiply
/// rounds with 0xbf58476d1ce4e5b9 and 0x94d049bb133111eb) seeded with
/// seed + epoch * 0x9e3779b97f4a7c15; j is the first draw r with r >= 2^64 mod (i + 1), reduced
/// modulo i + 1 (so every j is equally likely). Integer arithmetic only: every platform gives
/// the same order.
inline void shuffled_order(std::uint64_t seed, std::size_t epoch, std::vector<std::size_t>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::uint64_t state = seed + static_cast<std::uint64_t>(epoch) * 0x9e3779b97f4a7c15u;
  auto next = [&state] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  };
  for (std::size_t i = order.size(); i-- > 1;) {
    const std::uint64_t bound = static_cast<std::uint64_t>(i) + 1;
    const std::uint64_t limit = -bound % bound;  // 2^64 mod bound: draws below it are redrawn
    std::uint64_t r = next();
    while (r < limit) r = next();
    const std::size_t j = static_cast<std::size_t>(r % bound);
    const std::size_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

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
  raise<diverged>(error_kind::diverged, message);
}

struct no_callback {
  template <class R>
  constexpr void operator()(const R&) const noexcept {}
};

// For clang's diagnose_if on train's epoch count: true for an integer below 1, false for
// anything else (overload resolution may try other argument types in that position).
template <class E>
constexpr bool not_positive(const E& epochs) noexcept {
  if constexpr (std::is_integral_v<E>)
    return epochs < 1;
  else
    return false;
}

// The epoch count as a std::size_t, refused when it is not positive: a negative int would
// otherwise convert to about 2^64 epochs, and 0 epochs would return a loss never computed.
template <class Epochs>
std::size_t checked_epochs(Epochs epochs) {
  static_assert(std::is_integral_v<Epochs> && !std::is_same_v<Epochs, bool>,
                "ctgrad: the number of epochs must be an integer");
  if (epochs < 1)
    raise<std::invalid_argument>(
        error_kind::invalid_argument,
        "ctgrad: train needs a positive number of epochs, got " + std::to_string(epochs));
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
  raise<std::domain_error>(
      error_kind::domain_error,
      std::string("ctgrad: the loss is ") + number +
          " at the starting parameters, before any step, although the data and "
          "the parameters are finite: the loss is outside its domain there (" +
          (where.empty() ? std::string("a log or sqrt of a negative number, a "
                                       "division by zero, an overflow")
                         : where) +
          ")");
}

// Copies of the points of one mini-batch, gathered from the data set in the batch's order, and a
// data set viewing them. The buffers are sized once, for the largest batch: no allocation per
// step. Columns gather into a contiguous column, data rows into row-major rows (every layout
// gives the same bits); a single bound point is passed through.
template <class... Ds>
struct batch_buffers {
  hana::tuple<std::vector<typename Ds::value_type>...> buffers;

  explicit batch_buffers(std::size_t batch_size) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (hana::at_c<I>(buffers).resize(batch_size * values_per_point<Ds>()), ...);
    }
    (std::make_index_sequence<sizeof...(Ds)>{});
  }

  // The batch of points order[first], ..., order[first + m - 1].
  auto gather(const data_set<Ds...>& data, const std::vector<std::size_t>& order, std::size_t first,
              std::size_t m) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return dataset(one(hana::at_c<I>(data.bindings), hana::at_c<I>(buffers), order, first, m)...);
    }
    (std::make_index_sequence<sizeof...(Ds)>{});
  }

 private:
  template <class D>
  static constexpr std::size_t values_per_point() noexcept {
    if constexpr (!D::is_column)
      return 0;  // a single bound point is passed through, not copied
    else
      return shape_of_t<typename D::variable>::size;
  }

  template <class D, class V>
  static auto one(const D& binding, V& buffer, const std::vector<std::size_t>& order,
                  std::size_t first, std::size_t m) {
    using Var = typename D::variable;
    using T = typename D::value_type;
    if constexpr (!D::is_column) {
      return binding;
    } else if constexpr (shape_of_t<Var>::rank == 0) {
      for (std::size_t i = 0; i < m; ++i) buffer[i] = binding.at(order[first + i]);
      return Var{} = std::span<const T>(buffer.data(), m);
    } else {
      constexpr std::size_t n = shape_of_t<Var>::size;
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) buffer[i * n + j] = binding.at(order[first + i], j);
      return Var{} = rows<n>(static_cast<const T*>(buffer.data()), m);
    }
  }
};

struct no_validation {};

// The training loop behind every `train` overload.
template <class Summation, class E, class... Ps, class... Ds, class Validation, class Optimizer,
          class Callback>
auto run_training(const Summation& summation, const E& loss, param_set<Ps...>& params,
                  const data_set<Ds...>& train_data, const Validation& validation,
                  Optimizer& optimizer, const training_options& options, Callback& on_epoch) {
  using Params = param_set<Ps...>;
  constexpr auto variables = wrt(typename Ps::variable{}...);
  using T = decltype(value_and_grad_with(summation, loss, variables, params, train_data).value);
  constexpr bool validating = !std::is_same_v<Validation, no_validation>;
  const auto started = std::chrono::steady_clock::now();

  const std::size_t n = train_data.size();
  const bool batched = options.batch_size != all_points || options.shuffle;
  const std::size_t batch = options.batch_size == all_points ? n : options.batch_size;
  if (options.epochs < 1)
    raise<std::invalid_argument>(error_kind::invalid_argument,
                                 "ctgrad: train needs a positive number of epochs, got 0");
  if (options.batch_size == 0 || (options.batch_size != all_points && options.batch_size > n))
    raise<std::invalid_argument>(
        error_kind::invalid_argument,
        "ctgrad: train: a batch size of " + std::to_string(options.batch_size) + " for " +
            std::to_string(n) + " data points (it must be 1 to the number of points)");
  std::vector<std::size_t> order(batched ? n : 0);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  batch_buffers<Ds...> buffers(batched ? batch : 0);

  training_result<T> result{T(0), 0, stop_reason::epochs_done};
  Params best = params;
  std::size_t since_best = 0;
  T previous = T(0);
  bool first_step = true;

  // One step on a set of points; returns the loss before it, and the gradient's squared norm.
  auto step_on = [&](const auto& points, T& squared_norm) {
    const auto [value, grad] = value_and_grad_with(summation, loss, variables, params, points);
    if (first_step && !is_finite(value))
      throw_non_finite_start(value, loss, params, train_data);
    first_step = false;
    const auto before = params;
    const auto optimizer_before = optimizer;
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
      if constexpr (!std::is_const_v<Optimizer>)
        optimizer = optimizer_before;
      throw_diverged(result.epochs_run + options.first_epoch, value, previous, before,
                     is_finite(value) ? first_non_finite(grad) : std::string());
    }
    squared_norm = T(0);
    for (const T g : grad.values) squared_norm += g * g;
    return value;
  };

  for (std::size_t k = 0; k < options.epochs; ++k) {
    const std::size_t epoch = options.first_epoch + k;
    T epoch_loss = T(0);
    T squared_norm = T(0);
    if (!batched) {
      epoch_loss = step_on(train_data, squared_norm);
    } else {
      if (options.shuffle)
        shuffled_order(options.seed, epoch, order);
      for (std::size_t first = 0; first < n; first += batch) {
        const std::size_t m = n - first < batch ? n - first : batch;
        epoch_loss +=
            step_on(buffers.gather(train_data, order, first, m), squared_norm) * static_cast<T>(m);
      }
      epoch_loss /= static_cast<T>(n);
    }
    ++result.epochs_run;
    result.loss = epoch_loss;

    epoch_report<T, Params> report{epoch, epoch_loss, params,
                                   std::chrono::steady_clock::now() - started};
    bool stop_for_validation = false;
    if constexpr (validating) {
      report.validation_loss = static_cast<T>(evaluate(loss, params, validation));
      if (!(report.validation_loss >= result.best_validation_loss)) {  // first, or lower
        result.best_validation_loss = report.validation_loss;
        result.best_epoch = epoch;
        best = params;
        since_best = 0;
      } else {
        ++since_best;
        stop_for_validation = options.patience > 0 && since_best >= options.patience;
      }
    }
    on_epoch(report);

    if (stop_for_validation) {
      result.reason = stop_reason::no_improvement;
      break;
    }
    if (options.min_gradient_norm > 0 &&
        std::sqrt(static_cast<double>(squared_norm)) < options.min_gradient_norm) {
      result.reason = stop_reason::gradient_norm;
      break;
    }
    if (options.min_loss_change > 0 && k > 0 &&
        std::fabs(static_cast<double>(epoch_loss - previous)) < options.min_loss_change) {
      result.reason = stop_reason::loss_change;
      break;
    }
    previous = epoch_loss;
  }
  if constexpr (validating)
    params = best;  // early stopping keeps the best parameters
  return result;
}

}  // namespace detail

/// Runs `epochs` epochs of `optimizer` on `loss` over `train_data` (full-batch: one step per
/// epoch), updating `params` and the optimizer's state in place (an optimizer passed as a
/// temporary starts afresh), and calls `on_epoch(report)` after each. Returns the last loss.
/// Throws ctgrad::diverged when the loss, its gradient or a parameter becomes NaN or infinite,
/// leaving `params` and the optimizer at their last finite state. `epochs` is an integer of any
/// type and must be positive (std::invalid_argument otherwise; with clang a constant that is not
/// positive is a compile error).
template <expression E, class... Ps, class... Ds, class Optimizer, class Epochs,
          class Callback = detail::no_callback>
auto train(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& train_data,
           Optimizer&& optimizer, Epochs epochs, Callback&& on_epoch = {})
    CTGRAD_DIAGNOSE_IF(detail::not_positive(epochs),
                       "ctgrad: train needs a positive number of epochs") {
  const training_options options{.epochs = detail::checked_epochs(epochs)};
  return detail::run_training(detail::sequential_summation{}, loss, params, train_data,
                              detail::no_validation{}, optimizer, options, on_epoch)
      .loss;
}

/// `train` with mini-batches, shuffling and stopping rules (training_options); returns a
/// training_result (the last loss, the epochs run and why the run stopped). Throws
/// std::invalid_argument for 0 epochs or a batch size of 0 or above the number of points.
template <expression E, class... Ps, class... Ds, class Optimizer,
          class Callback = detail::no_callback>
auto train(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& train_data,
           Optimizer&& optimizer, const training_options& options, Callback&& on_epoch = {}) {
  return detail::run_training(detail::sequential_summation{}, loss, params, train_data,
                              detail::no_validation{}, optimizer, options, on_epoch);
}

/// `train` with validation data: the loss on `validation_data` is computed after every epoch
/// (report.validation_loss), training stops after `options.patience` epochs without a lower one
/// (if patience > 0), and the parameters of the best epoch are left in place (early stopping).
template <expression E, class... Ps, class... Ds, class... Vs, class Optimizer,
          class Callback = detail::no_callback>
auto train(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& train_data,
           const data_set<Vs...>& validation_data, Optimizer&& optimizer,
           const training_options& options, Callback&& on_epoch = {}) {
  return detail::run_training(detail::sequential_summation{}, loss, params, train_data,
                              validation_data, optimizer, options, on_epoch);
}

}  // namespace ctgrad
