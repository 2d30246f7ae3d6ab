#pragma once
/// \file
/// Opt-in data-parallel evaluation and training over MPI whose results are bitwise identical to
/// one process on the concatenated data, for any number of ranks and any split of the data:
///
///   ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = my_xs, y = my_ys));
///   auto [value, grad] = ctgrad::value_and_grad(shards, loss, wrt(w, b), params);
///   ctgrad::train(shards, loss, params, ctgrad::sgd{0.1}, 100);
///
/// Rank r's shard is taken to follow rank r - 1's: the global data is the shards of ranks 0, 1,
/// ... concatenated. The summation order of reduce.hpp cuts the global data into blocks of
/// reduction_block points, sums each block on its own, and adds the block sums in block order.
/// A shard boundary generally cuts a block, and a lane's sum is a sequential accumulation, so
/// sums of parts of a block cannot be combined exactly. So, once, when the data are bound, the
/// ranks exchange the points of the blocks their boundaries cut: each block goes to the rank that
/// holds its first point, and every rank then owns whole blocks. Each evaluation then sums the
/// owned blocks (sum_block, the single-process code), one MPI_Allgatherv gives every rank every
/// block's sums, and every rank adds them in global block order, as one process does (and as
/// thread_pool.hpp does with its threads' blocks), and applies the same update.
///
/// Per evaluation, every rank receives (ranks + blocks * M) values of the evaluation type, with
/// M = reductions * (1 + parameter components): see docs/mpi.md for figures.
///
/// Requires an MPI library (the build defines the `mpi` dependency); not included by ctgrad.hpp.
/// All calls here are collective over the communicator: every rank must make them, in the same
/// order, with the same loss, parameters, optimizer and options. What a rank cannot know alone
/// (another rank failed, ranks disagree) becomes the same error on every rank, never a hang.

// Open MPI's deprecated C++ bindings, which mpi.h brings in for C++, cast between function types.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
#include "../detail/config.hpp"

#if !__cpp_exceptions
// A rank's error is carried to every rank as an exception (caught, agreed on, raised everywhere):
// without exceptions a failing rank could only stop alone and leave the others waiting.
#include "ctgrad: runtime/mpi.hpp needs exceptions (it is not available with -fno-exceptions)"
#endif

#include <mpi.h>
#pragma GCC diagnostic pop

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/hana/length.hpp>

#include "../derivative.hpp"
#include "bindings.hpp"
#include "evaluate.hpp"
#include "reduce.hpp"
#include "train.hpp"
#include "validate.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

/// Thrown on every rank when one rank failed during a collective call (the message carries that
/// rank's error) or when the ranks disagree on the calls they make.
class mpi_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// What a rank says with each exchange of block sums.
enum class mpi_status : int { step = 0, failed = 1, finished = 2 };

// Thrown inside an exchange that saw another rank fail or finish; caught by the calls of this
// header, which turn it into the same error on every rank. Not a std::exception, so that no
// handler meant for the user's errors takes it on the way.
struct mpi_peer_failure {
  std::vector<int> statuses;
};

inline void mpi_call(int rc, const char* what) {
  // With MPI's default handler (errors are fatal) a failing call aborts the job before this;
  // with MPI_ERRORS_RETURN it reports here.
  if (rc != MPI_SUCCESS)
    throw mpi_error(std::string("ctgrad: ") + what + " failed (MPI error " + std::to_string(rc) +
                    ")");
}

// FNV-1a over bytes: a hash every rank computes the same for the same description.
constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325u;
inline std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}
template <class V>
std::uint64_t fnv1a(std::uint64_t h, const V& v) noexcept {
  static_assert(std::is_trivially_copyable_v<V>);
  return fnv1a(h, &v, sizeof v);
}

// What every rank tells the others about its shard when the data are bound.
struct shard_descriptor {
  std::uint64_t points;
  std::uint64_t value_size;   // sizeof the scalar type
  std::uint64_t bindings;     // data bindings in the set
  std::uint64_t layout_hash;  // names, shapes, columns or single points, scalar sizes
  std::uint64_t point_hash;   // the values of single bound points, the same on every rank
  std::uint64_t not_finite;   // 1 when validate() refused the shard
};

