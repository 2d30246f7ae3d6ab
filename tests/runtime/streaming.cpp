#include <doctest/doctest.h>
#include <unistd.h>  // truncate

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctgrad.hpp>
#include <ctgrad/runtime/streaming.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/raises.hpp"
#include "../support/temporary_directory.hpp"

// Streamed evaluation over mapped files: the bits of the same data in memory (values, gradients,
// whole training runs, every layout, sizes around the lane, block and chunk boundaries); the
// pages given back as it goes; a file cut short reported, before, during or after a pass, with the
// parameters of the last good epoch kept.

namespace {
using ctgrad::testing::temporary_directory;

constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto seed_loss = mean(square(y - (w * x + b)));

constexpr ctgrad::param<"v", 8> v;
constexpr ctgrad::data<"f", 8> f;
constexpr ctgrad::data<"label"> label;
constexpr auto logistic_loss = mean(ctgrad::binary_cross_entropy_with_logits(dot(v, f) + b, label));

// Values in [-1, 1) from a fixed 64-bit LCG: the same data on every machine.
template <class T>
std::vector<T> pseudo_random(std::size_t count, std::uint64_t seed) {
  std::vector<T> out(count);
  for (T& value : out) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    value = static_cast<T>(static_cast<double>(seed >> 11) * 0x1p-52 - 1.0);
  }
  return out;
}

template <class T>
std::string write_values(const std::filesystem::path& path, const std::vector<T>& values) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(values.data(), sizeof(T), values.size(), file) == values.size());
  std::fclose(file);
  return path.string();
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// The kernel's count of this process's resident pages that come from files, in KiB.
long resident_file_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "RssFile:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

}  // namespace

TEST_CASE_TEMPLATE("streamed values and gradients have the bits of the same data in memory", T,
                   float, double) {
  temporary_directory dir;
  // Sizes at the lane (16), block (4,096) and chunk (64 blocks) boundaries and past them.
  for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{16}, std::size_t{17},
                              std::size_t{1000}, std::size_t{4096}, std::size_t{4097},
                              std::size_t{64 * 4096}, std::size_t{2 * 64 * 4096 + 37}}) {
    CAPTURE(n);
    const std::vector<T> xs = pseudo_random<T>(n, 1), ys = pseudo_random<T>(n, 2);
    const ctgrad::mapped_file<T> fx{write_values(dir.path / "x", xs)};
    const ctgrad::mapped_file<T> fy{write_values(dir.path / "y", ys)};
    const ctgrad::streaming stream{fx, fy};
    const auto params = ctgrad::parameters(w = T(0.75), b = T(-0.25));
    const auto [streamed, streamed_grad] = ctgrad::value_and_grad(
        stream, seed_loss, wrt(w, b), params, x = fx.column(), y = fy.column());
    const auto [memory, memory_grad] =
        ctgrad::value_and_grad(seed_loss, wrt(w, b), params, x = xs, y = ys);
    CHECK(same_bits(streamed, memory));
    CHECK(same_bits(streamed_grad[w], memory_grad[w]));
    CHECK(same_bits(streamed_grad[b], memory_grad[b]));
    CHECK(same_bits(ctgrad::evaluate(stream, mean(x * y), x = fx.column(), y = fy.column()),
                    ctgrad::evaluate(mean(x * y), x = xs, y = ys)));
  }
}

TEST_CASE_TEMPLATE("a streamed training run is the run in memory, bit for bit, in every layout", T,
                   float, double) {
  temporary_directory dir;
  const std::size_t n = 64 * 4096 + 4096 + 5;  // two chunks, the second one block and a bit
  const std::vector<T> features = pseudo_random<T>(n * 8, 3);
  std::vector<T> labels = pseudo_random<T>(n, 4);
  for (T& l : labels) l = l > 0 ? T(1) : T(0);
  std::vector<T> feature_major(n * 8);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 8; ++j) feature_major[j * n + i] = features[i * 8 + j];
  const ctgrad::mapped_file<T> rows_file{write_values(dir.path / "rows", features)};
  const ctgrad::mapped_file<T> columns_file{write_values(dir.path / "columns", feature_major)};
  const ctgrad::mapped_file<T> labels_file{write_values(dir.path / "labels", labels)};

  auto start =
      ctgrad::parameters(v = std::array<T, 8>{0.1, -0.2, 0.3, 0, 0, 0.05, -0.1, 0.2}, b = T(0.1));
  auto in_memory = start;
  const auto memory_data = ctgrad::dataset(f = ctgrad::rows<8>(features.data(), n), label = labels);
  ctgrad::adam memory_opt{in_memory, {.lr = 0.05}};
  const T memory_loss = ctgrad::train(logistic_loss, in_memory, memory_data, memory_opt, 3);

  auto from_rows = start;
  ctgrad::adam rows_opt{from_rows, {.lr = 0.05}};
  const T rows_loss = ctgrad::train(
      ctgrad::streaming{rows_file, labels_file}, logistic_loss, from_rows,
      ctgrad::dataset(f = rows_file.template rows<8>(), label = labels_file.column()), rows_opt, 3);

  auto from_columns = start;
  const auto columns_result = ctgrad::train(
      ctgrad::streaming{columns_file, labels_file}, logistic_loss, from_columns,
      ctgrad::dataset(f = columns_file.template columns<8>(), label = labels_file.column()),
      ctgrad::adam{from_columns, {.lr = 0.05}}, {.epochs = 3});

  CHECK(same_bits(rows_loss, memory_loss));
  CHECK(same_bits(columns_result.loss, memory_loss));
  for (std::size_t k = 0; k < 8; ++k) {
    CAPTURE(k);
    CHECK(same_bits(from_rows[v][k], in_memory[v][k]));
    CHECK(same_bits(from_columns[v][k], in_memory[v][k]));
  }
  CHECK(same_bits(from_rows[b], in_memory[b]));
  CHECK(same_bits(from_columns[b], in_memory[b]));
}

