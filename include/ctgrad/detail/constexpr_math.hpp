#pragma once
// constexpr elementary functions.
//
// <cmath> is not constexpr on clang (and only partially, as an extension, on
// gcc), so every public function here dispatches: during constant evaluation
// it runs the own implementation in namespace `ce`, at run time it calls the
// standard library.  The `ce` functions are ordinary constexpr functions, so
// the tests call them at run time and compare them with <cmath>.
//
// Accuracy of `ce` (double), designed for ~0.5 ulp (double-double
// intermediate sums, one final rounding) and measured against glibc over
// millions of arguments (tests/detail/constexpr_math.cpp sweeps a subset):
// <= 1 ulp for exp, expm1, log, log1p, sin, cos, tan (|x| <= 2^50), atan,
// pow_int; sqrt is correctly rounded (0 ulp); tanh differs from glibc by up
// to 2 ulp, which is glibc's error (ours matched the correctly rounded value
// in the checked cases).  Subnormal results of exp/pow_int are rounded twice
// (<= 1 subnormal ulp).  float is computed in double and rounded once, so it
// is within 1 ulp of std (sqrt: correctly rounded).  long double is computed
// in double during constant evaluation, i.e. only with double precision and
// range (run time uses std as usual).
//
// Limitation: sin/cos/tan reduce the argument with a 4-part pi/2 and an
// integer quotient that must be exact in double; for |x| > 2^50 (float and
// double) `ce` has no accurate reduction and calls a non-constexpr function,
// which makes a constant evaluation fail to compile instead of giving a
// silently wrong value (at run time `ce` returns NaN there).
//
// Constant evaluation must never produce an infinity or NaN by arithmetic
// (gcc rejects overflow in constant expressions), so special results come
// from std::numeric_limits and every path checks its range first.

#include "config.hpp"

#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>
#include "simd_math.hpp"

