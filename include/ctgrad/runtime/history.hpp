#pragma once
/// \file
/// A training history as CSV, for plotting: one line per epoch, `epoch,loss,<parameters>`, from
/// train's epoch callback. Opt-in (`#include <ctgrad/runtime/history.hpp>`), as checkpoint.hpp
/// is: <ostream> is compile time that a program which records nothing should not pay.

#include "../detail/config.hpp"

#include <array>
#include <boost/hana/for_each.hpp>
#include <charconv>
#include <cstddef>
#include <ostream>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "../expr/node.hpp"
#include "../expr/shape.hpp"
#include "bindings.hpp"

namespace ctgrad {

/// What a training_history writes besides the epoch, the loss and the parameters.
struct history_options {
  /// A `validation_loss` column after `loss` (the report's validation loss: NaN without
  /// validation data).
  bool validation_loss = false;
};

/// Writes train's reports to a stream as CSV: the header line `epoch,loss,w,b[0],b[1],W[0][0],...`
/// (the parameters of the set in their order; a vector's components as b[k], a matrix's as
/// W[i][j], row-major) when constructed, then one line per call. Each number is written in the
/// shortest form that reads back to the same value (std::to_chars), so a float or double
/// parameter round-trips exactly. The loss is the epoch's loss before its update and the
/// parameters are the values after it, as train reports them. A stream in a failed state (an
/// std::ofstream that did not open, for one) records nothing; errors are the stream's to report.
///
///     std::ofstream csv{"run.csv"};
///     ctgrad::training_history history{csv, params};
///     ctgrad::train(loss, params, data, opt, 100, history);  // or history(report) in a lambda
template <class Params>
class training_history {
  static_assert(detail::is_param_set_v<Params>,
                "ctgrad: training_history takes the run's parameter set, made by "
                "ctgrad::parameters(...), to name its columns");

 public:
  /// Writes the header line for the parameters of `params` (their names and shapes; their
  /// values are not read here).
  training_history(std::ostream& out, const Params& params, history_options options = {})
      : out_(&out), options_(options) {
    *out_ << (options_.validation_loss ? "epoch,loss,validation_loss" : "epoch,loss");
    write_names(params);
    *out_ << '\n';
  }

  /// Writes one line for `report`, an epoch_report from train's callback.
  template <class Report>
  void operator()(const Report& report) {
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(report.params)>, Params>,
                  "ctgrad: this report is of another parameter set than the history's header");
    *out_ << report.epoch << ',';
    write_number(report.loss);
    if (options_.validation_loss) {
      *out_ << ',';
      write_number(report.validation_loss);
    }
    boost::hana::for_each(report.params.bindings, [&](const auto& b) {
      using B = std::remove_cvref_t<decltype(b)>;
      for (std::size_t k = 0; k < shape_of_t<typename B::variable>::size; ++k) {
        *out_ << ',';
        write_number(b.at(k));
      }
    });
    *out_ << '\n';
  }

 private:
  template <class... Bs>
  void write_names(const param_set<Bs...>&) {
    (write_names_of<typename Bs::variable>(), ...);
  }
  void write_names(const auto&) {}  // not a parameter set: refused above, no follow-on error

  template <class Variable>
  void write_names_of() {
    using S = shape_of_t<Variable>;
    const std::string_view name = Variable::name.view();
    if constexpr (S::rank == 0) {
      *out_ << ',' << name;
    } else if constexpr (S::rank == 1) {
      for (std::size_t k = 0; k < S::size; ++k) *out_ << ',' << name << '[' << k << ']';
    } else {
      constexpr std::size_t columns = detail::dim_v<S, 1>;
      for (std::size_t k = 0; k < S::size; ++k)
        *out_ << ',' << name << '[' << k / columns << "][" << k % columns << ']';
    }
  }

  template <class T>
  void write_number(T value) {
    // Shortest round-trip form: exact, and as short as "0.3" for 0.3f; inf and nan as "inf",
    // "nan", which gnuplot and most CSV readers take.
    std::array<char, 64> buffer;
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (error == std::errc{})
      out_->write(buffer.data(), end - buffer.data());
  }

  std::ostream* out_;
  history_options options_;
};

}  // namespace ctgrad
