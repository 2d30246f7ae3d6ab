#pragma once
/// \file
/// Checkpoints: the parameters, the optimizer's state and a schedule's, with the epoch, saved to
/// a small text file and loaded back, so that a run interrupted after epoch k and resumed from
/// the file ends bit for bit where the uninterrupted run ends.
///
///   ctgrad::save_checkpoint("run.ckpt", epoch, params, opt, schedule);
///   ...
///   const std::size_t done = ctgrad::load_checkpoint("run.ckpt", params, opt, schedule);
///   auto step_schedule = [&](const auto&) { schedule.step(opt); };
///   ctgrad::train(loss, params, data, opt, total - done, step_schedule);
///
/// The file is ASCII text, one record per line, fields separated by one space, every line
/// ending in '\n' (format version 1; docs/checkpoints.md describes it in full):
///
///   ctgrad-checkpoint 1
///   epoch 8
///   param w double 3 0x1.8p+0 -0x1p-2 0x0p+0
///   param b double 1 0x1.4p-3
///   optimizer lr double 1 0x1.8722191a02d64p-5
///   optimizer steps size 1 8
///   optimizer momentum_buffer[w] double 3 -0x0p+0 0x0.0000000000001p-1022 0x1.fp+1000
///   optimizer momentum_buffer[b] double 1 -inf
///   schedule schedule_base_lr double 1 0x1p-1
///   schedule schedule_lr double 1 0x1.8722191a02d64p-5
///   schedule schedule_epoch size 1 8
///   checksum fnv1a64 057dee38f78ed7a8
///
/// - line 1: the magic and the format version; then `epoch N`, the epochs completed;
/// - `param NAME TYPE COUNT VALUE...` for each parameter; `optimizer ITEM TYPE COUNT VALUE...`
///   for each piece of the optimizer's state (its for_each_state names), ITEM[NAME] for state
///   shaped like the parameters, one line per parameter; `schedule ...` likewise. The writer
///   uses this order; the reader takes these records in any order, each exactly once.
/// - TYPE: float, double, long_double, written as exact hexadecimal floats (what glibc's
///   printf("%a") prints; strtod, and Python's float.fromhex, read them), `inf`, `-inf`, `nan`,
///   `-nan` (a NaN is read back as the quiet NaN of its sign: its payload is not kept); or size
///   (std::size_t), in decimal. COUNT: the number of components, row-major for a matrix.
/// - NAME: the parameter's name, with spaces, bytes outside printable ASCII, '%', '[' and ']'
///   written as %XX.
/// - the last line: FNV-1a 64 of every byte before it, as 16 lowercase hexadecimal digits.
///
/// Non-finite values are saved and loaded like any other (train refuses to start from
/// non-finite parameters). What the optimizer and the schedule are constructed with (betas,
/// momentum, t_max, ...) is not in the file: resume with the same construction; the learning
/// rate and the schedule's base rate are state, and are in it.

#include "../detail/config.hpp"

#include <boost/hana/unpack.hpp>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "../detail/file_io.hpp"
#include "../error.hpp"
#include "bindings.hpp"

namespace ctgrad {

/// Thrown when a checkpoint cannot be written (the previous file at the path is then untouched)
/// or is refused on loading (the objects are then unchanged); the message names the file, the
/// line where there is one, and the problem.
class checkpoint_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

inline constexpr std::string_view checkpoint_magic = "ctgrad-checkpoint 1";

/// FNV-1a, 64 bits: what the checksum line holds, of every byte before it.
constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3u;
  }
  return hash;
}

// 16 hexadecimal digits, leading zeros kept.
inline std::string hex16(std::uint64_t v) {
  std::string digits(16, '0');
  for (std::size_t i = 16; i-- > 0; v >>= 4) digits[i] = "0123456789abcdef"[v & 15];
  return digits;
}

template <class T>
inline constexpr std::string_view checkpoint_type_name = "";
template <>
inline constexpr std::string_view checkpoint_type_name<float> = "float";
template <>
inline constexpr std::string_view checkpoint_type_name<double> = "double";
template <>
inline constexpr std::string_view checkpoint_type_name<long double> = "long_double";
template <>
inline constexpr std::string_view checkpoint_type_name<std::size_t> = "size";

inline void append_checkpoint_value(std::string& out, std::size_t v) {
  char buffer[32];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
}

