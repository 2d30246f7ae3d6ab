#include <doctest/doctest.h>

#include <ctgrad.hpp>
#include <limits>
#include <vector>

#include "../support/raises.hpp"

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

TEST_CASE("validate reports the first non-finite value by column and index") {
  const std::vector<double> good{1, 2, 3};
  std::vector<double> bad{1, 2, 3};
  bad[2] = std::numeric_limits<double>::quiet_NaN();
  CHECK(ctgrad::validate(ctgrad::dataset(x = good, y = good)).size() == 3);
  CTGRAD_CHECK_RAISES_WITH_AS(ctgrad::validate(ctgrad::dataset(x = good, y = bad)),
                              "ctgrad: data column 'y' is not finite at index 2 (nan)",
                              std::invalid_argument);
  bad[2] = 3;
  bad[0] = -std::numeric_limits<double>::infinity();
  CTGRAD_CHECK_RAISES_WITH_AS(ctgrad::validate(ctgrad::dataset(x = bad, y = good)),
                              "ctgrad: data column 'x' is not finite at index 0 (-inf)",
                              std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(
      ctgrad::validate(ctgrad::parameters(w = std::numeric_limits<float>::infinity())),
      "ctgrad: parameter 'w' is not finite at index 0 (inf)", std::invalid_argument);
}

TEST_CASE("validate returns its argument, so it can wrap a data set where it is made") {
  const std::vector<double> xs{1, 2, 3};
  const auto data = ctgrad::validate(ctgrad::dataset(x = xs));
  CHECK(data.size() == 3);
}

TEST_CASE("find_non_finite returns validate's message without raising, or nothing") {
  const std::vector<double> good{1, 2, 3};
  std::vector<double> bad{1, 2, 3};
  bad[1] = std::numeric_limits<double>::infinity();
  CHECK(ctgrad::find_non_finite(ctgrad::dataset(x = good, y = good)).empty());
  CHECK(ctgrad::find_non_finite(ctgrad::dataset(x = good, y = bad)) ==
        "ctgrad: data column 'y' is not finite at index 1 (inf)");
  CHECK(ctgrad::find_non_finite(ctgrad::parameters(w = 1.0)).empty());
  CHECK(ctgrad::find_non_finite(ctgrad::parameters(w = -std::numeric_limits<double>::infinity())) ==
        "ctgrad: parameter 'w' is not finite at index 0 (-inf)");
}
