#include <doctest/doctest.h>

#include <ctgrad/expr/constant.hpp>
#include <type_traits>

namespace {
using namespace ctgrad::literals;
using ctgrad::constant;
using ctgrad::rational;

static_assert(std::is_same_v<decltype(constant<2, 4>), const rational<1, 2>>);
static_assert(std::is_same_v<decltype(constant<3, -6>), const rational<-1, 2>>);
static_assert(std::is_same_v<decltype(constant<0, 5>), const rational<0, 1>>);
static_assert(std::is_same_v<decltype(2_c), rational<2, 1>>);
static_assert(std::is_same_v<decltype(0.25_c), rational<1, 4>>);
static_assert(std::is_same_v<decltype(1'000_c), rational<1000, 1>>);
static_assert(std::is_same_v<decltype(1.50_c), rational<3, 2>>);
static_assert(std::is_empty_v<rational<1, 3>>);
static_assert(rational<1, 3>::as<double>() == 1.0 / 3.0);
static_assert(rational<1, 3>::as<float>() == 1.0f / 3.0f);
static_assert(rational<-7, 1>::as<float>() == -7.0f);
}  // namespace

TEST_CASE("runtime numbers become scalar expressions, expressions pass through") {
  const auto s = ctgrad::as_expression(2.5);
  static_assert(std::is_same_v<decltype(s), const ctgrad::scalar<double>>);
  CHECK(s.value == 2.5);
  const auto c = ctgrad::as_expression(constant<3>);
  static_assert(std::is_same_v<decltype(c), const rational<3, 1>>);
}
