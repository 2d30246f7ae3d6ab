#pragma once
/// \file
/// A string usable as a template argument: how parameters and data columns are named at compile
/// time (`param<"w">`), so that a name is part of a variable's type.

#include "../detail/config.hpp"

#include <cstddef>
#include <string_view>

namespace ctgrad {

/// A compile-time string literal, stored by value so it can be a non-type template argument.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};

  constexpr fixed_string(const char (&text)[N]) noexcept {  // NOLINT: implicit on purpose
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }

  /// The name without its terminating null.
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N - 1; }

  template <std::size_t M>
  [[nodiscard]] constexpr bool operator==(const fixed_string<M>& other) const noexcept {
    return view() == other.view();
  }
  template <std::size_t M>
  [[nodiscard]] constexpr bool operator==(const char (&other)[M]) const noexcept {
    return view() == std::string_view(other, M - 1);
  }
};

}  // namespace ctgrad
