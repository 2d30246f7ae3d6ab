#pragma once
// exp, expm1, log, log1p and tanh on GNU vector-extension packets, and functions built from them
// (sigmoid, softplus, log_sigmoid, sinh, cosh; at the end of the file) (`T
// __attribute__((vector_size(N)))`, T float or double, N 16, 32 or 64 bytes), so that an evaluator
// can run them on SIMD packets instead of calling the C library lane by lane.
//
// Every function is written once, over the lane type, as straight-line vector code: IEEE +, -,
// *, /, comparisons, mask selects (`?:` on vectors) and bit casts; no libm, no loop over lanes,
// no branch on data, no FMA. Each lane therefore sees the same correctly rounded operations in
// the same order whatever the packet width and whatever the target (SSE2, AVX2, AVX-512; a
// packet wider than the target's registers is split into halves first), and the scalar
// overloads, which run lane 0 of a 16-byte packet, give the same bits as any packet lane, NaNs
// included. That holds only as long as the compiler neither contracts a * b + c into an FMA nor
// reassociates: build with -ffp-contract=off (as ctgrad's meson does) and without -ffast-math.
//
// Methods (classic: Cody and Waite's argument reduction, Dekker's exact sum and product; see
// J.-M. Muller, "Elementary Functions: Algorithms and Implementation"):
// - exp: x = k ln2 + r, |r| <= ln2/2 (Cody-Waite, ln2 in two parts), e^r = 1 + r + r^2 q(r) with
//   1 + r carried as an exact two-term sum; 2^k applied in two exact halves so that overflow and
//   subnormal results round once.
// - expm1: the same e^r as a two-term sum, scaled by 2^k, minus 1 by an exact TwoSum.
// - log: x = 2^k m, sqrt(1/2) <= m < sqrt(2) through the bits (subnormals prescaled), f = m - 1,
//   s = f / (2 + f), log(1 + f) = f - (f^2/2 - s (f^2/2 + s^2 F(s^2))) (atanh series), plus k ln2
//   in two parts; log1p adds the rounding error of 1 + x as a first-order correction.
// - tanh: |x| < 0.4: a + a^3 G(a^2); else 1 - 2 / (e^(2|x|) + 1) with e^(2|x|) and the quotient
//   carried to twice the lane precision (Dekker product), since a plain expm1-based quotient
//   can miss by more than 1 ulp; saturates to 1 beyond |x| = 22 (double) / 10 (float); the sign
//   is copied.
//
// Polynomial coefficients q, F, G: Chebyshev interpolants (mpmath 1.2 `chebyfit`, near-minimax)
// of (e^r - 1 - r) / r^2 on |r| <= ln2/2 + 0.001, (2 atanh(sqrt z) / sqrt z - 2) / z on
// 0 <= z <= 1.0001 ((sqrt2 - 1) / (sqrt2 + 1))^2 and (tanh(sqrt y) - sqrt y) / sqrt(y)^3 on
// 0 <= y <= 0.16 (1.0001), rounded to the lane type; relative error of the rounded polynomials
// (float / double): q 2^-28.3 / 2^-57.8, F 2^-24.8 / 2^-54.0, G 2^-24.8 / 2^-53.9.
//
// Measured error (tests/detail/simd_math.cpp: float against glibc's double functions over all
// 2^32 inputs, double against glibc's long double functions over millions of samples), in ulp,
// float / double: exp 0.763 / 0.766 (both at subnormal results, rounded twice), expm1 0.750 /
// 0.749, log 0.659 / 0.619, log1p 0.683 / 0.662, tanh 0.635 / 0.623.

#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

// A 32- or 64-byte vector passed by value to an out-of-line function has a different ABI with
// and without AVX; these functions are always inlined, so the warning is noise. g++ and clang
// also give it at a caller's own call with such a vector on a target without AVX (AVX-512 for
// 64 bytes): callers silence it there the same way (see tests/detail/simd_math.cpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// Forced inlining keeps wide packets in registers on narrow targets (g++ may otherwise call a
// helper out of line with a 64-byte vector in memory) and leaves no out-of-line ABI to warn about.
#define CTGRAD_SIMD_INLINE [[gnu::always_inline]] inline