template <std::floating_point T>
void append_checkpoint_value(std::string& out, T v) {
  char buffer[64];
  if (v != v || v - v != T(0)) {  // inf, -inf, nan, -nan
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
    return;
  }
  if (std::signbit(v))
    out += '-';
  out += "0x";
  const T magnitude = std::signbit(v) ? -v : v;
  out.append(buffer,
             std::to_chars(buffer, buffer + sizeof buffer, magnitude, std::chars_format::hex).ptr);
}

// Reads one value written by append_checkpoint_value; returns what is wrong with it, or null.
inline const char* parse_checkpoint_value(std::string_view token, std::size_t& v) {
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (error == std::errc::result_out_of_range)
    return "is too large for a std::size_t";
  if (error != std::errc{} || end != token.data() + token.size())
    return "is not a decimal integer";
  return nullptr;
}

template <std::floating_point T>
const char* parse_checkpoint_value(std::string_view token, T& v) {
  const bool negative = token.starts_with('-');
  if (negative)
    token.remove_prefix(1);
  T magnitude{};
  if (token == "inf") {
    magnitude = std::numeric_limits<T>::infinity();
  } else if (token == "nan") {
    magnitude = std::numeric_limits<T>::quiet_NaN();
  } else {
    // The digits after 0x are from_chars' hexadecimal form, which takes no sign and no prefix.
    constexpr auto is_hex_digit = [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    if (!token.starts_with("0x") || token.size() < 3 || !is_hex_digit(token[2]))
      return "is not a hexadecimal floating-point number";
    token.remove_prefix(2);
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), magnitude,
                                              std::chars_format::hex);
    if (error == std::errc::result_out_of_range)
      return "is out of the type's range";
    if (error != std::errc{} || end != token.data() + token.size())
      return "is not a hexadecimal floating-point number";
  }
  v = negative ? -magnitude : magnitude;
  return nullptr;
}

// A name as it appears in the file: bytes that would break the line's fields, and '%', as %XX.
inline std::string checkpoint_key(std::string_view name) {
  std::string key;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7f || c == '%' || c == '[' || c == ']') {
      constexpr char digits[] = "0123456789ABCDEF";
      key += '%';
      key += digits[byte >> 4];
      key += digits[byte & 15];
    } else {
      key += c;
    }
  }
  return key;
}

// The three kinds of record after the epoch, each with the owner it is checked against.
enum class checkpoint_kind { param, optimizer, schedule };

inline std::string_view kind_keyword(checkpoint_kind kind) noexcept {
  return kind == checkpoint_kind::param       ? "param"
         : kind == checkpoint_kind::optimizer ? "optimizer"
                                              : "schedule";
}

// "parameter 'w'", "optimizer state 'lr'", "schedule state 'schedule_lr'"
inline std::string describe(checkpoint_kind kind, std::string_view key) {
  const char* what = kind == checkpoint_kind::param       ? "parameter '"
                     : kind == checkpoint_kind::optimizer ? "optimizer state '"
                                                          : "schedule state '";
  return what + std::string(key) + "'";
}

inline std::string_view owner(checkpoint_kind kind) noexcept {
  return kind == checkpoint_kind::param       ? "the parameter set"
         : kind == checkpoint_kind::optimizer ? "the optimizer"
                                              : "the schedule";
}

// Calls f(kind, key, count, at) for every parameter of `set`: at(k) is component k, by
// reference. `item` is empty for the parameters themselves and names the optimizer's state
// otherwise (key "item[name]").
template <class Set, class F>
void for_each_parameter_record(checkpoint_kind kind, std::string_view item, Set& set, F& f) {
  auto one = [&](auto& binding) {
    using B = std::remove_cvref_t<decltype(binding)>;
    std::string key = checkpoint_key(B::variable::name.view());
    if (!item.empty())
      key = std::string(item) + "[" + key + "]";
    auto at = [&binding](std::size_t k) -> auto& { return flat_at(binding.value, k); };
    f(kind, key, shape_of_t<typename B::variable>::size, at);
  };
  hana::unpack(set.bindings, [&](auto&... b) { (one(b), ...); });
}

