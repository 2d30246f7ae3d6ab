// Tests for ctgrad/detail/constexpr_math.hpp: the `ce` implementations are
// run at run time against <cmath> over wide argument sweeps (ulp distance),
// special values are checked, and static_asserts prove constexpr usability.
#include <ctgrad/detail/constexpr_math.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace cm = ctgrad::detail;
namespace ce = ctgrad::detail::ce;

constexpr double dinf = std::numeric_limits<double>::infinity();
constexpr double dnan = std::numeric_limits<double>::quiet_NaN();
constexpr float finf = std::numeric_limits<float>::infinity();
constexpr float fnan = std::numeric_limits<float>::quiet_NaN();

// ---------------------------------------------------------------------------
// Compile-time checks: the public functions are usable in constant
// expressions (they take the `ce` path there) on gcc and clang.
static_assert(cm::exp(0.0) == 1.0);
static_assert(cm::exp(0.0f) == 1.0f);
static_assert(cm::abs(cm::exp(1.0) - 2.718281828459045) <= 0x1p-51);
static_assert(cm::exp(1000.0) == dinf);
static_assert(cm::exp(-1000.0) == 0.0);
static_assert(cm::exp(-745.0) > 0.0);  // subnormal result
static_assert(cm::exp(100.0f) == finf);
static_assert(cm::expm1(0.0) == 0.0);
static_assert(cm::abs(cm::expm1(1e-10) - 1.00000000005e-10) < 1e-25);
static_assert(cm::expm1(-100.0) == -1.0);
static_assert(cm::log(1.0) == 0.0);
static_assert(cm::log(1.0f) == 0.0f);
static_assert(cm::abs(cm::log(2.0) - 0.6931471805599453) <= 0x1p-53);
static_assert(cm::log(0.0) == -dinf);
static_assert(cm::log(dinf) == dinf);
static_assert(cm::log(-1.0) != cm::log(-1.0));  // NaN
static_assert(cm::log1p(0.0) == 0.0);
static_assert(cm::abs(cm::log1p(1e-10) - 9.9999999995e-11) < 1e-25);
static_assert(cm::log1p(-1.0) == -dinf);
static_assert(cm::sqrt(2.0) == 1.4142135623730951);  // correctly rounded
static_assert(cm::abs(cm::sqrt(2.0) - 1.4142135623730951) < 1e-16);
static_assert(cm::sqrt(4.0) == 2.0);
static_assert(cm::sqrt(2.0f) == 1.41421354f);
static_assert(cm::sqrt(dinf) == dinf);
static_assert(cm::sqrt(-1.0) != cm::sqrt(-1.0));  // NaN
static_assert(cm::sin(0.0) == 0.0);
static_assert(cm::cos(0.0) == 1.0);
static_assert(cm::abs(cm::sin(3.141592653589793) - 1.2246467991473532e-16) < 1e-31);
static_assert(cm::abs(cm::cos(3.141592653589793) + 1.0) <= 0x1p-53);
static_assert(cm::abs(cm::sin(1e6) - (-0.34999350217129294)) < 1e-16);
static_assert(cm::abs(cm::tan(0.7853981633974483) - 1.0) < 3e-16);
static_assert(cm::abs(cm::sin(0.5f) - 0.47942554f) <= 3e-8f);
static_assert(cm::tanh(100.0) == 1.0);
static_assert(cm::tanh(-100.0) == -1.0);
static_assert(cm::abs(cm::tanh(0.5) - 0.46211715726000974) < 1e-16);
static_assert(cm::atan(1.0) == 0.7853981633974483);
static_assert(cm::pow_int(2.0, 10) == 1024.0);
static_assert(cm::pow_int(2.0, -2) == 0.25);
static_assert(cm::pow_int(-3.0, 3) == -27.0);
static_assert(cm::pow_int(10.0, 400) == dinf);
static_assert(cm::pow_int(10.0, -400) == 0.0);
static_assert(cm::pow_int(1.5f, 2) == 2.25f);
static_assert(cm::abs(-2.5) == 2.5);
static_assert(cm::abs(-2.5f) == 2.5f);
static_assert(cm::abs(-0.0L) == 0.0L);
static_assert(cm::exp(dnan) != cm::exp(dnan));
static_assert(cm::exp(0.0L) == 1.0L);