// The part of mpi_data that does not depend on the bindings: the communicator, who owns which
// blocks, and the exchange of block sums. Its members other than the documented queries (size,
// blocks, rank, ranks, first_point, owned_points, last_exchange_bytes) carry no promise.
class mpi_shards {
 public:
  mpi_shards(const mpi_shards&) = delete;
  mpi_shards& operator=(const mpi_shards&) = delete;
  ~mpi_shards() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && comm_ != MPI_COMM_NULL)
      MPI_Comm_free(&comm_);
  }

  /// The number of points on all ranks.
  [[nodiscard]] std::size_t size() const noexcept { return points_; }
  /// The number of blocks of reduction_block points in the global data.
  [[nodiscard]] std::size_t blocks() const noexcept { return first_block_.back(); }
  /// This rank and the number of ranks.
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int ranks() const noexcept { return ranks_; }
  /// The global index of the first point this rank owns, and how many it owns (whole blocks).
  [[nodiscard]] std::size_t first_point() const noexcept { return first_point_; }
  [[nodiscard]] std::size_t owned_points() const noexcept { return owned_points_; }
  /// Bytes each rank received in the last exchange of block sums: (ranks + blocks * M) values.
  [[nodiscard]] std::size_t last_exchange_bytes() const noexcept { return last_bytes_; }

  // Every rank's status and its blocks' M sums each, gathered on every rank; `mine` holds this
  // rank's blocks' sums. A rank that failed sends no sums (zeros, never read). Unless this rank
  // failed, any other status than this rank's throws mpi_peer_failure.
  template <class T>
  const std::vector<int>& exchange(mpi_status status, const T* mine, std::size_t m) {
    const std::size_t my_values = 1 + owned_blocks(rank_) * m;
    if (send_.size() < my_values * sizeof(T))
      send_.resize(my_values * sizeof(T));
    const T flag = static_cast<T>(static_cast<int>(status));
    std::memcpy(send_.data(), &flag, sizeof(T));
    if (mine != nullptr)
      std::memcpy(send_.data() + sizeof(T), mine, (my_values - 1) * sizeof(T));
    else
      std::memset(send_.data() + sizeof(T), 0, (my_values - 1) * sizeof(T));
    std::size_t total = 0;
    for (int r = 0; r < ranks_; ++r) {
      const std::size_t bytes = (1 + owned_blocks(r) * m) * sizeof(T);
      counts_[r] = static_cast<int>(bytes);  // checked below before use
      displs_[r] = static_cast<int>(total);
      total += bytes;
    }
    // Every rank computes the same total, so every rank refuses the same exchange.
    if (total > static_cast<std::size_t>(INT_MAX))
      throw mpi_error("ctgrad: the block sums of one evaluation (" + std::to_string(total) +
                      " bytes) exceed what one MPI_Allgatherv moves (2^31 - 1 bytes)");
    if (recv_.size() < total)
      recv_.resize(total);
    mpi_call(MPI_Allgatherv(send_.data(), static_cast<int>(my_values * sizeof(T)), MPI_BYTE,
                            recv_.data(), counts_.data(), displs_.data(), MPI_BYTE, comm_),
             "MPI_Allgatherv of the block sums");
    last_bytes_ = total;
    bool same = true;
    for (int r = 0; r < ranks_; ++r) {
      T s;
      std::memcpy(&s, recv_.data() + displs_[r], sizeof(T));
      statuses_[r] = static_cast<int>(s);
      same = same && statuses_[r] == static_cast<int>(status);
    }
    if (!same && status != mpi_status::failed)
      throw mpi_peer_failure{statuses_};
    return statuses_;
  }

  // The M sums of global block b after an exchange (blocks are owned in rank order).
  template <class T, std::size_t M>
  [[nodiscard]] std::array<T, M> block_sums(int r, std::size_t local_block) const noexcept {
    std::array<T, M> s;
    std::memcpy(s.data(), recv_.data() + displs_[r] + (1 + local_block * M) * sizeof(T),
                M * sizeof(T));
    return s;
  }

  // The number of blocks rank r owns.
  [[nodiscard]] std::size_t owned_blocks(int r) const noexcept {
    return first_block_[r + 1] - first_block_[r];
  }

  // The same error on every rank, once every rank has seen `statuses`: a rank that failed
  // passes its exception and message. When every rank failed (the same divergence everywhere,
  // say), each rethrows its own, keeping its type; otherwise every rank throws mpi_error with the
  // message of the lowest rank that failed.
  [[noreturn]] void agree_and_throw(const std::vector<int>& statuses, std::exception_ptr own,
                                    const std::string& own_message) {
    int lowest = -1;
    bool all = true;
    for (int r = 0; r < ranks_; ++r) {
      const bool failed = statuses[r] == static_cast<int>(mpi_status::failed);
      if (failed && lowest < 0)
        lowest = r;
      all = all && failed;
    }
    if (all && own)
      std::rethrow_exception(own);
    if (lowest < 0) {
      int stepping = -1, finished = -1;
      for (int r = 0; r < ranks_; ++r) {
        if (statuses[r] == static_cast<int>(mpi_status::step) && stepping < 0)
          stepping = r;
        if (statuses[r] == static_cast<int>(mpi_status::finished) && finished < 0)
          finished = r;
      }
      throw mpi_error("ctgrad: the ranks disagree on their calls: rank " +
                      std::to_string(finished) + " finished training while rank " +
                      std::to_string(stepping) +
                      " evaluated the loss; every rank must make the same calls with the same "
                      "loss, epochs and options");
    }
    std::string message = rank_ == lowest ? own_message : std::string();
    unsigned long long length = message.size();
    mpi_call(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, lowest, comm_), "MPI_Bcast");
    message.resize(length);
    mpi_call(MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, lowest, comm_),
             "MPI_Bcast");
    throw mpi_error("ctgrad: rank " + std::to_string(lowest) + " of " + std::to_string(ranks_) +
                    " failed, so every rank stops: " + message);
  }

  // Allgathers one 64-bit value; throws std::invalid_argument on every rank, naming the first
  // rank whose value differs from rank 0's, with `what` ("starting parameters", ...).
  void agree_on(std::uint64_t value, const std::string& what) {
    std::vector<std::uint64_t> all(static_cast<std::size_t>(ranks_));
    mpi_call(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm_),
             "MPI_Allgather");
    for (int r = 1; r < ranks_; ++r)
      if (all[r] != all[0])
        throw std::invalid_argument("ctgrad: rank " + std::to_string(r) + "'s " + what +
                                    " differ from rank 0's; every rank must make the same call");
  }

 protected:
  explicit mpi_shards(MPI_Comm comm) {
    mpi_call(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");  // our messages never meet the user's
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &ranks_);
    counts_.resize(static_cast<std::size_t>(ranks_));
    displs_.resize(static_cast<std::size_t>(ranks_));
    statuses_.resize(static_cast<std::size_t>(ranks_));
  }

  // From every rank's number of points: the global count, the blocks each rank owns (the blocks
  // whose first point it holds), and so the global points it owns after the exchange.
  void assign_blocks(const std::vector<std::uint64_t>& points) {
    first_block_.assign(static_cast<std::size_t>(ranks_) + 1, 0);
    std::size_t offset = 0;
    for (int r = 0; r < ranks_; ++r) {
      offset_.push_back(offset);
      // Blocks starting in [offset, offset + points[r]): from ceil(offset / block).
      first_block_[r] = (offset + reduction_block - 1) / reduction_block;
      offset += points[r];
    }
    points_ = offset;
    offset_.push_back(offset);
    first_block_[ranks_] = (points_ + reduction_block - 1) / reduction_block;
    // A rank whose points hold no block's start owns nothing: its first block is the next rank's.
    for (int r = ranks_; r-- > 0;)
      if (first_block_[r] > first_block_[r + 1])
        first_block_[r] = first_block_[r + 1];
    first_point_ = owned_begin(rank_);
    owned_points_ = owned_end(rank_) - first_point_;
  }
  [[nodiscard]] std::size_t owned_begin(int r) const noexcept {
    const std::size_t begin = first_block_[r] * reduction_block;
    return begin < points_ ? begin : points_;  // a rank at the end may own nothing
  }
  [[nodiscard]] std::size_t owned_end(int r) const noexcept {
    const std::size_t end = first_block_[r + 1] * reduction_block;
    return end < points_ ? end : points_;
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int ranks_ = 1;
  std::size_t points_ = 0;
  std::size_t first_point_ = 0;
  std::size_t owned_points_ = 0;
  std::vector<std::size_t> offset_;       // global index of each rank's first given point
  std::vector<std::size_t> first_block_;  // rank r owns blocks [first_block_[r], [r + 1])
  std::vector<unsigned char> send_;
  std::vector<unsigned char> recv_;
  std::vector<int> counts_;
  std::vector<int> displs_;
  std::vector<int> statuses_;
  std::size_t last_bytes_ = 0;
};

