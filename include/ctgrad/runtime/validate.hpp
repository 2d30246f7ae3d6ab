#pragma once
/// \file
/// Opt-in checks of bound data: NaN or infinity in a data column is reported by column and index.
/// A pass over the data costs about as much as one evaluation, so it is not done on every step:
/// call it once, where the data comes in.

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../error.hpp"
#include "bindings.hpp"

namespace ctgrad {

namespace detail {

[[noreturn]] inline void throw_non_finite(std::string_view what, std::string_view name,
                                          std::size_t index, double value) {
  char buffer[96];
  std::string message = "ctgrad: ";
  message.append(what);
  message += " '";
  message.append(name);
  std::snprintf(buffer, sizeof buffer, "' is not finite at index %zu (%g)", index, value);
  message += buffer;
  raise<std::invalid_argument>(error_kind::invalid_argument, message);
}

template <class T>
constexpr bool is_finite(T v) noexcept {
  return v == v && v - v == T(0);  // NaN fails the first, +-inf the second
}

}  // namespace detail

/// Throws std::invalid_argument naming the first data column and index holding NaN or infinity:
/// `auto data = ctgrad::validate(ctgrad::dataset(x = X, y = Y));` returns (a copy of) the data set
/// when all is finite; the copy holds the same views of the columns.
template <class... Bs>
data_set<Bs...> validate(const data_set<Bs...>& data) {
  auto check = [](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    using S = shape_of_t<typename B::variable>;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if constexpr (S::rank == 0) {
        if (!detail::is_finite(b.at(i)))
          detail::throw_non_finite("data column", B::variable::name.view(), i,
                                   static_cast<double>(b.at(i)));
      } else {
        // Feature j of point i is reported as index i * features + j.
        for (std::size_t j = 0; j < S::size; ++j)
          if (!detail::is_finite(b.at(i, j)))
            detail::throw_non_finite("data rows", B::variable::name.view(), i * S::size + j,
                                     static_cast<double>(b.at(i, j)));
      }
    }
  };
  hana::unpack(data.bindings, [&](const auto&... b) { (check(b), ...); });
  return data;
}

/// Throws std::invalid_argument naming the first parameter that is NaN or infinite; returns a
/// copy of the set otherwise.
template <class... Bs>
param_set<Bs...> validate(const param_set<Bs...>& params) {
  auto check = [](const auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    for (std::size_t k = 0; k < shape_of_t<typename B::variable>::size; ++k)
      if (!detail::is_finite(b.at(k)))
        detail::throw_non_finite("parameter", B::variable::name.view(), k,
                                 static_cast<double>(b.at(k)));
  };
  hana::unpack(params.bindings, [&](const auto&... b) { (check(b), ...); });
  return params;
}

}  // namespace ctgrad