namespace ctgrad::detail {
namespace ce {
namespace impl {

using u64 = std::uint64_t;
using i64 = std::int64_t;

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
inline constexpr u64 sign_mask = u64{1} << 63;
inline constexpr u64 exp_mask = u64{0x7ff} << 52;
inline constexpr u64 frac_mask = (u64{1} << 52) - 1;

/// Unevaluated sum hi + lo with |lo| <= ulp(hi) / 2 ("double-double").
struct dd {
  double hi;
  double lo;
};

/// Exact sum: a + b == s.hi + s.lo (Knuth's branch-free TwoSum).
constexpr dd two_sum(double a, double b) noexcept {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

/// Exact sum for |a| >= |b| (Dekker's FastTwoSum).
constexpr dd fast_two_sum(double a, double b) noexcept {
  const double s = a + b;
  return {s, b - (s - a)};
}

/// Exact product a * b == p.hi + p.lo without fma (Dekker/Veltkamp split);
/// requires |a|, |b| < 2^995 so the split constant cannot overflow.
constexpr dd two_prod(double a, double b) noexcept {
  constexpr double split = 134217729.0;  // 2^27 + 1
  const double ta = split * a;
  const double ah = ta - (ta - a);
  const double al = a - ah;
  const double tb = split * b;
  const double bh = tb - (tb - b);
  const double bl = b - bh;
  const double p = a * b;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

/// Double-double product, relative error about 2^-104.
constexpr dd mul(dd a, dd b) noexcept {
  dd p = two_prod(a.hi, b.hi);
  return fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/// a / b rounded to double; the remainder is computed exactly, so the
/// result is within ~0.5 ulp (plus 2^-100 relative from the operands).
constexpr double div_to_double(dd a, dd b) noexcept {
  const double q = a.hi / b.hi;
  const dd p = two_prod(q, b.hi);
  const double rem = ((a.hi - p.hi) - p.lo) + a.lo - q * b.lo;
  return q + rem / b.hi;
}

/// True for NaN (constexpr-safe: comparisons with NaN do not trap).
constexpr bool is_nan(double x) noexcept { return x != x; }

/// |x| via the sign bit, so -0 and negative NaN are handled.
constexpr double fabs(double x) noexcept {
  return std::bit_cast<double>(std::bit_cast<u64>(x) & ~sign_mask);
}

/// Magnitude of `mag` with the sign of `sgn`.
constexpr double copysign(double mag, double sgn) noexcept {
  return std::bit_cast<double>((std::bit_cast<u64>(mag) & ~sign_mask) |
                               (std::bit_cast<u64>(sgn) & sign_mask));
}

/// Exact 2^k for k in [-1022, 1023] (built from the bits, no loop).
constexpr double pow2(int k) noexcept {
  return std::bit_cast<double>(static_cast<u64>(k + 1023) << 52);
}

/// Nearest integer (ties away from zero) for |v| < 2^62; exact because the
/// fractional part v - trunc(v) is computed without rounding.
constexpr i64 nearest_int(double v) noexcept {
  i64 i = static_cast<i64>(v);
  const double f = v - static_cast<double>(i);
  if (f >= 0.5)
    ++i;
  if (f <= -0.5)
    --i;
  return i;
}

/// y * 2^k with one rounding, +-inf on overflow and correct gradual
/// underflow.  y must be finite.  Works on the exponent bits directly, so it
/// never overflows during constant evaluation.
constexpr double scale(double y, i64 k) noexcept {
  if (y == 0.0)
    return y;
  u64 bits = std::bit_cast<u64>(y);
  i64 e = static_cast<i64>((bits & exp_mask) >> 52);
  if (e == 0) {  // subnormal y: normalise first (exact)
    bits = std::bit_cast<u64>(y * 0x1p54);
    e = static_cast<i64>((bits & exp_mask) >> 52) - 54;
  }
  const i64 ne = e + k;
  if (ne >= 0x7ff)
    return copysign(inf, y);
  if (ne > 0)
    return std::bit_cast<double>((bits & ~exp_mask) | (static_cast<u64>(ne) << 52));
  if (ne <= -53)
    return copysign(0.0, y);  // |result| < 2^-1075 rounds to 0
  // Subnormal result: move to exponent ne + 54 (normal, exact), then the
  // multiplication by 2^-54 performs the single rounding to the subnormal grid.
  const double t = std::bit_cast<double>((bits & ~exp_mask) | (static_cast<u64>(ne + 54) << 52));
  return t * 0x1p-54;
}

/// Split finite x > 0 into x = m * 2^k with m in [sqrt(2)/2, sqrt(2)), exactly.
struct frexp_result {
  double m;
  int k;
};
constexpr frexp_result split_sqrt2(double x) noexcept {
  int k = 0;
  u64 bits = std::bit_cast<u64>(x);
  if ((bits & exp_mask) == 0) {  // subnormal: scale into the normal range
    bits = std::bit_cast<u64>(x * 0x1p54);
    k = -54;
  }
  k += static_cast<int>((bits & exp_mask) >> 52) - 1023;
  u64 frac = bits & frac_mask;
  // 0x6a09e667f3bcd is the fraction field of sqrt(2) rounded down.
  u64 ebits = u64{1023} << 52;
  if (frac > 0x6a09e667f3bcdULL) {
    ebits = u64{1022} << 52;  // m in (sqrt(2)/2, 1): halve
    ++k;
  }
  return {std::bit_cast<double>(ebits | frac), k};
}

// ln 2 split so that k * ln2_hi is exact for |k| < 2^20 (ln2_hi has 33
// significant bits); ln2_hi + ln2_lo = ln 2 to 2^-86 (fdlibm constants).
inline constexpr double ln2_hi = 0x1.62e42feep-1;
inline constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
inline constexpr double inv_ln2 = 0x1.71547652b82fep+0;

/// exp reduction x = k ln2 + (rh + rl), |rh| <= ~0.347.
struct exp_reduced {
  int k;
  double rh;
  double rl;
};
constexpr exp_reduced exp_reduce(double x) noexcept {
  const int k = static_cast<int>(nearest_int(x * inv_ln2));
  const double dk = static_cast<double>(k);
  // x - k*ln2_hi is exact (both are multiples of ulp(x) and the difference
  // has at most 53 significant bits); only k*ln2_lo rounds, keep its error.
  const double hi = x - dk * ln2_hi;
  const double lo = dk * ln2_lo;
  const dd r = fast_two_sum(hi, -lo);
  return {k, r.hi, r.lo};
}

/// expm1(rh + rl) for |rh| <= ~0.35 as a double-double, relative error
/// about 2^-60.  The r^2/2 term is formed exactly; the rest (< 0.008 |r|) is
/// a Taylor sum to r^16 (truncation < 2^-61 |r|).
constexpr dd expm1_kernel(double rh, double rl) noexcept {
  const dd sq = two_prod(rh, rh);
  double p = 1.0 / 20922789888000.0;  // 1/16!
  constexpr double inv_fact[] = {1.0 / 6.0,
                                 1.0 / 24.0,
                                 1.0 / 120.0,
                                 1.0 / 720.0,
                                 1.0 / 5040.0,
                                 1.0 / 40320.0,
                                 1.0 / 362880.0,
                                 1.0 / 3628800.0,
                                 1.0 / 39916800.0,
                                 1.0 / 479001600.0,
                                 1.0 / 6227020800.0,
                                 1.0 / 87178291200.0,
                                 1.0 / 1307674368000.0};
  for (int i = 12; i >= 0; --i) p = inv_fact[i] + rh * p;  // sum_{j>=0} r^j/(j+3)!
  const double cubic = rh * sq.hi * p;
  const dd s = fast_two_sum(rh, 0.5 * sq.hi);
  // d/dr expm1(r) = e^r ~ 1 + r + r^2/2 is the sensitivity to rl.
  const double lo = s.lo + 0.5 * sq.lo + cubic + rl * (1.0 + rh + 0.5 * sq.hi);
  return fast_two_sum(s.hi, lo);
}

/// exp(x) for double.
constexpr double exp(double x) noexcept {
  if (is_nan(x))
    return x;
  if (x > 709.8)
    return inf;  // exp(709.79) > DBL_MAX; scale() handles the rest
  if (x < -745.2)
    return 0.0;  // exp(-745.14) < 2^-1075 rounds to 0
  if (fabs(x) < 0x1p-54)
    return 1.0 + x;
  const exp_reduced r = exp_reduce(x);
  const dd u = expm1_kernel(r.rh, r.rl);
  const dd s = fast_two_sum(1.0, u.hi);  // 1 + u with u in [-0.3, 0.42]
  return scale(s.hi + (s.lo + u.lo), r.k);
}

/// expm1(x) as a double-double scaled by 2^k: value = (hi + lo) * 2^k.
/// Valid for -38 <= x <= 709.8 and |x| >= 2^-54.
struct scaled_dd {
  dd v;
  int k;
};
constexpr scaled_dd expm1_scaled(double x) noexcept {
  const exp_reduced r = exp_reduce(x);
  const dd u = expm1_kernel(r.rh, r.rl);
  if (r.k == 0)
    return {u, 0};
  // 2^k (1 + u) - 1 = 2^k (1 + u - 2^-k); every partial sum is exact (TwoSum)
  // so only the final rounding matters.  For k >= 60, 2^-k is negligible.
  const dd a = two_sum(1.0, u.hi);
  if (r.k >= 60)
    return {fast_two_sum(a.hi, a.lo + u.lo), r.k};
  const dd b = two_sum(a.hi, -pow2(-r.k));
  return {fast_two_sum(b.hi, b.lo + a.lo + u.lo), r.k};
}

/// expm1(x) for double.
constexpr double expm1(double x) noexcept {
  if (is_nan(x))
    return x;
  if (x > 709.8)
    return inf;
  if (x < -38.0)
    return -1.0;  // e^x < 2^-54: -1 + e^x rounds to -1
  if (fabs(x) < 0x1p-54)
    return x;  // also keeps the sign of -0
  const scaled_dd e = expm1_scaled(x);
  return scale(e.v.hi + e.v.lo, e.k);
}

/// tanh(x) = expm1(2x) / (expm1(2x) + 2) for x > 0, evaluated in
/// double-double, so only the final division rounds.
constexpr double tanh(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a < 0x1p-27)
    return x;  // x^3/3 is below half an ulp of x
  if (a > 22.0)
    return copysign(1.0, x);  // 1 - tanh(22) < 2^-62
  const scaled_dd e = expm1_scaled(2.0 * a);
  // k <= 64 here, so the scaling of both parts is exact (no under/overflow).
  const double s = pow2(e.k);
  const dd t{e.v.hi * s, e.v.lo * s};
  const dd d = two_sum(t.hi, 2.0);
  const dd den = fast_two_sum(d.hi, d.lo + t.lo);
  return copysign(div_to_double(t, den), x);
}

/// log(2^k (1 + f)) + c for f in [sqrt(2)/2 - 1, sqrt(2) - 1], exact f,
/// small correction c.  log(1+f) = 2 atanh(s), s = f/(2+f), rewritten as
/// f - f^2/2 + s (f^2/2 + R) with R = sum 2 s^(2j)/(2j+1) (fdlibm's form);
/// f^2/2 is formed exactly so the large terms are summed without error.
constexpr double log_kernel(int k, double f, double c) noexcept {
  const double s = f / (2.0 + f);
  const double z = s * s;  // z <= 0.0295, 12 terms: truncation < 2^-62
  double r = 2.0 / 25.0;
  for (int j = 11; j >= 1; --j) r = 2.0 / (2.0 * j + 1.0) + z * r;
  r *= z;
  const dd sq = two_prod(f, f);
  const double hfsq = 0.5 * sq.hi;
  const double dk = static_cast<double>(k);
  const dd a = two_sum(dk * ln2_hi, f);  // k*ln2_hi is exact
  const dd b = two_sum(a.hi, -hfsq);
  const double small = s * (hfsq + r) - 0.5 * sq.lo + dk * ln2_lo + c;
  return b.hi + (a.lo + b.lo + small);
}

/// Natural logarithm for double.
constexpr double log(double x) noexcept {
  if (is_nan(x))
    return x;
  if (x < 0.0)
    return nan;
  if (x == 0.0)
    return -inf;
  if (x == inf)
    return inf;
  const frexp_result d = split_sqrt2(x);
  return log_kernel(d.k, d.m - 1.0, 0.0);  // m - 1 exact (Sterbenz)
}

/// log(1 + x) for double: u = 1 + x rounds, so its exact rounding error c is
/// carried along as log(1 + x) = log(u) + c/u (fdlibm's method).
constexpr double log1p(double x) noexcept {
  if (is_nan(x))
    return x;
  if (x == -1.0)
    return -inf;
  if (x < -1.0)
    return nan;
  if (x == inf)
    return inf;
  if (fabs(x) < 0x1p-54)
    return x;  // x - x^2/2 rounds to x; keeps -0
  const double u = 1.0 + x;
  // Both subtractions are exact (Sterbenz), so c == (1 + x) - u exactly.
  const double c = u >= 2.0 ? 1.0 - (u - x) : x - (u - 1.0);
  const frexp_result d = split_sqrt2(u);
  return log_kernel(d.k, d.m - 1.0, c / u);
}

/// Correctly rounded sqrt for double: digit-by-digit integer square root of
/// the 53-bit significand (an exact algorithm), then round to nearest.
constexpr double sqrt(double x) noexcept {
  if (is_nan(x) || x == 0.0 || x == inf)
    return x;  // keeps -0 (IEEE)
  if (x < 0.0)
    return nan;
  u64 bits = std::bit_cast<u64>(x);
  i64 e = static_cast<i64>((bits & exp_mask) >> 52);
  u64 m = bits & frac_mask;
  if (e == 0) {  // subnormal: normalise the integer significand
    e = 1;
    while ((m & (u64{1} << 52)) == 0) {
      m <<= 1;
      --e;
    }
  } else {
    m |= u64{1} << 52;
  }
  e -= 1023 + 52;  // now x = m * 2^e, m in [2^52, 2^53)
  if (e & 1) {     // make the exponent even (two's complement: works for e < 0)
    m <<= 1;
    --e;
  }
  // isqrt(m * 2^54): 54 result bits = 53 significand bits + 1 rounding bit.
  // The remainder is < 2 q + 1 < 2^55, shifting in two bits keeps it < 2^57.
  u64 q = 0;
  u64 rem = 0;
  for (int i = 53; i >= 0; --i) {
    const u64 two_bits = i >= 27 ? (m >> (2 * (i - 27))) & 3 : 0;
    rem = (rem << 2) | two_bits;
    const u64 trial = (q << 2) | 1;
    q <<= 1;
    if (rem >= trial) {
      rem -= trial;
      q |= 1;
    }
  }
  // Round to nearest: the dropped bit is the half, rem != 0 is the sticky
  // bit.  An exact tie is impossible for sqrt, so ties need no special case.
  u64 mant = q >> 1;
  if ((q & 1) != 0)
    ++mant;
  i64 re = e / 2 - 26;  // sqrt(x) = q * 2^(e/2 - 27) = mant * 2^(e/2 - 26)
  if (mant == (u64{1} << 53)) {
    mant >>= 1;
    ++re;
  }
  // sqrt of any positive double is normal; assemble it from the bits.
  return std::bit_cast<double>((static_cast<u64>(re + 52 + 1023) << 52) | (mant & frac_mask));
}

// pi/2 as a 4-part sum (~212 bits), each part rounded from the rest.
inline constexpr double pio2_1 = 0x1.921fb54442d18p+0;
inline constexpr double pio2_2 = 0x1.1a62633145c07p-54;
inline constexpr double pio2_3 = -0x1.f1976b7ed8fbcp-110;
inline constexpr double pio2_4 = 0x1.4cf98e804177dp-164;
inline constexpr double inv_pio2 = 0x1.45f306dc9c883p-1;
/// Largest |x| for which the reduction is accurate (n must be exact).
inline constexpr double trig_max = 0x1p50;

/// Called outside the supported range; not constexpr on purpose so that a
/// constant evaluation fails to compile instead of returning a wrong value.
inline double trig_argument_too_large() noexcept { return nan; }

/// x = n pi/2 + (rh + rl) with |rh| <= ~pi/4; q = n mod 4.
struct trig_reduced {
  int q;
  double rh;
  double rl;
};
/// Cody-Waite reduction with exact products (Dekker) instead of
/// trailing-zero constants: every n * pio2_i is split into an exact pair and
/// all terms are accumulated in double-double, so the only errors are the
/// final pio2_4 product and roundings of the low word (~2^-100 absolute for
/// |x| <= 2^50 unless x is extraordinarily close to a multiple of pi/2).
constexpr trig_reduced trig_reduce(double x) noexcept {
  if (fabs(x) <= 0x1.921fb54442d18p-1)
    return {0, x, 0.0};  // |x| <= pi/4
  const i64 n = nearest_int(x * inv_pio2);
  const double dn = static_cast<double>(n);
  const dd p1 = two_prod(dn, pio2_1);
  const dd p2 = two_prod(dn, pio2_2);
  const dd p3 = two_prod(dn, pio2_3);
  const double p4 = dn * pio2_4;
  dd acc = two_sum(x, -p1.hi);  // exact, large cancellation happens here
  const double terms[] = {-p1.lo, -p2.hi, -p2.lo, -p3.hi, -p3.lo, -p4};
  for (const double t : terms) {
    const dd s = two_sum(acc.hi, t);
    acc = fast_two_sum(s.hi, s.lo + acc.lo);
  }
  return {static_cast<int>(n & 3), acc.hi, acc.lo};
}

/// sin(rh + rl), |rh| <= ~pi/4, as a double-double.  Taylor to r^19
/// (truncation < 2^-62 |r|); the cubic and higher part is < 0.11 |r|, so its
/// few rounding errors stay well below an ulp of the result.
constexpr dd sin_kernel(double rh, double rl) noexcept {
  const double z = rh * rh;
  // sum_{j>=1} (-1)^j z^(j-1) / (2j+1)!
  double p = -1.0 / 121645100408832000.0;  // -1/19!
  constexpr double c[] = {
      -1.0 / 6.0,        1.0 / 120.0,        -1.0 / 5040.0,          1.0 / 362880.0,
      -1.0 / 39916800.0, 1.0 / 6227020800.0, -1.0 / 1307674368000.0, 1.0 / 355687428096000.0};
  for (int i = 7; i >= 0; --i) p = c[i] + z * p;
  const dd s = fast_two_sum(rh, rh * z * p);
  // d/dr sin(r) = cos(r) ~ 1 - r^2/2 is the sensitivity to rl.
  return fast_two_sum(s.hi, s.lo + rl * (1.0 - 0.5 * z));
}

/// cos(rh + rl), |rh| <= ~pi/4, as a double-double: 1 - r^2/2 is formed
/// with exact products/sums (fdlibm's w = 1 - hz trick), the tail
/// (< 0.016) is a Taylor sum to r^20.
constexpr dd cos_kernel(double rh, double rl) noexcept {
  const dd zz = two_prod(rh, rh);
  const double z = zz.hi;
  double p = 1.0 / 2432902008176640000.0;  // 1/20!
  constexpr double c[] = {
      1.0 / 24.0,        -1.0 / 720.0,         1.0 / 40320.0,          -1.0 / 3628800.0,
      1.0 / 479001600.0, -1.0 / 87178291200.0, 1.0 / 20922789888000.0, -1.0 / 6402373705728000.0};
  for (int i = 7; i >= 0; --i) p = c[i] + z * p;
  const double hz = 0.5 * z;
  const double w = 1.0 - hz;
  const double corr = (1.0 - w) - hz;  // exact rounding error of w
  const double tail = z * z * p - 0.5 * zz.lo - rh * rl;
  return fast_two_sum(w, corr + tail);
}

constexpr dd neg(dd a) noexcept { return {-a.hi, -a.lo}; }

/// sin(x) for double.
constexpr double sin(double x) noexcept {
  if (is_nan(x))
    return x;
  if (fabs(x) == inf)
    return nan;
  if (fabs(x) < 0x1p-27)
    return x;  // x^3/6 below half an ulp; keeps -0
  if (fabs(x) > trig_max)
    return trig_argument_too_large();
  const trig_reduced r = trig_reduce(x);
  const dd v = (r.q & 1) ? cos_kernel(r.rh, r.rl) : sin_kernel(r.rh, r.rl);
  const double y = v.hi + v.lo;
  return (r.q & 2) ? -y : y;
}

/// cos(x) for double.
constexpr double cos(double x) noexcept {
  if (is_nan(x))
    return x;
  if (fabs(x) == inf)
    return nan;
  if (fabs(x) < 0x1p-27)
    return 1.0;  // 1 - x^2/2 rounds to 1
  if (fabs(x) > trig_max)
    return trig_argument_too_large();
  const trig_reduced r = trig_reduce(x);
  const dd v = (r.q & 1) ? sin_kernel(r.rh, r.rl) : cos_kernel(r.rh, r.rl);
  const double y = v.hi + v.lo;
  return (r.q == 1 || r.q == 2) ? -y : y;
}

/// tan(x) for double: sin/cos kernels in double-double, one rounding in
/// the division.
constexpr double tan(double x) noexcept {
  if (is_nan(x))
    return x;
  if (fabs(x) == inf)
    return nan;
  if (fabs(x) < 0x1p-27)
    return x;  // x^3/3 below half an ulp; keeps -0
  if (fabs(x) > trig_max)
    return trig_argument_too_large();
  const trig_reduced r = trig_reduce(x);
  const dd s = sin_kernel(r.rh, r.rl);
  const dd c = cos_kernel(r.rh, r.rl);
  return (r.q & 1) ? div_to_double(neg(c), s) : div_to_double(s, c);
}

/// atan(x) for double (fdlibm's reduction to |t| < 7/16 with tabulated
/// atan(0.5), atan(1), atan(1.5), atan(inf) in two parts; Taylor series for
/// atan(t), 24 terms, truncation < 2^-60).
constexpr double atan(double x) noexcept {
  if (is_nan(x))
    return x;
  constexpr double hi[] = {0x1.dac670561bb4fp-2, 0x1.921fb54442d18p-1, 0x1.f730bd281f69bp-1,
                           0x1.921fb54442d18p+0};
  constexpr double lo[] = {0x1.a2b7f222f65e2p-56, 0x1.1a62633145c07p-55, 0x1.007887af0cbbdp-56,
                           0x1.1a62633145c07p-54};
  const double a = fabs(x);
  if (a < 0x1p-27)
    return x;  // x^3/3 below half an ulp; keeps -0
  if (a > 0x1p66)
    return copysign(hi[3], x);  // pi/2 - 1/x rounds to pi/2
  int id = -1;
  double t = a;
  if (a >= 2.4375) {
    id = 3;
    t = -1.0 / a;
  } else if (a >= 1.1875) {
    id = 2;
    t = (a - 1.5) / (1.0 + 1.5 * a);  // a - 1.5 is exact
  } else if (a >= 0.6875) {
    id = 1;
    t = (a - 1.0) / (a + 1.0);  // a - 1 is exact
  } else if (a >= 0.4375) {
    id = 0;
    t = (2.0 * a - 1.0) / (2.0 + a);  // 2a - 1 is exact
  }
  const double z = t * t;
  double p = 1.0 / 49.0;  // sum_{j>=1} (-1)^j z^(j-1) / (2j+1), to z^23
  for (int j = 23; j >= 1; --j) p = ((j & 1) ? -1.0 : 1.0) / (2.0 * j + 1.0) + z * p;
  const double tail = t * z * p;
  const double y = id < 0 ? t + tail : hi[id] - ((-tail - lo[id]) - t);
  return copysign(y, x);
}

/// x^n for double, by binary powering in double-double with a separately
/// tracked exponent: no intermediate overflow/underflow, error ~0.5 ulp for
/// any int n (the double-double error 2^-100 per step is negligible).
constexpr double pow_int(double x, int n) noexcept {
  if (n == 0)
    return 1.0;  // also for NaN, as std::pow
  if (is_nan(x))
    return x;
  const bool odd = (n & 1) != 0;
  const double sgn = (odd && (std::bit_cast<u64>(x) & sign_mask) != 0) ? -1.0 : 1.0;
  if (x == 0.0)
    return copysign(n > 0 ? 0.0 : inf, sgn);
  if (fabs(x) == inf)
    return copysign(n > 0 ? inf : 0.0, sgn);
  // |x| = m 2^e with m in [1, 2)
  const frexp_result d = split_sqrt2(fabs(x));
  dd base{d.m, 0.0};
  i64 base_e = d.k;
  dd acc{1.0, 0.0};
  i64 acc_e = 0;
  // Renormalise so that hi is in [sqrt(2)/2, sqrt(2)) (exact scaling), which
  // keeps every intermediate far from overflow and underflow.
  auto renorm = [](dd v, i64& e) {
    const frexp_result f = split_sqrt2(v.hi);
    e += f.k;
    return dd{f.m, scale(v.lo, -f.k)};
  };
  u64 un = n < 0 ? static_cast<u64>(-static_cast<i64>(n)) : static_cast<u64>(n);
  while (true) {
    if ((un & 1) != 0) {
      acc = renorm(mul(acc, base), acc_e);
      acc_e += base_e;
    }
    un >>= 1;
    if (un == 0)
      break;
    base_e *= 2;  // exponent of base^2 before renormalising the product
    base = renorm(mul(base, base), base_e);
  }
  if (n < 0) {  // 1 / acc in double-double; the remainder is exact
    const double q = 1.0 / acc.hi;
    const dd p = two_prod(q, acc.hi);
    const double r = (((1.0 - p.hi) - p.lo) - q * acc.lo) / acc.hi;
    acc_e = -acc_e;
    acc = renorm(fast_two_sum(q, r), acc_e);
  }
  if (acc_e > 4000)
    return copysign(inf, sgn);
  if (acc_e < -4000)
    return copysign(0.0, sgn);
  return copysign(scale(acc.hi + acc.lo, acc_e), sgn);
}

// ---------------------------------------------------------------------------
// Functions added for issue 8: sinh, cosh, sigmoid, softplus, log_sigmoid,
// cbrt, asin, acos, hypot, erf, real and rational pow.  Own derivations from
// the identities cited at each; double-double where a final rounding must be
// the only one that matters.

/// Double-double sum, relative error about 2^-104.
constexpr dd add(dd a, dd b) noexcept {
  const dd s = two_sum(a.hi, b.hi);
  return fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}

/// Double-double quotient (long division, two steps), relative error about 2^-100.
constexpr dd div(dd a, dd b) noexcept {
  const double q1 = a.hi / b.hi;
  const dd r = add(a, neg(mul({q1, 0.0}, b)));
  return fast_two_sum(q1, r.hi / b.hi);
}

/// sqrt(z) as a double-double for z > 0: the correctly rounded root plus the
/// exact residual's first-order correction (z - h^2 is exact by Sterbenz).
constexpr dd sqrt_dd(double z) noexcept {
  const double h = sqrt(z);
  const dd p = two_prod(h, h);
  return {h, ((z - p.hi) - p.lo) / (2.0 * h)};
}

/// log(x) for finite x > 0 as a double-double, relative error about 2^-76: x = 2^k (1 + f),
/// log(1 + f) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = f / (2 + f), |s| <= 0.172,
/// summed in double-double to s^43 (truncation below 2^-106), plus k ln 2 in two parts. For
/// pow, whose result's relative error is the absolute error of y log x.
constexpr dd log_dd(double x) noexcept {
  const frexp_result d = split_sqrt2(x);
  const double f = d.m - 1.0;  // exact (Sterbenz)
  const dd s = div({f, 0.0}, two_sum(2.0, f));
  const dd s2 = mul(s, s);
  dd p = div({1.0, 0.0}, {43.0, 0.0});
  for (int j = 20; j >= 0; --j) p = add(div({1.0, 0.0}, {2.0 * j + 1.0, 0.0}), mul(s2, p));
  const dd atanh2 = mul(s, p);
  const double dk = static_cast<double>(d.k);
  const dd k_ln2 = add({dk * ln2_hi, 0.0}, two_prod(dk, ln2_lo));  // dk * ln2_hi is exact
  return add(k_ln2, {2.0 * atanh2.hi, 2.0 * atanh2.lo});
}

/// e^(x.hi + x.lo) = (v.hi + v.lo) 2^k for x.hi in [-746, 711]: exp's
/// reduction on x.hi, x.lo joins the reduced argument's low part.
constexpr scaled_dd exp_scaled(dd x) noexcept {
  const exp_reduced r = exp_reduce(x.hi);
  const dd rr = fast_two_sum(r.rh, r.rl + x.lo);
  const dd u = expm1_kernel(rr.hi, rr.lo);
  const dd s = fast_two_sum(1.0, u.hi);
  return {fast_two_sum(s.hi, s.lo + u.lo), r.k};
}

/// e^a / 2 = e^(a - ln 2) for 22 < a <= 711, rounded once (+inf past DBL_MAX).
constexpr double half_exp(double a) noexcept {
  const dd t = two_sum(a, -ln2_hi);
  const scaled_dd e = exp_scaled(fast_two_sum(t.hi, t.lo - ln2_lo));
  return scale(e.v.hi + e.v.lo, e.k);
}

/// expm1(a) for 2^-54 <= a <= 22 as an unscaled double-double (k <= 32: exact).
constexpr dd expm1_dd(double a) noexcept {
  const scaled_dd e = expm1_scaled(a);
  const double s = pow2(e.k);
  return {e.v.hi * s, e.v.lo * s};
}

/// sinh(x) = (E + E / (E + 1)) / 2 with E = e^|x| - 1 (so no cancellation
/// near 0), in double-double; e^|x| / 2 beyond |x| = 22, where e^-|x| is
/// below 2^-63 of it.
constexpr double sinh(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a < 0x1p-28)
    return x;  // x^3/6 below half an ulp; keeps -0
  if (a > 711.0)
    return copysign(inf, x);
  if (a > 22.0)
    return copysign(half_exp(a), x);
  const dd e = expm1_dd(a);
  const dd sum = add(e, div(e, add(e, {1.0, 0.0})));
  return copysign(0.5 * (sum.hi + sum.lo), x);
}

/// cosh(x) = 1 + E^2 / (2 (E + 1)) with E = e^|x| - 1, in double-double;
/// e^|x| / 2 beyond |x| = 22.
constexpr double cosh(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a < 0x1p-27)
    return 1.0;  // 1 + x^2/2 rounds to 1
  if (a > 711.0)
    return inf;
  if (a > 22.0)
    return half_exp(a);
  const dd e = expm1_dd(a);
  const dd q = div(mul(e, e), add(add(e, e), {2.0, 0.0}));
  const dd s = two_sum(1.0, q.hi);
  return s.hi + (s.lo + q.lo);
}

/// e^-a for 0 <= a <= 40 as an unscaled double-double (a normal number).
constexpr dd exp_neg_dd(double a) noexcept {
  const scaled_dd e = exp_scaled({-a, 0.0});
  const double s = pow2(e.k);
  return {e.v.hi * s, e.v.lo * s};
}

/// 1 / (1 + e^-x): 1 / (1 + E) for x >= 0 and E / (1 + E) for x < 0 with
/// E = e^-|x| in double-double, one rounding in the division; e^x itself
/// below x = -37.5, where 1 + e^x rounds to 1.
constexpr double sigmoid(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a > 37.5)
    return x > 0 ? 1.0 : exp(x);  // 1 - e^-x rounds to 1; e^x (1 - e^x) rounds to e^x
  const dd e = exp_neg_dd(a);
  const dd den = add({1.0, 0.0}, e);
  return x >= 0 ? div_to_double({1.0, 0.0}, den) : div_to_double(e, den);
}

/// log(1 + e^x): x + log1p(e^-x) for x > 0, log1p(e^x) otherwise, with the
/// low part of e^-|x| carried as a first-order correction.
constexpr double softplus(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a > 37.5)
    return x > 0 ? x : exp(x);  // log1p(e^-a) is below half an ulp of x; log1p(t) rounds to t
  const dd e = exp_neg_dd(a);
  const double l = log1p(e.hi) + e.lo / (1.0 + e.hi);
  return x > 0 ? x + l : l;
}

/// log(sigmoid(x)) = -softplus(-x).
constexpr double log_sigmoid(double x) noexcept { return -softplus(-x); }

/// Cube root: x = m 2^(3q) with m in [1, 8); six Newton steps from a linear
/// guess, then one more on the exact residual m - y^3 (Dekker products).
constexpr double cbrt(double x) noexcept {
  if (is_nan(x) || x == 0.0 || fabs(x) == inf)
    return x;
  u64 bits = std::bit_cast<u64>(fabs(x));
  int e = -1023;
  if ((bits & exp_mask) == 0) {  // subnormal: 2^54 = (2^18)^3 scales into the normal range
    bits = std::bit_cast<u64>(fabs(x) * 0x1p54);
    e -= 54;
  }
  e += static_cast<int>((bits & exp_mask) >> 52);
  const int q = e >= 0 ? e / 3 : -((2 - e) / 3);  // floor(e / 3)
  const int r = e - 3 * q;
  const double m = std::bit_cast<double>((static_cast<u64>(1023 + r) << 52) | (bits & frac_mask));
  double y = 1.0 + (m - 1.0) / 7.0;
  for (int i = 0; i < 6; ++i) y -= (y * y * y - m) / (3.0 * y * y);
  const dd y2 = two_prod(y, y);
  const dd y3 = two_prod(y2.hi, y);
  const double residual = ((m - y3.hi) - y3.lo) - y2.lo * y;  // m - y^3
  return copysign(scale(y + residual / (3.0 * y2.hi), q), x);
}

/// asin(x) - x = x^3 (c1 + c2 x^2 + ...) for |x| <= 1/2: the Maclaurin
/// series, c_n = c_(n-1) (2n - 1)^2 / (2n (2n + 1)), 28 terms (truncation
/// below 2^-60 |x|).
struct asin_series {
  double c[29];
};
inline constexpr asin_series asin_coefficients = [] {
  asin_series s{};
  double c = 1.0;
  for (int n = 1; n <= 28; ++n) {
    c = c * (2.0 * n - 1.0) * (2.0 * n - 1.0) / ((2.0 * n) * (2.0 * n + 1.0));
    s.c[n] = c;
  }
  return s;
}();
constexpr double asin_tail(double x) noexcept {
  const double z = x * x;
  double p = asin_coefficients.c[28];
  for (int n = 27; n >= 1; --n) p = asin_coefficients.c[n] + z * p;
  return x * z * p;
}

/// For 1/2 < |x| < 1: asin(s) = s.hi + tail with s = sqrt((1 - |x|) / 2) as
/// a double-double (the half-angle identity asin|x| = pi/2 - 2 asin(s)).
struct half_angle {
  double s;
  double tail;
};
constexpr half_angle asin_half_angle(double a) noexcept {
  const double z = 0.5 * (1.0 - a);  // exact
  const dd s = sqrt_dd(z);
  // asin(s.hi + s.lo) = asin(s.hi) + s.lo / sqrt(1 - s^2) to first order
  return {s.hi, asin_tail(s.hi) + s.lo / sqrt(1.0 - z)};
}

/// Arc sine: the series for |x| <= 1/2, the half-angle identity above it.
constexpr double asin(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a > 1.0)
    return nan;
  if (a < 0x1p-27)
    return x;  // x^3/6 below half an ulp; keeps -0
  if (a <= 0.5)
    return x + asin_tail(x);
  if (a == 1.0)
    return copysign(pio2_1, x);
  const half_angle h = asin_half_angle(a);
  const dd p = two_sum(pio2_1, -2.0 * h.s);
  return copysign(p.hi + (p.lo + (pio2_2 - 2.0 * h.tail)), x);
}

