#include <doctest/doctest.h>
#include <unistd.h>  // link

#include <array>
#include <bit>
#include <boost/hana/unpack.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctgrad.hpp>
#include <ctgrad/runtime/checkpoint.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "../support/raises.hpp"
#include "../support/temporary_directory.hpp"

// Checkpoints: a run interrupted and resumed from a checkpoint ends bit for bit where the
// uninterrupted run ends, for every optimizer with a schedule; every truncation and every
// single-byte change of a file is refused and leaves the objects as they were; a failed save
// leaves the previous file as it was.

namespace {
namespace fs = std::filesystem;

constexpr ctgrad::param<"w", 3> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", 3> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - (dot(w, x) + b)));

using ctgrad::testing::temporary_directory;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The checksum line, computed here independently of the library: FNV-1a 64 of the text.
std::string with_checksum(const std::string& body) {
  std::uint64_t h = 14695981039346656037u;
  for (const char c : body) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211u;
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(h));
  return body + "checksum fnv1a64 " + digits + "\n";
}

// The file without its checksum line.
std::string body_of(const std::string& text) {
  return text.substr(0, text.rfind('\n', text.size() - 2) + 1);
}

// The bytes of every value the objects hold (parameters, then every piece of state in
// for_each_state's order): equal bytes mean bit-identical objects.
using bytes = std::vector<unsigned char>;

template <class V>
void append(bytes& out, const V& v) {
  static_assert(!std::is_same_v<V, long double>, "long double has padding bytes");
  const auto raw = std::bit_cast<std::array<unsigned char, sizeof(V)>>(v);
  out.insert(out.end(), raw.begin(), raw.end());
}

template <class... Bs>
void append(bytes& out, const ctgrad::param_set<Bs...>& p) {
  boost::hana::unpack(p.bindings, [&](const auto&... binding) {
    auto one = [&](const auto& bd) {
      for (std::size_t k = 0;
           k < ctgrad::shape_of_t<typename std::remove_cvref_t<decltype(bd)>::variable>::size; ++k)
        append(out, bd.at(k));
    };
    (one(binding), ...);
  });
}

template <class Stateful>
bytes state_bytes(Stateful s) {
  bytes out;
  s.for_each_state([&](const auto&, auto& v) { append(out, v); });
  return out;
}