TEST_CASE("streaming gives the pages back after each chunk; a plain pass keeps them") {
  temporary_directory dir;
  const std::size_t n = 8 * 64 * 4096;  // 16 MiB of doubles: eight chunks
  const ctgrad::mapped_file<double> fx{write_values(dir.path / "x", pseudo_random<double>(n, 5))};
  const long before = resident_file_kib();
  REQUIRE(before >= 0);
  const double streamed = ctgrad::evaluate(ctgrad::streaming{fx}, mean(x), x = fx.column());
  const long after_streaming = resident_file_kib();
  // One chunk is 2 MiB, read ahead may add a few; the file is 16 MiB.
  CHECK(after_streaming - before < 6 * 1024);
  const double plain = ctgrad::evaluate(mean(x), x = fx.column());
  CHECK(resident_file_kib() - before > 12 * 1024);  // the check above can fail
  CHECK(same_bits(streamed, plain));
  fx.release();
  CHECK(resident_file_kib() - before < 6 * 1024);
}

TEST_CASE("a file cut short between epochs stops training with the last good epoch's parameters") {
  temporary_directory dir;
  const std::size_t n = 3 * 4096;
  const std::vector<double> xs = pseudo_random<double>(n, 6), ys = pseudo_random<double>(n, 7);
  const std::string x_path = write_values(dir.path / "x", xs);
  const ctgrad::mapped_file<double> fx{x_path};
  const ctgrad::mapped_file<double> fy{write_values(dir.path / "y", ys)};
  auto params = ctgrad::parameters(w = 0.5, b = 0.0);
  ctgrad::sgd opt{0.1};
  auto after_epoch_2 = params;
  // Observed where the error is raised (without exceptions, in the child that raised it).
  const auto kept = [&] {
    return std::string(same_bits(params[w], after_epoch_2[w]) &&
                               same_bits(params[b], after_epoch_2[b])
                           ? "kept"
                           : "changed");
  };
  const auto raised = ctgrad_test::raise_in<ctgrad::mapped_file_error>(
      [&] {
        ctgrad::train(ctgrad::streaming{fx, fy}, seed_loss, params,
                      ctgrad::dataset(x = fx.column(), y = fy.column()), opt, 5,
                      [&](const auto& r) {
                        if (r.epoch == 2) {
                          after_epoch_2 = params;
                          REQUIRE(::truncate(x_path.c_str(), 1000 * 8) == 0);
                        }
                      });
      },
      kept);
  CHECK(raised.message == "ctgrad: mapped file '" + x_path +
                              "' was cut short while mapped: 8000 bytes, 98304 when mapped");
  CHECK(raised.state == "kept");
}

TEST_CASE("a read past the end of a file cut short is caught and reported, not a crash") {
  temporary_directory dir;
  const std::string path = write_values(dir.path / "x", pseudo_random<double>(4 * 4096, 8));
  const ctgrad::mapped_file<double> fx{path};
  REQUIRE(::truncate(path.c_str(), 0) == 0);
  // The size checks around an evaluation would see it first; the guarded read alone must too.
  const std::array<const ctgrad::detail::mapped_region*, 1> regions{&fx.region()};
  volatile double sink = 0;
  const auto first = ctgrad_test::raise_in<ctgrad::mapped_file_error>(
      [&] { ctgrad::detail::read_guarded(regions, [&] { sink = sink + fx.data()[4096]; }); });
  CHECK(first.message == "ctgrad: mapped file '" + path +
                             "' was cut short while mapped: 0 bytes, 131072 when mapped");
  // The handler is gone again after the first: a second guarded read works the same way.
  const auto second = ctgrad_test::raise_in<ctgrad::mapped_file_error>([&] {
    ctgrad::detail::read_guarded(regions, [&] { sink = sink + fx.data()[0]; });
    ctgrad::detail::read_guarded(regions, [&] { sink = sink + fx.data()[1]; });
  });
  CHECK(second.message.find("cut short") != std::string::npos);
}

TEST_CASE("streamed training is full-batch: a batch size or shuffling is refused") {
  temporary_directory dir;
  const std::vector<double> xs{1, 2, 3, 4}, ys{2, 4, 6, 8};
  const ctgrad::mapped_file<double> fx{write_values(dir.path / "x", xs)};
  const ctgrad::mapped_file<double> fy{write_values(dir.path / "y", ys)};
  auto params = ctgrad::parameters(w = 0.0, b = 0.0);
  const auto data = ctgrad::dataset(x = fx.column(), y = fy.column());
  CTGRAD_CHECK_RAISES_WITH_AS(ctgrad::train(ctgrad::streaming{fx, fy}, seed_loss, params, data,
                                            ctgrad::sgd{0.01}, {.epochs = 2, .batch_size = 2}),
                              doctest::Contains("full-batch"), std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS(ctgrad::train(ctgrad::streaming{fx, fy}, seed_loss, params, data,
                                       ctgrad::sgd{0.01}, {.epochs = 2, .shuffle = true}),
                         std::invalid_argument);
  CHECK(params[w] == 0.0);
  // The seed's four points, streamed: the transcript's first loss, 30.
  CHECK(ctgrad::evaluate(ctgrad::streaming{fx, fy}, mean(square(y - w * x)), params, data) == 30.0);
}