// The summation of value_and_grad over the ranks: this rank's blocks are summed by sum_block,
// exactly as one process sums them, and all blocks' sums are added in global block order.
struct mpi_summation {
  mpi_shards& shards;

  [[nodiscard]] std::size_t global_points() const noexcept { return shards.size(); }

  template <class T, std::size_t M, class Terms>
  std::array<T, M> sum(const Terms& terms, std::size_t n) const {
    using sums = std::array<T, M>;
    const std::size_t owned = shards.owned_blocks(shards.rank());
    // Reused across steps: a steady training loop does not allocate.
    thread_local std::vector<sums> mine;
    mine.resize(owned);
    if (shards.size() <= reduction_lanes) {
      // The one block of such small data is summed as one process sums all its points.
      if (owned == 1)
        mine[0] = sum_all<T, M>(terms, n);
    } else {
      for (std::size_t b = 0; b < owned; ++b) {
        const std::size_t begin = b * reduction_block;
        mine[b] = sum_block<T, M>(terms, begin, smaller(n, begin + reduction_block));
      }
    }
    shards.template exchange<T>(mpi_status::step, owned > 0 ? mine[0].data() : nullptr, M);
    sums total{};
    bool first = true;
    for (int r = 0; r < shards.ranks(); ++r)
      for (std::size_t b = 0; b < shards.owned_blocks(r); ++b) {
        const sums block = shards.block_sums<T, M>(r, b);
        for (std::size_t j = 0; j < M; ++j) total[j] = first ? block[j] : total[j] + block[j];
        first = false;
      }
    return total;
  }
};