template <class P, class O, class S>
bytes snapshot(const P& params, const O& optimizer, const S& schedule) {
  bytes out;
  append(out, params);
  const bytes o = state_bytes(optimizer), s = state_bytes(schedule);
  out.insert(out.end(), o.begin(), o.end());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

template <class T>
bytes loss_bytes(const std::vector<T>& losses) {
  bytes out;
  for (const T l : losses) append(out, l);
  return out;
}

template <class T>
auto make_params(T start) {
  return ctgrad::parameters(w = std::array<T, 3>{start, -start / 2, 2 * start}, b = -start);
}

// 16 points of a noisy linear target, the same on every call.
template <class T>
struct regression_data {
  std::vector<std::array<T, 3>> rows;
  std::vector<T> targets;
  regression_data() {
    for (int i = 0; i < 16; ++i) {
      const std::array<T, 3> r{T(i % 5) / 4, T((i * 7) % 11) / 10 - T(0.5), T((i * 3) % 8) / 8};
      rows.push_back(r);
      targets.push_back(T(0.5) * r[0] - T(1.25) * r[1] + 2 * r[2] + T(0.75) +
                        T((i * 13) % 7 - 3) / 50);
    }
  }
};

// Run A: `total` epochs uninterrupted. Run B: `interrupted_after` epochs, a checkpoint, then
// fresh objects, other starting values, other learning rate (so another base rate for the
// schedule) and a few epochs of their own, load the checkpoint and train the rest. Both end
// with the same bits in the losses, parameters, optimizer state and schedule state.
template <class T, class Make>
void check_resume(Make make_optimizer, double lr) {
  constexpr std::size_t total = 20, interrupted_after = 8;
  temporary_directory dir;
  const fs::path file = dir.path / "run.ckpt";
  const regression_data<T> d;
  const auto data = ctgrad::dataset(x = d.rows, y = d.targets);
  const ctgrad::cosine_annealing_lr_options cosine{.t_max = 10, .eta_min = 1e-3};

  auto pa = make_params(T(0.25));
  auto oa = make_optimizer(pa, lr);
  ctgrad::cosine_annealing_lr sa{oa, cosine};
  std::vector<T> losses_a;
  const fs::path saved_in_callback = dir.path / "callback.ckpt";
  ctgrad::train(loss, pa, data, oa, total, [&](const auto& r) {
    losses_a.push_back(r.loss);
    sa.step(oa);
    if (r.epoch == interrupted_after)
      ctgrad::save_checkpoint(saved_in_callback, r.epoch, r.params, oa, sa);
  });

  auto pb = make_params(T(0.25));
  auto ob = make_optimizer(pb, lr);
  ctgrad::cosine_annealing_lr sb{ob, cosine};
  std::vector<T> losses_b;
  auto record_b = [&](const auto& r) {
    losses_b.push_back(r.loss);
    sb.step(ob);
  };
  ctgrad::train(loss, pb, data, ob, interrupted_after, record_b);
  ctgrad::save_checkpoint(file, interrupted_after, pb, ob, sb);
  CHECK(read(file) == read(saved_in_callback));  // saving from the callback, mid-run, is the same

  auto pc = make_params(T(1.5));
  auto oc = make_optimizer(pc, 3 * lr);
  ctgrad::cosine_annealing_lr sc{oc, cosine};
  ctgrad::train(loss, pc, data, oc, 3, [&](const auto&) { sc.step(oc); });
  REQUIRE(snapshot(pc, oc, sc) != snapshot(pb, ob, sb));
  CHECK(ctgrad::load_checkpoint(file, pc, oc, sc) == interrupted_after);
  CHECK(snapshot(pc, oc, sc) == snapshot(pb, ob, sb));
  ctgrad::train(loss, pc, data, oc, total - interrupted_after, [&](const auto& r) {
    losses_b.push_back(r.loss);
    sc.step(oc);
  });

  REQUIRE(losses_b.size() == total);
  CHECK(loss_bytes(losses_b) == loss_bytes(losses_a));
  CHECK(snapshot(pc, oc, sc) == snapshot(pa, oa, sa));
  CHECK(losses_a.back() < losses_a.front());  // it trains
}
}  // namespace

TEST_CASE_TEMPLATE("a run resumed from a checkpoint ends bit for bit as the uninterrupted run", T,
                   float, double) {
  SUBCASE("sgd with momentum, dampening and weight decay") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::sgd{p,
                             {.lr = lr, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01}};
        },
        0.05);
  }
  SUBCASE("sgd with Nesterov momentum") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::sgd{p, {.lr = lr, .momentum = 0.8, .nesterov = true}};
        },
        0.05);
  }
  SUBCASE("plain sgd") {
    check_resume<T>([](const auto&, double lr) { return ctgrad::sgd{lr}; }, 0.1);
  }
  SUBCASE("adam with amsgrad") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::adam{p, {.lr = lr, .weight_decay = 0.01, .amsgrad = true}};
        },
        0.05);
  }
  SUBCASE("adamw with amsgrad") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::adamw{p, {.lr = lr, .weight_decay = 0.05, .amsgrad = true}};
        },
        0.05);
  }
  SUBCASE("rmsprop, centered, with momentum") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::rmsprop{p, {.lr = lr, .momentum = 0.5, .centered = true}};
        },
        0.01);
  }
  SUBCASE("adagrad with learning-rate decay") {
    check_resume<T>(
        [](const auto& p, double lr) {
          return ctgrad::adagrad{p, {.lr = lr, .lr_decay = 0.01, .weight_decay = 0.01}};
        },
        0.1);
  }
}

TEST_CASE("the resume test is sensitive: resuming from the parameters alone ends elsewhere") {
  const regression_data<double> d;
  const auto data = ctgrad::dataset(x = d.rows, y = d.targets);
  auto pa = make_params(0.25);
  ctgrad::adam oa{pa, {.lr = 0.05, .amsgrad = true}};
  ctgrad::train(loss, pa, data, oa, 20);
  auto pb = make_params(0.25);
  ctgrad::adam ob{pb, {.lr = 0.05, .amsgrad = true}};
  ctgrad::train(loss, pb, data, ob, 8);
  ctgrad::adam fresh{pb, {.lr = 0.05, .amsgrad = true}};
  ctgrad::train(loss, pb, data, fresh, 12);
  bytes a, b;
  append(a, pa);
  append(b, pb);
  CHECK(a != b);
}

