#pragma once
/// \file
/// Evaluation and training over data in mapped files (runtime/mapped_file.hpp) that may be
/// larger than memory, with the bits of the same data in memory. Opt-in (POSIX only).
///
///   ctgrad::mapped_file<double> xs{"x.f64"}, ys{"y.f64"};
///   const auto data = ctgrad::dataset(x = xs.column(), y = ys.column());
///   ctgrad::streaming stream{xs, ys};
///   auto [l, g] = ctgrad::value_and_grad(stream, loss, wrt(w), params, data);
///   ctgrad::train(stream, loss, params, data, ctgrad::sgd{0.01}, 20);
///
/// The blocks of the fixed summation order (runtime/reduce.hpp) are summed a chunk of
/// `chunk_blocks` at a time; after each chunk the files' pages are given back to the system, so
/// the resident memory stays that of one chunk however large the files are, and the page cache
/// keeps what fits for the next epoch. Since the block sums are added in the same order, the
/// results are bit for bit those of the data in memory.
///
/// A file cut short while mapped is reported with ctgrad::mapped_file_error, never read as
/// zeros: every file's size is checked before and after each evaluation, and a read past the new
/// end of a file during one (which the system signals with SIGBUS) is caught and reported. A
/// training run then keeps the parameters and the optimizer of its last good epoch.

#include "../detail/config.hpp"

#include <setjmp.h>
#include <signal.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <stdexcept>

#include "evaluate.hpp"
#include "mapped_file.hpp"
#include "reduce.hpp"
#include "train.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

namespace detail {

// A read of a mapped page wholly past the end of a file that was cut short raises SIGBUS. While
// a streamed evaluation reads, a handler turns such a fault at an address inside one of its files
// into a jump back to the evaluation, which reports the file. Any other SIGBUS goes to the
// handler that was installed before (by default the process stops, as it would without ctgrad).
struct bus_guard {
  sigjmp_buf jump;
  const mapped_region* const* regions;
  std::size_t count;
};

inline thread_local bus_guard* active_bus_guard = nullptr;

struct bus_handler_state {
  std::mutex mutex;
  int users = 0;  // streamed evaluations in progress, on any thread
  struct sigaction previous {};
};

// Constant-initialised (no guard to take in the signal handler).
inline bus_handler_state bus_handler{};

inline void on_bus_error(int signal, siginfo_t* info, void* context) {
  if (bus_guard* guard = active_bus_guard) {
    for (std::size_t k = 0; k < guard->count; ++k)
      if (guard->regions[k]->contains(info->si_addr))
        siglongjmp(guard->jump, 1);
  }
  // Not a read of a streamed file: it belongs to the handler that was installed before.
  const struct sigaction& previous = bus_handler.previous;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
  } else {
    // The default action (ignoring a fault is not possible): put it back and return; the
    // instruction faults again and the process stops, as it would without ctgrad.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGBUS, &default_action, nullptr);
  }
}

// Installs the handler while at least one streamed evaluation is in progress.
class bus_handler_scope {
 public:
  bus_handler_scope() {
    bus_handler_state& state = bus_handler;
    const std::lock_guard lock(state.mutex);
    if (state.users++ == 0) {
      struct sigaction action {};
      action.sa_sigaction = &on_bus_error;
      action.sa_flags = SA_SIGINFO;
      sigemptyset(&action.sa_mask);
      ::sigaction(SIGBUS, &action, &state.previous);
    }
  }
  bus_handler_scope(const bus_handler_scope&) = delete;
  bus_handler_scope& operator=(const bus_handler_scope&) = delete;
  ~bus_handler_scope() {
    bus_handler_state& state = bus_handler;
    const std::lock_guard lock(state.mutex);
    if (--state.users == 0)
      ::sigaction(SIGBUS, &state.previous, nullptr);
  }
};

// Runs read(), whose objects must all be trivially destructible (a jump skips them), under the
// SIGBUS guard for `regions`. A fault inside one of them throws mapped_file_error naming the
// file that was cut short.
template <std::size_t K, class Read>
void read_guarded(const std::array<const mapped_region*, K>& regions, const Read& read) {
  const bus_handler_scope handler;
  bus_guard guard{{}, regions.data(), K};
  bus_guard* const outer = active_bus_guard;
  if (sigsetjmp(guard.jump, 1) != 0) {
    active_bus_guard = outer;
    for (const mapped_region* r : regions) r->check();
    detail::raise<mapped_file_error>(
        error_kind::mapped_file,
        "ctgrad: a read of a mapped file failed (SIGBUS) although no file "
        "is shorter than when mapped");
  }
  active_bus_guard = &guard;
  // The handler reads active_bus_guard: without the fences the compiler may drop the store
  // above as dead (nothing it can see reads it before the store below) or move reads across it.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  read();
  std::atomic_signal_fence(std::memory_order_seq_cst);
  active_bus_guard = outer;
}

}  // namespace detail