// M for value_and_grad of E with respect to Ps: each reduction's term and its partials.
template <class E, class... Ps>
inline constexpr std::size_t sums_per_block_v = decltype(hana::length(
    collect_reductions(std::declval<const E&>())))::value*(1 + components_v<Ps...>);

}  // namespace detail

/// A data set split over the ranks of an MPI communicator: each rank passes its own shard (any
/// number of points, 0 included), and the global data is the shards of ranks 0, 1, ...
/// concatenated. Construction is collective: it checks that the shards agree (the same data
/// names, shapes and scalar type, the same single bound points; every value finite) and moves
/// the points of the blocks that shard boundaries cut, so that each rank owns whole blocks (a
/// copy of its data: the shard may be freed afterwards). Throws std::invalid_argument on every
/// rank when the shards disagree, a value is not finite (naming the rank and the global points
/// of its shard) or no rank has data. Destroy it before MPI_Finalize.
template <class... Ds>
class mpi_data : public detail::mpi_shards {
  using T = std::common_type_t<typename Ds::value_type...>;

 public:
  mpi_data(MPI_Comm comm, const data_set<Ds...>& shard) : detail::mpi_shards(comm) {
    bind(shard);  // when it throws, ~mpi_shards frees the communicator
  }

  /// The points this rank owns, as a data set (valid while this object lives).
  [[nodiscard]] auto local() const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return dataset(view(hana::at_c<I>(single_.bindings), hana::at_c<I>(owned_))...);
    }
    (std::make_index_sequence<sizeof...(Ds)>{});
  }

 private:
  template <class D>
  static constexpr std::size_t values_per_point() noexcept {
    return D::is_column ? shape_of_t<typename D::variable>::size : 0;
  }

  template <class D, class V>
  auto view(const D& binding, const V& buffer) const {
    using Var = typename D::variable;
    using U = typename D::value_type;
    if constexpr (!D::is_column)
      return binding;  // a single point, the same on every rank (checked)
    else if constexpr (shape_of_t<Var>::rank == 0)
      return Var{} = std::span<const U>(buffer.data(), owned_points_);
    else
      return Var{} =
                 rows<shape_of_t<Var>::size>(static_cast<const U*>(buffer.data()), owned_points_);
  }

  detail::shard_descriptor describe(const data_set<Ds...>& shard, std::string& refusal) const {
    detail::shard_descriptor d{shard.size(),       sizeof(T),          sizeof...(Ds),
                               detail::fnv_offset, detail::fnv_offset, 0};
    auto add = [&](const auto& b) {
      using B = std::remove_cvref_t<decltype(b)>;
      using S = shape_of_t<typename B::variable>;
      const std::string_view name = B::variable::name.view();
      d.layout_hash = detail::fnv1a(d.layout_hash, name.data(), name.size());
      const std::uint64_t facts[] = {name.size(), S::rank, S::size, B::is_column,
                                     sizeof(typename B::value_type)};
      d.layout_hash = detail::fnv1a(d.layout_hash, facts);
      if constexpr (!B::is_column)
        for (std::size_t j = 0; j < S::size; ++j)
          d.point_hash = detail::fnv1a(d.point_hash, S::rank == 0 ? b.at(0) : b.at(0, j));
    };
    hana::unpack(shard.bindings, [&](const auto&... b) { (add(b), ...); });
    try {
      validate(shard);
    } catch (const std::invalid_argument& e) {
      d.not_finite = 1;
      refusal = e.what();
    }
    return d;
  }

  void bind(const data_set<Ds...>& shard) {
    single_ = shard;
    std::string refusal;
    const detail::shard_descriptor mine = describe(shard, refusal);
    std::vector<detail::shard_descriptor> all(static_cast<std::size_t>(ranks_));
    detail::mpi_call(
        MPI_Allgather(&mine, sizeof mine, MPI_BYTE, all.data(), sizeof mine, MPI_BYTE, comm_),
        "MPI_Allgather of the shard descriptions");
    // Every rank sees every description, so every rank throws the same error below.
    for (int r = 1; r < ranks_; ++r) {
      const auto& a = all[0];
      const auto& b = all[static_cast<std::size_t>(r)];
      if (a.bindings != b.bindings || a.value_size != b.value_size ||
          a.layout_hash != b.layout_hash)
        throw std::invalid_argument("ctgrad: mpi_data: rank " + std::to_string(r) +
                                    "'s shard has " + std::to_string(b.bindings) +
                                    " data bindings of " + std::to_string(b.value_size) +
                                    "-byte values, rank 0's " + std::to_string(a.bindings) +
                                    " of " + std::to_string(a.value_size) + "-byte values" +
                                    (a.bindings == b.bindings && a.value_size == b.value_size
                                         ? std::string(", with other names or shapes")
                                         : std::string()) +
                                    "; every rank must bind the same columns, of the same type");
      if (a.point_hash != b.point_hash)
        throw std::invalid_argument("ctgrad: mpi_data: rank " + std::to_string(r) +
                                    "'s single bound data points differ from rank 0's");
    }
    std::vector<std::uint64_t> points;
    for (const auto& d : all) points.push_back(d.points);
    std::uint64_t offset = 0, largest = 0;
    for (int r = 0; r < ranks_; ++r) {
      const auto& d = all[static_cast<std::size_t>(r)];
      if (d.not_finite) {
        std::string message = r == rank_ ? refusal : std::string();
        unsigned long long length = message.size();
        detail::mpi_call(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, r, comm_), "MPI_Bcast");
        message.resize(length);
        detail::mpi_call(MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, r, comm_),
                         "MPI_Bcast");
        throw std::invalid_argument("ctgrad: mpi_data: rank " + std::to_string(r) +
                                    "'s shard (global points " + std::to_string(offset) + " to " +
                                    std::to_string(offset + d.points) +
                                    ", indices local to the shard): " + message);
      }
      offset += d.points;
      largest = d.points > largest ? d.points : largest;
    }
    if (offset == 0)
      throw std::invalid_argument("ctgrad: mpi_data: no data on any of the " +
                                  std::to_string(ranks_) + " ranks");
    // A rank owns whole blocks: up to reduction_block - 1 points more than its shard.
    if (largest + reduction_block > static_cast<std::uint64_t>(INT_MAX))
      throw std::invalid_argument(
          "ctgrad: mpi_data: a shard of " + std::to_string(largest) +
          " points; MPI counts are int: split the data over more ranks (at most 2^31 - 1 "
          "points a rank)");
    assign_blocks(points);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (move_points(hana::at_c<I>(shard.bindings), hana::at_c<I>(owned_)), ...);
    }
    (std::make_index_sequence<sizeof...(Ds)>{});
  }

  // One column's points to the ranks that own their blocks (MPI_Alltoallv; a rank keeps, by a
  // local copy, the points of its own blocks).
  template <class D, class V>
  void move_points(const D& binding, V& owned) {
    constexpr std::size_t n = values_per_point<D>();
    if constexpr (n > 0) {
      using U = typename D::value_type;
      std::vector<U> packed(binding.size() * n);
      for (std::size_t i = 0; i < binding.size(); ++i) {
        if constexpr (shape_of_t<typename D::variable>::rank == 0)
          packed[i] = binding.at(i);
        else
          for (std::size_t j = 0; j < n; ++j) packed[i * n + j] = binding.at(i, j);
      }
      owned.assign(owned_points_ * n, U{});
      const std::size_t me = static_cast<std::size_t>(rank_);
      std::vector<int> send_counts(counts_.size()), send_displs(counts_.size()),
          recv_counts(counts_.size()), recv_displs(counts_.size());
      auto overlap = [](std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1) {
        const std::size_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
        return std::pair{lo, hi > lo ? hi - lo : 0};
      };
      for (int q = 0; q < ranks_; ++q) {
        const auto [s_lo, s_count] =
            overlap(offset_[me], offset_[me + 1], owned_begin(q), owned_end(q));
        send_counts[q] = static_cast<int>(s_count);
        send_displs[q] = s_count ? static_cast<int>(s_lo - offset_[me]) : 0;
        const auto [r_lo, r_count] =
            overlap(offset_[static_cast<std::size_t>(q)], offset_[static_cast<std::size_t>(q) + 1],
                    owned_begin(rank_), owned_end(rank_));
        recv_counts[q] = static_cast<int>(r_count);
        recv_displs[q] = r_count ? static_cast<int>(r_lo - first_point_) : 0;
      }
      MPI_Datatype point;  // one point's values, as bytes
      detail::mpi_call(MPI_Type_contiguous(static_cast<int>(n * sizeof(U)), MPI_BYTE, &point),
                       "MPI_Type_contiguous");
      detail::mpi_call(MPI_Type_commit(&point), "MPI_Type_commit");
      const int rc =
          MPI_Alltoallv(packed.data(), send_counts.data(), send_displs.data(), point, owned.data(),
                        recv_counts.data(), recv_displs.data(), point, comm_);
      MPI_Type_free(&point);
      detail::mpi_call(rc, "MPI_Alltoallv of the points of cut blocks");
    }
  }

  data_set<Ds...> single_;  // the shard's bindings; only its single bound points are used
  hana::tuple<std::vector<typename Ds::value_type>...> owned_;
};

