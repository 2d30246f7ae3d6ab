// Run under mpirun with any number of ranks (the mpi suite runs 1, 2 and 4): every rank computes
// the single-process reference on the whole data itself and compares the ranks' result with it,
// bit for bit.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctgrad.hpp>
#include <ctgrad/runtime/mpi.hpp>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr ctgrad::data<"z"> z;
constexpr std::size_t features = 64;
constexpr ctgrad::param<"v", features> v;
constexpr ctgrad::data<"f", features> f;

// The seed's loss, and a logistic classifier on 64 features.
constexpr auto seed_loss = mean(square(y - w * x));
using namespace ctgrad::literals;
constexpr auto logit = dot(v, f) + b;
constexpr auto logistic_loss = mean(log(1_c + exp(logit)) - y * logit);

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int ranks() {
  int p = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  return p;
}

template <class T>
std::vector<T> noisy(std::size_t n, std::uint32_t seed) {
  std::vector<T> out(n);
  for (auto& e : out) {
    seed = seed * 1664525u + 1013904223u;
    e = static_cast<T>(seed >> 8) / T(16777216) * T(4) - T(1.3);
  }
  return out;
}

// Where rank r's shard starts: uneven (growing with the rank), not aligned to the 4096-point
// blocks, and with rank `empty` (if any) holding no points.
std::size_t shard_begin(std::size_t n, int r, int empty = -1) {
  const int p = ranks();
  std::vector<std::size_t> cuts(static_cast<std::size_t>(p) + 1, n);
  for (int q = 0; q < p; ++q) {
    const std::size_t cut =
        static_cast<std::size_t>(static_cast<double>(n) * q * q / (p * p)) + 977 * q;
    cuts[q] = cut < n ? cut : n;
  }
  // The empty rank's points go to a neighbour: rank 0's to rank 1, any other's to the rank before.
  if (empty == 0 && p > 1)
    cuts[1] = 0;
  else if (empty > 0)
    cuts[empty] = cuts[empty + 1];
  return cuts[r];
}
template <class T>
std::span<const T> shard(const std::vector<T>& all, std::size_t per_point, int empty = -1) {
  const std::size_t n = all.size() / per_point;
  const std::size_t lo = shard_begin(n, rank(), empty), hi = shard_begin(n, rank() + 1, empty);
  return {all.data() + lo * per_point, (hi > lo ? hi - lo : 0) * per_point};
}

template <class P>
bool same_bits(const P& a, const P& b) {
  bool same = true;
  ctgrad::hana::unpack(a.bindings, [&](const auto&... x) {
    ctgrad::hana::unpack(b.bindings, [&](const auto&... y) {
      same = ((std::memcmp(&x.value, &y.value, sizeof x.value) == 0) && ...);
    });
  });
  return same;
}

// Every rank's copy of a flag: true only if it holds on every rank.
bool on_every_rank(bool ok) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

template <class Check>
std::string error_on_every_rank(Check&& check) {
  std::string message;
  try {
    check();
  } catch (const std::exception& e) {
    message = e.what();
  }
  return message;
}

}  // namespace

TEST_CASE("value_and_grad over the ranks is bitwise that of one process, for any split") {
  for (const std::size_t n : {std::size_t{5}, std::size_t{16}, std::size_t{17}, std::size_t{4096},
                              std::size_t{12'289}, std::size_t{20'011}}) {
    for (int empty : {-1, 0, ranks() - 1}) {
      CAPTURE(n);
      CAPTURE(empty);
      const auto xs = noisy<float>(n, 1), ys = noisy<float>(n, 2);
      const auto [value, grad] =
          ctgrad::value_and_grad(seed_loss, wrt(w), w = 0.25f, x = xs, y = ys);
      ctgrad::mpi_data shards(MPI_COMM_WORLD,
                              ctgrad::dataset(x = shard(xs, 1, empty), y = shard(ys, 1, empty)));
      CHECK(shards.size() == n);
      const auto [value_p, grad_p] = ctgrad::value_and_grad(shards, seed_loss, wrt(w), w = 0.25f);
      CHECK(on_every_rank(std::memcmp(&value, &value_p, sizeof value) == 0 &&
                          std::memcmp(&grad, &grad_p, sizeof grad) == 0));
      // Every rank receives one status and every block's two sums (the term and d/dw).
      CHECK(shards.last_exchange_bytes() ==
            (static_cast<std::size_t>(ranks()) + shards.blocks() * 2) * sizeof(float));
    }
  }
}

