#pragma once
// Readers for the PyTorch reference data in tests/reference/ (made by record_pytorch.py; the
// operation order they pin down is in tests/reference/pytorch_formulas.md):
//   pytorch_optimizers.txt (and pytorch_optimizers_cpu_default.txt)  -> read_optimizer_cases
//   pytorch_schedules.txt                                           -> read_schedule_cases
// Every number in them is an exact hex float (float32 values for tensors, float64 for Python
// floats), so std::strtof / std::strtod give back the very bits PyTorch had and the tests can
// compare with ==.  strtof/strtod follow the C locale's decimal point, which a test program
// keeps unless it calls setlocale.  Malformed input throws std::runtime_error naming the file
// and line: a silently half-read file would make a bitwise test pass on nothing.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctgrad_test {

// One optimizer.step(): the parameter before it, the gradient PyTorch fed it, the parameter
// after it, and every state tensor after it (momentum_buffer, exp_avg, exp_avg_sq,
// max_exp_avg_sq, square_avg, grad_avg, sum, step; only those the optimizer keeps).
struct optimizer_step {
  int step = 0;  // 1-based
  std::vector<float> param_before, grad, param_after;
  std::map<std::string, std::vector<float>> state;
};

// A malformed or missing reference file, or a typo in a test (an option that is not there): an
// exception with exceptions on, a message and std::abort() without (-fno-exceptions).
[[noreturn]] inline void reference_error(const std::string& message) {
#if __cpp_exceptions
  throw std::runtime_error(message);
#else
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
#endif
}

// One optimizer configuration run for a number of steps from the same initial parameter.
struct optimizer_case {
  std::string name;       // e.g. "adam_amsgrad"
  std::string optimizer;  // "sgd", "adam", "adamw", "rmsprop" or "adagrad"
  // Every option of PyTorch's param group, defaults included: lr, momentum, beta1, beta2, eps,
  // weight_decay, ... as the double PyTorch held; bools (nesterov, amsgrad, ...) as 0 or 1.
  std::map<std::string, double> options;
  std::vector<optimizer_step> steps;

  // The option, or an error naming it (a typo in a test should not read as 0).
  double option(const std::string& key) const {
    const auto it = options.find(key);
    if (it == options.end())
      reference_error("optimizer case " + name + " has no option " + key);
    return it->second;
  }
};

// The learning rate after scheduler.step() number `epoch` (epoch 0: right after construction).
struct schedule_epoch {
  int epoch = 0;
  double lr = 0;              // what PyTorch's step() produced: the recursive (chainable) form
  double closed_form_lr = 0;  // _get_closed_form_lr() at the same epoch
};

struct schedule_case {
  std::string name;       // e.g. "cosineannealinglr"
  std::string scheduler;  // "steplr", "exponentiallr", "cosineannealinglr" or "linearlr"
  std::string form;       // the form `lr` comes from: "recursive"
  std::string note;       // one line on what that form computes
  std::map<std::string, double> options;  // base_lr and the scheduler's arguments
  std::vector<schedule_epoch> epochs;

  double option(const std::string& key) const {
    const auto it = options.find(key);
    if (it == options.end())
      reference_error("schedule " + name + " has no option " + key);
    return it->second;
  }
};

namespace pytorch_reference_detail {

// Walks a file line by line, skipping comments and blank lines, and knows where it is so every
// error can say so.
class line_reader {
 public:
  explicit line_reader(const std::string& path) : path_(path), in_(path) {
    if (!in_)
      reference_error(path + ": cannot open");
  }

  // The next record split at single spaces; false at the end of the file.
  bool next(std::vector<std::string>& fields) {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_number_;
      if (!line.empty() && line.back() == '\r')
        line.pop_back();  // tolerate CRLF checkouts
      if (line.empty() || line.front() == '#')
        continue;
      fields.clear();
      std::istringstream words(line);
      for (std::string word; words >> word;) fields.push_back(word);
      return true;
    }
    return false;
  }

  [[noreturn]] void fail(const std::string& message) const {
    reference_error(path_ + ":" + std::to_string(line_number_) + ": " + message);
  }

  // The whole token as a float / double, exactly (hex floats are exact); anything left over,
  // nothing parsed or an overflow (an infinity) is an error.  errno is not consulted: strtof
  // sets ERANGE for subnormal results too, and those are values like any other.
  float to_float(const std::string& token) const {
    char* end = nullptr;
    const float value = std::strtof(token.c_str(), &end);
    check_number(token, end, std::isinf(value));
    return value;
  }
  double to_double(const std::string& token) const {
    char* end = nullptr;
    const double value = std::strtod(token.c_str(), &end);
    check_number(token, end, std::isinf(value));
    return value;
  }
  int to_int(const std::string& token) const {
    char* end = nullptr;
    const long value = std::strtol(token.c_str(), &end, 10);
    check_number(token, end, value < 0 || value > 1000000000L);
    return static_cast<int>(value);
  }

  // fields[first..] as floats.
  std::vector<float> floats(const std::vector<std::string>& fields, std::size_t first) const {
    if (fields.size() <= first)
      fail("'" + fields.front() + "' has no values");
    std::vector<float> values;
    for (std::size_t i = first; i < fields.size(); ++i) values.push_back(to_float(fields[i]));
    return values;
  }

  // KEY=VALUE fields from fields[first..] into a map, VALUE read by strtod (hex, decimal, 0/1).
  std::map<std::string, double> options(const std::vector<std::string>& fields,
                                        std::size_t first) const {
    std::map<std::string, double> out;
    for (std::size_t i = first; i < fields.size(); ++i) {
      const auto eq = fields[i].find('=');
      if (eq == std::string::npos || eq == 0)
        fail("expected KEY=VALUE, got '" + fields[i] + "'");
      if (!out.emplace(fields[i].substr(0, eq), to_double(fields[i].substr(eq + 1))).second)
        fail("option '" + fields[i].substr(0, eq) + "' given twice");
    }
    return out;
  }