// ---------------------------------------------------------------------------
// ulp distance: 0 for equal values (and for two NaNs), huge if only one is NaN.
template <class T>
double ulp_distance(T a, T b) {
  if (a != a || b != b)
    return (a != a && b != b) ? 0.0 : 1e300;
  if (a == b)
    return 0.0;
  using I = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;
  using U = std::make_unsigned_t<I>;
  // Map the sign-magnitude bit pattern to a monotonic unsigned integer.
  auto ordered = [](T v) {
    const U u = std::bit_cast<U>(v);
    const U sign = U{1} << (8 * sizeof(T) - 1);
    return (u & sign) != 0 ? sign - (u & ~sign) : sign + u;
  };
  const U ua = ordered(a);
  const U ub = ordered(b);
  return static_cast<double>(ua > ub ? ua - ub : ub - ua);
}

struct xorshift {
  std::uint64_t s = 0x9E3779B97F4A7C15ULL;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

void add_log_spaced(std::vector<double>& v, double lo, double hi, int n, bool both_signs) {
  const double a = std::log(lo);
  const double b = std::log(hi);
  for (int i = 0; i <= n; ++i) {
    const double x = std::exp(a + (b - a) * i / n);
    v.push_back(x);
    if (both_signs)
      v.push_back(-x);
  }
}

void add_linear(std::vector<double>& v, double lo, double hi, int n) {
  for (int i = 0; i <= n; ++i) v.push_back(lo + (hi - lo) * i / n);
}

// Random finite doubles with |x| in [lo, hi] (uniform in the bit pattern, so
// every binade is covered).
void add_random_bits(std::vector<double>& v, double lo, double hi, int n, bool both_signs) {
  xorshift g;
  int added = 0;
  while (added < n) {
    const double x = std::bit_cast<double>(g.next() & 0x7fffffffffffffffULL);
    if (!(x >= lo && x <= hi))
      continue;
    v.push_back(x);
    if (both_signs)
      v.push_back(-x);
    ++added;
  }
}

// Arguments with their neighbours (+-1, +-2 ulp).
void add_with_neighbours(std::vector<double>& v, double x) {
  double lo = x;
  double hi = x;
  v.push_back(x);
  for (int i = 0; i < 2; ++i) {
    lo = std::nextafter(lo, -dinf);
    hi = std::nextafter(hi, dinf);
    v.push_back(lo);
    v.push_back(hi);
  }
}

template <class F, class G>
void check_sweep(const char* name, const std::vector<double>& args, F ce_fn, G std_fn,
                 double max_double_ulp, double max_float_ulp) {
  double worst_d = 0.0;
  double arg_d = 0.0;
  double worst_f = 0.0;
  double arg_f = 0.0;
  for (const double x : args) {
    const double ed = ulp_distance(ce_fn(x), std_fn(x));
    if (ed > worst_d) {
      worst_d = ed;
      arg_d = x;
    }
    if (std::fabs(x) <= static_cast<double>(std::numeric_limits<float>::max())) {
      const float xf = static_cast<float>(x);
      const double ef = ulp_distance(ce_fn(xf), std_fn(xf));
      if (ef > worst_f) {
        worst_f = ef;
        arg_f = static_cast<double>(xf);
      }
    }
  }
  INFO(std::string(name) << ": " << args.size() << " args, double max " << worst_d << " ulp at x = "
                         << arg_d << ", float max " << worst_f << " ulp at x = " << arg_f);
#ifdef CTGRAD_CONSTEXPR_MATH_REPORT
  MESSAGE(std::string(name) << ": double max " << worst_d << " ulp (x = " << arg_d
                            << "), float max " << worst_f << " ulp (x = " << arg_f << ")");
#endif
  CHECK(worst_d <= max_double_ulp);
  CHECK(worst_f <= max_float_ulp);
}

// Generic lambdas so one call checks both the double and float overloads.
#define CTGRAD_FN(ns, fn) [](auto x) { return ns::fn(x); }

}  // namespace

TEST_CASE("constexpr_math: exp and expm1 match std within 2 ulp") {
  std::vector<double> v;
  add_linear(v, -746.0, 710.0, 40000);
  add_log_spaced(v, 1e-320, 746.0, 20000, true);
  add_linear(v, -1.0, 1.0, 20000);
  for (double x : {0.0, -0.0, 709.782712893384, 709.7827128933841, -745.1332191019411,
                   -745.1332191019412, -708.3964185322641, 88.72283935546875, -103.97207708})
    add_with_neighbours(v, x);
  check_sweep("exp", v, CTGRAD_FN(ce, exp), CTGRAD_FN(std, exp), 2, 1);

  std::vector<double> w;
  add_linear(w, -40.0, 710.0, 40000);
  add_log_spaced(w, 1e-320, 710.0, 20000, true);
  add_linear(w, -2.0, 2.0, 40000);
  for (double x : {0.0, -0.0, 0.34657359027997264, -0.34657359027997264, 0.6931471805599453, -37.5,
                   -38.0, 709.782712893384})
    add_with_neighbours(w, x);
  check_sweep("expm1", w, CTGRAD_FN(ce, expm1), CTGRAD_FN(std, expm1), 2, 1);
}

