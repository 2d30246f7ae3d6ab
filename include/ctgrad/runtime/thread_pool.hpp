#pragma once
/// \file
/// Opt-in multi-threaded evaluation whose results are bitwise identical for any number of
/// threads: each thread sums whole blocks (runtime/reduce.hpp), the block sums are stored, and
/// the calling thread adds them in block order, exactly as a single thread does.
///
///   ctgrad::thread_pool pool{2};
///   auto [value, grad] = ctgrad::value_and_grad(pool, loss, wrt(w, b), params, data);

#include "../detail/config.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "../derivative.hpp"
#include "../error.hpp"
#include "bindings.hpp"
#include "evaluate.hpp"
#include "reduce.hpp"
#include "train.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

/// A fixed set of worker threads for evaluation over large data. The caller's thread works too,
/// so `thread_pool{2}` starts one extra thread. Memory for block sums grows with the largest data
/// seen and is then reused: a steady training loop does not allocate.
///
/// Several threads may evaluate on one pool (they take turns). Destroying the pool waits for an
/// evaluation in progress to finish; starting one on a pool being destroyed is undefined
/// behaviour, as for any object.
class thread_pool {
 public:
  /// The most threads a pool takes: 4 per hardware thread, at least 64. More threads than cores
  /// only add switching (each thread sums its share of blocks, with no waiting to hide), and a
  /// count such as SIZE_MAX is a mistake better reported than attempted.
  [[nodiscard]] static std::size_t max_threads() noexcept {
    return std::max<std::size_t>(64, 4 * std::size_t{std::thread::hardware_concurrency()});
  }

  /// `threads` in all, counting the caller's; 0 means std::thread::hardware_concurrency().
  /// Throws std::invalid_argument above max_threads(), and std::system_error when the system
  /// cannot start a thread, after stopping the threads already started.
  explicit thread_pool(std::size_t threads = 0) {
    if (threads == 0)
      threads = std::max(1u, std::thread::hardware_concurrency());
    if (threads > max_threads())
      detail::raise<std::invalid_argument>(
          error_kind::invalid_argument, "ctgrad: thread_pool of " + std::to_string(threads) +
                                            " threads; at most " + std::to_string(max_threads()) +
                                            " (4 per hardware thread) are taken");
    workers_.reserve(threads - 1);
#if __cpp_exceptions
    try {
      for (std::size_t t = 1; t < threads; ++t) workers_.emplace_back([this, t] { work(t); });
    } catch (...) {
      stop();  // the started workers wait on members about to be destroyed: stop and join them
      throw;
    }
#else
    // Without exceptions, the standard library ends the program when it cannot start a thread.
    for (std::size_t t = 1; t < threads; ++t) workers_.emplace_back([this, t] { work(t); });
#endif
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    // An evaluation in progress on another thread holds caller_mutex(): let it finish, since
    // the workers it waits for are about to stop.
    const std::lock_guard no_caller(caller_);
    stop();
  }

  /// Held by an evaluation for its whole use of the pool, so that several threads may share one
  /// pool: their evaluations then take turns.
  [[nodiscard]] std::mutex& caller_mutex() noexcept { return caller_; }

  /// The number of threads that take part, the caller's included.
  [[nodiscard]] std::size_t size() const noexcept { return workers_.size() + 1; }