TEST_CASE("the file is the documented text: hexadecimal floats, one line per record, checksum") {
  temporary_directory dir;
  const fs::path file = dir.path / "small.ckpt";
  // The example of docs/checkpoints.md and of checkpoint.hpp's comment.
  auto p = ctgrad::parameters(w = std::array{1.5, -0.25, 0.0}, b = 0.15625);
  ctgrad::sgd opt{p, {.lr = 0.5, .momentum = 0.9}};
  ctgrad::cosine_annealing_lr cosine{opt, {.t_max = 10}};
  for (int epoch = 1; epoch <= 8; ++epoch) cosine.step(opt);
  opt.momentum_buffer[w] = {-0.0, std::numeric_limits<double>::denorm_min(), 0x1.fp+1000};
  opt.momentum_buffer[b] = -std::numeric_limits<double>::infinity();
  opt.steps = 8;
  ctgrad::save_checkpoint(file, 8, p, opt, cosine);
  const std::string documented =
      "ctgrad-checkpoint 1\n"
      "epoch 8\n"
      "param w double 3 0x1.8p+0 -0x1p-2 0x0p+0\n"
      "param b double 1 0x1.4p-3\n"
      "optimizer lr double 1 0x1.8722191a02d64p-5\n"
      "optimizer steps size 1 8\n"
      "optimizer momentum_buffer[w] double 3 -0x0p+0 0x0.0000000000001p-1022 0x1.fp+1000\n"
      "optimizer momentum_buffer[b] double 1 -inf\n"
      "schedule schedule_base_lr double 1 0x1p-1\n"
      "schedule schedule_lr double 1 0x1.8722191a02d64p-5\n"
      "schedule schedule_epoch size 1 8\n"
      "checksum fnv1a64 057dee38f78ed7a8\n";
  CHECK(read(file) == documented);
  CHECK(with_checksum(body_of(documented)) == documented);

  // Float state and a schedule; names that would break a line are escaped.
  constexpr ctgrad::param<"a b%[c]"> odd;
  auto q = ctgrad::parameters(odd = 0.1f);
  ctgrad::adagrad ada{q, {.lr = 0.25}};
  ctgrad::step_lr schedule{ada, {.step_size = 3}};
  ctgrad::save_checkpoint(file, 0, q, ada, schedule);
  CHECK(read(file) == with_checksum("ctgrad-checkpoint 1\n"
                                    "epoch 0\n"
                                    "param a%20b%25%5Bc%5D float 1 0x1.99999ap-4\n"
                                    "optimizer lr double 1 0x1p-2\n"
                                    "optimizer step float 1 0x0p+0\n"
                                    "optimizer sum[a%20b%25%5Bc%5D] float 1 0x0p+0\n"
                                    "schedule schedule_base_lr double 1 0x1p-2\n"
                                    "schedule schedule_lr double 1 0x1p-2\n"
                                    "schedule schedule_epoch size 1 0\n"));
  auto q2 = ctgrad::parameters(odd = 7.0f);
  ctgrad::adagrad ada2{q2, {.lr = 0.5}};
  ctgrad::step_lr schedule2{ada2, {.step_size = 3}};
  CHECK(ctgrad::load_checkpoint(file, q2, ada2, schedule2) == 0);
  CHECK(snapshot(q2, ada2, schedule2) == snapshot(q, ada, schedule));
}

