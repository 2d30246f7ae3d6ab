#pragma once
// Checks of ctgrad's run-time errors that hold with and without exceptions (-fno-exceptions,
// where doctest's CHECK_THROWS* check nothing).
//
// With exceptions, the expression runs here and the exception is caught. Without, it runs in a
// fork()ed child whose error handler (ctgrad::set_error_handler) writes the kind, the message and
// what `state` observes at that moment to a pipe, then _exit()s; the parent reads them. The
// state is observed after the error is raised, so a test can check that what the failing call
// changed was restored, in both modes (without exceptions, only the child's copy holds it).

#include <doctest/doctest.h>

#include <cstdint>
#include <ctgrad/error.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#if !__cpp_exceptions
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#endif

namespace ctgrad {
class diverged;
class checkpoint_error;
class mapped_file_error;
}  // namespace ctgrad

namespace ctgrad_test {

// The kind that ctgrad raises together with each exception type.
template <class Exception>
inline constexpr ctgrad::error_kind kind_of = ctgrad::error_kind::invalid_argument;
template <>
inline constexpr ctgrad::error_kind kind_of<std::domain_error> = ctgrad::error_kind::domain_error;
template <>
inline constexpr ctgrad::error_kind kind_of<ctgrad::diverged> = ctgrad::error_kind::diverged;
template <>
inline constexpr ctgrad::error_kind kind_of<ctgrad::checkpoint_error> =
    ctgrad::error_kind::checkpoint;
template <>
inline constexpr ctgrad::error_kind kind_of<ctgrad::mapped_file_error> =
    ctgrad::error_kind::mapped_file;

struct raised {
  bool happened = false;  // false: the expression returned (or, without exceptions, crashed)
  ctgrad::error_kind kind{};
  std::string message;
  std::string state;  // what `state` returned right after the error was raised
};

inline std::string nothing() { return {}; }

#if __cpp_exceptions

// Runs f; returns the Exception it throws, if any (another exception propagates to doctest).
template <class Exception, class F, class State = std::string (*)()>
raised raise_in(F&& f, State&& state = nothing) {
  try {
    std::forward<F>(f)();
  } catch (const Exception& e) {
    return {true, kind_of<Exception>, e.what(), state()};
  }
  return {};
}

#else

namespace detail {
inline int child_pipe = -1;
inline std::function<std::string()> child_state;

inline void write_all(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(child_pipe, p, size);
    if (n <= 0)
      ::_exit(2);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}
inline void write_string(const std::string& s) {
  const std::uint64_t size = s.size();
  write_all(&size, sizeof size);
  write_all(s.data(), s.size());
}
// The child's handler: reports and ends the child, as a handler must not return.
inline void report_to_parent(ctgrad::error_kind kind, const char* message) {
  const int k = static_cast<int>(kind);
  write_all(&k, sizeof k);
  write_string(message);
  write_string(child_state ? child_state() : std::string());
  ::_exit(0);
}

inline bool read_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
inline bool read_string(int fd, std::string& s) {
  std::uint64_t size = 0;
  if (!read_all(fd, &size, sizeof size))
    return false;
  s.resize(size);
  return read_all(fd, s.data(), s.size());
}
}  // namespace detail

// Runs f in a child process; returns what it raised, if anything.
template <class Exception, class F, class State = std::string (*)()>
raised raise_in(F&& f, State&& state = nothing) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash report: the parent reports
    ::close(fds[0]);
    detail::child_pipe = fds[1];
    detail::child_state = state;
    ctgrad::set_error_handler(&detail::report_to_parent);
    std::forward<F>(f)();
    ::_exit(1);  // returned without raising
  }
  ::close(fds[1]);
  raised r;
  int kind = 0;
  const bool read = detail::read_all(fds[0], &kind, sizeof kind) &&
                    detail::read_string(fds[0], r.message) && detail::read_string(fds[0], r.state);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.happened = read && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  r.kind = static_cast<ctgrad::error_kind>(kind);
  CHECK_MESSAGE(r.kind == kind_of<Exception>, "raised as kind ", ctgrad::error_kind_name(r.kind));
  return r;
}

#endif

}  // namespace ctgrad_test

// CHECK_THROWS_WITH_AS and CHECK_THROWS_AS that also check without exceptions; `with` is a string
// or a doctest::Contains.
#define CTGRAD_CHECK_RAISES_WITH_AS(expr, with, ...)                             \
  do {                                                                           \
    const auto ctgrad_raised =                                                   \
        ::ctgrad_test::raise_in<__VA_ARGS__>([&] { static_cast<void>(expr); });  \
    CHECK_MESSAGE(ctgrad_raised.happened, #expr " did not raise " #__VA_ARGS__); \
    CHECK(doctest::String(ctgrad_raised.message.c_str()) == (with));             \
  } while (false)
#define CTGRAD_CHECK_RAISES_AS(expr, ...)                                        \
  do {                                                                           \
    const auto ctgrad_raised =                                                   \
        ::ctgrad_test::raise_in<__VA_ARGS__>([&] { static_cast<void>(expr); });  \
    CHECK_MESSAGE(ctgrad_raised.happened, #expr " did not raise " #__VA_ARGS__); \
    CHECK(ctgrad_raised.message.rfind("ctgrad: ", 0) == 0);                      \
  } while (false)