namespace ctgrad::detail::simd {

/// The lane type of a GNU vector `V` (float for `float __attribute__((vector_size(32)))`).
template <class V>
using lane_type = std::remove_cvref_t<decltype(std::declval<V>()[0])>;

/// A GNU vector of float or double lanes, 16, 32 or 64 bytes wide.
template <class V>
concept float_vector =
    !std::is_class_v<V> && !std::is_pointer_v<V> && !std::is_array_v<V> && requires(V v) {
  v[0];
  v < v;
}
&&(std::is_same_v<lane_type<V>, float> ||
   std::is_same_v<lane_type<V>, double>)&&(sizeof(V) == 16 || sizeof(V) == 32 || sizeof(V) == 64);

namespace impl {

/// Constants of one lane type; polynomial coefficients are listed constant term first.
template <class T>
struct lane_traits;

template <>
struct lane_traits<float> {
  using uint = std::uint32_t;
  using sint = std::int32_t;
  static constexpr int mantissa_bits = 23;
  static constexpr uint sign_bit = uint{1} << 31;
  // Adding 1.5 * 2^23 rounds |y| < 2^22 to an integer (round to nearest), which then sits in the
  // low mantissa bits.
  static constexpr float round_shift = 0x1.8p23f;
  static constexpr uint round_shift_bits = 0x4b400000;
  // Adding 2^23 + 127 to an integer-valued k puts the biased exponent k + 127 in the low bits.
  static constexpr float exponent_shift = 0x1p23f + 127.0f;
  // ln2_hi has 16 significant bits, so k * ln2_hi is exact for |k| < 2^8.
  static constexpr float ln2_hi = 0x1.62e4p-1f;
  static constexpr float ln2_lo = 0x1.7f7d1cp-20f;
  static constexpr float inv_ln2 = 0x1.715476p+0f;
  // exp's input range: e^x rounds to +0 below exp_lo and to +inf above exp_hi.
  static constexpr float exp_lo = -104.0f;
  static constexpr float exp_hi = 89.0f;
  static constexpr float expm1_lo = -20.0f;  // e^-20 < ulp(1) / 8: expm1 rounds to -1 below
  static constexpr float min_normal = 0x1p-126f;
  static constexpr float subnormal_scale = 0x1p25f;
  static constexpr float subnormal_exponent = 25.0f;
  static constexpr uint sqrt_half_bits = 0x3f3504f3;  // the float nearest sqrt(1/2)
  static constexpr float veltkamp_split = 4097.0f;    // 2^12 + 1 splits 24 bits in 12 + 12
  // 1 - tanh(x) < 2^-25 for x > 9.01: tanh rounds to 1 there.
  static constexpr float tanh_one = 10.0f;
  // expm1(x) = x and log1p(x) = x to within rounding below this (x^2/2 < ulp(x)/4).
  static constexpr float identity_below = 0x1p-26f;
  // sinh and cosh: e^-|x| is below 2^-26 of e^|x| past hyperbolic_switch; e^|x| overflows past
  // exp_finite, where e^|x| / 2 is taken as (e^(|x|/2) / 2) e^(|x|/2).
  static constexpr float hyperbolic_switch = 9.0f;
  static constexpr float exp_finite = 88.7f;
  static constexpr float exp_q[] = {0.5f,           0.166666672f,    0.0416666679f,  0.00833329838f,
                                    0.00138888531f, 0.000198996102f, 2.48599135e-05f};
  static constexpr float log_f[] = {0.666666687f, 0.400001228f, 0.285508156f, 0.233305827f};
  static constexpr float tanh_g[] = {-0.333333343f, 0.133333325f,    -0.0539679267f,
                                     0.0218607243f, -0.00875564292f, 0.00297057838f};
};

template <>
struct lane_traits<double> {
  using uint = std::uint64_t;
  using sint = std::int64_t;
  static constexpr int mantissa_bits = 52;
  static constexpr uint sign_bit = uint{1} << 63;
  static constexpr double round_shift = 0x1.8p52;
  static constexpr uint round_shift_bits = 0x4338000000000000;
  static constexpr double exponent_shift = 0x1p52 + 1023.0;
  // ln2_hi has 42 significant bits, so k * ln2_hi is exact for |k| < 2^11.
  static constexpr double ln2_hi = 0x1.62e42fefa38p-1;
  static constexpr double ln2_lo = 0x1.ef35793c7673p-45;
  static constexpr double inv_ln2 = 0x1.71547652b82fep+0;
  static constexpr double exp_lo = -746.0;
  static constexpr double exp_hi = 710.0;
  static constexpr double expm1_lo = -40.0;
  static constexpr double min_normal = 0x1p-1022;
  static constexpr double subnormal_scale = 0x1p54;
  static constexpr double subnormal_exponent = 54.0;
  static constexpr uint sqrt_half_bits = 0x3fe6a09e667f3bcd;
  static constexpr double veltkamp_split = 134217729.0;  // 2^27 + 1
  static constexpr double tanh_one = 22.0;               // 1 - tanh(x) < 2^-54 for x > 19.06
  static constexpr double identity_below = 0x1p-55;
  static constexpr double hyperbolic_switch = 22.0;  // e^-44 < 2^-63
  static constexpr double exp_finite = 709.7;
  static constexpr double exp_q[] = {0.5,
                                     0.16666666666666671,
                                     0.041666666666666671,
                                     0.0083333333333259728,
                                     0.0013888888888883633,
                                     0.0001984126987538548,
                                     2.480158732595111e-05,
                                     2.7557254685728803e-06,
                                     2.7557273132896042e-07,
                                     2.5105513541847086e-08,
                                     2.0914898727175524e-09};
  static constexpr double log_f[] = {0.66666666666666663, 0.40000000000000879, 0.28571428570803231,
                                     0.2222222239180047,  0.18181795630884753, 0.15386240205813478,
                                     0.13268759668560612, 0.13086767009948175};
  static constexpr double tanh_g[] = {-0.33333333333333331,    0.13333333333333258,
                                      -0.05396825396809881,    0.021869488523705415,
                                      -0.0088632350216888058,  0.0035921160911960462,
                                      -0.0014556628095299508,  0.00058849223663984078,
                                      -0.00023072134435518714, 7.0611378372515969e-05};
};

/// A GNU vector of `Bytes` bytes of T.
template <class T, std::size_t Bytes>
struct vector_of {
  typedef T type __attribute__((vector_size(Bytes)));
};

template <class V>
using traits = lane_traits<lane_type<V>>;

/// The unsigned and signed integer vectors with V's lane count and lane width.
template <class V>
using uint_vector = typename vector_of<typename traits<V>::uint, sizeof(V)>::type;
template <class V>
using sint_vector = typename vector_of<typename traits<V>::sint, sizeof(V)>::type;

template <class V>
CTGRAD_SIMD_INLINE uint_vector<V> bits(V x) noexcept {
  return __builtin_bit_cast(uint_vector<V>, x);
}

template <class V>
CTGRAD_SIMD_INLINE V from_bits(uint_vector<V> b) noexcept {
  return __builtin_bit_cast(V, b);
}

/// Every lane set to c.
template <class V>
CTGRAD_SIMD_INLINE V splat(lane_type<V> c) noexcept {
  return V{} + c;
}

/// c[0] + x (c[1] + x (c[2] + ...)), unrolled at compile time.
template <std::size_t I = 0, class V, class T, std::size_t N>
CTGRAD_SIMD_INLINE V horner(V x, const T (&c)[N]) noexcept {
  if constexpr (I + 1 == N) {
    return splat<V>(c[I]);
  } else {
    return horner<I + 1>(x, c) * x + c[I];
  }
}

/// A value as an unevaluated sum hi + lo.
template <class V>
struct two_term {
  V hi;
  V lo;
};

/// a + b = hi + lo exactly (Knuth's TwoSum: no condition on the magnitudes).
template <class V>
CTGRAD_SIMD_INLINE two_term<V> two_sum(V a, V b) noexcept {
  const V s = a + b;
  const V bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

/// a * b = hi + lo exactly (Dekker's product with Veltkamp's split: no FMA needed).
template <class V>
CTGRAD_SIMD_INLINE two_term<V> two_product(V a, V b) noexcept {
  const V ca = a * traits<V>::veltkamp_split;
  const V cb = b * traits<V>::veltkamp_split;
  const V a_hi = ca - (ca - a), b_hi = cb - (cb - b);
  const V a_lo = a - a_hi, b_lo = b - b_hi;
  const V p = a * b;
  return {p, (((a_hi * b_hi - p) + a_hi * b_lo) + a_lo * b_hi) + a_lo * b_lo};
}

/// 2^k for integer-valued k with a normal result (-126 <= k <= 127 for float), built in the
/// exponent bits.
template <class V>
CTGRAD_SIMD_INLINE V exp2_integer(V k) noexcept {
  return from_bits<V>(bits(k + traits<V>::exponent_shift) << traits<V>::mantissa_bits);
}

/// The integer nearest each lane (ties to even), for |x| < 2^22 (float) or 2^51 (double).
template <class V>
CTGRAD_SIMD_INLINE V round_to_integer(V x) noexcept {
  return (x + traits<V>::round_shift) - traits<V>::round_shift;
}

/// e^x = 2^k (e.hi + e.lo) for x in [exp_lo, exp_hi], with |e.lo| <= ulp(e.hi) / 2.
template <class V>
struct exp_parts {
  V k;
  two_term<V> e;
};

/// exp_parts of x. e.hi + e.lo is within about ulp(e.hi) / 5 of e^r (exp rounds it once);
/// Precise squares r exactly, bringing that to a few hundredths of an ulp, for expm1 and tanh,
/// which magnify the error of e^r.
template <bool Precise, class V>
CTGRAD_SIMD_INLINE exp_parts<V> exp_reduce(V x) noexcept {
  using L = traits<V>;
  using T = lane_type<V>;
  const V k = round_to_integer(x * L::inv_ln2);
  // Exact: k * ln2_hi has few bits and lies within ln2 of x.
  const V r_hi = x - k * L::ln2_hi;
  const V r_lo = k * -L::ln2_lo;
  const V r = r_hi + r_lo;
  const V r_err = (r_hi - r) + r_lo;  // r + r_err = r_hi + r_lo (Fast2Sum, |r_lo| << |r_hi|)
  // e^(r + r_err) = 1 + r + r^2 q(r) + r_err (1 + r) to first order in the tiny r_err.
  const V one_r = 1 + r;
  const V one_r_err = (1 - one_r) + r;  // exact (Fast2Sum: |r| < 1)
  V low;
  if constexpr (Precise) {
    // r^2 / 2 exactly; the rest, r^3 (q(r) - 1/2) / r, is small enough to round freely.
    const auto r2 = two_product(r, r);
    const V rest = (r2.lo * T(0.5) + r * r2.hi * horner<1>(r, L::exp_q)) + r_err * (1 + r);
    low = ((one_r_err + r2.hi * T(0.5)) + rest);
  } else {
    low = one_r_err + (r_err + r * (r_err + r * horner(r, L::exp_q)));
  }
  const V hi = one_r + low;
  return {k, {hi, (one_r - hi) + low}};
}

/// log(x) = hi + lo for x = 2^k (1 + f), f as given, plus a first-order correction c; before
/// the special-value fix-up.
template <class V>
CTGRAD_SIMD_INLINE two_term<V> log_parts(V k, V f, V c) noexcept {
  using L = traits<V>;
  using T = lane_type<V>;
  // log(1 + f) = f - f^2/2 + s (f^2/2 + z F(z)), s = f / (2 + f), z = s^2; f^2/2 is taken exactly
  // because its rounding alone would cost up to 1/8 ulp, and k ln2 + f - f^2/2 is summed exactly.
  const V s = f / (2 + f);
  const V z = s * s;
  const auto f2 = two_product(f, f);
  const V half_f2 = f2.hi * T(0.5);
  const V k_hi = k * L::ln2_hi;  // exact
  // Fast2Sums: |k_hi| >= ln2 > |f| unless k = 0 (then the error is 0); |k_hi + f| > f^2/2.
  const V sum = k_hi + f;
  const V sum_err = (k_hi - sum) + f;
  const V hi = sum - half_f2;
  const V hi_err = (sum - hi) - half_f2;
  const V small = s * (half_f2 + z * horner(z, L::log_f)) + (k * L::ln2_lo + c);
  return {hi, ((sum_err + hi_err) - f2.lo * T(0.5)) + small};
}

/// x = 2^k m with sqrt(1/2) <= m < sqrt(2).
template <class V>
struct log_parts_of {
  V k;
  V m;
};

/// log_parts_of x for positive finite x (subnormals included).
template <class V>
CTGRAD_SIMD_INLINE log_parts_of<V> log_reduce(V x) noexcept {
  using L = traits<V>;
  const auto subnormal = x < L::min_normal;
  const V scaled = subnormal ? x * L::subnormal_scale : x;
  // Subtracting sqrt(1/2)'s bits makes the exponent field count from sqrt(1/2), not from 1.
  const uint_vector<V> shifted = bits(scaled) - L::sqrt_half_bits;
  const uint_vector<V> k_field = shifted & ~((typename L::uint{1} << L::mantissa_bits) - 1);
  const V m = from_bits<V>(bits(scaled) - k_field);
  // k as a float without an int-to-float conversion: add it to round_shift's mantissa.
  const auto k_int = __builtin_bit_cast(sint_vector<V>, shifted) >> L::mantissa_bits;
  const V k = from_bits<V>(__builtin_bit_cast(uint_vector<V>, k_int) + L::round_shift_bits) -
              L::round_shift - (subnormal ? splat<V>(L::subnormal_exponent) : V{});
  return {k, m};
}

/// True if V is wider than the target's vector registers. g++ 12 lowers comparisons and selects
/// on such vectors lane by lane (arithmetic it splits), so the functions split them themselves;
/// every lane sees the same operations either way.
template <class V>
inline constexpr bool too_wide = sizeof(V) >
#if defined(__AVX512F__)
                                 64;
#elif defined(__AVX2__)
                                 32;
#else
                                 16;
#endif

/// The vector with V's lanes and half its width.
template <class V>
using half_vector = typename vector_of<lane_type<V>, sizeof(V) / 2>::type;

/// The two halves of a vector.
template <class V>
struct halves {
  half_vector<V> lo, hi;
};

// Copied through memory: g++ 12 lowers a shuffle of a too-wide vector lane by lane, while two
// half-width copies become two half-width loads or stores.
template <class V>
CTGRAD_SIMD_INLINE halves<V> split(V x) noexcept {
  halves<V> h;
  __builtin_memcpy(&h.lo, &x, sizeof h.lo);
  __builtin_memcpy(&h.hi, reinterpret_cast<const char*>(&x) + sizeof h.lo, sizeof h.hi);
  return h;
}

template <class V, class H>
CTGRAD_SIMD_INLINE V join(H lo, H hi) noexcept {
  V x;
  __builtin_memcpy(&x, &lo, sizeof lo);
  __builtin_memcpy(reinterpret_cast<char*>(&x) + sizeof lo, &hi, sizeof hi);
  return x;
}

}  // namespace impl

/// e^x in every lane, within 1 ulp; exp(+-inf) = +inf / +0, exp(NaN) = NaN.
template <float_vector V>
CTGRAD_SIMD_INLINE V exp(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(exp(lo), exp(hi));
  } else {
    using T = lane_type<V>;
    using L = impl::traits<V>;
    // Lanes whose result is +0 or +inf compute on 0 instead: an underflowing intermediate would
    // cost a microcode assist on x86. NaN passes.
    const auto zero = x<L::exp_lo, overflow = x> L::exp_hi;
    const auto [k, e] = impl::exp_reduce<false>((zero | overflow) ? V{} : x);
    // 2^k in two halves: each is a normal number, and only the last product rounds.
    const V k1 = impl::round_to_integer(k * T(0.5));
    const V r = e.hi * impl::exp2_integer(k1) * impl::exp2_integer(k - k1);
    return zero ? V{} : (overflow ? impl::splat<V>(std::numeric_limits<T>::infinity()) : r);
  }
}

/// e^x - 1 in every lane, within 1 ulp and accurate near 0; expm1(-0) = -0.
template <float_vector V>
CTGRAD_SIMD_INLINE V expm1(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(expm1(lo), expm1(hi));
  } else {
    using L = impl::traits<V>;
    const V a = impl::from_bits<V>(impl::bits(x) & ~L::sign_bit);
    // Saturate, and compute tiny lanes (fixed below) on 1: no intermediate may be subnormal.
    V xc = x < L::expm1_lo ? impl::splat<V>(L::expm1_lo) : x;
    xc = x > L::exp_hi ? impl::splat<V>(L::exp_hi) : xc;  // NaN passes
    xc = a < L::identity_below ? impl::splat<V>(1) : xc;
    const auto [k, e] = impl::exp_reduce<true>(xc);
    const V k1 = impl::round_to_integer(k * lane_type<V>(0.5));
    const V scale1 = impl::exp2_integer(k1), scale2 = impl::exp2_integer(k - k1);
    const V hi = e.hi * scale1 * scale2;
    const auto d = impl::two_sum(hi, impl::splat<V>(-1));  // exact: hi - 1 = d.hi + d.lo
    V r = d.hi + (d.lo + e.lo * scale1 * scale2);
    r = hi == std::numeric_limits<lane_type<V>>::infinity() ? hi : r;
    r = a < L::identity_below ? x : r;  // e^x - 1 rounds to x, +-0 included
    return x == x ? r : x + x;          // x + x: a quiet NaN
  }
}