TEST_CASE("constexpr_math: log and log1p match std within 2 ulp") {
  std::vector<double> v;
  add_random_bits(v, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                  40000, false);
  add_log_spaced(v, 1e-323, 1e308, 20000, false);
  add_linear(v, 0.5, 2.0, 40000);
  for (int k = 1; k <= 2000; ++k) {  // the pole of relative error at x = 1
    v.push_back(1.0 + k * 0x1p-52);
    v.push_back(1.0 - k * 0x1p-53);
  }
  for (double x : {1.0, std::sqrt(2.0), std::sqrt(0.5), std::numeric_limits<double>::min(),
                   std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()})
    add_with_neighbours(v, x);
  check_sweep("log", v, CTGRAD_FN(ce, log), CTGRAD_FN(std, log), 2, 1);

  std::vector<double> w;
  add_log_spaced(w, 1e-320, 1e308, 20000, false);
  add_log_spaced(w, 1e-320, 1.0 - 0x1p-53, 20000, false);
  for (std::size_t i = 0, n = w.size(); i < n; ++i)
    if (w[i] < 1.0)
      w.push_back(-w[i]);  // (-1, 0)
  add_linear(w, -0.999, 3.0, 40000);
  add_random_bits(w, 0.0, 1e300, 20000, false);
  for (int k = 1; k <= 1000; ++k) w.push_back(-1.0 + k * 0x1p-53);
  for (double x : {0.0, -0.0, 1.0, -0.5, 0.41421356237309503, -0.2928932188134524, 0x1p53, 0x1p54})
    add_with_neighbours(w, x);
  check_sweep("log1p", w, CTGRAD_FN(ce, log1p), CTGRAD_FN(std, log1p), 2, 1);
}

TEST_CASE("constexpr_math: sqrt is correctly rounded") {
  std::vector<double> v;
  add_random_bits(v, 0.0, std::numeric_limits<double>::max(), 60000, false);
  add_log_spaced(v, 1e-323, 1e308, 20000, false);
  add_linear(v, 0.0, 10.0, 20000);
  for (int k = 1; k <= 1000; ++k) {  // perfect squares and their neighbours
    add_with_neighbours(v, static_cast<double>(k) * k);
    add_with_neighbours(v, static_cast<double>(k) * k * 0x1p-1074);
  }
  check_sweep("sqrt", v, CTGRAD_FN(ce, sqrt), CTGRAD_FN(std, sqrt), 0, 0);
}

TEST_CASE("constexpr_math: sin, cos, tan match std within 2 ulp for |x| <= 2^50") {
  std::vector<double> v;
  add_log_spaced(v, 1e-320, 0x1p50, 40000, true);
  add_linear(v, -20.0, 20.0, 40000);
  add_linear(v, 1e6 - 50.0, 1e6 + 50.0, 10000);
  add_random_bits(v, 1e-3, 1e9, 20000, true);
  add_random_bits(v, 1e-3, 0x1p50, 5000, true);
  // Doubles nearest to multiples of pi/2 (hard cancellation in the reduction),
  // computed in long double, for n < 2000 and random n up to 2^49.
  const long double pio2 = 1.570796326794896619231321691639751442L;
  xorshift g;
  for (int i = 0; i < 4000; ++i) {
    const std::int64_t n = i < 2000 ? i : static_cast<std::int64_t>(g.next() >> (34 - i % 20));
    add_with_neighbours(v, static_cast<double>(static_cast<long double>(n) * pio2));
  }
  for (double x : {0.0, -0.0, 0.7853981633974483, 1e6, -1e6, 1e9, 0x1p50, -0x1p50})
    add_with_neighbours(v, x);
  std::erase_if(v, [](double x) { return std::fabs(x) > 0x1p50; });
  check_sweep("sin", v, CTGRAD_FN(ce, sin), CTGRAD_FN(std, sin), 2, 1);
  check_sweep("cos", v, CTGRAD_FN(ce, cos), CTGRAD_FN(std, cos), 2, 1);
  check_sweep("tan", v, CTGRAD_FN(ce, tan), CTGRAD_FN(std, tan), 2, 1);
}