// Calls f(kind, key, count, at) for every piece of an optimizer's or a schedule's state.
template <class Stateful, class F>
void for_each_state_record(checkpoint_kind kind, Stateful& stateful, F& f) {
  stateful.for_each_state([&](const auto& name, auto& x) {
    using X = std::remove_cvref_t<decltype(x)>;
    if constexpr (is_param_set_v<X>) {
      for_each_parameter_record(kind, name, x, f);
    } else {
      static_assert(!checkpoint_type_name<X>.empty(),
                    "ctgrad: a checkpoint holds state of type float, double, long double, "
                    "std::size_t or a parameter set");
      f(kind, checkpoint_key(name), 1, [&x](std::size_t) -> X& { return x; });
    }
  });
}

// Calls f on every record of a checkpoint of these objects, in the file's order.
template <class Params, class Optimizer, class Schedule, class F>
void for_each_record(Params& params, Optimizer& optimizer, Schedule& schedule, F&& f) {
  for_each_parameter_record(checkpoint_kind::param, {}, params, f);
  for_each_state_record(checkpoint_kind::optimizer, optimizer, f);
  for_each_state_record(checkpoint_kind::schedule, schedule, f);
}

// One record line, split into fields that view the file's contents.
struct checkpoint_record {
  std::size_t line;
  checkpoint_kind kind;
  std::string_view key;
  std::string_view type;
  std::vector<std::string_view> values;
  bool used = false;
};

// A checkpoint file checked (magic, checksum) and split into records, not yet matched against
// any object.
class checkpoint_file {
 public:
  checkpoint_file(const std::filesystem::path& path, bool has_schedule)
      : name_(path.string()), has_schedule_(has_schedule) {
    if (const std::string error = read_file(path, contents_); !error.empty())
      refuse(error);
    split();
  }

  [[nodiscard]] std::size_t epoch() const noexcept { return epoch_; }

  // Reads the record of (kind, key) into at(0..count-1); a missing record is remembered and
  // reported by finish(), after the records the objects do not have.
  template <class At>
  void read(checkpoint_kind kind, const std::string& key, std::size_t count, At at) {
    checkpoint_record* record = find(kind, key);
    if (record == nullptr) {
      if (missing_.empty())
        missing_ = describe(kind, key) + " is missing";
      return;
    }
    record->used = true;
    using T = std::remove_cvref_t<decltype(at(0))>;
    const std::string what = describe(kind, key);
    if (record->type != checkpoint_type_name<T>)
      refuse(record->line, what + " is " + std::string(record->type) + ", " +
                               std::string(owner(kind)) + "'s is " +
                               std::string(checkpoint_type_name<T>));
    if (record->values.size() != count)
      refuse(record->line, what + " has " + std::to_string(record->values.size()) +
                               " components, " + std::string(owner(kind)) + "'s has " +
                               std::to_string(count));
    for (std::size_t k = 0; k < count; ++k)
      if (const char* problem = parse_checkpoint_value(record->values[k], at(k)))
        refuse(record->line, what + (count > 1 ? " component " + std::to_string(k) : "") + ": '" +
                                 std::string(record->values[k]) + "' " + problem);
  }

  // Refuses records that no object has, then objects' records that the file lacks.
  void finish() const {
    for (const checkpoint_record& r : records_)
      if (!r.used) {
        if (r.kind == checkpoint_kind::schedule && !has_schedule_)
          refuse(r.line, describe(r.kind, r.key) +
                             ": the checkpoint holds a schedule; pass it to load_checkpoint");
        refuse(r.line, describe(r.kind, r.key) + " is not in " + std::string(owner(r.kind)) +
                           (r.kind == checkpoint_kind::param ? "" : "'s state"));
      }
    if (!missing_.empty())
      refuse(missing_);
  }

 private:
  [[noreturn]] void refuse(const std::string& problem) const {
    raise<checkpoint_error>(error_kind::checkpoint,
                            "ctgrad: checkpoint '" + name_ + "': " + problem);
  }
  [[noreturn]] void refuse(std::size_t line, const std::string& problem) const {
    raise<checkpoint_error>(error_kind::checkpoint, "ctgrad: checkpoint '" + name_ + "' line " +
                                                        std::to_string(line) + ": " + problem);
  }

  checkpoint_record* find(checkpoint_kind kind, std::string_view key) {
    for (checkpoint_record& r : records_)
      if (r.kind == kind && r.key == key)
        return &r;
    return nullptr;
  }