/// Natural logarithm in every lane, within 1 ulp; log(+-0) = -inf, log(x < 0) = NaN,
/// log(+inf) = +inf, log(1) = +0.
template <float_vector V>
CTGRAD_SIMD_INLINE V log(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(log(lo), log(hi));
  } else {
    using T = lane_type<V>;
    const auto [k, m] = impl::log_reduce(x);
    const auto parts = impl::log_parts(k, m - 1, V{});  // m - 1 is exact
    V r = parts.hi + parts.lo;
    r = x < 0 ? impl::splat<V>(std::numeric_limits<T>::quiet_NaN()) : r;
    r = x == 0 ? impl::splat<V>(-std::numeric_limits<T>::infinity()) : r;
    return x < std::numeric_limits<T>::infinity() ? r : x + x;  // +inf and NaN
  }
}

/// log(1 + x) in every lane, within 1 ulp and accurate near 0; log1p(-1) = -inf,
/// log1p(x < -1) = NaN, log1p(-0) = -0.
template <float_vector V>
CTGRAD_SIMD_INLINE V log1p(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(log1p(lo), log1p(hi));
  } else {
    using T = lane_type<V>;
    using L = impl::traits<V>;
    const V a = impl::from_bits<V>(impl::bits(x) & ~L::sign_bit);
    // Tiny lanes (fixed below) compute on 0: a subnormal u.lo would cost a microcode assist.
    const V xc = a < L::identity_below ? V{} : x;
    const auto u = impl::two_sum(impl::splat<V>(1), xc);  // 1 + x = u.hi + u.lo exactly
    const auto [k, m] = impl::log_reduce(u.hi);
    // log(u.hi + u.lo) = log(u.hi) + u.lo / u.hi to first order (|u.lo| <= ulp(u.hi) / 2).
    const auto parts = impl::log_parts(k, m - 1, u.lo / u.hi);
    V r = parts.hi + parts.lo;
    r = x < -1 ? impl::splat<V>(std::numeric_limits<T>::quiet_NaN()) : r;
    r = x == -1 ? impl::splat<V>(-std::numeric_limits<T>::infinity()) : r;
    r = x < std::numeric_limits<T>::infinity() ? r : x + x;
    return a < L::identity_below ? x : r;  // log(1 + x) rounds to x, -0 included
  }
}