TEST_CASE("constexpr_math: tanh and atan match std within 2 ulp") {
  std::vector<double> v;
  add_log_spaced(v, 1e-320, 1e3, 20000, true);
  add_linear(v, -25.0, 25.0, 40000);
  add_linear(v, -1.0, 1.0, 20000);
  for (double x : {0.0, -0.0, 0x1p-27, 0.55, 1.0, 19.0, 22.0, 1e300, -1e300})
    add_with_neighbours(v, x);
  // glibc's tanh/tanhf are themselves up to 2 ulp off (e.g. tanhf(-0x1.ffffe2p-1)
  // is 2 ulp from the correctly rounded -0x1.85ef9ep-1), so float is checked
  // against std::tanh in double rounded to float; double against std::tanh.
  auto ref_tanh = [](auto x) {
    if constexpr (std::is_same_v<decltype(x), float>)
      return static_cast<float>(std::tanh(static_cast<double>(x)));
    else
      return std::tanh(x);
  };
  check_sweep("tanh", v, CTGRAD_FN(ce, tanh), ref_tanh, 2, 1);

  std::vector<double> w;
  add_log_spaced(w, 1e-320, 1e308, 30000, true);
  add_linear(w, -5.0, 5.0, 40000);
  for (double x : {0.0, -0.0, 0.4375, 0.6875, 1.1875, 2.4375, 1.0, 0x1p66})
    add_with_neighbours(w, x);
  check_sweep("atan", w, CTGRAD_FN(ce, atan), CTGRAD_FN(std, atan), 2, 1);
}

TEST_CASE("constexpr_math: pow_int matches std::pow within 2 ulp") {
  std::vector<double> xs;
  add_log_spaced(xs, 1e-4, 1e4, 400, true);
  add_linear(xs, 0.9, 1.1, 100);
  for (double x : {1e-300, 1e300, 0x1p-1074, 2.0, -1.0}) xs.push_back(x);
  const int ns[] = {1,
                    2,
                    3,
                    5,
                    7,
                    10,
                    17,
                    31,
                    64,
                    100,
                    255,
                    1000,
                    12345,
                    1 << 20,
                    std::numeric_limits<int>::max(),
                    std::numeric_limits<int>::min()};
  double worst_d = 0.0;
  double worst_f = 0.0;
  for (const double x : xs) {
    for (const int n0 : ns) {
      for (const int n : {n0, n0 == std::numeric_limits<int>::min() ? n0 : -n0}) {
        const double ed = ulp_distance(ce::pow_int(x, n), std::pow(x, static_cast<double>(n)));
        INFO("x = " << x << ", n = " << n);
        CHECK(ed <= 2);
        worst_d = std::max(worst_d, ed);
        const float xf = static_cast<float>(x);
        const float ref =
            static_cast<float>(std::pow(static_cast<double>(xf), static_cast<double>(n)));
        const double ef = ulp_distance(ce::pow_int(xf, n), ref);
        CHECK(ef <= 1);
        worst_f = std::max(worst_f, ef);
      }
    }
  }
#ifdef CTGRAD_CONSTEXPR_MATH_REPORT
  MESSAGE("pow_int: double max " << worst_d << " ulp, float max " << worst_f << " ulp");
#endif
  CHECK(ce::pow_int(dnan, 0) == 1.0);
  CHECK(ce::pow_int(0.0, -1) == dinf);
  CHECK(ce::pow_int(-0.0, -1) == -dinf);
  CHECK(ce::pow_int(-0.0, 3) == 0.0);
  CHECK(std::signbit(ce::pow_int(-0.0, 3)));
  CHECK(ce::pow_int(-dinf, 3) == -dinf);
  CHECK(ce::pow_int(-dinf, -2) == 0.0);
  CHECK(ce::pow_int(-1.0, std::numeric_limits<int>::max()) == -1.0);
}

