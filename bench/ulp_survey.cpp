// The accuracy figures that README.md and docs/ quote, measured: the largest error, in ulp of the
// result, of every elementary function ctgrad implements itself, in float and double, against
// the x87 long double functions of glibc (64-bit significands: their own error is below 0.001
// ulp of a double, far under what is measured here). Not a benchmark and not built by meson:
//
//   g++ -std=c++20 -O2 -ffp-contract=off -Iinclude bench/ulp_survey.cpp -o /tmp/ulp_survey
//   /tmp/ulp_survey            # about a minute; prints one line per function and type
//
// `ce` is the constant-evaluation implementation (detail/constexpr_math.hpp), run here at run
// time (the same code, the same results); `simd` is the run-time one (detail/simd_math.hpp).
// Inputs: 400,000 random bit patterns over the function's domain and 400,000 uniform points in
// its interesting range, per function and type, from a fixed seed (the same run every time).
// The tests pin these bounds over their own samples: tests/detail/constexpr_math.cpp and
// tests/detail/simd_math.cpp.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctgrad/detail/constexpr_math.hpp>
#include <ctgrad/detail/simd_math.hpp>
#include <functional>
#include <limits>

namespace ce = ctgrad::detail::ce;
namespace simd = ctgrad::detail::simd;

namespace {

// |got - want| in ulp of T at want (the subnormal ulp below the normal range).
template <class T>
double ulp_error(T got, long double want) {
  if (std::isnan(want) && std::isnan(got))
    return 0;
  const T rounded = static_cast<T>(want);  // infinite beyond T's range: overflow is exact then
  if (std::isinf(rounded) || std::isinf(got) || std::isnan(got) || std::isnan(want))
    return got == rounded ? 0 : std::numeric_limits<double>::infinity();
  int e = rounded == 0 ? std::numeric_limits<T>::min_exponent - 1 : std::ilogb(rounded);
  e = std::max(e, std::numeric_limits<T>::min_exponent - 1);
  const long double ulp = std::ldexp(1.0L, e - std::numeric_limits<T>::digits + 1);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / ulp);
}

struct random_bits {
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1p-53;
  }
};

// Every 10 points a random bit pattern with |x| <= limit (T's), then a uniform one in [lo, hi].
template <class T>
T input(random_bits& r, std::size_t i, double limit, double lo, double hi) {
  if (i % 2 == 0) {
    for (;;) {
      T x;
      if constexpr (sizeof(T) == 8)
        x = std::bit_cast<double>(r.next());
      else
        x = std::bit_cast<float>(static_cast<std::uint32_t>(r.next() >> 32));
      if (std::isfinite(x) && std::fabs(static_cast<double>(x)) <= limit)
        return x;
    }
  }
  return static_cast<T>(r.uniform(lo, hi));
}

template <class T, class F, class R>
void survey(const char* name, F f, R reference, double limit, double lo, double hi) {
  random_bits r;
  double worst = 0;
  T worst_at = 0;
  for (std::size_t i = 0; i < 800000; ++i) {
    const T x = input<T>(r, i, limit, lo, hi);
    const double e = ulp_error<T>(f(x), reference(static_cast<long double>(x)));
    if (e > worst) {
      worst = e;
      worst_at = x;
    }
  }
  std::printf("%-22s %-6s max %.3f ulp at x = %a\n", name, sizeof(T) == 8 ? "double" : "float",
              worst, static_cast<double>(worst_at));
}

template <class T, class F, class R>
void survey2(const char* name, F f, R reference, double lo, double hi) {
  random_bits r;
  double worst = 0;
  T worst_x = 0, worst_y = 0;
  for (std::size_t i = 0; i < 800000; ++i) {
    const T x = static_cast<T>(i % 2 ? r.uniform(lo, hi) : std::exp(r.uniform(-700, 700)));
    const T y = static_cast<T>(i % 2 ? r.uniform(lo, hi) : std::exp(r.uniform(-700, 700)));
    const double e = ulp_error<T>(f(x, y), reference(static_cast<long double>(x), y));
    if (e > worst) {
      worst = e;
      worst_x = x;
      worst_y = y;
    }
  }
  std::printf("%-22s %-6s max %.3f ulp at x = %a, y = %a\n", name,
              sizeof(T) == 8 ? "double" : "float", worst, static_cast<double>(worst_x),
              static_cast<double>(worst_y));
}

long double sigmoid_ref(long double x) { return 1 / (1 + expl(-x)); }
long double softplus_ref(long double x) { return x > 0 ? x + log1pl(expl(-x)) : log1pl(expl(x)); }
long double cbrt_ref(long double x) {
  long double c = cbrtl(x);
  if (c != 0 && std::isfinite(c))
    c -= (c * c * c - x) / (3 * c * c);  // glibc's cbrtl is itself 1 ulp off at times
  return c;
}

