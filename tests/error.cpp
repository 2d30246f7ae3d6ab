#include <doctest/doctest.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctgrad.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/raises.hpp"

// The error handler and detail::raise: with exceptions, raise throws and the handler is never
// called; without, the handler gets the kind and the message, and a handler that returns is
// followed by std::abort(). The default handler (the same in both modes) is checked in a child
// process, since it aborts.

namespace {

// Runs f in a child with stderr sent to a pipe; returns what it wrote and its wait status.
template <class F>
std::pair<std::string, int> stderr_and_status_of(F&& f) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash report
    ::close(fds[0]);
    ::dup2(fds[1], 2);
    f();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    text.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {text, status};
}

bool aborted(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT; }

std::vector<std::string> seen;
void record(ctgrad::error_kind kind, const char* message) {
  seen.push_back(std::string(ctgrad::error_kind_name(kind)) + ": " + message);
}
[[maybe_unused]] void print_and_return(ctgrad::error_kind kind, const char* message) {
  std::fprintf(stderr, "%s: %s\n", ctgrad::error_kind_name(kind), message);
}

}  // namespace

TEST_CASE("the default error handler writes the message to stderr and aborts") {
  const auto [text, status] = stderr_and_status_of(
      [] { ctgrad::default_error_handler(ctgrad::error_kind::domain_error, "ctgrad: a test"); });
  CHECK(text == "ctgrad: a test\n");
  CHECK(aborted(status));
}

TEST_CASE("set_error_handler installs a handler and returns the previous one") {
  // (doubled parentheses: doctest cannot print a function pointer)
  CHECK((ctgrad::get_error_handler() == &ctgrad::default_error_handler));
  CHECK((ctgrad::set_error_handler(&record) == &ctgrad::default_error_handler));
  CHECK((ctgrad::get_error_handler() == &record));
  CHECK((ctgrad::set_error_handler(nullptr) == &record));  // nullptr: back to the default
  CHECK((ctgrad::get_error_handler() == &ctgrad::default_error_handler));
}

TEST_CASE("every kind has its name") {
  CHECK(std::string(ctgrad::error_kind_name(ctgrad::error_kind::invalid_argument)) ==
        "invalid_argument");
  CHECK(std::string(ctgrad::error_kind_name(ctgrad::error_kind::domain_error)) == "domain_error");
  CHECK(std::string(ctgrad::error_kind_name(ctgrad::error_kind::diverged)) == "diverged");
  CHECK(std::string(ctgrad::error_kind_name(ctgrad::error_kind::checkpoint)) == "checkpoint");
}

TEST_CASE("raise reports the kind and the message, as an exception or to the handler") {
  const auto r = ctgrad_test::raise_in<std::domain_error>([] {
    ctgrad::detail::raise<std::domain_error>(ctgrad::error_kind::domain_error, "ctgrad: raised");
  });
  CHECK(r.happened);
  CHECK(r.kind == ctgrad::error_kind::domain_error);
  CHECK(r.message == "ctgrad: raised");
}

#if __cpp_exceptions
TEST_CASE("with exceptions, raise throws and never calls the handler") {
  seen.clear();
  const ctgrad::error_handler previous = ctgrad::set_error_handler(&record);
  CHECK_THROWS_WITH_AS(ctgrad::detail::raise<std::invalid_argument>(
                           ctgrad::error_kind::invalid_argument, "ctgrad: thrown"),
                       "ctgrad: thrown", std::invalid_argument);
  ctgrad::set_error_handler(previous);
  CHECK(seen.empty());
}
#else
TEST_CASE("without exceptions, the default handler ends a failing call with its message") {
  const std::vector<double> three{1, 2, 3}, four{1, 2, 3, 4};
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  const auto [text, status] =
      stderr_and_status_of([&] { static_cast<void>(ctgrad::dataset(x = three, y = four)); });
  CHECK(text == "ctgrad: data columns have different lengths: 'x' has 3 points, 'y' has 4\n");
  CHECK(aborted(status));
}

TEST_CASE("without exceptions, a handler that returns is followed by abort") {
  const auto [text, status] = stderr_and_status_of([] {
    ctgrad::set_error_handler(&print_and_return);
    ctgrad::detail::raise<std::invalid_argument>(ctgrad::error_kind::invalid_argument,
                                                 "ctgrad: returned");
  });
  CHECK(text == "invalid_argument: ctgrad: returned\n");
  CHECK(aborted(status));
}
#endif