TEST_CASE("constexpr_math: special values") {
  auto is_nan = [](auto x) { return x != x; };
  // NaN in -> NaN out, for double and float.
  CHECK(is_nan(ce::exp(dnan)));
  CHECK(is_nan(ce::expm1(dnan)));
  CHECK(is_nan(ce::log(dnan)));
  CHECK(is_nan(ce::log1p(dnan)));
  CHECK(is_nan(ce::sqrt(dnan)));
  CHECK(is_nan(ce::sin(dnan)));
  CHECK(is_nan(ce::cos(dnan)));
  CHECK(is_nan(ce::tan(dnan)));
  CHECK(is_nan(ce::tanh(dnan)));
  CHECK(is_nan(ce::atan(dnan)));
  CHECK(is_nan(ce::pow_int(dnan, 3)));
  CHECK(is_nan(ce::exp(fnan)));
  CHECK(is_nan(ce::log(fnan)));
  CHECK(is_nan(ce::sin(fnan)));
  // exp / expm1
  CHECK(ce::exp(dinf) == dinf);
  CHECK(ce::exp(-dinf) == 0.0);
  CHECK(ce::exp(710.0) == dinf);
  CHECK(ce::exp(-746.0) == 0.0);
  CHECK(ce::exp(-745.0) == std::exp(-745.0));  // smallest subnormals
  CHECK(ce::exp(89.0f) == finf);
  CHECK(ce::exp(-104.0f) == 0.0f);
  CHECK(ce::expm1(dinf) == dinf);
  CHECK(ce::expm1(-dinf) == -1.0);
  CHECK(std::signbit(ce::expm1(-0.0)));
  // log / log1p
  CHECK(ce::log(0.0) == -dinf);
  CHECK(ce::log(-0.0) == -dinf);
  CHECK(is_nan(ce::log(-1.0)));
  CHECK(is_nan(ce::log(-dinf)));
  CHECK(ce::log(dinf) == dinf);
  CHECK(ce::log(0.0f) == -finf);
  CHECK(ce::log1p(-1.0) == -dinf);
  CHECK(is_nan(ce::log1p(-2.0)));
  CHECK(ce::log1p(dinf) == dinf);
  CHECK(std::signbit(ce::log1p(-0.0)));
  // sqrt
  CHECK(is_nan(ce::sqrt(-1.0)));
  CHECK(is_nan(ce::sqrt(-dinf)));
  CHECK(is_nan(ce::sqrt(-1.0f)));
  CHECK(ce::sqrt(dinf) == dinf);
  CHECK(ce::sqrt(finf) == finf);
  CHECK(std::signbit(ce::sqrt(-0.0)));
  // trig
  CHECK(is_nan(ce::sin(dinf)));
  CHECK(is_nan(ce::cos(-dinf)));
  CHECK(is_nan(ce::tan(dinf)));
  CHECK(std::signbit(ce::sin(-0.0)));
  CHECK(std::signbit(ce::tan(-0.0)));
  CHECK(is_nan(ce::sin(1e300)));  // outside the documented range (|x| > 2^50)
  // tanh / atan
  CHECK(ce::tanh(dinf) == 1.0);
  CHECK(ce::tanh(-dinf) == -1.0);
  CHECK(ce::tanh(1e300) == 1.0);
  CHECK(ce::tanh(-30.0f) == -1.0f);
  CHECK(std::signbit(ce::tanh(-0.0)));
  CHECK(ce::atan(dinf) == std::atan(dinf));
  CHECK(ce::atan(-dinf) == std::atan(-dinf));
  // abs
  CHECK(!std::signbit(ce::abs(-0.0)));
  CHECK(!std::signbit(ce::abs(-0.0f)));
  CHECK(ce::abs(-dinf) == dinf);
  CHECK(ce::abs(-3.0L) == 3.0L);
}

TEST_CASE("constexpr_math: public functions dispatch at run time to simd_math or to std") {
  volatile double x = 0.7;  // defeat constant folding
  volatile float xf = 0.7f;
  // exp, expm1, log, log1p, tanh: ctgrad's vectorized versions (the bits of a packet's lanes)
  CHECK(cm::exp(x) == ctgrad::detail::simd::exp(x));
  CHECK(cm::log(x) == ctgrad::detail::simd::log(x));
  CHECK(cm::tanh(x) == ctgrad::detail::simd::tanh(x));
  CHECK(cm::expm1(xf) == ctgrad::detail::simd::expm1(xf));
  CHECK(cm::log1p(xf) == ctgrad::detail::simd::log1p(xf));
  // ... which are within an ulp of the C library's
  CHECK(cm::exp(x) == doctest::Approx(std::exp(x)).epsilon(3e-16));
  CHECK(cm::tanh(x) == doctest::Approx(std::tanh(x)).epsilon(3e-16));
  // the others, and long double, are the C library's
  CHECK(cm::sin(x) == std::sin(x));
  CHECK(cm::pow_int(x, -3) == std::pow(x, -3));
  CHECK(cm::sin(0.7L) == std::sin(0.7L));
  CHECK(cm::exp(0.7L) == std::exp(0.7L));
  // A constant-evaluated value is the `ce` result.
  constexpr double e = cm::exp(0.7);
  CHECK(e == ce::exp(0.7));
}