template <class... Ds>
mpi_data(MPI_Comm, const data_set<Ds...>&) -> mpi_data<Ds...>;

namespace detail {

// Runs a collective call's work on this rank. When this rank fails first (a binding refused,
// memory, an epoch callback) the others are waiting in an exchange: it takes part as failed, and
// every rank raises the same error (agree_and_throw); a failure another rank reported is raised
// the same way.
template <class T, class... Ds, class Work>
auto collectively(mpi_data<Ds...>& shards, std::size_t m, const Work& work) {
  try {
    return work();
  } catch (const mpi_peer_failure& f) {
    shards.agree_and_throw(f.statuses, nullptr, std::string());
  } catch (const std::exception& e) {
    const auto& statuses = shards.template exchange<T>(mpi_status::failed, nullptr, m);
    shards.agree_and_throw(statuses, std::current_exception(), e.what());
  } catch (...) {
    const auto& statuses = shards.template exchange<T>(mpi_status::failed, nullptr, m);
    shards.agree_and_throw(statuses, std::current_exception(),
                           "an exception not derived from std::exception");
  }
}

}  // namespace detail

/// `value_and_grad` over the data of every rank: on every rank, the same values, bit for bit, as
/// one process computes on the concatenated data. Collective. `args` are the parameters (the same
/// on every rank); the data are the shards'.
template <expression E, class... Ps, class... Ds, binding_argument... As>
[[nodiscard]] auto value_and_grad(mpi_data<Ds...>& shards, const E& loss, wrt_t<Ps...> variables,
                                  const As&... args) {
  using T = decltype(detail::value_and_grad_with(detail::mpi_summation{shards}, loss, variables,
                                                 args..., shards.local())
                         .value);
  constexpr std::size_t M = detail::sums_per_block_v<E, Ps...>;
  return detail::collectively<T>(shards, M, [&] {
    return detail::value_and_grad_with(detail::mpi_summation{shards}, loss, variables, args...,
                                       shards.local());
  });
}