/// Hyperbolic tangent in every lane, within 1 ulp; tanh(+-inf) = +-1, tanh(-0) = -0.
template <float_vector V>
CTGRAD_SIMD_INLINE V tanh(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(tanh(lo), tanh(hi));
  } else {
    using T = lane_type<V>;
    using L = impl::traits<V>;
    const auto sign = impl::bits(x) & L::sign_bit;
    const V a = impl::from_bits<V>(impl::bits(x) ^ sign);
    const T switch_at = 0.4;
    // Each path computes on an argument within its own range (the other lanes are selected
    // away), so that no intermediate is subnormal, which would cost a microcode assist on x86.
    // Small |x|: odd polynomial. Its error grows with a^3 G, hence the switch at 0.4.
    const V a_small = a < L::identity_below ? impl::splat<V>(L::identity_below) : a;
    const V y = a_small * a_small;
    const V small = a_small + a_small * y * impl::horner(y, L::tanh_g);
    // Otherwise 1 - 2 / (E + 1), E = e^(2a) carried as a two-term sum: the result's sensitivity to
    // E's relative error reaches 1/2, so E must be better than the lane precision.
    V a_large = a < switch_at ? impl::splat<V>(switch_at) : a;
    a_large = a > L::tanh_one ? impl::splat<V>(L::tanh_one) : a_large;  // NaN passes
    const auto [k, e] = impl::exp_reduce<true>(2 * a_large);
    const V scale = impl::exp2_integer(k);  // k < 64: one normal factor suffices
    const V e_hi = e.hi * scale;
    const V d_hi = e_hi + 1;
    const V d_lo = ((e_hi - d_hi) + 1) + e.lo * scale;  // Fast2Sum: e_hi >= 1
    // q = 2 / d_hi rounded; q_lo = 2 / (d_hi + d_lo) - q from the exact residual 2 - q d_hi.
    const V q = 2 / d_hi;
    const auto qd = impl::two_product(q, d_hi);
    const V q_lo = (((2 - qd.hi) - qd.lo) - q * d_lo) * (q * lane_type<V>(0.5));
    const V h = 1 - q;
    const V large = h + (((1 - h) - q) - q_lo);  // Fast2Sum: q <= 1
    V t = a < switch_at ? small : large;
    t = a < L::identity_below ? a : t;  // tanh(a) rounds to a, +0 included
    return impl::from_bits<V>(impl::bits(t) | sign);
  }
}