// ---------------------------------------------------------------------------
// The functions added for issue 8.
namespace {
static_assert(cm::sinh(0.0) == 0.0 && cm::cosh(0.0) == 1.0);
static_assert(cm::sinh(1000.0) == dinf && cm::cosh(-1000.0) == dinf);
static_assert(cm::abs(cm::sinh(1.0) - 1.1752011936438014) <= 0x1p-52);
static_assert(cm::sigmoid(0.0) == 0.5 && cm::sigmoid(1000.0) == 1.0 && cm::sigmoid(-1000.0) == 0.0);
static_assert(cm::softplus(1000.0) == 1000.0 && cm::softplus(-1000.0) == 0.0);
static_assert(cm::log_sigmoid(-1000.0) == -1000.0 && cm::log_sigmoid(1000.0) == 0.0);
static_assert(cm::cbrt(-27.0) == -3.0 && cm::cbrt(0.125) == 0.5 && cm::cbrt(8.0f) == 2.0f);
static_assert(cm::asin(1.0) == 0x1.921fb54442d18p+0 && cm::acos(-1.0) == 0x1.921fb54442d18p+1);
static_assert(cm::acos(1.0) == 0.0 && cm::asin(-0.5) == -0.52359877559829893);
static_assert(cm::asin(2.0) != cm::asin(2.0));  // NaN outside [-1, 1]
static_assert(cm::hypot(3.0, 4.0) == 5.0 && cm::hypot(1e300, 1e300) == 1.4142135623730951e300);
static_assert(cm::erf(0.0) == 0.0 && cm::erf(10.0) == 1.0 && cm::erf(-10.0) == -1.0);
static_assert(cm::abs(cm::erf(0.5) - 0.52049987781304652) <= 0x1p-53);
static_assert(cm::pow(2.0, 0.5) == 1.4142135623730951 && cm::pow(-8.0, 3.0) == -512.0);
static_assert(cm::pow(-8.0, 1.0 / 3.0) != cm::pow(-8.0, 1.0 / 3.0));  // NaN: real exponent
static_assert(cm::pow_rational(-8.0, 1, 3) == -2.0 && cm::pow_rational(4.0, 3, 2) == 8.0);
static_assert(cm::pow_rational(-4.0, 1, 2) != cm::pow_rational(-4.0, 1, 2));  // NaN: even root
}  // namespace

TEST_CASE("constexpr_math: sinh and cosh within 1 ulp of long double") {
  std::vector<double> v;
  add_log_spaced(v, 1e-320, 711.0, 20000, true);
  add_linear(v, -25.0, 25.0, 40000);
  add_linear(v, -1.0, 1.0, 20000);
  for (double x : {0.0, -0.0, 0x1p-28, 22.0, 709.78, 710.4758600739439, 710.475860073944, 711.0})
    add_with_neighbours(v, x);
  // glibc's sinh and cosh are themselves up to 2 ulp off (sinh(-0.75125)): the reference is
  // the long double function rounded
  auto in_long_double = [](auto f) {
    return [f](auto x) { return static_cast<decltype(x)>(f(static_cast<long double>(x))); };
  };
  check_sweep("sinh", v, CTGRAD_FN(ce, sinh), in_long_double(CTGRAD_FN(std, sinh)), 1, 1);
  check_sweep("cosh", v, CTGRAD_FN(ce, cosh), in_long_double(CTGRAD_FN(std, cosh)), 1, 1);
}

TEST_CASE("constexpr_math: sigmoid, softplus, log_sigmoid within 2 ulp of long double") {
  std::vector<double> v;
  add_log_spaced(v, 1e-320, 800.0, 20000, true);
  add_linear(v, -40.0, 40.0, 40000);
  for (double x : {0.0, -0.0, 37.5, -37.5, 745.0, -745.0, 1000.0, -1000.0})
    add_with_neighbours(v, x);
  auto sigmoid = [](auto x) {
    using T = decltype(x);
    return static_cast<T>(1 / (1 + std::exp(-static_cast<long double>(x))));
  };
  auto softplus = [](auto x) {
    using T = decltype(x);
    const long double l = x;
    return static_cast<T>(l > 0 ? l + std::log1p(std::exp(-l)) : std::log1p(std::exp(l)));
  };
  auto log_sigmoid = [&](auto x) { return -softplus(-x); };
  check_sweep("sigmoid", v, CTGRAD_FN(ce, sigmoid), sigmoid, 1, 1);
  check_sweep("softplus", v, CTGRAD_FN(ce, softplus), softplus, 2, 1);
  check_sweep("log_sigmoid", v, CTGRAD_FN(ce, log_sigmoid), log_sigmoid, 2, 1);
}