/// The summation of evaluations over data in mapped files: pass it first to `evaluate`,
/// `value_and_grad` or `train`. It holds pointers to the files, which must outlive it and not
/// be moved while it is in use. List every mapped file the data come from: their pages are the
/// ones given back after each chunk, and their sizes the ones checked.
template <std::size_t K>
class streaming {
 public:
  /// Blocks summed between two releases of the pages: 64 blocks of 4,096 points, 2 MiB of each
  /// double column. Larger chunks only hold more pages; smaller ones release more often.
  static constexpr std::size_t chunk_blocks = 64;

  template <class... Ts>
  requires(sizeof...(Ts) == K && K > 0) explicit streaming(const mapped_file<Ts>&... files) noexcept
      : regions_{&files.region()...} {}

  /// Checks every file's size (mapped_file_error if one was cut short).
  void check() const {
    for (const detail::mapped_region* r : regions_) r->check();
  }
  /// Gives every file's pages back to the system.
  void release() const noexcept {
    for (const detail::mapped_region* r : regions_) r->release();
  }

  /// The summation interface of runtime/reduce.hpp: the same order, the same bits.
  template <class T, std::size_t M, class Terms>
  std::array<T, M> sum(const Terms& terms, std::size_t n) const {
    check();
    std::array<T, M> total{};
    if (n > 0 && n <= reduction_lanes) {
      detail::read_guarded(regions_, [&] { total = detail::sum_few<T, M>(terms, n); });
    } else {
      const std::size_t blocks = detail::block_count(n);
      for (std::size_t first = 0; first < blocks; first += chunk_blocks) {
        const std::size_t last = detail::smaller(blocks, first + chunk_blocks);
        detail::read_guarded(regions_,
                             [&] { detail::add_block_sums<T, M>(terms, n, first, last, total); });
        release();
      }
    }
    check();  // a file cut short during the pass may have been read as zeros past its new end
    return total;
  }

 private:
  std::array<const detail::mapped_region*, K> regions_;
};

template <class... Ts>
streaming(const mapped_file<Ts>&...) -> streaming<sizeof...(Ts)>;

/// `evaluate` over mapped files: the value the same data give in memory, bit for bit.
template <std::size_t K, expression E, binding_argument... As>
[[nodiscard]] auto evaluate(const streaming<K>& stream, const E& e, const As&... args) {
  const auto ctx = make_context(args...);
  return detail::to_user_shape<shape_of_t<E>>(
      std::get<0>(detail::evaluate_outputs(ctx, stream, e)));
}

/// `value_and_grad` over mapped files: the values the same data give in memory, bit for bit.
template <std::size_t K, expression E, class... Ps, binding_argument... As>
[[nodiscard]] auto value_and_grad(const streaming<K>& stream, const E& loss, wrt_t<Ps...> variables,
                                  const As&... args) {
  return detail::value_and_grad_with(stream, loss, variables, args...);
}

/// `train` over mapped files, full-batch (one pass over the files per epoch): the run the same
/// data give in memory, bit for bit. A file cut short stops it with mapped_file_error, leaving
/// the parameters and the optimizer of the last good epoch.
template <std::size_t K, expression E, class... Ps, class... Ds, class Optimizer, class Epochs,
          class Callback = detail::no_callback>
auto train(const streaming<K>& stream, const E& loss, param_set<Ps...>& params,
           const data_set<Ds...>& train_data, Optimizer&& optimizer, Epochs epochs,
           Callback&& on_epoch = {})
    CTGRAD_DIAGNOSE_IF(detail::not_positive(epochs),
                       "ctgrad: train needs a positive number of epochs") {
  const training_options options{.epochs = detail::checked_epochs(epochs)};
  return detail::run_training(stream, loss, params, train_data, detail::no_validation{}, optimizer,
                              options, on_epoch)
      .loss;
}

/// `train` with training_options over mapped files. Full-batch only: mini-batches gather points
/// in a shuffled order, a random read of the files that streaming does not make fast, so a
/// batch size or shuffling is refused with std::invalid_argument.
template <std::size_t K, expression E, class... Ps, class... Ds, class Optimizer,
          class Callback = detail::no_callback>
auto train(const streaming<K>& stream, const E& loss, param_set<Ps...>& params,
           const data_set<Ds...>& train_data, Optimizer&& optimizer,
           const training_options& options, Callback&& on_epoch = {}) {
  if (options.batch_size != all_points || options.shuffle)
    detail::raise<std::invalid_argument>(
        error_kind::invalid_argument,
        "ctgrad: train over mapped files (streaming) is full-batch: leave batch_size and shuffle "
        "at their defaults, or read the data into memory for mini-batches");
  return detail::run_training(stream, loss, params, train_data, detail::no_validation{}, optimizer,
                              options, on_epoch);
}

}  // namespace ctgrad
