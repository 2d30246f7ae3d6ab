#pragma once
/// \file
/// Printing an expression as an infix formula with the fewest parentheses that still give back
/// the same tree: `mean(-2 * x * (y - w * x))`. For expressions whose value is their type, the
/// text is also available at compile time (`to_static_string`), so a derivative's form can be
/// asserted and shown. The printer is generic: operations describe themselves (operation.hpp).

#include "detail/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

#include "expr/constant.hpp"
#include "expr/fixed_string.hpp"
#include "expr/node.hpp"
#include "expr/variable.hpp"
#include "ops/operation.hpp"

namespace ctgrad {

namespace detail {

// Where printed text goes: a counter (first pass at compile time), a fixed buffer (second pass
// at compile time), or a std::string (at run time).
struct length_sink {
  std::size_t length = 0;
  constexpr void put(std::string_view s) noexcept { length += s.size(); }
};

template <std::size_t N>
struct buffer_sink {
  char chars[N + 1]{};
  std::size_t length = 0;
  constexpr void put(std::string_view s) noexcept {
    for (char c : s) chars[length++] = c;
  }
};

struct string_sink {
  std::string& out;
  void put(std::string_view s) { out.append(s); }
};

template <class Sink>
constexpr void put_integer(Sink& sink, std::intmax_t v) noexcept {
  char digits[24]{};
  std::size_t n = 0;
  const bool negative = v < 0;
  // Work in negative numbers: -INTMAX_MIN does not exist.
  std::intmax_t rest = negative ? v : -v;
  do {
    digits[n++] = static_cast<char>('0' - rest % 10);
    rest /= 10;
  } while (rest != 0);
  if (negative)
    sink.put("-");
  while (n > 0) sink.put(std::string_view(&digits[--n], 1));
}

// How tightly an expression binds when printed, so its parent knows whether to bracket it.
template <class E>
constexpr int print_precedence_of() noexcept {
  if constexpr (is_node_v<E>)
    return E::op::precedence;
  else if constexpr (is_rational_v<E>)
    // A fraction reads like a division, even when negative (w / (-1/2), not w / -1/2); a
    // negative whole number like a unary minus.
    return E::den != 1 ? print_precedence::product
                       : (E::num < 0 ? print_precedence::unary : print_precedence::atom);
  else
    return print_precedence::atom;  // names, and runtime numbers (bracketed when negative)
}

template <class Sink, class E>
constexpr void print_to(Sink& sink, const E& e);

template <class Sink, class E>
constexpr void print_operand(Sink& sink, const E& e, bool bracket) {
  if (bracket)
    sink.put("(");
  print_to(sink, e);
  if (bracket)
    sink.put(")");
}

template <class Sink, class E>
constexpr void print_to(Sink& sink, const E& e) {
  if constexpr (is_param_v<E> || is_data_v<E>) {
    sink.put(E::name.view());
  } else if constexpr (is_rational_v<E>) {
    put_integer(sink, E::num);
    if constexpr (E::den != 1) {
      sink.put("/");
      put_integer(sink, E::den);
    }
  } else if constexpr (std::is_same_v<E, data_size>) {
    sink.put("N");
  } else if constexpr (is_scalar_v<E>) {
    // Runtime numbers are known only at run time; %.17g gives back the same double.
    char text[40];
    const int n = std::snprintf(text, sizeof text, "%.17g", static_cast<double>(e.value));
    const bool negative = text[0] == '-';
    if (negative)
      sink.put("(");
    sink.put(std::string_view(text, static_cast<std::size_t>(n)));
    if (negative)
      sink.put(")");
  } else {
    using Op = typename E::op;
    constexpr int p = Op::precedence;
    if constexpr (Op::notation == print_notation::subscript) {
      using U = operand_type_t<0, E>;
      print_operand(sink, operand_of<0>(e), print_precedence_of<U>() < print_precedence::atom);
      sink.put("[");
      put_integer(sink, static_cast<std::intmax_t>(Op::index));
      sink.put("]");
    } else if constexpr (Op::notation == print_notation::function) {
      sink.put(Op::name);
      if constexpr (requires { Op::index; }) {
        sink.put("<");
        put_integer(sink, static_cast<std::intmax_t>(Op::index));
        sink.put(">");
      }
      sink.put("(");
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        std::size_t k = 0;
        ((k++ > 0 ? sink.put(", ") : void(), print_to(sink, operand_of<I>(e))), ...);
      }
      (std::make_index_sequence<E::arity>{});
      sink.put(")");
    } else if constexpr (Op::notation == print_notation::prefix) {
      sink.put(Op::name);
      using U = operand_type_t<0, E>;
      print_operand(sink, operand_of<0>(e), print_precedence_of<U>() < print_precedence::atom);
    } else {
      using L = operand_type_t<0, E>;
      using R = operand_type_t<1, E>;
      // The left operand is bracketed when it binds looser; the right one also when it binds
      // equally, since the tree is left-nested: a - (b - c) and a * (b * c) keep their brackets.
      print_operand(sink, operand_of<0>(e), print_precedence_of<L>() < p);
      sink.put(" ");
      sink.put(Op::name);
      sink.put(" ");
      print_operand(sink, operand_of<1>(e), print_precedence_of<R>() <= p);
    }
  }
}

template <class E>
consteval std::size_t static_text_length() noexcept {
  length_sink counter;
  print_to(counter, E{});
  return counter.length;
}

template <class E>
consteval auto static_text() noexcept {
  constexpr std::size_t n = static_text_length<E>();
  buffer_sink<n> buffer;  // sized exactly, from the first pass
  print_to(buffer, E{});
  return fixed_string<n + 1>(buffer.chars);
}

}  // namespace detail

/// The formula of an expression whose value is its type, as a compile-time string:
/// `static_assert(to_static_string(d(loss, w)) == "mean(-2 * x * (y - w * x))")`.
template <expression E>
[[nodiscard]] consteval auto to_static_string(const E&) noexcept {
  static_assert(std::is_empty_v<E>,
                "ctgrad: to_static_string() needs an expression without runtime numbers (use "
                "compile-time constants such as 2_c, or to_string() at run time)");
  return detail::static_text<E>();
}

/// The formula of an expression as a compile-time string: `to_string_v<decltype(e)>.view()`.
template <expression E>
inline constexpr auto to_string_v = detail::static_text<E>();

/// The formula of an expression: `to_string(d(loss, w))` is "mean(-2 * x * (y - w * x))".
template <expression E>
[[nodiscard]] std::string to_string(const E& e) {
  std::string out;
  detail::string_sink sink{out};
  detail::print_to(sink, e);
  return out;
}

/// Streams the formula, as `to_string` writes it. (Viable once <ostream> is included: ctgrad
/// does not include it for you, to keep compile times down.)
template <class Char, class Traits, expression E>
requires requires(std::basic_ostream<Char, Traits>& os) { os.write("", 0); }
std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& os, const E& e) {
  const std::string text = to_string(e);
  return os.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace ctgrad