/// Arc cosine: pi/2 - asin(x) for |x| <= 1/2; 2 asin(s) and pi - 2 asin(s)
/// (s as in asin) above, so that acos(x) near 1 keeps its relative accuracy.
constexpr double acos(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a > 1.0)
    return nan;
  if (a < 0x1p-57)
    return pio2_1;  // pi/2 - x rounds to pi/2
  if (a <= 0.5) {
    const dd p = two_sum(pio2_1, -x);
    return p.hi + (p.lo + (pio2_2 - asin_tail(x)));
  }
  if (x == 1.0)
    return 0.0;
  if (x == -1.0)
    return 2.0 * pio2_1;
  const half_angle h = asin_half_angle(a);
  if (x > 0.0)
    return 2.0 * (h.s + h.tail);
  const dd p = two_sum(2.0 * pio2_1, -2.0 * h.s);
  return p.hi + (p.lo + (2.0 * pio2_2 - 2.0 * h.tail));
}

/// sqrt(x^2 + y^2) without overflow or underflow: both scaled by the same
/// power of 2 (exact), the sum of squares in double-double, its root
/// corrected by the exact residual.  hypot(+-inf, NaN) = +inf (IEEE).
constexpr double hypot(double x, double y) noexcept {
  double a = fabs(x);
  double b = fabs(y);
  if (a == inf || b == inf)
    return inf;
  if (is_nan(a) || is_nan(b))
    return nan;
  if (a < b) {
    const double t = a;
    a = b;
    b = t;
  }
  if (b == 0.0)
    return a;
  const frexp_result da = split_sqrt2(a);
  // (b/a)^2 / 2 below half an ulp: hypot is a; otherwise b / a >= 2^-61 and b scales exactly
  if (da.k - split_sqrt2(b).k > 60)
    return a;
  const double bs = scale(b, -da.k);
  const dd sum = add(two_prod(da.m, da.m), two_prod(bs, bs));
  const double h = sqrt(sum.hi);
  const dd p = two_prod(h, h);
  return scale(h + (((sum.hi - p.hi) - p.lo) + sum.lo) / (2.0 * h), da.k);
}

