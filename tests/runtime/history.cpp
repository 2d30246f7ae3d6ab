#include <doctest/doctest.h>

#include <array>
#include <charconv>
#include <cstddef>
#include <ctgrad.hpp>
#include <ctgrad/runtime/history.hpp>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

// Training histories as CSV: the header names every component, every line holds the values
// train reported, and every number reads back to the same bits.

namespace {

constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"v", 2> v;
constexpr ctgrad::param<"W", 2, 3> W;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

template <class T>
T parse(const std::string& text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  REQUIRE(error == std::errc{});
  REQUIRE(end == text.data() + text.size());
  return value;
}

// Records the values train reports, to compare with what the CSV holds.
template <class T>
struct reported {
  std::vector<std::size_t> epochs;
  std::vector<T> losses, ws;
};

}  // namespace

TEST_CASE("training_history: the seed's run, every value read back exactly") {
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  auto params = ctgrad::parameters(w = 0.0f);
  std::ostringstream csv;
  ctgrad::training_history history{csv, params};
  reported<float> seen;
  ctgrad::train(mean(square(y - w * x)), params, ctgrad::dataset(x = X, y = Y), ctgrad::sgd{0.01f},
                20, [&](const auto& report) {
                  history(report);
                  seen.epochs.push_back(report.epoch);
                  seen.losses.push_back(report.loss);
                  seen.ws.push_back(report.params[w]);
                });

  const auto lines = split(csv.str(), '\n');
  REQUIRE(lines.size() == 21);
  CHECK(lines[0] == "epoch,loss,w");
  // The notebook prints w = 0.300: the float is 0.01f * 30 = 0.29999998f, and the CSV keeps it.
  CHECK(lines[1] == "1,30,0.29999998");
  for (std::size_t i = 0; i < 20; ++i) {
    const auto fields = split(lines[i + 1], ',');
    REQUIRE(fields.size() == 3);
    CHECK(parse<std::size_t>(fields[0]) == seen.epochs[i]);
    CHECK(parse<float>(fields[1]) == seen.losses[i]);  // ==: the same bits, not close
    CHECK(parse<float>(fields[2]) == seen.ws[i]);
  }
  CHECK(parse<float>(split(lines[20], ',')[2]) == params[w]);
}

TEST_CASE("training_history: vectors and matrices by component, double round trip") {
  // Values that need all 17 significant digits of a double, and the extremes.
  auto params = ctgrad::parameters(
      w = 0.1 + 0.2, v = std::array{std::numeric_limits<double>::denorm_min(), -1.0 / 3.0},
      W = std::array<std::array<double, 3>, 2>{
          {{1e300, -0.0, 2.0 / 3.0}, {std::numeric_limits<double>::max(), 5e-324, 1.0}}});
  std::ostringstream csv;
  ctgrad::training_history history{csv, params};
  history(ctgrad::epoch_report<double, decltype(params)>{7, 0.1, params});

  const auto lines = split(csv.str(), '\n');
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "epoch,loss,w,v[0],v[1],W[0][0],W[0][1],W[0][2],W[1][0],W[1][1],W[1][2]");
  const auto fields = split(lines[1], ',');
  REQUIRE(fields.size() == 11);
  CHECK(fields[0] == "7");
  CHECK(parse<double>(fields[1]) == 0.1);
  CHECK(parse<double>(fields[2]) == params[w]);
  CHECK(fields[2] == "0.30000000000000004");
  for (std::size_t k = 0; k < 2; ++k) CHECK(parse<double>(fields[3 + k]) == params[v][k]);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      CHECK(parse<double>(fields[5 + 3 * i + j]) == params[W][i][j]);
  CHECK(fields[6] == "-0");  // the sign of zero is kept
}

TEST_CASE("training_history: validation loss column, non-finite values, a stream that failed") {
  auto params = ctgrad::parameters(w = 1.0f);
  std::ostringstream csv;
  ctgrad::training_history history{csv, params, {.validation_loss = true}};
  history(ctgrad::epoch_report<float, decltype(params)>{
      1, std::numeric_limits<float>::infinity(), params, {}, 0.5f});
  history(ctgrad::epoch_report<float, decltype(params)>{2, 2.0f, params});
  CHECK(csv.str() == "epoch,loss,validation_loss,w\n1,inf,0.5,1\n2,2,nan,1\n");

  // A file that could not be opened: nothing is written and nothing throws.
  std::ofstream unopened;
  ctgrad::training_history quiet{unopened, params};
  quiet(ctgrad::epoch_report<float, decltype(params)>{1, 2.0f, params});
  CHECK(!unopened.is_open());
}

TEST_CASE("training_history: passed to train as the callback itself") {
  const std::array X{1.0, 2.0};
  const std::array Y{2.0, 4.0};
  auto params = ctgrad::parameters(w = 0.0);
  std::ostringstream csv;
  ctgrad::training_history history{csv, params};
  ctgrad::train(mean(square(y - w * x)), params, ctgrad::dataset(x = X, y = Y), ctgrad::sgd{0.1}, 3,
                history);
  CHECK(split(csv.str(), '\n').size() == 4);
}
