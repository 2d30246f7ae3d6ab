#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <ctgrad.hpp>
#include <ctgrad/runtime/mapped_file.hpp>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../support/raises.hpp"
#include "../support/temporary_directory.hpp"

// Mapped files: values, layouts, and every way a file can be unfit, each with its own message.

namespace {
using ctgrad::testing::temporary_directory;

template <class T>
void write_values(const std::filesystem::path& path, const std::vector<T>& values) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(values.data(), sizeof(T), values.size(), f) == values.size());
  std::fclose(f);
}

void write_bytes(const std::filesystem::path& path, std::size_t count) {
  write_values(path, std::vector<unsigned char>(count, 0x3f));
}

template <class Make>
std::string error_of(const Make& make) {
  return ctgrad_test::raise_in<ctgrad::mapped_file_error>(make).message;
}

}  // namespace

TEST_CASE_TEMPLATE("a mapped file's values, as a column, as rows and as feature columns", T, float,
                   double) {
  temporary_directory dir;
  const std::vector<T> values{1, 2, 3, 4, 5, 6};
  write_values(dir.path / "v", values);
  const ctgrad::mapped_file<T> file{(dir.path / "v").string()};
  REQUIRE(file.size() == 6);
  CHECK(file.path() == (dir.path / "v").string());
  const std::span<const T> column = file.column();
  CHECK(std::vector<T>(column.begin(), column.end()) == values);

  const auto rows = file.template rows<3>();  // points (1, 2, 3) and (4, 5, 6)
  CHECK(rows.points == 2);
  CHECK(rows.at(1, 0) == 4);
  CHECK(rows.at(0, 2) == 3);
  const auto columns = file.template columns<3>();  // features (1, 2), (3, 4), (5, 6)
  CHECK(columns.points == 2);
  CHECK(columns.at(1, 0) == 2);
  CHECK(columns.at(0, 2) == 5);

  // Bound as data, a mapped column evaluates as the same values in memory.
  constexpr ctgrad::data<"x"> x;
  CHECK(ctgrad::evaluate(ctgrad::mean(x), x = file.column()) == T(3.5));
  file.check();
  file.release();  // the pages come back when read again
  CHECK(file.column()[5] == 6);
}

TEST_CASE("a mapped file moves, and is unmapped once") {
  temporary_directory dir;
  write_values(dir.path / "v", std::vector<double>{1, 2});
  ctgrad::mapped_file<double> a{(dir.path / "v").string()};
  ctgrad::mapped_file<double> b = std::move(a);
  CHECK(b.size() == 2);
  CHECK(b.column()[1] == 2);
  CHECK(b.region().path == &b.path());
  ctgrad::mapped_file<double> c{(dir.path / "v").string()};
  c = std::move(b);
  CHECK(c.column()[0] == 1);
  c.check();
}

TEST_CASE("a file unfit for mapping is refused with its name and the reason") {
  temporary_directory dir;
  const std::string missing = (dir.path / "missing.f64").string();
  CHECK(error_of([&] { ctgrad::mapped_file<double>{missing}; }) ==
        "ctgrad: cannot open mapped file '" + missing + "': No such file or directory");

  const std::string empty = (dir.path / "empty.f64").string();
  write_bytes(empty, 0);
  CHECK(error_of([&] { ctgrad::mapped_file<double>{empty}; }) ==
        "ctgrad: mapped file '" + empty +
            "' is empty; it must hold raw little-endian double values, with no header");

  const std::string ragged = (dir.path / "ragged.f64").string();
  write_bytes(ragged, 8003);
  CHECK(error_of([&] { ctgrad::mapped_file<double>{ragged}; }) ==
        "ctgrad: mapped file '" + ragged +
            "' has 8003 bytes, not a whole number of 8-byte values; it must hold raw "
            "little-endian double values, with no header");
  write_bytes(ragged, 8002);
  CHECK(error_of([&] {
          ctgrad::mapped_file<float>{ragged};
        }).find("8002 bytes, not a whole number of 4-byte values") != std::string::npos);

  const std::string seven = (dir.path / "seven.f32").string();
  write_values(seven, std::vector<float>(7, 1.0f));
  const ctgrad::mapped_file<float> file{seven};
  CHECK(error_of([&] { (void)file.rows<2>(); }) ==
        "ctgrad: mapped file '" + seven + "' has 7 values, not a whole number of rows of 2");
  CHECK(error_of([&] { (void)file.columns<3>(); }) ==
        "ctgrad: mapped file '" + seven + "' has 7 values, not a whole number of columns of 3");
  CHECK(file.rows<7>().points == 1);
}