// 2 / sqrt(pi) in two parts (to 2^-110).
inline constexpr double two_over_sqrt_pi_hi = 0x1.20dd750429b6dp+0;
inline constexpr double two_over_sqrt_pi_lo = 0x1.1ae3a914fed80p-56;

/// The error function.  |x| < 2.5: the Maclaurin series
/// erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)) in double-double (its
/// terms, up to about 9 times the result, cancel: double-double keeps ~100
/// bits).  2.5 <= |x| < 6: 1 - erfc x with Laplace's continued fraction
/// erfc x = e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
/// evaluated bottom-up from depth 60 (relative error below 1e-15 there, and
/// erfc x < 4.1e-4 of the result, so it costs erf well under 0.1 ulp).
/// |x| >= 6: +-1 (erfc 6 < 2^-54).
constexpr double erf(double x) noexcept {
  if (is_nan(x))
    return x;
  const double a = fabs(x);
  if (a >= 6.0)
    return copysign(1.0, x);
  if (a < 2.5) {
    if (a < 0x1p-1000)  // keeps the Dekker products away from subnormals
      return scale(x * 0x1p60 * two_over_sqrt_pi_hi, -60);  // 2x/sqrt(pi), rounded twice
    const dd sq = two_prod(x, x);
    const dd minus_sq{-sq.hi, -sq.lo};
    dd term{x, 0.0};  // (-x^2)^n x / n!
    dd sum{x, 0.0};
    for (int n = 1; n < 100; ++n) {
      term = div(mul(term, minus_sq), {static_cast<double>(n), 0.0});
      const dd t = div(term, {2.0 * n + 1.0, 0.0});
      sum = add(sum, t);
      if (fabs(t.hi) < 0x1p-110 * fabs(sum.hi))
        break;
    }
    const dd r = mul(sum, {two_over_sqrt_pi_hi, two_over_sqrt_pi_lo});
    return r.hi + r.lo;
  }
  double f = a;
  for (int n = 60; n >= 1; --n) f = a + (0.5 * n) / f;
  const dd sq = two_prod(a, a);
  const scaled_dd e = exp_scaled({-sq.hi, -sq.lo});
  const double erfc = scale(e.v.hi + e.v.lo, e.k) * (0.5 * two_over_sqrt_pi_hi) / f;
  return copysign(1.0 - erfc, x);
}