TEST_CASE("adding each rank's own total instead would not be bitwise that of one process") {
  // The control of the test above: summing each shard alone and adding the shards' totals
  // differs in the last bits from one process for these data (2 and 4 ranks).
  if (ranks() == 1)
    return;
  const std::size_t n = 20'011;
  const auto xs = noisy<float>(n, 1), ys = noisy<float>(n, 2);
  constexpr auto total = sum(square(y - w * x));
  const float whole = ctgrad::evaluate(total, w = 0.25f, x = xs, y = ys);
  const float mine = ctgrad::evaluate(total, w = 0.25f, x = shard(xs, 1), y = shard(ys, 1));
  std::vector<float> all(static_cast<std::size_t>(ranks()));
  MPI_Allgather(&mine, 1, MPI_FLOAT, all.data(), 1, MPI_FLOAT, MPI_COMM_WORLD);
  float added = all[0];
  for (std::size_t r = 1; r < all.size(); ++r) added += all[r];
  CHECK(added != whole);
}

TEST_CASE("training the seed's model over the ranks gives the parameters of one process") {
  const std::size_t n = 12'345;
  const auto xs = noisy<float>(n, 3), ys = noisy<float>(n, 4);
  auto expected = ctgrad::parameters(w = 0.0f);
  ctgrad::train(seed_loss, expected, ctgrad::dataset(x = xs, y = ys), ctgrad::sgd{0.05f}, 30);
  for (int empty : {-1, ranks() / 2}) {
    ctgrad::mpi_data shards(MPI_COMM_WORLD,
                            ctgrad::dataset(x = shard(xs, 1, empty), y = shard(ys, 1, empty)));
    auto params = ctgrad::parameters(w = 0.0f);
    ctgrad::train(shards, seed_loss, params, ctgrad::sgd{0.05f}, 30);
    CHECK(on_every_rank(same_bits(params, expected)));
  }
}

TEST_CASE("training a 64-feature logistic classifier over the ranks: one process's parameters") {
  const std::size_t n = 10'007;
  const auto fs = noisy<double>(n * features, 5);
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = fs[i * features] + fs[i * features + 1] > 0 ? 1 : 0;
  const auto start = ctgrad::parameters(v = std::array<double, features>{}, b = 0.0);
  auto expected = start;
  const ctgrad::training_options options{.epochs = 6};
  ctgrad::train(logistic_loss, expected,
                ctgrad::dataset(f = ctgrad::rows<features>(fs.data(), n), y = ys),
                ctgrad::adam{start, {.lr = 0.05}}, options);
  const auto f_shard = shard(fs, features);
  ctgrad::mpi_data shards(
      MPI_COMM_WORLD,
      ctgrad::dataset(f = ctgrad::rows<features>(f_shard.data(), f_shard.size() / features),
                      y = shard(ys, 1)));
  auto params = start;
  ctgrad::train(shards, logistic_loss, params, ctgrad::adam{start, {.lr = 0.05}}, options);
  CHECK(on_every_rank(same_bits(params, expected)));
  // (ranks + blocks * 66) doubles: the loss term and 65 partials per block.
  CHECK(shards.last_exchange_bytes() ==
        (static_cast<std::size_t>(ranks()) + 3 * 66) * sizeof(double));
}

TEST_CASE("shards that disagree are refused on every rank") {
  if (ranks() < 2)
    return;
  const auto xs = noisy<double>(100, 1), ys = noisy<double>(100, 2);
  const auto xf = noisy<float>(100, 1), yf = noisy<float>(100, 2);
  const bool odd = rank() == ranks() - 1;
  // Another number of columns.
  std::string message = error_on_every_rank([&] {
    if (odd)
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs));
    else
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, y = ys));
  });
  const std::string last = std::to_string(ranks() - 1);
  CHECK(on_every_rank(message == "ctgrad: mpi_data: rank " + last +
                                     "'s shard has 1 data bindings of 8-byte values, rank 0's 2 "
                                     "of 8-byte values; every rank must bind the same columns, "
                                     "of the same type"));
  // Another scalar type.
  message = error_on_every_rank([&] {
    if (odd)
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xf, y = yf));
    else
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, y = ys));
  });
  CHECK(on_every_rank(message.find("rank " + last +
                                   "'s shard has 2 data bindings of 4-byte "
                                   "values, rank 0's 2 of 8-byte values") != std::string::npos));
  // Another name.
  message = error_on_every_rank([&] {
    if (odd)
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, z = ys));
    else
      ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, y = ys));
  });
  CHECK(on_every_rank(message.find("with other names or shapes") != std::string::npos));
}

TEST_CASE("a non-finite value in one rank's shard is reported on every rank") {
  std::vector<double> xs = noisy<double>(50, 1), ys = noisy<double>(50, 2);
  if (rank() == ranks() - 1)
    xs[7] = std::numeric_limits<double>::quiet_NaN();
  const std::string message = error_on_every_rank(
      [&] { ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, y = ys)); });
  const std::size_t first = 50 * static_cast<std::size_t>(ranks() - 1);
  CHECK(on_every_rank(message == "ctgrad: mpi_data: rank " + std::to_string(ranks() - 1) +
                                     "'s shard (global points " + std::to_string(first) + " to " +
                                     std::to_string(first + 50) +
                                     ", indices local to the shard): ctgrad: data column 'x' is "
                                     "not finite at index 7 (nan)"));
}