TEST_CASE_TEMPLATE("special values round-trip exactly: subnormals, -0, extremes, inf, NaN", T,
                   float, double, long double) {
  using limits = std::numeric_limits<T>;
  temporary_directory dir;
  const fs::path file = dir.path / "special.ckpt";
  // Non-finite parameters are written and read as any value (train refuses to start from them).
  auto p = ctgrad::parameters(w = std::array<T, 3>{limits::denorm_min(), -T(0), limits::max()},
                              b = limits::lowest());
  ctgrad::adam opt{p, {.lr = 1e-300}};
  opt.state.exp_avg[w] = {limits::infinity(), -limits::infinity(), limits::quiet_NaN()};
  opt.state.exp_avg[b] = -limits::quiet_NaN();
  opt.state.exp_avg_sq[w] = {limits::min(), limits::min() / 3, limits::epsilon()};
  opt.state.exp_avg_sq[b] = -limits::denorm_min();
  opt.state.max_exp_avg_sq[w] = {T(0.1), -T(1) / 3, std::ldexp(T(1), limits::max_exponent - 1)};
  opt.state.step_count = 16777216.0f;
  ctgrad::save_checkpoint(file, 123456789012u, p, opt);

  auto q = make_params(T(1));
  ctgrad::adam loaded{q, {.lr = 0.5}};
  CHECK(ctgrad::load_checkpoint(file, q, loaded) == 123456789012u);
  std::vector<long double> expected, got;
  auto values = [](auto& params, auto optimizer, std::vector<long double>& out) {
    auto add = [&](const auto& set) {
      boost::hana::unpack(set.bindings, [&](const auto&... bd) {
        auto one = [&](const auto& binding) {
          using V = typename std::remove_cvref_t<decltype(binding)>::variable;
          for (std::size_t k = 0; k < ctgrad::shape_of_t<V>::size; ++k)
            out.push_back(binding.at(k));
        };
        (one(bd), ...);
      });
    };
    add(params);
    add(optimizer.state.exp_avg);
    add(optimizer.state.exp_avg_sq);
    add(optimizer.state.max_exp_avg_sq);
    out.push_back(optimizer.state.step_count);
    out.push_back(static_cast<long double>(optimizer.options.lr));
  };
  values(p, opt, expected);
  values(q, loaded, got);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(std::signbit(got[i]) == std::signbit(expected[i]));
    if (std::isnan(expected[i]))
      CHECK(std::isnan(got[i]));  // the sign is kept, not the payload
    else
      CHECK(got[i] == expected[i]);
  }
  if constexpr (!std::is_same_v<T, long double>) {
    CHECK(snapshot(q, loaded, ctgrad::detail::no_schedule{}) ==
          snapshot(p, opt, ctgrad::detail::no_schedule{}));
  }
  const std::string text = read(file);
  CHECK(text.find(" inf -inf nan\n") != std::string::npos);
  CHECK(text.find(" -nan\n") != std::string::npos);
}

namespace {
// A checkpoint of adam with a cosine schedule, in double, after a few epochs, and objects of
// the same types with other values to load it into.
struct refusal_fixture {
  temporary_directory dir;
  fs::path file = dir.path / "run.ckpt";
  std::string good;
  decltype(make_params(1.0)) p = make_params(3.0);
  ctgrad::adam<decltype(make_params(1.0))> opt{p, {.lr = 0.2}};
  ctgrad::cosine_annealing_lr schedule{opt, {.t_max = 5}};

  refusal_fixture() {
    const regression_data<double> d;
    auto saved_p = make_params(0.5);
    ctgrad::adam saved_opt{saved_p, {.lr = 0.05, .amsgrad = true}};
    ctgrad::cosine_annealing_lr saved_schedule{saved_opt, {.t_max = 5}};
    ctgrad::train(loss, saved_p, ctgrad::dataset(x = d.rows, y = d.targets), saved_opt, 4,
                  [&](const auto&) { saved_schedule.step(saved_opt); });
    ctgrad::save_checkpoint(file, 4, saved_p, saved_opt, saved_schedule);
    good = read(file);
  }

  // The message of the checkpoint_error that loading `text` throws; checks that the objects
  // are unchanged.
  std::string refusal(const std::string& text) {
    write(file, text);
    return refusal();
  }
  std::string refusal() {
    const bytes before = snapshot(p, opt, schedule);
    const auto refused = ctgrad_test::raise_in<ctgrad::checkpoint_error>(
        [&] { ctgrad::load_checkpoint(file, p, opt, schedule); },
        [&] {
          return std::string(snapshot(p, opt, schedule) == before ? "unchanged" : "changed");
        });
    CHECK(snapshot(p, opt, schedule) == before);
    if (!refused.happened)
      return "(no error)";
    CHECK(refused.state == "unchanged");  // as the error is raised, without exceptions too
    return refused.message;
  }
  std::string prefix() const { return "ctgrad: checkpoint '" + file.string() + "'"; }
};
}  // namespace

TEST_CASE("the fixture's checkpoint loads") {
  refusal_fixture f;
  CHECK(ctgrad::load_checkpoint(f.file, f.p, f.opt, f.schedule) == 4);
}