/// e^(y log x) for finite x > 0 with y given as a double-double: log in
/// double-double, the product in double-double, exp with that argument.
constexpr double pow_positive(double x, dd y) noexcept {
  const dd l = log_dd(x);
  // Out of range on a rough product first: two_prod's splitting overflows for |y| near DBL_MAX
  // (pow(1e-152, 1e301) came out as -inf). |log x| >= 2^-53 for x != 1, so a product within
  // range bounds |y| by 2^63 and the split below is safe.
  const double rough = y.hi * l.hi;
  if (rough > 710.0)
    return inf;
  if (rough < -746.0)
    return 0.0;
  const dd p = two_prod(y.hi, l.hi);
  const dd z = fast_two_sum(p.hi, p.lo + (y.hi * l.lo + y.lo * l.hi));
  if (z.hi > 709.8)
    return inf;  // e^709.79 > DBL_MAX (and z.lo cannot bring it back)
  if (z.hi < -745.2)
    return 0.0;
  const scaled_dd e = exp_scaled(z);
  return scale(e.v.hi + e.v.lo, e.k);
}

/// x^y for real y with C's special cases (Annex F): pow(x, +-0) = 1,
/// pow(1, y) = 1, a negative x only with an integer y (NaN otherwise),
/// zeros and infinities by the sign and parity of y.  Integer y with
/// |y| < 2^31 goes through pow_int.
constexpr double pow(double x, double y) noexcept {
  if (y == 0.0 || x == 1.0)
    return 1.0;
  if (is_nan(x) || is_nan(y))
    return nan;
  const double ay = fabs(y);
  const bool integer = ay >= 0x1p53 || static_cast<double>(static_cast<i64>(ay)) == ay;
  const bool odd = integer && ay < 0x1p53 && (static_cast<i64>(ay) & 1) != 0;
  if (ay == inf) {
    if (fabs(x) == 1.0)
      return 1.0;  // (-1)^+-inf
    return (fabs(x) < 1.0) == (y > 0.0) ? 0.0 : inf;
  }
  if (x == 0.0)
    return y > 0.0 ? (odd ? x : 0.0) : (odd ? copysign(inf, x) : inf);
  if (fabs(x) == inf) {
    const double r = y > 0.0 ? inf : 0.0;
    return x < 0.0 && odd ? -r : r;
  }
  if (x < 0.0 && !integer)
    return nan;
  if (integer && ay < 0x1p31)
    return pow_int(x, static_cast<int>(y));
  const double r = pow_positive(fabs(x), {y, 0.0});
  return x < 0.0 && odd ? -r : r;
}

