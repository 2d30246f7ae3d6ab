// The seed notebook ends by guessing that autograd is "less accurate" than a hand-derived numpy
// gradient, because the numpy version fitted better in fewer epochs. This program settles it:
// the usual hand-derived gradient, np.dot(2 * x, y_pred - y).mean(), is a sum where a mean was
// meant, so it is N = 4 times too large, and so is its effective learning rate. ctgrad's exact
// gradient catches that at compile time (see docs/puzzle.md).
#include <array>
#include <cstdio>

#include <ctgrad.hpp>

int main() {
  using namespace ctgrad::literals;
  constexpr ctgrad::param<"w"> w;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  constexpr auto loss = mean(square(y - w * x));

  // np.dot(2 * x, y_pred - y) is a sum over the points; .mean() of that scalar changes nothing.
  constexpr auto numpy_gradient = sum(2_c * x * (w * x - y));
  // What was meant: the mean over the points.
  constexpr auto fixed_gradient = mean(2_c * x * (w * x - y));

  static constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  static constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};

  // The fixed gradient is proved right by the compiler. The numpy one would not compile:
  //   static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(
  //       d(loss, w), numpy_gradient, w = 0.0f, x = X, y = Y)>);
  // fails with "ctgrad: the gradient does not match the exact derivative" in the instantiation
  // of hand_gradient_is_off_by_factor<4, 1>. (tests/compile_fail/ builds exactly that.)
  static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(d(loss, w), fixed_gradient,
                                                                  w = 0.0f, x = X, y = Y)>);
  constexpr auto verdict =
      ctgrad::compare_gradient(d(loss, w), numpy_gradient, w = 0.0f, x = X, y = Y);
  static_assert(!verdict.agrees && verdict.num == 4 && verdict.den == 1);

  std::printf("exact gradient:       %s\n", ctgrad::to_static_string(d(loss, w)).chars);
  std::printf("numpy-style gradient: %s\n", ctgrad::to_static_string(numpy_gradient).chars);
  std::printf("at w = 0: exact %.1f, numpy-style %.1f: off by a factor of %lld/%lld\n",
              ctgrad::evaluate(d(loss, w), w = 0.0f, x = X, y = Y),
              ctgrad::evaluate(numpy_gradient, w = 0.0f, x = X, y = Y),
              static_cast<long long>(verdict.num), static_cast<long long>(verdict.den));

  // Training with the numpy-style gradient and lr = 0.01 ...
  float w_numpy = 0.0f;
  for (int epoch = 1; epoch <= 3; ++epoch) {
    const float g = ctgrad::evaluate(numpy_gradient, w = w_numpy, x = X, y = Y);
    w_numpy = w_numpy - 0.01f * g;
    std::printf("numpy-style, lr 0.01: epoch %d: w = %.3f\n", epoch, w_numpy);
  }
  // ... is training with the exact gradient and lr = 0.04: a larger step, not a better gradient.
  auto fast = ctgrad::parameters(w = 0.0f);
  auto slow = ctgrad::parameters(w = 0.0f);
  const auto data = ctgrad::dataset(x = X, y = Y);
  ctgrad::train(loss, fast, data, ctgrad::sgd{0.04f}, 3, [&](const auto& r) {
    std::printf("exact,       lr 0.04: epoch %zu: w = %.3f\n", r.epoch, r.params[w]);
  });
  ctgrad::train(loss, slow, data, ctgrad::sgd{0.01f}, 1, [&](const auto& r) {
    std::printf("exact,       lr 0.01: epoch %zu: w = %.3f (the PyTorch transcript)\n", r.epoch,
                r.params[w]);
  });
}