TEST_CASE("constexpr_math: cbrt, asin, acos, hypot, erf within 1 ulp") {
  std::vector<double> v;
  add_random_bits(v, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                  40000, true);
  add_linear(v, -10.0, 10.0, 20000);
  for (int k = 1; k <= 1000; ++k) add_with_neighbours(v, static_cast<double>(k) * k * k);
  // glibc's cbrt is up to 3 ulp off (cbrt(0x1.99ae766fbe7ebp-192)), and cbrtl rounded to double
  // 1 ulp: the reference is cbrtl refined by a Newton step in long double
  auto cbrt_ref = [](auto x) {
    const long double l = x;
    long double r = std::cbrt(l);
    if (r != 0 && std::isfinite(r))
      r -= (r * r * r - l) / (3 * r * r);
    return static_cast<decltype(x)>(r);
  };
  check_sweep("cbrt", v, CTGRAD_FN(ce, cbrt), cbrt_ref, 1, 1);

  std::vector<double> u;
  add_linear(u, -1.0, 1.0, 80000);
  add_log_spaced(u, 1e-320, 1.0, 20000, true);
  for (int k = 1; k <= 2000; ++k) {  // near +-1, where 1 - |x| is tiny
    u.push_back(1.0 - k * 0x1p-53);
    u.push_back(-1.0 + k * 0x1p-53);
  }
  for (double x : {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -2.0}) add_with_neighbours(u, x);
  check_sweep("asin", u, CTGRAD_FN(ce, asin), CTGRAD_FN(std, asin), 1, 1);
  check_sweep("acos", u, CTGRAD_FN(ce, acos), CTGRAD_FN(std, acos), 1, 1);

  std::vector<double> w;
  add_linear(w, -7.0, 7.0, 80000);
  add_log_spaced(w, 1e-320, 10.0, 20000, true);
  for (double x : {0.0, -0.0, 2.5, -2.5, 5.9, 6.0}) add_with_neighbours(w, x);
  check_sweep("erf", w, CTGRAD_FN(ce, erf), CTGRAD_FN(std, erf), 1, 1);

  // hypot over pairs spread across the exponent range, with both orders and signs
  xorshift g;
  double worst = 0.0;
  for (int i = 0; i < 200000; ++i) {
    const auto draw = [&] {
      const double m = static_cast<double>(g.next() >> 11) * 0x1p-53;
      const int e = static_cast<int>(g.next() % 2100) - 1074;
      return (g.next() & 1 ? -1.0 : 1.0) * std::ldexp(m, i % 4 == 0 ? e : e % 40);
    };
    const double x = draw(), y = draw();
    worst = std::max({worst, ulp_distance(ce::hypot(x, y), std::hypot(x, y)),
                      ulp_distance(ce::hypot(static_cast<float>(x), static_cast<float>(y)),
                                   std::hypot(static_cast<float>(x), static_cast<float>(y)))});
  }
#ifdef CTGRAD_CONSTEXPR_MATH_REPORT
  MESSAGE("hypot: max " << worst << " ulp");
#endif
  CHECK(worst <= 1);
  CHECK(ce::hypot(dinf, dnan) == dinf);
  CHECK(std::isnan(ce::hypot(1.0, dnan)));
  CHECK(ce::hypot(-0.0, 0.0) == 0.0);
}