/// x^(n/d) for integers n, d > 0 in lowest terms: real for a negative x when
/// d is odd (the real d-th root), NaN for a negative x when d is even; n/d
/// is carried as a double-double, so a large log x costs no accuracy.
constexpr double pow_rational(double x, i64 n, i64 d) noexcept {
  if (is_nan(x))
    return x;
  if (n == 0)
    return 1.0;
  const bool negative = (std::bit_cast<u64>(x) & sign_mask) != 0;
  if (negative && x != 0.0 && d % 2 == 0)
    return nan;
  const bool flip = negative && d % 2 != 0 && n % 2 != 0;  // an odd root of an odd power
  const double sgn = flip ? -1.0 : 1.0;
  const double a = fabs(x);
  if (a == 0.0)
    return copysign(n > 0 ? 0.0 : inf, sgn);
  if (a == inf)
    return copysign(n > 0 ? inf : 0.0, sgn);
  const double dn = static_cast<double>(n);
  const double den = static_cast<double>(d);
  const double q = dn / den;
  const dd p = two_prod(q, den);
  const double rem = ((dn - p.hi) - p.lo) / den;  // n/d = q + rem to 2^-106 (n, d below 2^53)
  return copysign(pow_positive(a, fast_two_sum(q, rem)), sgn);
}

