#pragma once
// A fresh directory under the system's temporary directory, removed with its contents when the
// object is destroyed: for tests that write files.

#include <doctest/doctest.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <string>
#include <system_error>

namespace ctgrad::testing {

struct temporary_directory {
  std::filesystem::path path;
  temporary_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ctgrad-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~temporary_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;
};

}  // namespace ctgrad::testing