  /// Runs job(first_block, last_block) on every thread over a static split of `blocks`, and
  /// returns when all are done. The split decides only who sums a block, never the order in
  /// which block sums are added.
  template <class Job>
  void run(std::size_t blocks, const Job& job) {
    const std::size_t threads = std::min(size(), blocks);
    if (threads <= 1) {
      job(std::size_t{0}, blocks);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      task_ = [](const void* j, std::size_t first, std::size_t last) {
        (*static_cast<const Job*>(j))(first, last);
      };
      job_ = &job;
      blocks_ = blocks;
      active_ = threads;
      pending_ = threads - 1;
      ++generation_;
    }
    wake_.notify_all();
    job(std::size_t{0}, share(0, threads, blocks));
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

  /// Raw memory for `count` objects of T (T trivially copyable, alignment at most that of
  /// max_align_t), grown on demand and kept. Objects are created in it with placement new.
  template <class T>
  void* scratch(std::size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= alignof(std::max_align_t));
    const std::size_t words =
        (count * sizeof(T) + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
    if (scratch_.size() < words)
      scratch_.resize(words);
    return scratch_.data();
  }

 private:
  void stop() noexcept {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      ++generation_;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  static std::size_t share(std::size_t t, std::size_t threads, std::size_t blocks) noexcept {
    return blocks * (t + 1) / threads;  // thread t sums blocks [share(t - 1), share(t))
  }

  void work(std::size_t t) {
    std::size_t seen = 0;
    for (;;) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stopping_)
        return;
      if (t >= active_)
        continue;  // this run needs fewer threads
      const auto task = task_;
      const void* job = job_;
      const std::size_t first = blocks_ * t / active_;
      const std::size_t last = share(t, active_, blocks_);
      lock.unlock();
      task(job, first, last);
      lock.lock();
      if (--pending_ == 0)
        done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex caller_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::size_t generation_ = 0;
  bool stopping_ = false;
  void (*task_)(const void*, std::size_t, std::size_t) = nullptr;
  const void* job_ = nullptr;
  std::size_t blocks_ = 0;
  std::size_t active_ = 0;
  std::size_t pending_ = 0;
  std::vector<std::max_align_t> scratch_;
};

namespace detail {

// Block sums computed on the pool, added in block order on the calling thread.
struct pooled_summation {
  thread_pool& pool;

  template <class T, std::size_t M, class Terms>
  std::array<T, M> sum(const Terms& terms, std::size_t n) const {
    const std::size_t blocks = block_count(n);
    if (blocks <= 1 || pool.size() == 1)
      return sum_all<T, M>(terms, n);
    // One caller at a time: the workers, the job and the scratch memory are the pool's.
    const std::lock_guard one_caller(pool.caller_mutex());
    using sums = std::array<T, M>;
    auto* memory = static_cast<unsigned char*>(pool.scratch<sums>(blocks));
    pool.run(blocks, [&](std::size_t first, std::size_t last) {
      for (std::size_t b = first; b < last; ++b) {
        const std::size_t begin = b * reduction_block;
        ::new (static_cast<void*>(memory + b * sizeof(sums)))
            sums(sum_block<T, M>(terms, begin, smaller(n, begin + reduction_block)));
      }
    });
    const auto block_sum = [&](std::size_t b) -> const sums& {
      return *std::launder(reinterpret_cast<const sums*>(memory + b * sizeof(sums)));
    };
    sums total = block_sum(0);
    for (std::size_t b = 1; b < blocks; ++b)
      for (std::size_t j = 0; j < M; ++j) total[j] += block_sum(b)[j];
    return total;
  }
};

}  // namespace detail

/// `evaluate` on a thread pool: the same value, bit for bit, as on one thread.
template <expression E, binding_argument... As>
[[nodiscard]] auto evaluate(thread_pool& pool, const E& e, const As&... args) {
  const auto ctx = make_context(args...);
  return detail::to_user_shape<shape_of_t<E>>(
      std::get<0>(detail::evaluate_outputs(ctx, detail::pooled_summation{pool}, e)));
}

/// `value_and_grad` on a thread pool: the same values, bit for bit, as on one thread.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] auto value_and_grad(thread_pool& pool, const E& loss, wrt_t<Ps...> variables,
                                  const As&... args) {
  return detail::value_and_grad_with(detail::pooled_summation{pool}, loss, variables, args...);
}

/// `train` on a thread pool: the same run, bit for bit, as on one thread.
template <expression E, class... Ps, class... Ds, class Optimizer, class Epochs,
          class Callback = detail::no_callback>
auto train(thread_pool& pool, const E& loss, param_set<Ps...>& params,
           const data_set<Ds...>& train_data, Optimizer&& optimizer, Epochs epochs,
           Callback&& on_epoch = {})
    CTGRAD_DIAGNOSE_IF(detail::not_positive(epochs),
                       "ctgrad: train needs a positive number of epochs") {
  const training_options options{.epochs = detail::checked_epochs(epochs)};
  return detail::run_training(detail::pooled_summation{pool}, loss, params, train_data,
                              detail::no_validation{}, optimizer, options, on_epoch)
      .loss;
}

/// `train` with training_options on a thread pool: the same run, bit for bit, as on one thread.
template <expression E, class... Ps, class... Ds, class Optimizer,
          class Callback = detail::no_callback>
auto train(thread_pool& pool, const E& loss, param_set<Ps...>& params,
           const data_set<Ds...>& train_data, Optimizer&& optimizer,
           const training_options& options, Callback&& on_epoch = {}) {
  return detail::run_training(detail::pooled_summation{pool}, loss, params, train_data,
                              detail::no_validation{}, optimizer, options, on_epoch);
}

}  // namespace ctgrad