  static std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
      const std::size_t space = line.find(' ', start);
      out.push_back(line.substr(start, space - start));
      if (space == std::string_view::npos)
        return out;
      start = space + 1;
    }
  }

  // Checks the magic line, that the file is complete (its last line a checksum line) and the
  // checksum, then splits the lines between into records.
  void split() {
    const std::string_view text = contents_;
    if (text.empty())
      refuse("the file is empty");
    const std::string_view first = text.substr(0, text.find('\n'));
    if (first != checkpoint_magic) {
      if (std::string(checkpoint_magic).append("\n").starts_with(text))
        refuse("the file is truncated (it ends in the first line)");
      if (first.starts_with("ctgrad-checkpoint "))
        refuse(1, "format version '" + std::string(first.substr(18)) +
                      "'; this ctgrad reads version 1");
      refuse(1, "not a ctgrad checkpoint (the first line is not '" + std::string(checkpoint_magic) +
                    "')");
    }
    if (!text.ends_with('\n'))
      refuse("the file is truncated (its last line is incomplete)");
    const std::size_t last_start = text.rfind('\n', text.size() - 2) + 1;
    std::size_t lines = 0;
    for (const char c : text) lines += c == '\n';
    const std::string_view last = text.substr(last_start, text.size() - 1 - last_start);
    if (last_start == 0 || !last.starts_with("checksum "))
      refuse("the file is truncated (its last line, line " + std::to_string(lines) +
             ", is not the checksum line)");
    const std::vector<std::string_view> checksum = fields(last);
    // Exactly as written (lowercase): a digit's case changed is a changed byte, refused too.
    const bool well_formed =
        checksum.size() == 3 && checksum[1] == "fnv1a64" && checksum[2].size() == 16 &&
        checksum[2].find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (!well_formed)
      refuse(lines,
             "malformed checksum line (expected 'checksum fnv1a64' and 16 lowercase hex digits)");
    const std::string computed = hex16(fnv1a64(text.substr(0, last_start)));
    if (checksum[2] != computed)
      refuse(lines, "checksum mismatch: the file says " + std::string(checksum[2]) +
                        ", its contents give " + computed + "; the file is corrupt");
    std::size_t epoch_line = 0;
    std::size_t line = 1;
    for (std::size_t at = first.size() + 1; at < last_start; ++line) {
      const std::size_t end = text.find('\n', at);
      parse_line(line + 1, text.substr(at, end - at), epoch_line);
      at = end + 1;
    }
    if (epoch_line == 0)
      refuse("no epoch line");
  }

  void parse_line(std::size_t line, std::string_view text, std::size_t& epoch_line) {
    const std::vector<std::string_view> f = fields(text);
    if (f[0] == "epoch") {
      if (epoch_line != 0)
        refuse(line, "a second epoch line (the first is line " + std::to_string(epoch_line) + ")");
      if (f.size() != 2 || parse_checkpoint_value(f[1], epoch_) != nullptr)
        refuse(line, "malformed epoch line (expected 'epoch' and a decimal number)");
      epoch_line = line;
      return;
    }
    checkpoint_kind kind{};
    if (f[0] == "param")
      kind = checkpoint_kind::param;
    else if (f[0] == "optimizer")
      kind = checkpoint_kind::optimizer;
    else if (f[0] == "schedule")
      kind = checkpoint_kind::schedule;
    else
      refuse(line, "unknown record '" + std::string(f[0]) +
                       "' (expected epoch, param, optimizer, schedule or, last, checksum)");
    std::size_t count = 0;
    if (f.size() < 4 || parse_checkpoint_value(f[3], count) != nullptr || f.size() - 4 != count) {
      refuse(line, "malformed " + std::string(f[0]) + " line (expected " + std::string(f[0]) +
                       " NAME TYPE COUNT and COUNT values, separated by single spaces)");
    }
    if (const checkpoint_record* r = find(kind, f[1]))
      refuse(line, describe(kind, f[1]) + " appears twice (first on line " +
                       std::to_string(r->line) + ")");
    records_.push_back({line, kind, f[1], f[2], {f.begin() + 4, f.end()}});
  }

  std::string name_;
  bool has_schedule_;
  std::string contents_;
  std::size_t epoch_ = 0;
  std::vector<checkpoint_record> records_;
  std::string missing_;
};

// What save_checkpoint and load_checkpoint walk: an object with for_each_state, as ctgrad's
// optimizers and schedules have.
struct state_visitor {
  template <class Name, class X>
  void operator()(const Name&, X&) const;
};
template <class T>
concept checkpointable_state = requires(T& t) {
  t.for_each_state(state_visitor{});
};