/// Convert a double result to T; for float, clamp out-of-range values to inf
/// explicitly (a double just below FLT_MAX + ulp/2 still rounds to FLT_MAX).
template <std::floating_point T>
constexpr T narrow(double v) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    if (is_nan(v))
      return std::numeric_limits<float>::quiet_NaN();
    if (fabs(v) >= 0x1.ffffffp127)
      return v > 0 ? std::numeric_limits<float>::infinity()
                   : -std::numeric_limits<float>::infinity();
  }
  return static_cast<T>(v);
}

}  // namespace impl

// Typed entry points.  float is computed in double and rounded once (the
// double result is accurate to ~0.5 double ulp, so the float is within 1 ulp,
// and correctly rounded for sqrt); long double goes through double.

/// exp(x), constexpr implementation.
template <std::floating_point T>
constexpr T exp(T x) noexcept {
  return impl::narrow<T>(impl::exp(static_cast<double>(x)));
}
/// exp(x) - 1, accurate near 0, constexpr implementation.
template <std::floating_point T>
constexpr T expm1(T x) noexcept {
  return impl::narrow<T>(impl::expm1(static_cast<double>(x)));
}
/// Natural logarithm, constexpr implementation.
template <std::floating_point T>
constexpr T log(T x) noexcept {
  return impl::narrow<T>(impl::log(static_cast<double>(x)));
}
/// log(1 + x), accurate near 0, constexpr implementation.
template <std::floating_point T>
constexpr T log1p(T x) noexcept {
  return impl::narrow<T>(impl::log1p(static_cast<double>(x)));
}
/// Square root (correctly rounded), constexpr implementation.
template <std::floating_point T>
constexpr T sqrt(T x) noexcept {
  return impl::narrow<T>(impl::sqrt(static_cast<double>(x)));
}
/// Sine, constexpr implementation (|x| <= 2^50).
template <std::floating_point T>
constexpr T sin(T x) noexcept {
  return impl::narrow<T>(impl::sin(static_cast<double>(x)));
}
/// Cosine, constexpr implementation (|x| <= 2^50).
template <std::floating_point T>
constexpr T cos(T x) noexcept {
  return impl::narrow<T>(impl::cos(static_cast<double>(x)));
}
/// Tangent, constexpr implementation (|x| <= 2^50).
template <std::floating_point T>
constexpr T tan(T x) noexcept {
  return impl::narrow<T>(impl::tan(static_cast<double>(x)));
}
/// Hyperbolic tangent, constexpr implementation.
template <std::floating_point T>
constexpr T tanh(T x) noexcept {
  return impl::narrow<T>(impl::tanh(static_cast<double>(x)));
}
/// Arc tangent, constexpr implementation.
template <std::floating_point T>
constexpr T atan(T x) noexcept {
  return impl::narrow<T>(impl::atan(static_cast<double>(x)));
}
/// x^n for integer n (negative allowed), constexpr implementation.
template <std::floating_point T>
constexpr T pow_int(T x, int n) noexcept {
  return impl::narrow<T>(impl::pow_int(static_cast<double>(x), n));
}
/// Hyperbolic sine, constexpr implementation.
template <std::floating_point T>
constexpr T sinh(T x) noexcept {
  return impl::narrow<T>(impl::sinh(static_cast<double>(x)));
}
/// Hyperbolic cosine, constexpr implementation.
template <std::floating_point T>
constexpr T cosh(T x) noexcept {
  return impl::narrow<T>(impl::cosh(static_cast<double>(x)));
}
/// The logistic function 1 / (1 + e^-x), constexpr implementation.
template <std::floating_point T>
constexpr T sigmoid(T x) noexcept {
  return impl::narrow<T>(impl::sigmoid(static_cast<double>(x)));
}
/// log(1 + e^x), constexpr implementation.
template <std::floating_point T>
constexpr T softplus(T x) noexcept {
  return impl::narrow<T>(impl::softplus(static_cast<double>(x)));
}
/// log(sigmoid(x)) = -softplus(-x), constexpr implementation.
template <std::floating_point T>
constexpr T log_sigmoid(T x) noexcept {
  return impl::narrow<T>(impl::log_sigmoid(static_cast<double>(x)));
}
/// Cube root (real, negative for negative x), constexpr implementation.
template <std::floating_point T>
constexpr T cbrt(T x) noexcept {
  return impl::narrow<T>(impl::cbrt(static_cast<double>(x)));
}
/// Arc sine, constexpr implementation.
template <std::floating_point T>
constexpr T asin(T x) noexcept {
  return impl::narrow<T>(impl::asin(static_cast<double>(x)));
}
/// Arc cosine, constexpr implementation.
template <std::floating_point T>
constexpr T acos(T x) noexcept {
  return impl::narrow<T>(impl::acos(static_cast<double>(x)));
}
/// sqrt(x^2 + y^2) without intermediate overflow, constexpr implementation.
template <std::floating_point T>
constexpr T hypot(T x, T y) noexcept {
  return impl::narrow<T>(impl::hypot(static_cast<double>(x), static_cast<double>(y)));
}
/// The error function, constexpr implementation.
template <std::floating_point T>
constexpr T erf(T x) noexcept {
  return impl::narrow<T>(impl::erf(static_cast<double>(x)));
}
/// x^y for real y (C's special cases), constexpr implementation.
template <std::floating_point T>
constexpr T pow(T x, T y) noexcept {
  return impl::narrow<T>(impl::pow(static_cast<double>(x), static_cast<double>(y)));
}
/// x^(n/d), d > 0, n/d in lowest terms (real odd roots of negative x), constexpr implementation.
template <std::floating_point T>
constexpr T pow_rational(T x, std::int64_t n, std::int64_t d) noexcept {
  return impl::narrow<T>(impl::pow_rational(static_cast<double>(x), n, d));
}
/// |x| (clears the sign bit, so abs(-0.0) is +0.0).
template <std::floating_point T>
constexpr T abs(T x) noexcept {
  if constexpr (std::is_same_v<T, double>) {
    return impl::fabs(x);
  } else if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(x) & 0x7fffffffU);
  } else {
    return x < 0 ? -x : (x == 0 ? T(0) : x);  // long double may have padding bits
  }
}

}  // namespace ce

