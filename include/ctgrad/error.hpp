#pragma once
/// \file
/// How ctgrad reports a run-time error, with and without exceptions. Every run-time error goes
/// through detail::raise, and so has one of the kinds below and a message beginning "ctgrad:".
///
/// - With exceptions (the default), the error is thrown: error_kind says which type.
/// - Compiled with -fno-exceptions, the error handler installed with set_error_handler is called
///   with the kind and the message; it must not return (it may end the program, or save what
///   it needs and then end it). The default handler writes the message and a newline to stderr
///   and calls std::abort(). A handler that returns is followed by std::abort().
///
/// Where ctgrad's documentation says a function "throws" X, it raises the kind of X: the handler
/// gets it without exceptions. docs/errors.md lists every run-time error.
///
/// Either way, what the failing call was changing is restored before the error is raised: the
/// handler sees (and may save) the last good parameters and optimizer state. Translation units that
/// include ctgrad in one program should agree on -fno-exceptions: the handler is consulted only
/// where exceptions are off.

#include "detail/config.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ctgrad {

/// What went wrong, and which exception is thrown for it when exceptions are on.
enum class error_kind {
  invalid_argument,  ///< std::invalid_argument: bad input (lengths, non-finite data, options)
  domain_error,      ///< std::domain_error: a loss outside its domain, a singular Hessian
  diverged,          ///< ctgrad::diverged: training stopped being finite
  checkpoint,        ///< ctgrad::checkpoint_error: a checkpoint not written, or refused
  mapped_file,       ///< ctgrad::mapped_file_error: a mapped file unfit, or cut short while mapped
};

/// The name of a kind, as in the enumeration: "invalid_argument", ...
[[nodiscard]] constexpr const char* error_kind_name(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_argument:
      return "invalid_argument";
    case error_kind::domain_error:
      return "domain_error";
    case error_kind::diverged:
      return "diverged";
    case error_kind::checkpoint:
      return "checkpoint";
    case error_kind::mapped_file:
      return "mapped_file";
  }
  return "unknown";
}

/// Called for a run-time error when exceptions are off; must not return.
using error_handler = void (*)(error_kind kind, const char* message);

/// Writes the message and a newline to stderr, then calls std::abort().
[[noreturn]] inline void default_error_handler(error_kind, const char* message) noexcept {
  std::fputs(message, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

namespace detail {
// One handler for the program (an inline variable has one address across translation units),
// atomic so that a handler installed by one thread is seen by a pool's or another caller's.
inline std::atomic<error_handler> installed_error_handler{&default_error_handler};
}  // namespace detail

/// Installs `handler` (nullptr: the default) for errors raised where exceptions are off, and
/// returns the previous one, as std::set_terminate does. Has no effect on a build with
/// exceptions, where errors are thrown.
inline error_handler set_error_handler(error_handler handler) noexcept {
  return detail::installed_error_handler.exchange(handler ? handler : &default_error_handler);
}

/// The handler that set_error_handler installed last (the default if none).
[[nodiscard]] inline error_handler get_error_handler() noexcept {
  return detail::installed_error_handler.load();
}

namespace detail {

/// Raises a run-time error: throws Exception(message) with exceptions on, calls the installed
/// handler with `kind` and the message otherwise. Callers restore any state they changed first.
template <class Exception>
[[noreturn]] void raise([[maybe_unused]] error_kind kind, const std::string& message) {
#if __cpp_exceptions
  throw Exception(message);
#else
  get_error_handler()(kind, message.c_str());
  std::abort();  // the handler returned, which it must not do
#endif
}

}  // namespace detail
}  // namespace ctgrad