TEST_CASE("a truncated file is refused, and nothing changes") {
  refusal_fixture f;
  const std::string& good = f.good;
  CHECK(f.refusal("") == f.prefix() + ": the file is empty");
  CHECK(f.refusal(good.substr(0, 10)) ==
        f.prefix() + ": the file is truncated (it ends in the first line)");
  CHECK(f.refusal(good.substr(0, 20)) ==
        f.prefix() + ": the file is truncated (its last line, line 1, is not the checksum line)");
  const std::string body = body_of(good);
  CHECK(f.refusal(body) == f.prefix() +
                               ": the file is truncated (its last line, line 15, is not "
                               "the checksum line)");
  // Every other length: cut in a line, or at the end of one.
  for (std::size_t length = 1; length < good.size(); ++length) {
    CAPTURE(length);
    const std::string message = f.refusal(good.substr(0, length));
    CHECK(message.starts_with(f.prefix() + ": the file is truncated ("));
  }
}

TEST_CASE("every single-byte change is refused, and nothing changes") {
  refusal_fixture f;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < f.good.size(); ++i) {
    for (const unsigned char flip : {0x01, 0x20}) {
      std::string bad = f.good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
      CAPTURE(i);
      CAPTURE(bad);
      const std::string message = f.refusal(bad);
      CHECK(message.starts_with(f.prefix()));
      mismatches += message.find("checksum mismatch") != std::string::npos;
    }
  }
  CHECK(mismatches > f.good.size());  // most changes are in the records, caught by the checksum
  std::string bad = f.good;
  bad[f.good.find("param w double 3 0x") + 19] ^= 1;
  CHECK(f.refusal(bad).starts_with(f.prefix() + " line 16: checksum mismatch: the file says "));
}

TEST_CASE("the first line must be the magic line of version 1") {
  refusal_fixture f;
  CHECK(f.refusal("ctgrad-checkpoint 2\n" + f.good.substr(20)) ==
        f.prefix() + " line 1: format version '2'; this ctgrad reads version 1");
  CHECK(f.refusal("hello\n") ==
        f.prefix() +
            " line 1: not a ctgrad checkpoint (the first line is not 'ctgrad-checkpoint 1')");
}

TEST_CASE("records that do not match the objects are refused, naming the line") {
  refusal_fixture f;
  SUBCASE("a parameter of another type") {
    auto q = ctgrad::parameters(w = std::array{1.0f, 2.0f, 3.0f}, b = 0.0f);
    ctgrad::adam o{q};
    ctgrad::cosine_annealing_lr s{o, {.t_max = 5}};
    ctgrad::save_checkpoint(f.file, 1, q, o, s);
    CHECK(f.refusal() ==
          f.prefix() + " line 3: parameter 'w' is float, the parameter set's is double");
  }
  SUBCASE("a parameter of another size") {
    constexpr ctgrad::param<"w", 4> w4;
    auto q = ctgrad::parameters(w4 = std::array{1.0, 2.0, 3.0, 4.0}, b = 0.0);
    ctgrad::adam o{q};
    ctgrad::cosine_annealing_lr s{o, {.t_max = 5}};
    ctgrad::save_checkpoint(f.file, 1, q, o, s);
    CHECK(f.refusal() ==
          f.prefix() + " line 3: parameter 'w' has 4 components, the parameter set's has 3");
  }
  SUBCASE("a parameter of another name") {
    constexpr ctgrad::param<"v", 3> v;
    auto q = ctgrad::parameters(v = std::array{1.0, 2.0, 3.0}, b = 0.0);
    ctgrad::adam o{q};
    ctgrad::cosine_annealing_lr s{o, {.t_max = 5}};
    ctgrad::save_checkpoint(f.file, 1, q, o, s);
    CHECK(f.refusal() == f.prefix() + " line 3: parameter 'v' is not in the parameter set");
  }
  SUBCASE("a parameter missing") {
    auto q = ctgrad::parameters(w = std::array{1.0, 2.0, 3.0});
    ctgrad::adam o{q};
    ctgrad::cosine_annealing_lr s{o, {.t_max = 5}};
    ctgrad::save_checkpoint(f.file, 1, q, o, s);
    CHECK(f.refusal() == f.prefix() + ": parameter 'b' is missing");
  }
  SUBCASE("another optimizer") {
    ctgrad::sgd o{f.p, {.lr = 0.1, .momentum = 0.9}};
    ctgrad::cosine_annealing_lr s{o, {.t_max = 5}};
    ctgrad::save_checkpoint(f.file, 1, f.p, o, s);
    CHECK(f.refusal() ==
          f.prefix() + " line 6: optimizer state 'steps' is not in the optimizer's state");
  }
  SUBCASE("no schedule in the file") {
    ctgrad::save_checkpoint(f.file, 1, f.p, f.opt);
    CHECK(f.refusal() == f.prefix() + ": schedule state 'schedule_base_lr' is missing");
  }
  SUBCASE("a schedule in the file, none given") {
    ctgrad::save_checkpoint(f.file, 1, f.p, f.opt, f.schedule);
    const bytes before = snapshot(f.p, f.opt, f.schedule);
    const auto refused = ctgrad_test::raise_in<ctgrad::checkpoint_error>(
        [&] { ctgrad::load_checkpoint(f.file, f.p, f.opt); },
        [&] {
          return std::string(snapshot(f.p, f.opt, f.schedule) == before ? "unchanged" : "changed");
        });
    CHECK(refused.state == "unchanged");
    const std::string& message = refused.message;
    CHECK(message == f.prefix() +
                         " line 13: schedule state 'schedule_base_lr': the checkpoint holds a "
                         "schedule; pass it to load_checkpoint");
    CHECK(snapshot(f.p, f.opt, f.schedule) == before);
  }
}