// The C library's functions at run time, through compiler builtins: the same calls as <cmath>
// makes, without the cost of parsing <cmath> in every file that includes ctgrad.
namespace libm {
#define CTGRAD_DETAIL_LIBM(name)                                               \
  template <std::floating_point T>                                             \
  inline T name(T x) noexcept {                                                \
    if constexpr (std::is_same_v<T, float>)                                    \
      return __builtin_##name##f(x);                                           \
    else if constexpr (std::is_same_v<T, double>)                              \
      return __builtin_##name(x);                                              \
    else                                                                       \
      return static_cast<T>(__builtin_##name##l(static_cast<long double>(x))); \
  }
CTGRAD_DETAIL_LIBM(exp)
CTGRAD_DETAIL_LIBM(expm1)
CTGRAD_DETAIL_LIBM(log)
CTGRAD_DETAIL_LIBM(log1p)
CTGRAD_DETAIL_LIBM(sqrt)
CTGRAD_DETAIL_LIBM(sin)
CTGRAD_DETAIL_LIBM(cos)
CTGRAD_DETAIL_LIBM(tan)
CTGRAD_DETAIL_LIBM(tanh)
CTGRAD_DETAIL_LIBM(atan)
CTGRAD_DETAIL_LIBM(asin)
CTGRAD_DETAIL_LIBM(acos)
CTGRAD_DETAIL_LIBM(sinh)
CTGRAD_DETAIL_LIBM(cosh)
CTGRAD_DETAIL_LIBM(cbrt)
CTGRAD_DETAIL_LIBM(erf)
#undef CTGRAD_DETAIL_LIBM

#define CTGRAD_DETAIL_LIBM2(name)                                                         \
  template <std::floating_point T>                                                        \
  inline T name(T x, T y) noexcept {                                                      \
    if constexpr (std::is_same_v<T, float>)                                               \
      return __builtin_##name##f(x, y);                                                   \
    else if constexpr (std::is_same_v<T, double>)                                         \
      return __builtin_##name(x, y);                                                      \
    else                                                                                  \
      return static_cast<T>(                                                              \
          __builtin_##name##l(static_cast<long double>(x), static_cast<long double>(y))); \
  }
CTGRAD_DETAIL_LIBM2(hypot)
CTGRAD_DETAIL_LIBM2(pow)
#undef CTGRAD_DETAIL_LIBM2

template <std::floating_point T>
inline T pow_int(T x, int n) noexcept {
  if constexpr (std::is_same_v<T, float>)
    return static_cast<float>(__builtin_pow(static_cast<double>(x), n));  // as std::pow(float, int)
  else if constexpr (std::is_same_v<T, double>)
    return __builtin_pow(x, n);
  else
    return __builtin_powl(x, n);
}
}  // namespace libm

// Public dispatchers: own implementation in constant evaluation; at run time, for float and
// double, ctgrad's vectorized exp, expm1, log, log1p and tanh (simd_math.hpp, within 0.77 ulp of
// the exact value; up to 2 ulp from glibc's tanh, which is itself 2.1 ulp off), whose scalar
// results are bit for bit those of a SIMD packet's lanes, so that a result does not depend on which
// points fell into a packet; the C library for the others.

/// exp(x), usable in constant expressions.
template <std::floating_point T>
constexpr T exp(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::exp(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::exp(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::exp(x);
}
/// exp(x) - 1, usable in constant expressions.
template <std::floating_point T>
constexpr T expm1(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::expm1(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::expm1(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::expm1(x);
}
/// Natural logarithm, usable in constant expressions.
template <std::floating_point T>
constexpr T log(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::log(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::log(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::log(x);
}
/// log(1 + x), usable in constant expressions.
template <std::floating_point T>
constexpr T log1p(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::log1p(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::log1p(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::log1p(x);
}
/// Square root, usable in constant expressions.
template <std::floating_point T>
constexpr T sqrt(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::sqrt(x);
  return libm::sqrt(x);
}
/// Sine, usable in constant expressions (|x| <= 2^50 there).
template <std::floating_point T>
constexpr T sin(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::sin(x);
  return libm::sin(x);
}
/// Cosine, usable in constant expressions (|x| <= 2^50 there).
template <std::floating_point T>
constexpr T cos(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::cos(x);
  return libm::cos(x);
}
/// Tangent, usable in constant expressions (|x| <= 2^50 there).
template <std::floating_point T>
constexpr T tan(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::tan(x);
  return libm::tan(x);
}
/// Hyperbolic tangent, usable in constant expressions.
template <std::floating_point T>
constexpr T tanh(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::tanh(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::tanh(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::tanh(x);
}
/// Arc tangent, usable in constant expressions.
template <std::floating_point T>
constexpr T atan(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::atan(x);
  return libm::atan(x);
}
/// x^n for integer n (negative allowed), usable in constant expressions.
template <std::floating_point T>
constexpr T pow_int(T x, int n) noexcept {
  if (std::is_constant_evaluated())
    return ce::pow_int(x, n);
  return static_cast<T>(libm::pow_int(x, n));
}
/// Hyperbolic sine, usable in constant expressions.
template <std::floating_point T>
constexpr T sinh(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::sinh(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::sinh(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::sinh(x);
}
/// Hyperbolic cosine, usable in constant expressions.
template <std::floating_point T>
constexpr T cosh(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::cosh(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::cosh(x);  // the bits of the packet path (simd_math.hpp)
  else
    return libm::cosh(x);
}
/// The logistic function 1 / (1 + e^-x), usable in constant expressions.
template <std::floating_point T>
constexpr T sigmoid(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::sigmoid(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    return simd::sigmoid(x);  // the bits of the packet path (simd_math.hpp)
  } else {
    const T e = libm::exp(x < 0 ? x : -x);
    return (x < 0 ? e : T(1)) / (1 + e);
  }
}
/// log(1 + e^x), usable in constant expressions.
template <std::floating_point T>
constexpr T softplus(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::softplus(x);
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
    return simd::softplus(x);  // the bits of the packet path (simd_math.hpp)
  else
    return (x > 0 ? x : T(0)) + libm::log1p(libm::exp(x < 0 ? x : -x));
}
/// log(sigmoid(x)) = -softplus(-x), usable in constant expressions.
template <std::floating_point T>
constexpr T log_sigmoid(T x) noexcept {
  return -softplus(-x);
}
/// Cube root, usable in constant expressions.
template <std::floating_point T>
constexpr T cbrt(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::cbrt(x);
  return libm::cbrt(x);
}
/// Arc sine, usable in constant expressions.
template <std::floating_point T>
constexpr T asin(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::asin(x);
  return libm::asin(x);
}
/// Arc cosine, usable in constant expressions.
template <std::floating_point T>
constexpr T acos(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::acos(x);
  return libm::acos(x);
}
/// sqrt(x^2 + y^2) without intermediate overflow, usable in constant expressions.
template <std::floating_point T>
constexpr T hypot(T x, T y) noexcept {
  if (std::is_constant_evaluated())
    return ce::hypot(x, y);
  return libm::hypot(x, y);
}
/// The error function, usable in constant expressions.
template <std::floating_point T>
constexpr T erf(T x) noexcept {
  if (std::is_constant_evaluated())
    return ce::erf(x);
  return libm::erf(x);
}
/// x^y for real y, usable in constant expressions.
template <std::floating_point T>
constexpr T pow(T x, T y) noexcept {
  if (std::is_constant_evaluated())
    return ce::pow(x, y);
  return libm::pow(x, y);
}
/// x^(n/d) for d > 0 and n/d in lowest terms, usable in constant expressions: the real d-th
/// root for a negative x when d is odd, NaN when d is even. At run time the C library's pow of
/// |x| with n/d rounded to T, corrected to first order for that rounding (for double: the
/// exponent's error would otherwise cost up to |log x| * 2^-53 relative).
template <std::floating_point T>
constexpr T pow_rational(T x, std::int64_t n, std::int64_t d) noexcept {
  if (std::is_constant_evaluated())
    return ce::pow_rational(x, n, d);
  if (x != x)
    return x;
  const bool negative = __builtin_signbit(x) != 0;
  if (negative && x != 0 && d % 2 == 0)
    return std::numeric_limits<T>::quiet_NaN();
  const T sign = negative && d % 2 != 0 && n % 2 != 0 ? T(-1) : T(1);
  const T a = ce::abs(x);
  if constexpr (std::is_same_v<T, double>) {
    const double dn = static_cast<double>(n), dd = static_cast<double>(d);
    const double y = dn / dd;
    const ce::impl::dd p = ce::impl::two_prod(y, dd);
    const double delta = ((dn - p.hi) - p.lo) / dd;  // n/d - y
    double r = libm::pow(a, y);
    if (delta != 0 && r != 0 && r < std::numeric_limits<double>::infinity())
      r += r * (delta * libm::log(a));  // a^(y + delta) = a^y (1 + delta log a + ...)
    return sign * r;
  } else if constexpr (std::is_same_v<T, float>) {
    // in double, rounded once: the exponent's rounding is far below a float ulp
    return sign * static_cast<float>(libm::pow(static_cast<double>(a),
                                               static_cast<double>(n) / static_cast<double>(d)));
  } else {
    return sign * libm::pow(a, static_cast<T>(n) / static_cast<T>(d));
  }
}
/// |x|, usable in constant expressions (same code at run time: it is exact).
template <std::floating_point T>
constexpr T abs(T x) noexcept {
  return ce::abs(x);
}

}  // namespace ctgrad::detail