/// 1 / (1 + e^-x) in every lane, within 2 ulp (1.91 measured in float), from exp: 1 / (1 + E) for x
/// >= 0 and E / (1 + E) for x < 0 with E = e^-|x|, so nothing overflows: sigmoid(-1000) = +0 and
/// sigmoid(1000) = 1, both exact to rounding. The rounding error of 1 + E is corrected to first
/// order.
template <float_vector V>
CTGRAD_SIMD_INLINE V sigmoid(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(sigmoid(lo), sigmoid(hi));
  } else {
    using L = impl::traits<V>;
    const V e = exp(impl::from_bits<V>(impl::bits(x) | L::sign_bit));  // e^-|x|, NaN passes
    const V d = 1 + e;
    const V d_lo = (1 - d) + e;  // 1 + e = d + d_lo exactly (Fast2Sum: e <= 1)
    const V q = (x < 0 ? e : impl::splat<V>(1)) / d;
    return q - q * (d_lo / d);
  }
}

/// log(1 + e^x) in every lane, within 1.5 ulp: max(x, 0) + log1p(e^-|x|), finite for any finite
/// x and exact to rounding far out (softplus(1000) = 1000, softplus(-1000) = +0).
template <float_vector V>
CTGRAD_SIMD_INLINE V softplus(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(softplus(lo), softplus(hi));
  } else {
    using L = impl::traits<V>;
    const V l = log1p(exp(impl::from_bits<V>(impl::bits(x) | L::sign_bit)));
    return (x > 0 ? x : V{}) + l;  // NaN: l is NaN
  }
}

