// Time per step of ctgrad's MPI value_and_grad (docs/mpi.md): `mpirun -np P ./mpi_step [N]`.
// Each rank makes only its own shard (N / P points, cut off the 4096-point blocks), then times
// `repeats` evaluations and prints the median, the fastest and the slowest, and the bytes each
// rank received per step. Not a Google Benchmark: the ranks must step together, and the figure of
// interest is the collective's wall time, which every rank sees.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/mpi.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr std::size_t features = 8;
constexpr ctgrad::param<"v", features> v;
constexpr ctgrad::data<"f", features> f;

// Value i of a reproducible stream, from i alone: every split makes the same global data.
float value_at(std::uint64_t i) {
  std::uint64_t z = i * 0x9e3779b97f4a7c15u + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return static_cast<float>((z ^ (z >> 31)) >> 40) / 16777216.0f * 2.0f - 1.0f;
}

template <class Step>
void time_steps(const char* name, int rank, int ranks, Step&& step) {
  constexpr int warmup = 2, repeats = 11;
  std::vector<double> ms;
  for (int k = 0; k < warmup + repeats; ++k) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto t0 = std::chrono::steady_clock::now();
    step();
    const double t =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (k >= warmup)
      ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  if (rank == 0)
    std::printf("%-40s %d rank%s  median %9.3f ms  (min %9.3f, max %9.3f, %d steps)\n", name, ranks,
                ranks == 1 ? " " : "s", ms[ms.size() / 2], ms.front(), ms.back(), repeats);
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::size_t lo = n * rank / ranks + (rank > 0 ? 1234 : 0);
  const std::size_t hi = n * (rank + 1) / ranks + (rank + 1 < ranks ? 1234 : 0);
  {
    std::vector<float> xs(hi - lo), ys(hi - lo);
    for (std::size_t i = lo; i < hi; ++i) {
      xs[i - lo] = value_at(2 * i);
      ys[i - lo] = 2 * xs[i - lo] + 0.1f * value_at(2 * i + 1);
    }
    const auto t0 = std::chrono::steady_clock::now();
    ctgrad::mpi_data shards(MPI_COMM_WORLD, ctgrad::dataset(x = xs, y = ys));
    const double setup =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (rank == 0)
      std::printf("N = %zu, setup (exchange of cut blocks) %.1f ms\n", n, setup);
    constexpr auto loss = mean(square(y - w * x));
    float sink = 0;
    time_steps("seed model, float (M = 2)", rank, ranks,
               [&] { sink += ctgrad::value_and_grad(shards, loss, wrt(w), w = 0.5f).value; });
    if (ranks == 1)  // the baseline: one process without MPI
      time_steps("  the same without MPI", rank, ranks, [&] {
        sink += ctgrad::value_and_grad(loss, wrt(w), w = 0.5f, x = xs, y = ys).value;
      });
    if (rank == 0)
      std::printf("  bytes received per step: %zu (%zu blocks)\n", shards.last_exchange_bytes(),
                  shards.blocks());
    if (sink == 12345)
      std::puts("");
  }
  {
    std::vector<float> fs((hi - lo) * features), ys(hi - lo);
    for (std::size_t i = lo; i < hi; ++i) {
      float z = 0;
      for (std::size_t j = 0; j < features; ++j) {
        fs[(i - lo) * features + j] = value_at(16 * i + j);
        z += fs[(i - lo) * features + j] * (j % 2 ? -1.0f : 1.0f);
      }
      ys[i - lo] = z > 0 ? 1.0f : 0.0f;
    }
    ctgrad::mpi_data shards(
        MPI_COMM_WORLD, ctgrad::dataset(f = ctgrad::rows<features>(fs.data(), hi - lo), y = ys));
    using namespace ctgrad::literals;
    constexpr auto z = dot(v, f) + b;
    constexpr auto loss = mean(log(1_c + exp(z)) - y * z);
    const std::array<float, features> start{};
    float sink = 0;
    time_steps("logistic, 8 features, float (M = 10)", rank, ranks, [&] {
      sink += ctgrad::value_and_grad(shards, loss, wrt(v, b), v = start, b = 0.0f).value;
    });
    if (ranks == 1)
      time_steps("  the same without MPI", rank, ranks, [&] {
        sink += ctgrad::value_and_grad(loss, wrt(v, b), v = start, b = 0.0f,
                                       f = ctgrad::rows<features>(fs.data(), hi - lo), y = ys)
                    .value;
      });
    if (rank == 0)
      std::printf("  bytes received per step: %zu (%zu blocks)\n", shards.last_exchange_bytes(),
                  shards.blocks());
    if (sink == 12345)
      std::puts("");
  }
  MPI_Finalize();
}