// A checkpoint without a schedule: one with a schedule that has no state.
struct no_schedule {
  template <class F>
  void for_each_state(F&&) noexcept {}
};

template <class... Bs, class Optimizer, class Schedule>
void save_checkpoint_to(const std::filesystem::path& path, std::size_t epoch,
                        param_set<Bs...> params, Optimizer optimizer, Schedule schedule) {
  std::string text(checkpoint_magic);
  text += "\nepoch ";
  append_checkpoint_value(text, epoch);
  text += '\n';
  for_each_record(
      params, optimizer, schedule,
      [&text](checkpoint_kind kind, const std::string& key, std::size_t count, auto at) {
        using T = std::remove_cvref_t<decltype(at(0))>;
        text += kind_keyword(kind);
        text += ' ';
        text += key;
        text += ' ';
        text += checkpoint_type_name<T>;
        text += ' ';
        append_checkpoint_value(text, count);
        for (std::size_t k = 0; k < count; ++k) {
          text += ' ';
          append_checkpoint_value(text, at(k));
        }
        text += '\n';
      });
  text += "checksum fnv1a64 " + hex16(fnv1a64(text)) + "\n";
  if (const std::string error = replace_file(path, text); !error.empty())
    raise<checkpoint_error>(error_kind::checkpoint,
                            "ctgrad: cannot save checkpoint '" + path.string() + "': " + error);
}

template <class... Bs, class Optimizer, class Schedule>
std::size_t load_checkpoint_into(const std::filesystem::path& path, param_set<Bs...>& params,
                                 Optimizer& optimizer, Schedule& schedule) {
  checkpoint_file file(path, !std::is_same_v<Schedule, no_schedule>);
  // Everything is read into copies; the objects are assigned only once all of it is accepted.
  param_set<Bs...> new_params = params;
  Optimizer new_optimizer = optimizer;
  Schedule new_schedule = schedule;
  for_each_record(new_params, new_optimizer, new_schedule,
                  [&file](checkpoint_kind kind, const std::string& key, std::size_t count,
                          auto at) { file.read(kind, key, count, at); });
  file.finish();
  params = new_params;
  optimizer = new_optimizer;
  schedule = new_schedule;
  return file.epoch();
}

}  // namespace detail

/// Saves the parameters, the optimizer's state and `epoch` (the epochs completed) to `path`
/// atomically: a new file is written and fsynced beside it, then renamed over it, so that `path`
/// always holds a complete checkpoint. Throws ctgrad::checkpoint_error, naming the file and the
/// system's reason, when writing fails; the previous file at `path` is then untouched.
template <class... Bs, detail::checkpointable_state Optimizer>
void save_checkpoint(const std::filesystem::path& path, std::size_t epoch,
                     const param_set<Bs...>& params, const Optimizer& optimizer) {
  detail::save_checkpoint_to(path, epoch, params, optimizer, detail::no_schedule{});
}

/// Saves a checkpoint that also holds a learning-rate schedule's state.
template <class... Bs, detail::checkpointable_state Optimizer,
          detail::checkpointable_state Schedule>
void save_checkpoint(const std::filesystem::path& path, std::size_t epoch,
                     const param_set<Bs...>& params, const Optimizer& optimizer,
                     const Schedule& schedule) {
  detail::save_checkpoint_to(path, epoch, params, optimizer, schedule);
}

/// Loads a checkpoint into existing objects, whose types say what the file must hold, and
/// returns its epoch. Throws ctgrad::checkpoint_error naming the file, the line and the problem
/// (missing or unreadable file, not a checkpoint, truncated, checksum mismatch, a parameter or
/// state missing, extra, or of another type or size, a malformed number), and then changes
/// nothing: the file is read and checked whole before anything is assigned.
template <class... Bs, detail::checkpointable_state Optimizer>
std::size_t load_checkpoint(const std::filesystem::path& path, param_set<Bs...>& params,
                            Optimizer& optimizer) {
  detail::no_schedule none;
  return detail::load_checkpoint_into(path, params, optimizer, none);
}

/// Loads a checkpoint that holds a schedule's state too.
template <class... Bs, detail::checkpointable_state Optimizer,
          detail::checkpointable_state Schedule>
std::size_t load_checkpoint(const std::filesystem::path& path, param_set<Bs...>& params,
                            Optimizer& optimizer, Schedule& schedule) {
  return detail::load_checkpoint_into(path, params, optimizer, schedule);
}

}  // namespace ctgrad