/// log(1 / (1 + e^-x)) = -softplus(-x) in every lane (log_sigmoid(-1000) = -1000).
template <float_vector V>
CTGRAD_SIMD_INLINE V log_sigmoid(V x) noexcept {
  return -softplus(-x);
}

/// Hyperbolic sine in every lane, within 2 ulp: (E + E / (E + 1)) / 2 with E = expm1(|x|) (no
/// cancellation near 0), e^|x| / 2 from hyperbolic_switch on; the sign is copied.
template <float_vector V>
CTGRAD_SIMD_INLINE V sinh(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(sinh(lo), sinh(hi));
  } else {
    using T = lane_type<V>;
    using L = impl::traits<V>;
    const auto sign = impl::bits(x) & L::sign_bit;
    const V a = impl::from_bits<V>(impl::bits(x) ^ sign);
    const V a_small = a > L::hyperbolic_switch ? impl::splat<V>(L::hyperbolic_switch) : a;
    const V em1 = expm1(a_small);
    const V small = T(0.5) * (em1 + em1 / (em1 + 1));
    const auto huge = a > L::exp_finite;
    const V e = exp(huge ? a * T(0.5) : a);
    const V large = huge ? (T(0.5) * e) * e : T(0.5) * e;
    V r = a < L::hyperbolic_switch ? small : large;  // NaN: large, from exp(NaN)
    r = a < L::identity_below ? a : r;
    return impl::from_bits<V>(impl::bits(r) | sign);
  }
}

