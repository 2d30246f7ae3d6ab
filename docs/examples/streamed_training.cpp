// Training on data larger than memory: the seed's model with a bias, y = w * x + b, fitted to
// points written to two files of raw doubles and trained by streaming them (mapped, a chunk at a
// time, pages given back); then the same files read into memory and trained again. The two runs
// must agree bit for bit; the program prints the peak resident memory of the streamed run and
// the time per epoch of both.
//
//   streamed_training [--points N] [--epochs E] [--dir DIR]
//
// By default 2^20 points (16 MiB of files), as the test suite runs it; `--points 134217728`
// writes 2 GiB (docs/streaming.md has the figures of that run).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <ctgrad.hpp>
#include <ctgrad/runtime/streaming.hpp>

#include "data_generator.hpp"

constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - (w * x + b)));

namespace {

// The largest resident set of the process so far, in MiB.
double peak_resident_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// y = 3 x - 1 + noise, x uniform in [-1, 1), written a buffer at a time: the files never need
// to fit in memory.
void write_data(const std::string& x_path, const std::string& y_path, std::size_t n) {
  std::FILE* fx = std::fopen(x_path.c_str(), "wb");
  std::FILE* fy = std::fopen(y_path.c_str(), "wb");
  if (fx == nullptr || fy == nullptr) {
    std::fprintf(stderr, "cannot write %s or %s\n", x_path.c_str(), y_path.c_str());
    std::exit(2);
  }
  example::generator random(2024);
  std::vector<double> bx(1 << 16), by(1 << 16);
  for (std::size_t done = 0; done < n;) {
    const std::size_t m = std::min(bx.size(), n - done);
    for (std::size_t i = 0; i < m; ++i) {
      bx[i] = 2.0 * random.uniform() - 1.0;
      by[i] = 3.0 * bx[i] - 1.0 + 0.1 * (random.uniform() - 0.5);
    }
    if (std::fwrite(bx.data(), sizeof(double), m, fx) != m ||
        std::fwrite(by.data(), sizeof(double), m, fy) != m) {
      std::fprintf(stderr, "cannot write %zu points (disk full?)\n", n);
      std::exit(2);
    }
    done += m;
  }
  std::fclose(fx);
  std::fclose(fy);
}

std::vector<double> read_all(const std::string& path, std::size_t n) {
  std::vector<double> values(n);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr || std::fread(values.data(), sizeof(double), n, f) != n) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::fclose(f);
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = std::size_t{1} << 20;
  std::size_t epochs = 5;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--points") == 0)
      n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--epochs") == 0)
      epochs = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--dir") == 0)
      dir = argv[i + 1];
  }
  namespace fs = std::filesystem;
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "ctgrad-streamed-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return 2;
    dir = pattern;
  }
  const std::string x_path = (fs::path(dir) / "x.f64").string();
  const std::string y_path = (fs::path(dir) / "y.f64").string();
  write_data(x_path, y_path, n);
  std::printf("%zu points, two files of %.1f MiB each, %zu epochs of SGD (lr 0.5)\n", n,
              static_cast<double>(n) * 8.0 / 1048576.0, epochs);
  using clock = std::chrono::steady_clock;

  // Streamed: the files are mapped, never read into memory.
  auto streamed = ctgrad::parameters(w = 0.0, b = 0.0);
  double streamed_loss = 0, streamed_seconds = 0, streamed_peak = 0;
  {
    const ctgrad::mapped_file<double> xs{x_path}, ys{y_path};
    const auto t0 = clock::now();
    streamed_loss =
        ctgrad::train(ctgrad::streaming{xs, ys}, loss, streamed,
                      ctgrad::dataset(x = xs.column(), y = ys.column()), ctgrad::sgd{0.5}, epochs);
    streamed_seconds = std::chrono::duration<double>(clock::now() - t0).count();
    streamed_peak = peak_resident_mib();
  }

  // In memory: the same values read into vectors.
  const std::vector<double> xv = read_all(x_path, n), yv = read_all(y_path, n);
  auto in_memory = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto t0 = clock::now();
  const double memory_loss =
      ctgrad::train(loss, in_memory, ctgrad::dataset(x = xv, y = yv), ctgrad::sgd{0.5}, epochs);
  const double memory_seconds = std::chrono::duration<double>(clock::now() - t0).count();

  std::printf("streamed : loss %.17g  w %.17g  b %.17g\n", streamed_loss, streamed[w], streamed[b]);
  std::printf("in memory: loss %.17g  w %.17g  b %.17g\n", memory_loss, in_memory[w], in_memory[b]);
  std::printf("peak resident memory while streaming: %.1f MiB (data: %.1f MiB)\n", streamed_peak,
              static_cast<double>(n) * 16.0 / 1048576.0);
  std::printf("per epoch: streamed %.3f s (%.0f Mpoints/s), in memory %.3f s (%.0f Mpoints/s)\n",
              streamed_seconds / static_cast<double>(epochs),
              static_cast<double>(n * epochs) / streamed_seconds / 1e6,
              memory_seconds / static_cast<double>(epochs),
              static_cast<double>(n * epochs) / memory_seconds / 1e6);
  if (own_dir)
    fs::remove_all(dir);
  const bool same = std::memcmp(&streamed_loss, &memory_loss, sizeof(double)) == 0 &&
                    std::memcmp(&streamed[w], &in_memory[w], sizeof(double)) == 0 &&
                    std::memcmp(&streamed[b], &in_memory[b], sizeof(double)) == 0;
  std::printf("%s\n", same ? "bit for bit the same" : "THE RUNS DIFFER");
  return same ? 0 : 1;
}