namespace detail {

// A hash of what every rank must agree on before training: the loss's type, the evaluation type,
// the starting parameters' bits and the options.
template <class T, class E, class... Ps>
std::uint64_t training_fingerprint(const param_set<Ps...>& params,
                                   const training_options& options) {
  std::uint64_t h = fnv_offset;
  const char* loss_type = typeid(E).name();
  h = fnv1a(h, loss_type, std::strlen(loss_type));
  const std::uint64_t facts[] = {sizeof(T),           sums_per_block_v<E, typename Ps::variable...>,
                                 options.epochs,      options.batch_size,
                                 options.shuffle,     options.seed,
                                 options.first_epoch, options.patience};
  h = fnv1a(h, facts);
  h = fnv1a(h, options.min_gradient_norm);
  h = fnv1a(h, options.min_loss_change);
  auto add = [&](const auto& b) {
    for (std::size_t k = 0;
         k < shape_of_t<typename std::remove_cvref_t<decltype(b)>::variable>::size; ++k)
      h = fnv1a(h, b.at(k));
  };
  hana::unpack(params.bindings, [&](const auto&... b) { (add(b), ...); });
  return h;
}

}  // namespace detail

/// `train` with training_options over the data of every rank, full-batch only: the same run, bit
/// for bit, on every rank and as one process on the concatenated data. Collective; every rank
/// passes the same loss, starting parameters, optimizer and options (the loss, parameters and
/// options are checked: std::invalid_argument on every rank otherwise). Mini-batches and
/// shuffling are refused (std::invalid_argument): a batch would need its points gathered across
/// ranks. When a rank fails (its callback throws, say) every rank throws mpi_error with that
/// rank's message, keeping the parameters of its last completed step; an error every rank meets
/// at once (ctgrad::diverged) is thrown as itself.
template <expression E, class... Ps, class... Ds, class Optimizer,
          class Callback = detail::no_callback>