/// Hyperbolic cosine in every lane, within 2 ulp: 1 + t^2 / (2 (1 + t)) with t = expm1(|x|) for
/// |x| < ln2 / 2, (e^|x| + e^-|x|) / 2 above, e^|x| / 2 as (e^(|x|/2) / 2) e^(|x|/2) where e^|x|
/// alone would overflow.
template <float_vector V>
CTGRAD_SIMD_INLINE V cosh(V x) noexcept {
  if constexpr (impl::too_wide<V>) {
    const auto [lo, hi] = impl::split(x);
    return impl::join<V>(cosh(lo), cosh(hi));
  } else {
    using T = lane_type<V>;
    using L = impl::traits<V>;
    const V a = impl::from_bits<V>(impl::bits(x) & ~L::sign_bit);
    const T switch_at = 0.34657359f;  // ln2 / 2
    V a_small = a > switch_at ? impl::splat<V>(switch_at) : a;
    a_small = a < L::identity_below ? impl::splat<V>(L::identity_below) : a_small;  // t^2 normal
    const V t = expm1(a_small);
    const V small = 1 + (t * t) / (2 * (1 + t));
    const auto huge = a > L::exp_finite;
    const V e = exp(huge ? a * T(0.5) : a);
    const V large = huge ? (T(0.5) * e) * e : T(0.5) * e + T(0.5) / e;
    V r = a < switch_at ? small : large;  // NaN: large, from exp(NaN)
    return a < L::identity_below ? impl::splat<V>(1) : r;
  }
}