TEST_CASE("no data on any rank is an error on every rank; no data on some ranks is not") {
  const std::vector<double> none;
  const std::string message = error_on_every_rank(
      [&] { ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = none, y = none)); });
  CHECK(on_every_rank(message == "ctgrad: mpi_data: no data on any of the " +
                                     std::to_string(ranks()) + " ranks"));
  // Only rank 0 holds data (3 points: one block, summed as one process sums few points).
  const std::vector<double> xs{1, 2, 3}, ys{2, 4, 6.5};
  ctgrad::mpi_data shards(MPI_COMM_WORLD, rank() == 0 ? ctgrad::dataset(x = xs, y = ys)
                                                      : ctgrad::dataset(x = none, y = none));
  const auto [value, grad] = ctgrad::value_and_grad(shards, seed_loss, wrt(w), w = 1.0);
  const auto [value_1, grad_1] = ctgrad::value_and_grad(seed_loss, wrt(w), w = 1.0, x = xs, y = ys);
  CHECK(on_every_rank(value == value_1 && grad[w] == grad_1[w]));
}

TEST_CASE("a rank that throws during training stops every rank with its message") {
  const std::size_t n = 9'000;
  const auto xs = noisy<float>(n, 3), ys = noisy<float>(n, 4);
  ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = shard(xs, 1), y = shard(ys, 1)));
  auto params = ctgrad::parameters(w = 0.0f);
  const int thrower = ranks() - 1;
  const std::string message = error_on_every_rank([&] {
    ctgrad::train(shards, seed_loss, params, ctgrad::sgd{0.05f}, 10, [&](const auto& report) {
      if (rank() == thrower && report.epoch == 3)
        throw std::runtime_error("out of disk space");
    });
  });
  // One rank alone: its own exception; several: the same mpi_error everywhere.
  const std::string expected = ranks() == 1 ? std::string("out of disk space")
                                            : "ctgrad: rank " + std::to_string(thrower) + " of " +
                                                  std::to_string(ranks()) +
                                                  " failed, so every rank stops: out of disk space";
  CHECK(on_every_rank(message == expected));
  // Every rank keeps the parameters after epoch 3, those of one process.
  auto expected_params = ctgrad::parameters(w = 0.0f);
  ctgrad::train(seed_loss, expected_params, ctgrad::dataset(x = xs, y = ys), ctgrad::sgd{0.05f}, 3);
  CHECK(on_every_rank(same_bits(params, expected_params)));
  // And the shards still work.
  ctgrad::train(shards, seed_loss, params, ctgrad::sgd{0.05f}, 1);
}

TEST_CASE("divergence is met by every rank at once, and thrown as ctgrad::diverged") {
  const auto xs = noisy<double>(5000, 3), ys = noisy<double>(5000, 4);
  ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = shard(xs, 1), y = shard(ys, 1)));
  auto params = ctgrad::parameters(w = 0.0);
  bool diverged = false;
  try {
    ctgrad::train(shards, seed_loss, params, ctgrad::sgd{1e200}, 5);
  } catch (const ctgrad::diverged&) {
    diverged = true;
  }
  CHECK(on_every_rank(diverged));
}

TEST_CASE("a loss outside its domain on one rank's points is a domain_error on every rank") {
  std::vector<double> xs(6000, 2.0), ys(6000, 1.0);
  xs[5999] = -1.0;  // the log of the last point, on the last rank, is NaN
  ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = shard(xs, 1), y = shard(ys, 1)));
  auto params = ctgrad::parameters(w = 0.5);
  bool domain_error = false;
  try {
    ctgrad::train(shards, mean(square(y - w * log(x))), params, ctgrad::sgd{0.1}, 3);
  } catch (const std::domain_error&) {
    domain_error = true;
  }
  CHECK(on_every_rank(domain_error));
}

TEST_CASE("different starting parameters or options, or mini-batches, are refused everywhere") {
  const auto xs = noisy<double>(300, 3), ys = noisy<double>(300, 4);
  ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = shard(xs, 1), y = shard(ys, 1)));
  if (ranks() > 1) {
    auto params = ctgrad::parameters(w = rank() == 1 ? 1.0 : 0.0);
    const std::string message =
        error_on_every_rank([&] { ctgrad::train(shards, seed_loss, params, ctgrad::sgd{0.1}, 2); });
    CHECK(on_every_rank(message ==
                        "ctgrad: rank 1's loss, starting parameters or training options differ "
                        "from rank 0's; every rank must make the same call"));
  }
  auto params = ctgrad::parameters(w = 0.0);
  const std::string message = error_on_every_rank([&] {
    ctgrad::train(shards, seed_loss, params, ctgrad::sgd{0.1},
                  ctgrad::training_options{.epochs = 2, .batch_size = 10});
  });
  CHECK(on_every_rank(message.find("ctgrad: train over MPI is full-batch only") == 0));
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  doctest::Context context(argc, argv);
  int failed = context.run();
  // Any rank's failure fails the run, whichever rank mpirun reports.
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any;
}