auto train(mpi_data<Ds...>& shards, const E& loss, param_set<Ps...>& params, Optimizer&& optimizer,
           const training_options& options, Callback&& on_epoch = {}) {
  const auto data = shards.local();
  constexpr auto variables = wrt(typename Ps::variable{}...);
  using T = decltype(detail::value_and_grad_with(detail::mpi_summation{shards}, loss, variables,
                                                 params, data)
                         .value);
  constexpr std::size_t M = detail::sums_per_block_v<E, typename Ps::variable...>;
  shards.agree_on(detail::training_fingerprint<T, E>(params, options),
                  "loss, starting parameters or training options");
  if (options.batch_size != all_points || options.shuffle)
    throw std::invalid_argument(
        "ctgrad: train over MPI is full-batch only: leave batch_size at all_points and shuffle "
        "off");
  return detail::collectively<T>(shards, M, [&] {
    auto result = detail::run_training(detail::mpi_summation{shards}, loss, params, data,
                                       detail::no_validation{}, optimizer, options, on_epoch);
    shards.template exchange<T>(detail::mpi_status::finished, nullptr, M);
    return result;
  });
}

/// `train` for `epochs` full-batch epochs over the data of every rank; returns the last loss.
template <expression E, class... Ps, class... Ds, class Optimizer, class Epochs,
          class Callback = detail::no_callback>
auto train(mpi_data<Ds...>& shards, const E& loss, param_set<Ps...>& params, Optimizer&& optimizer,
           Epochs epochs, Callback&& on_epoch = {})
    CTGRAD_DIAGNOSE_IF(detail::not_positive(epochs),
                       "ctgrad: train needs a positive number of epochs") {
  const training_options options{.epochs = detail::checked_epochs(epochs)};
  return train(shards, loss, params, optimizer, options, on_epoch).loss;
}

}  // namespace ctgrad