TEST_CASE("malformed records with a valid checksum are refused, naming the line") {
  refusal_fixture f;
  const std::string body = body_of(f.good);
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string text = body;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return with_checksum(text.replace(at, from.size(), to));
  };
  const std::string w_line =
      body.substr(body.find("param w"), body.find("\nparam b") - body.find("param w") + 1);
  CHECK(f.refusal(edited(w_line, "param w double 3 0x1p+0 0y1p+0 0x1p+0\n")) ==
        f.prefix() +
            " line 3: parameter 'w' component 1: '0y1p+0' is not a hexadecimal floating-point "
            "number");
  CHECK(f.refusal(edited(w_line, "param w double 3 0x1p+0 -0x1p+0 0x1p+99999\n")) ==
        f.prefix() + " line 3: parameter 'w' component 2: '0x1p+99999' is out of the type's range");
  CHECK(f.refusal(edited(w_line, "param w double 3 0x1p+0 0x1p+0 --0x1p+0\n")) ==
        f.prefix() +
            " line 3: parameter 'w' component 2: '--0x1p+0' is not a hexadecimal floating-point "
            "number");
  CHECK(f.refusal(edited(w_line, "param w double 3 0x1p+0 0x1p+0 0x1p+0x\n")) ==
        f.prefix() +
            " line 3: parameter 'w' component 2: '0x1p+0x' is not a hexadecimal floating-point "
            "number");
  CHECK(f.refusal(edited(w_line, "param w long_double 3 0x1p+0 0x1p+0 0x1p+0\n")) ==
        f.prefix() + " line 3: parameter 'w' is long_double, the parameter set's is double");
  CHECK(f.refusal(edited("param b double 1 ", "param b double 1 0x1p+99999 ")) ==
        f.prefix() +
            " line 4: malformed param line (expected param NAME TYPE COUNT and COUNT "
            "values, separated by single spaces)");
  CHECK(f.refusal(edited("param b double 1 ", "param b double 1  ")) ==
        f.prefix() +
            " line 4: malformed param line (expected param NAME TYPE COUNT and COUNT "
            "values, separated by single spaces)");
  CHECK(f.refusal(edited("optimizer step float 1 0x1p+2", "optimizer step float 1 4")) ==
        f.prefix() +
            " line 6: optimizer state 'step': '4' is not a hexadecimal floating-point number");
  CHECK(
      f.refusal(edited("schedule schedule_epoch size 1 4", "schedule schedule_epoch size 1 -4")) ==
      f.prefix() + " line 15: schedule state 'schedule_epoch': '-4' is not a decimal integer");
  CHECK(f.refusal(edited("epoch 4\n", "epoch 4\nepoch 5\n")) ==
        f.prefix() + " line 3: a second epoch line (the first is line 2)");
  CHECK(f.refusal(edited("epoch 4\n", "")) == f.prefix() + ": no epoch line");
  CHECK(f.refusal(edited("epoch 4\n", "epoch four\n")) ==
        f.prefix() + " line 2: malformed epoch line (expected 'epoch' and a decimal number)");
  CHECK(f.refusal(edited("epoch 4\n", "epoch 4\n" + w_line)) ==
        f.prefix() + " line 4: parameter 'w' appears twice (first on line 3)");
  CHECK(f.refusal(edited("epoch 4\n", "epoch 4\nweights 1\n")) ==
        f.prefix() +
            " line 3: unknown record 'weights' (expected epoch, param, optimizer, "
            "schedule or, last, checksum)");
  // Records in another order are accepted.
  const std::string reordered = with_checksum(body.substr(0, body.find("param w")) +
                                              body.substr(body.find("param b")) + w_line);
  write(f.file, reordered);
  CHECK(ctgrad::load_checkpoint(f.file, f.p, f.opt, f.schedule) == 4);
}

