// Data-parallel training over MPI: each rank holds its own part of the data (here, uneven parts
// cut anywhere), and the trained parameters are the same, bit for bit, as one process training on
// all the data. Run it as `mpirun -np 3 ./mpi_training`; every rank checks against the run of one
// process, which it can afford here, and exits non-zero if the bits differ.
#include <array>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/mpi.hpp>

#include "data_generator.hpp"

constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr std::size_t features = 8;
constexpr ctgrad::param<"v", features> v;
constexpr ctgrad::data<"f", features> f;

// Rank r's part of n points: [begin(r), begin(r + 1)), growing with the rank.
std::size_t begin(std::size_t n, int r, int ranks) {
  return static_cast<std::size_t>(static_cast<double>(n) * r * r / (ranks * ranks));
}

template <class P>
bool same_bits(const P& a, const P& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;  // param sets of numbers and std::arrays
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  bool ok = true;
  {
    // The seed's model, y = w x, on 30,000 points.
    constexpr std::size_t n = 30'000;
    example::generator random(1);
    std::vector<float> xs(n), ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      xs[i] = static_cast<float>(random.normal());
      ys[i] = 2.0f * xs[i] + static_cast<float>(0.1 * random.normal());
    }
    constexpr auto loss = mean(square(y - w * x));
    const std::size_t lo = begin(n, rank, ranks), hi = begin(n, rank + 1, ranks);
    ctgrad::mpi_data shards(MPI_COMM_WORLD,
                            ctgrad::dataset(x = std::span(xs).subspan(lo, hi - lo),
                                            y = std::span(ys).subspan(lo, hi - lo)));
    auto params = ctgrad::parameters(w = 0.0f);
    const float final_loss = ctgrad::train(shards, loss, params, ctgrad::sgd{0.1f}, 50);

    auto alone = ctgrad::parameters(w = 0.0f);
    ctgrad::train(loss, alone, ctgrad::dataset(x = xs, y = ys), ctgrad::sgd{0.1f}, 50);
    ok = ok && same_bits(params, alone);
    if (rank == 0)
      std::printf(
          "seed model on %d ranks: w = %.9g (one process: %.9g), loss %.6g, %zu bytes "
          "received per step\n",
          ranks, params[w], alone[w], final_loss, shards.last_exchange_bytes());
  }
  {
    // A logistic classifier on 8 features, 20,000 points, labels from the model itself.
    constexpr std::size_t n = 20'000;
    example::generator random(7);
    std::vector<double> fs(n * features);  // row-major: point i's features from i * 8
    std::vector<double> ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      double z = -0.4;
      for (std::size_t j = 0; j < features; ++j) {
        fs[i * features + j] = random.normal();
        z += (j % 2 ? -0.5 : 1.0) * fs[i * features + j];
      }
      ys[i] = random.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
    }
    using namespace ctgrad::literals;
    constexpr auto z = dot(v, f) + b;
    constexpr auto loss = mean(log(1_c + exp(z)) - y * z);
    const std::size_t lo = begin(n, rank, ranks), hi = begin(n, rank + 1, ranks);
    ctgrad::mpi_data shards(
        MPI_COMM_WORLD,
        ctgrad::dataset(f = ctgrad::rows<features>(fs.data() + lo * features, hi - lo),
                        y = std::span(ys).subspan(lo, hi - lo)));
    const auto start = ctgrad::parameters(v = std::array<double, features>{}, b = 0.0);
    auto params = start;
    const double final_loss =
        ctgrad::train(shards, loss, params, ctgrad::adam{start, {.lr = 0.05}}, 40);

    auto alone = start;
    ctgrad::train(loss, alone, ctgrad::dataset(f = ctgrad::rows<features>(fs.data(), n), y = ys),
                  ctgrad::adam{start, {.lr = 0.05}}, 40);
    ok = ok && same_bits(params, alone);
    if (rank == 0)
      std::printf(
          "logistic classifier on %d ranks: b = %.17g (one process: %.17g), loss %.9g, "
          "%zu bytes received per step\n",
          ranks, params[b], alone[b], final_loss, shards.last_exchange_bytes());
  }
  int all_ok = ok ? 1 : 0, every = 0;
  MPI_Allreduce(&all_ok, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0)
    std::printf(every ? "bitwise identical to one process on every rank\n"
                      : "DIFFERENT from one process on some rank\n");
  MPI_Finalize();
  return every ? 0 : 1;
}