 private:
  void check_number(const std::string& token, const char* end, bool out_of_range) const {
    if (token.empty() || end != token.c_str() + token.size())
      fail("not a number: '" + token + "'");
    if (out_of_range)
      fail("out of range: '" + token + "'");
  }

  std::string path_;
  std::ifstream in_;
  int line_number_ = 0;
};

inline void expect_fields(const line_reader& r, const std::vector<std::string>& f, std::size_t n) {
  if (f.size() != n)
    r.fail("'" + f.front() + "' takes " + std::to_string(n - 1) + " fields");
}

}  // namespace pytorch_reference_detail

// Reads pytorch_optimizers.txt: `case` ... `end` blocks of `step` records.
inline std::vector<optimizer_case> read_optimizer_cases(const std::string& path) {
  pytorch_reference_detail::line_reader r(path);
  std::vector<optimizer_case> cases;
  bool open = false;  // inside case ... end
  std::vector<std::string> f;
  const auto current_step = [&]() -> optimizer_step& {
    if (!open || cases.back().steps.empty())
      r.fail("'" + f.front() + "' outside a step");
    return cases.back().steps.back();
  };
  while (r.next(f)) {
    const std::string& kind = f.front();
    if (kind == "case") {
      if (open)
        r.fail("'case' before the previous case's 'end'");
      if (f.size() < 3)
        r.fail("'case' needs a name and an optimizer");
      cases.push_back({f[1], f[2], r.options(f, 3), {}});
      open = true;
    } else if (kind == "step") {
      if (!open)
        r.fail("'step' outside a case");
      pytorch_reference_detail::expect_fields(r, f, 2);
      optimizer_step s;
      s.step = r.to_int(f[1]);
      if (s.step != static_cast<int>(cases.back().steps.size()) + 1)
        r.fail("steps out of order");
      cases.back().steps.push_back(std::move(s));
    } else if (kind == "param_before" || kind == "grad" || kind == "param_after") {
      optimizer_step& s = current_step();
      auto& target = kind == "param_before" ? s.param_before
                     : kind == "grad"       ? s.grad
                                            : s.param_after;
      if (!target.empty())
        r.fail("'" + kind + "' given twice");
      target = r.floats(f, 1);
    } else if (kind == "state") {
      optimizer_step& s = current_step();
      if (f.size() < 3)
        r.fail("'state' needs a name and values");
      if (!s.state.emplace(f[1], r.floats(f, 2)).second)
        r.fail("state '" + f[1] + "' given twice");
    } else if (kind == "end") {
      if (!open)
        r.fail("'end' outside a case");
      if (cases.back().steps.empty())
        r.fail("case without steps");
      open = false;
    } else {
      r.fail("unknown record '" + kind + "'");
    }
    // A step is complete once its three vectors are there; their lengths must agree.
    if (open && !cases.back().steps.empty()) {
      const optimizer_step& s = cases.back().steps.back();
      const std::size_t n = s.param_before.size();
      if ((!s.grad.empty() && s.grad.size() != n) ||
          (!s.param_after.empty() && s.param_after.size() != n))
        r.fail("param_before, grad and param_after differ in length");
    }
  }
  if (open)
    r.fail("last case has no 'end'");
  for (const optimizer_case& c : cases)
    for (const optimizer_step& s : c.steps)
      if (s.param_before.empty() || s.grad.empty() || s.param_after.empty())
        reference_error(path + ": case " + c.name + " step " + std::to_string(s.step) +
                        " lacks param_before, grad or param_after");
  if (cases.empty())
    reference_error(path + ": no cases");
  return cases;
}

// Reads pytorch_schedules.txt: `schedule` ... `end` blocks of `epoch N LR CLOSED` records.
inline std::vector<schedule_case> read_schedule_cases(const std::string& path) {
  pytorch_reference_detail::line_reader r(path);
  std::vector<schedule_case> cases;
  bool open = false;
  std::vector<std::string> f;
  while (r.next(f)) {
    const std::string& kind = f.front();
    if (kind == "schedule") {
      if (open)
        r.fail("'schedule' before the previous schedule's 'end'");
      if (f.size() < 3)
        r.fail("'schedule' needs a name and a scheduler");
      schedule_case c;
      c.name = f[1];
      c.scheduler = f[2];
      c.options = r.options(f, 3);
      cases.push_back(std::move(c));
      open = true;
    } else if (!open) {
      r.fail("'" + kind + "' outside a schedule");
    } else if (kind == "form") {
      pytorch_reference_detail::expect_fields(r, f, 2);
      cases.back().form = f[1];
    } else if (kind == "note") {
      std::string text;
      for (std::size_t i = 1; i < f.size(); ++i) text += (i > 1 ? " " : "") + f[i];
      cases.back().note = text;
    } else if (kind == "epoch") {
      pytorch_reference_detail::expect_fields(r, f, 4);
      const int epoch = r.to_int(f[1]);
      if (epoch != static_cast<int>(cases.back().epochs.size()))
        r.fail("epochs out of order");
      cases.back().epochs.push_back({epoch, r.to_double(f[2]), r.to_double(f[3])});
    } else if (kind == "end") {
      if (cases.back().epochs.empty())
        r.fail("schedule without epochs");
      open = false;
    } else {
      r.fail("unknown record '" + kind + "'");
    }
  }
  if (open)
    r.fail("last schedule has no 'end'");
  if (cases.empty())
    reference_error(path + ": no schedules");
  return cases;
}

}  // namespace ctgrad_test