TEST_CASE("constexpr_math: pow with a real exponent and with a rational one") {
  xorshift g;
  double worst = 0.0, worst_rational = 0.0, worst_runtime = 0.0;
  for (int i = 0; i < 200000; ++i) {
    const double m = static_cast<double>(g.next() >> 11) * 0x1p-53;
    const double x = std::ldexp(m, static_cast<int>(g.next() % 200) - 100);
    const double y = (static_cast<double>(g.next() >> 11) * 0x1p-53 - 0.5) * 400.0;
    worst = std::max(worst, ulp_distance(ce::pow(x, y), std::pow(x, y)));
    const std::int64_t n = static_cast<std::int64_t>(g.next() % 15) - 7;
    const std::int64_t d = static_cast<std::int64_t>(g.next() % 6) + 2;
    const double big = std::ldexp(m, static_cast<int>(g.next() % 2000) - 1000);
    const long double want =
        std::pow(static_cast<long double>(big), static_cast<long double>(n) / d);
    const double rounded = static_cast<double>(want);
    worst_rational = std::max(worst_rational, ulp_distance(ce::pow_rational(big, n, d), rounded));
    worst_runtime = std::max(worst_runtime, ulp_distance(cm::pow_rational(big, n, d), rounded));
  }
#ifdef CTGRAD_CONSTEXPR_MATH_REPORT
  MESSAGE("pow: max " << worst << " ulp; pow_rational: " << worst_rational << " ulp, run time "
                      << worst_runtime << " ulp");
#endif
  CHECK(worst <= 1);
  CHECK(worst_rational <= 1);
  CHECK(worst_runtime <= 2);
  // C's special cases
  CHECK(ce::pow(dnan, 0.0) == 1.0);
  CHECK(ce::pow(1.0, dnan) == 1.0);
  CHECK(std::isnan(ce::pow(-2.0, 0.5)));
  CHECK(ce::pow(-2.0, 3.0) == -8.0);
  CHECK(ce::pow(0.0, -1.0) == dinf);
  CHECK(ce::pow(-0.0, -1.0) == -dinf);
  CHECK(ce::pow(-0.0, 3.0) == 0.0);
  CHECK(std::signbit(ce::pow(-0.0, 3.0)));
  CHECK(ce::pow(0.5, dinf) == 0.0);
  CHECK(ce::pow(2.0, -dinf) == 0.0);
  CHECK(ce::pow(-1.0, dinf) == 1.0);
  CHECK(ce::pow(-dinf, 3.0) == -dinf);
  CHECK(ce::pow(-dinf, -3.0) == 0.0);
  CHECK(ce::pow(10.0, 400.5) == dinf);
  CHECK(ce::pow(10.0, -400.5) == 0.0);
  // exponents near DBL_MAX, where an exact product y log x would overflow (once -inf for 0)
  CHECK(ce::pow(1e-152, 1e301) == 0.0);
  CHECK(ce::pow(1e152, 1e301) == dinf);
  CHECK(ce::pow(1e-152, -1e301) == dinf);
  CHECK(ce::pow(0.5, 0x1.8p1023) == 0.0);
  CHECK(ce::pow(1.0 + 0x1p-52, 0x1p1023) == dinf);
  // rational exponents: real odd roots of negative numbers, NaN for even roots
  CHECK(ce::pow_rational(-27.0, 2, 3) == 9.0);
  CHECK(cm::pow_rational(-27.0, 2, 3) == doctest::Approx(9.0).epsilon(1e-15));
  CHECK(cm::pow_rational(-27.0, 1, 3) == doctest::Approx(-3.0).epsilon(1e-15));
  CHECK(std::isnan(cm::pow_rational(-4.0, 1, 2)));
  CHECK(std::signbit(ce::pow_rational(-0.0, 1, 3)));
  CHECK(ce::pow_rational(0.0, -1, 3) == dinf);
  CHECK(cm::pow_rational(0.0, 1, 3) == 0.0);
}

TEST_CASE("constexpr_math: special values of the issue 8 functions") {
  CHECK(std::isnan(ce::sinh(dnan)));
  CHECK(std::isnan(ce::cosh(dnan)));
  CHECK(std::isnan(ce::sigmoid(dnan)));
  CHECK(std::isnan(ce::softplus(dnan)));
  CHECK(std::isnan(ce::cbrt(dnan)));
  CHECK(std::isnan(ce::erf(dnan)));
  CHECK(std::isnan(ce::acos(-1.5)));
  CHECK(ce::cbrt(-dinf) == -dinf);
  CHECK(std::signbit(ce::cbrt(-0.0)));
  CHECK(std::signbit(ce::asin(-0.0)));
  CHECK(std::signbit(ce::erf(-0.0)));
  CHECK(ce::erf(dinf) == 1.0);
  CHECK(ce::sigmoid(-dinf) == 0.0);
  CHECK(ce::softplus(dinf) == dinf);
  CHECK(ce::sinh(-dinf) == -dinf);
  CHECK(ce::cosh(-dinf) == dinf);
  CHECK(ce::sigmoid(fnan) != ce::sigmoid(fnan));
  CHECK(ce::sinh(100.0f) == finf);
}