// The scalar overloads put x in lane 0 by initialisation, not by arithmetic (0 + x would quiet a
// signalling NaN that a packet lane keeps), and run the 16-byte packet code.

/// e^x for one float, bit for bit the value of any packet lane holding x.
inline float exp(float x) noexcept { return exp(impl::vector_of<float, 16>::type{x})[0]; }
/// e^x for one double, bit for bit the value of any packet lane holding x.
inline double exp(double x) noexcept { return exp(impl::vector_of<double, 16>::type{x})[0]; }
/// e^x - 1 for one float, bit for bit the value of any packet lane holding x.
inline float expm1(float x) noexcept { return expm1(impl::vector_of<float, 16>::type{x})[0]; }
/// e^x - 1 for one double, bit for bit the value of any packet lane holding x.
inline double expm1(double x) noexcept { return expm1(impl::vector_of<double, 16>::type{x})[0]; }
/// log(x) for one float, bit for bit the value of any packet lane holding x.
inline float log(float x) noexcept { return log(impl::vector_of<float, 16>::type{x})[0]; }
/// log(x) for one double, bit for bit the value of any packet lane holding x.
inline double log(double x) noexcept { return log(impl::vector_of<double, 16>::type{x})[0]; }
/// log(1 + x) for one float, bit for bit the value of any packet lane holding x.
inline float log1p(float x) noexcept { return log1p(impl::vector_of<float, 16>::type{x})[0]; }
/// log(1 + x) for one double, bit for bit the value of any packet lane holding x.
inline double log1p(double x) noexcept { return log1p(impl::vector_of<double, 16>::type{x})[0]; }
/// tanh(x) for one float, bit for bit the value of any packet lane holding x.
inline float tanh(float x) noexcept { return tanh(impl::vector_of<float, 16>::type{x})[0]; }
/// tanh(x) for one double, bit for bit the value of any packet lane holding x.
inline double tanh(double x) noexcept { return tanh(impl::vector_of<double, 16>::type{x})[0]; }

/// 1 / (1 + e^-x) for one float, bit for bit the value of any packet lane holding x.
inline float sigmoid(float x) noexcept { return sigmoid(impl::vector_of<float, 16>::type{x})[0]; }
/// 1 / (1 + e^-x) for one double, bit for bit the value of any packet lane holding x.
inline double sigmoid(double x) noexcept {
  return sigmoid(impl::vector_of<double, 16>::type{x})[0];
}
/// log(1 + e^x) for one float, bit for bit the value of any packet lane holding x.
inline float softplus(float x) noexcept { return softplus(impl::vector_of<float, 16>::type{x})[0]; }
/// log(1 + e^x) for one double, bit for bit the value of any packet lane holding x.
inline double softplus(double x) noexcept {
  return softplus(impl::vector_of<double, 16>::type{x})[0];
}
/// -softplus(-x) for one float, bit for bit the value of any packet lane holding x.
inline float log_sigmoid(float x) noexcept {
  return log_sigmoid(impl::vector_of<float, 16>::type{x})[0];
}
/// -softplus(-x) for one double, bit for bit the value of any packet lane holding x.
inline double log_sigmoid(double x) noexcept {
  return log_sigmoid(impl::vector_of<double, 16>::type{x})[0];
}
/// sinh(x) for one float, bit for bit the value of any packet lane holding x.
inline float sinh(float x) noexcept { return sinh(impl::vector_of<float, 16>::type{x})[0]; }
/// sinh(x) for one double, bit for bit the value of any packet lane holding x.
inline double sinh(double x) noexcept { return sinh(impl::vector_of<double, 16>::type{x})[0]; }
/// cosh(x) for one float, bit for bit the value of any packet lane holding x.
inline float cosh(float x) noexcept { return cosh(impl::vector_of<float, 16>::type{x})[0]; }
/// cosh(x) for one double, bit for bit the value of any packet lane holding x.
inline double cosh(double x) noexcept { return cosh(impl::vector_of<double, 16>::type{x})[0]; }

}  // namespace ctgrad::detail::simd

#undef CTGRAD_SIMD_INLINE

#pragma GCC diagnostic pop
