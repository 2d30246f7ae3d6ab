#pragma once
/// \file
/// Opt-in checks of bound data: NaN or infinity in a data column is reported by column and index.
/// A pass over the data costs about as much as one evaluation, so it is not done on every step:
/// call it once, where the data comes in.

#include "../detail/config.hpp"

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "../error.hpp"
#include "bindings.hpp"

namespace ctgrad {

namespace detail {

inline std::string non_finite_message(std::string_view what, std::string_view name,
                                      std::size_t index, double value) {
  char buffer[96];
  std::string message = "ctgrad: ";
  message.append(what);
  message += " '";
  message.append(name);
  std::snprintf(buffer, sizeof buffer, "' is not finite at index %zu (%g)", index, value);
  message += buffer;
  return message;
}

template <class T>
constexpr bool is_finite(T v) noexcept {
  return v == v && v - v == T(0);  // NaN fails the first, +-inf the second
}

}  // namespace detail

/// The message `validate` raises for `data`, naming the first data column and index holding NaN
/// or infinity; an empty string when every value is finite. The check that never raises, for a
/// program that handles bad data itself (with or without exceptions).
template <class... Bs>
std::string find_non_finite(const data_set<Bs...>& data) {
  std::string found;
  auto check = [&found](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    using S = shape_of_t<typename B::variable>;
    for (std::size_t i = 0; i < b.size() && found.empty(); ++i) {
      if constexpr (S::rank == 0) {
        if (!detail::is_finite(b.at(i)))
          found = detail::non_finite_message("data column", B::variable::name.view(), i,
                                             static_cast<double>(b.at(i)));
      } else {
        // Feature j of point i is reported as index i * features + j.
        for (std::size_t j = 0; j < S::size && found.empty(); ++j)
          if (!detail::is_finite(b.at(i, j)))
            found = detail::non_finite_message("data rows", B::variable::name.view(),
                                               i * S::size + j, static_cast<double>(b.at(i, j)));
      }
    }
  };
  hana::unpack(data.bindings, [&](const auto&... b) { (check(b), ...); });
  return found;
}

/// The message `validate` raises for `params`, naming the first parameter that is NaN or
/// infinite; an empty string when all are finite.
template <class... Bs>
std::string find_non_finite(const param_set<Bs...>& params) {
  std::string found;
  auto check = [&found](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    for (std::size_t k = 0; k < shape_of_t<typename B::variable>::size && found.empty(); ++k)
      if (!detail::is_finite(b.at(k)))
        found = detail::non_finite_message("parameter", B::variable::name.view(), k,
                                           static_cast<double>(b.at(k)));
  };
  hana::unpack(params.bindings, [&](const auto&... b) { (check(b), ...); });
  return found;
}

/// Raises std::invalid_argument (error_kind::invalid_argument: the error handler without
/// exceptions, ctgrad/error.hpp) naming the first data column and index holding NaN or infinity:
/// `auto data = ctgrad::validate(ctgrad::dataset(x = X, y = Y));` returns (a copy of) the data set
/// when all is finite; the copy holds the same views of the columns. find_non_finite checks
/// without raising.
template <class... Bs>
data_set<Bs...> validate(const data_set<Bs...>& data) {
  if (std::string found = find_non_finite(data); !found.empty())
    detail::raise<std::invalid_argument>(error_kind::invalid_argument, found);
  return data;
}

/// Raises std::invalid_argument naming the first parameter that is NaN or infinite (as the
/// data set's validate does); returns a copy of the set otherwise.
template <class... Bs>
param_set<Bs...> validate(const param_set<Bs...>& params) {
  if (std::string found = find_non_finite(params); !found.empty())
    detail::raise<std::invalid_argument>(error_kind::invalid_argument, found);
  return params;
}

}  // namespace ctgrad