TEST_CASE("a missing or unreadable file is refused with the system's reason") {
  refusal_fixture f;
  fs::remove(f.file);
  CHECK(f.refusal() == f.prefix() + ": cannot open it for reading: No such file or directory");
  fs::create_directory(f.file);
  CHECK(f.refusal() == f.prefix() + ": cannot read it: Is a directory");
}

TEST_CASE("saving replaces the file atomically and never writes into the previous one") {
  temporary_directory dir;
  const fs::path file = dir.path / "run.ckpt";
  const fs::path temporary = dir.path / "run.ckpt.tmp";
  auto p = make_params(1.0);
  ctgrad::adam opt{p};
  ctgrad::save_checkpoint(file, 1, p, opt);
  const std::string first = read(file);
  CHECK(!fs::exists(temporary));

  // A hard link keeps the first file's inode: saving again must leave it as it was.
  const fs::path link = dir.path / "first.ckpt";
  REQUIRE(::link(file.c_str(), link.c_str()) == 0);
  p[b] = 2.0;
  ctgrad::save_checkpoint(file, 2, p, opt);
  const std::string second = read(file);
  CHECK(second != first);
  CHECK(read(link) == first);
  CHECK(!fs::exists(temporary));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);

  SUBCASE("a temporary file that cannot be created") {
    // Works as root too, unlike a read-only directory.
    fs::create_directory(temporary);
    const std::string message = ctgrad_test::raise_in<ctgrad::checkpoint_error>([&] {
                                  ctgrad::save_checkpoint(file, 3, p, opt);
                                }).message;
    CHECK(message == "ctgrad: cannot save checkpoint '" + file.string() +
                         "': cannot create the temporary file '" + temporary.string() +
                         "': Is a directory");
    CHECK(read(file) == second);
    auto q = make_params(5.0);
    ctgrad::adam o{q};
    CHECK(ctgrad::load_checkpoint(file, q, o) == 2);
  }
  SUBCASE("a rename that fails removes the temporary") {
    const fs::path directory = dir.path / "a directory";
    fs::create_directory(directory);
    const std::string message = ctgrad_test::raise_in<ctgrad::checkpoint_error>([&] {
                                  ctgrad::save_checkpoint(directory, 3, p, opt);
                                }).message;
    CHECK(message == "ctgrad: cannot save checkpoint '" + directory.string() +
                         "': cannot rename the temporary file '" + directory.string() +
                         ".tmp' to '" + directory.string() + "': Is a directory");
    CHECK(!fs::exists(dir.path / "a directory.tmp"));
    CHECK(read(file) == second);
  }
  SUBCASE("a stale temporary from an interrupted save is replaced") {
    write(temporary, "half a checkpoint");
    ctgrad::save_checkpoint(file, 3, p, opt);
    CHECK(!fs::exists(temporary));
    auto q = make_params(5.0);
    ctgrad::adam o{q};
    CHECK(ctgrad::load_checkpoint(file, q, o) == 3);
  }
  SUBCASE("a directory that does not exist") {
    const fs::path nowhere = dir.path / "no such directory" / "run.ckpt";
    const std::string expected = "ctgrad: cannot save checkpoint '" + nowhere.string() +
                                 "': cannot create the temporary file '" + nowhere.string() +
                                 ".tmp': No such file or directory";
    CTGRAD_CHECK_RAISES_WITH_AS(ctgrad::save_checkpoint(nowhere, 3, p, opt), expected.c_str(),
                                ctgrad::checkpoint_error);
    CHECK(read(file) == second);
  }
}