template <class T>
void run() {
  const double big = sizeof(T) == 8 ? 1e308 : 3e38;
  // The constant-evaluation implementations (constexpr_math.hpp's `ce`).
  survey<T>(
      "ce exp", ce::exp<T>, [](long double x) { return expl(x); }, 750, -40, 40);
  survey<T>(
      "ce expm1", ce::expm1<T>, [](long double x) { return expm1l(x); }, 750, -2, 2);
  survey<T>(
      "ce log", ce::log<T>, [](long double x) { return logl(x); }, big, 0, 4);
  survey<T>(
      "ce log1p", ce::log1p<T>, [](long double x) { return log1pl(x); }, big, -1, 2);
  survey<T>(
      "ce sqrt", ce::sqrt<T>, [](long double x) { return sqrtl(x); }, big, 0, 100);
  survey<T>(
      "ce sin", ce::sin<T>, [](long double x) { return sinl(x); }, 0x1p50, -10, 10);
  survey<T>(
      "ce cos", ce::cos<T>, [](long double x) { return cosl(x); }, 0x1p50, -10, 10);
  survey<T>(
      "ce tan", ce::tan<T>, [](long double x) { return tanl(x); }, 0x1p50, -10, 10);
  survey<T>(
      "ce atan", ce::atan<T>, [](long double x) { return atanl(x); }, big, -5, 5);
  survey<T>(
      "ce tanh", ce::tanh<T>, [](long double x) { return tanhl(x); }, big, -5, 5);
  survey<T>(
      "ce sinh", ce::sinh<T>, [](long double x) { return sinhl(x); }, 711, -5, 5);
  survey<T>(
      "ce cosh", ce::cosh<T>, [](long double x) { return coshl(x); }, 711, -5, 5);
  survey<T>("ce sigmoid", ce::sigmoid<T>, sigmoid_ref, big, -40, 40);
  survey<T>("ce softplus", ce::softplus<T>, softplus_ref, big, -40, 40);
  survey<T>(
      "ce log_sigmoid", ce::log_sigmoid<T>, [](long double x) { return -softplus_ref(-x); }, big,
      -40, 40);
  survey<T>("ce cbrt", ce::cbrt<T>, cbrt_ref, big, -10, 10);
  survey<T>(
      "ce asin", ce::asin<T>, [](long double x) { return asinl(x); }, 1, -1, 1);
  survey<T>(
      "ce acos", ce::acos<T>, [](long double x) { return acosl(x); }, 1, -1, 1);
  survey<T>(
      "ce erf", ce::erf<T>, [](long double x) { return erfl(x); }, big, -4, 4);
  survey2<T>(
      "ce hypot", ce::hypot<T>, [](long double x, long double y) { return hypotl(x, y); }, -100,
      100);
  survey2<T>(
      "ce pow", ce::pow<T>, [](long double x, long double y) { return powl(x, y); }, 0, 10);
  for (int n : {-7, -3, -1, 2, 3, 5, 11}) {
    char label[32];
    std::snprintf(label, sizeof label, "ce pow_int(x, %d)", n);
    survey<T>(
        label, [n](T x) { return ce::pow_int<T>(x, n); }, [n](long double x) { return powl(x, n); },
        sizeof(T) == 8 ? 1e20 : 1e4, -10, 10);
  }
  // The run-time implementations (simd_math.hpp), one lane of a packet.
  survey<T>(
      "simd exp", [](T x) { return simd::exp(x); }, [](long double x) { return expl(x); }, 750, -40,
      40);
  survey<T>(
      "simd expm1", [](T x) { return simd::expm1(x); }, [](long double x) { return expm1l(x); },
      750, -2, 2);
  survey<T>(
      "simd log", [](T x) { return simd::log(x); }, [](long double x) { return logl(x); }, big, 0,
      4);
  survey<T>(
      "simd log1p", [](T x) { return simd::log1p(x); }, [](long double x) { return log1pl(x); },
      big, -1, 2);
  survey<T>(
      "simd tanh", [](T x) { return simd::tanh(x); }, [](long double x) { return tanhl(x); }, big,
      -5, 5);
  survey<T>(
      "simd sinh", [](T x) { return simd::sinh(x); }, [](long double x) { return sinhl(x); }, 711,
      -5, 5);
  survey<T>(
      "simd cosh", [](T x) { return simd::cosh(x); }, [](long double x) { return coshl(x); }, 711,
      -5, 5);
  survey<T>(
      "simd sigmoid", [](T x) { return simd::sigmoid(x); }, sigmoid_ref, big, -40, 40);
  survey<T>(
      "simd softplus", [](T x) { return simd::softplus(x); }, softplus_ref, big, -40, 40);
  survey<T>(
      "simd log_sigmoid", [](T x) { return simd::log_sigmoid(x); },
      [](long double x) { return -softplus_ref(-x); }, big, -40, 40);
  // Distance from the C library's tanh, which ctgrad's replaces at run time: most of it is
  // glibc's own error (next line).
  survey<T>(
      "simd tanh - glibc tanh", [](T x) { return simd::tanh(x); },
      [](long double x) { return static_cast<long double>(std::tanh(static_cast<T>(x))); }, big, -5,
      5);
  // The C library's, for comparison (what ctgrad calls at run time for the others).
  survey<T>(
      "glibc tanh", [](T x) { return std::tanh(x); }, [](long double x) { return tanhl(x); }, big,
      -5, 5);
  survey<T>(
      "glibc sinh", [](T x) { return std::sinh(x); }, [](long double x) { return sinhl(x); }, 711,
      -5, 5);
  survey<T>(
      "glibc cbrt", [](T x) { return std::cbrt(x); }, cbrt_ref, big, -10, 10);
}

}  // namespace

int main() {
  run<float>();
  run<double>();
}
