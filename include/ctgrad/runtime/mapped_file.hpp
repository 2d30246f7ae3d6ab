#pragma once
/// \file
/// Data larger than memory: a file of raw little-endian float or double values, mapped into the
/// address space read-only (POSIX mmap), bound as any other data. Opt-in (POSIX only).
///
///   ctgrad::mapped_file<double> xs{"x.f64"}, ys{"y.f64"};
///   auto data = ctgrad::dataset(x = xs.column(), y = ys.column());
///   ctgrad::streaming stream{xs, ys};            // runtime/streaming.hpp
///   ctgrad::train(stream, loss, params, data, ctgrad::sgd{0.01}, 20);
///
/// The mapping costs no memory by itself: pages are read from the file when the evaluation
/// touches them, and `ctgrad::streaming` hands them back after each chunk of blocks, so the
/// resident memory stays a few megabytes whatever the file's size. The file must not change
/// while mapped; a file cut short is detected by `check()` (which `streaming` calls before and
/// after every evaluation) and reported, never read as zeros.

#include "../detail/config.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "../error.hpp"
#include "data_views.hpp"

namespace ctgrad {

/// A mapped file that cannot be opened, has a size that is not a whole number of values (or
/// rows), or was cut short while mapped. The message starts with "ctgrad:" and names the file.
class mapped_file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// What a streamed evaluation needs of a mapped file, whatever its value type.
struct mapped_region {
  const void* address = nullptr;
  std::size_t bytes = 0;
  int descriptor = -1;
  const std::string* path = nullptr;

  [[nodiscard]] bool contains(const void* p) const noexcept {
    // As integers: comparing pointers into different objects with < is unspecified.
    const auto first = reinterpret_cast<std::uintptr_t>(address);
    const auto q = reinterpret_cast<std::uintptr_t>(p);
    return q >= first && q - first < bytes;
  }
  // Throws mapped_file_error if the file is now shorter than when it was mapped.
  void check() const {
    if (descriptor < 0)
      return;  // nothing mapped (a moved-from mapped_file)
    struct stat status {};
    if (::fstat(descriptor, &status) != 0)
      detail::raise<mapped_file_error>(
          error_kind::mapped_file,
          "ctgrad: cannot read the size of mapped file '" + *path + "': " + std::strerror(errno));
    if (static_cast<unsigned long long>(status.st_size) < bytes)
      detail::raise<mapped_file_error>(
          error_kind::mapped_file,
          "ctgrad: mapped file '" + *path + "' was cut short while mapped: " +
              std::to_string(status.st_size) + " bytes, " + std::to_string(bytes) + " when mapped");
  }
  // Gives the pages back to the system: the mapping stays, and a later read faults them in
  // again from the page cache or the disk.
  void release() const noexcept { ::madvise(const_cast<void*>(address), bytes, MADV_DONTNEED); }
};

}  // namespace detail

/// The values of type T (float or double, little-endian, no header) in a file, mapped read-only.
/// Movable, not copyable; unmapped when destroyed, so it must outlive the data sets that view it.
template <std::floating_point T>
class mapped_file {
  static_assert(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8),
                "ctgrad: mapped_file holds float or double values (IEEE 754 binary32 or binary64)");
  static_assert(std::endian::native == std::endian::little,
                "ctgrad: mapped_file reads little-endian values; this target is not little-endian");

 public:
  /// Maps the file at `path`. Throws mapped_file_error when it cannot be opened or mapped, is
  /// empty, or its size is not a whole number of sizeof(T)-byte values.
  explicit mapped_file(std::string path) : path_(std::move(path)) {
    region_.path = &path_;
    region_.descriptor = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (region_.descriptor < 0)
      fail("cannot open");
    struct stat status {};
    if (::fstat(region_.descriptor, &status) != 0)
      fail("cannot read the size of");
    const auto bytes = static_cast<unsigned long long>(status.st_size);
    if (bytes == 0)
      fail_with("is empty");
    if (bytes > std::numeric_limits<std::size_t>::max())
      fail_with("has " + std::to_string(bytes) + " bytes, more than this target can map");
    if (bytes % sizeof(T) != 0)
      fail_with("has " + std::to_string(bytes) + " bytes, not a whole number of " +
                std::to_string(sizeof(T)) + "-byte values");
    region_.bytes = static_cast<std::size_t>(bytes);
    void* address = ::mmap(nullptr, region_.bytes, PROT_READ, MAP_SHARED, region_.descriptor, 0);
    if (address == MAP_FAILED)
      fail("cannot map");
    region_.address = address;
    // Read ahead of a sequential pass; pages behind it are given back by streaming.
    ::madvise(address, region_.bytes, MADV_SEQUENTIAL);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  mapped_file(mapped_file&& other) noexcept
      : path_(std::move(other.path_)), region_(std::exchange(other.region_, {})) {
    region_.path = &path_;
  }
  mapped_file& operator=(mapped_file&& other) noexcept {
    if (this != &other) {
      close();
      path_ = std::move(other.path_);
      region_ = std::exchange(other.region_, {});
      region_.path = &path_;
    }
    return *this;
  }
  ~mapped_file() { close(); }

  /// The number of values in the file.
  [[nodiscard]] std::size_t size() const noexcept { return region_.bytes / sizeof(T); }
  [[nodiscard]] const T* data() const noexcept { return static_cast<const T*>(region_.address); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// Every value, one per point: `x = file.column()`.
  [[nodiscard]] std::span<const T> column() const noexcept { return {data(), size()}; }

  /// Data rows of N values per point, stored point by point (row-major): `x = file.rows<8>()`.
  /// Throws mapped_file_error when the values are not a whole number of rows.
  template <std::size_t N>
  [[nodiscard]] row_view<T, N> rows() const {
    return ctgrad::rows<N>(data(), points<N>("rows"));
  }

  /// Data rows of N values per point, stored feature by feature (N columns one after another):
  /// `x = file.columns<8>()`. The faster layout, as in memory (runtime/data_views.hpp).
  template <std::size_t N>
  [[nodiscard]] column_view<T, N> columns() const {
    return ctgrad::columns<N>(data(), points<N>("columns"));
  }

  /// Throws mapped_file_error when the file is now shorter than when it was mapped.
  void check() const { region_.check(); }

  /// Gives the pages read so far back to the system (they are read again when next touched).
  void release() const noexcept { region_.release(); }

  /// What streaming needs, whatever T is.
  [[nodiscard]] const detail::mapped_region& region() const noexcept { return region_; }

 private:
  template <std::size_t N>
  std::size_t points(const char* layout) const {
    static_assert(N > 0, "ctgrad: a data row needs at least one value");
    if (size() % N != 0)
      detail::raise<mapped_file_error>(
          error_kind::mapped_file, "ctgrad: mapped file '" + path_ + "' has " +
                                       std::to_string(size()) + " values, not a whole number of " +
                                       layout + " of " + std::to_string(N));
    return size() / N;
  }

  [[noreturn]] void fail(const char* what) {
    const int error = errno;
    close();
    detail::raise<mapped_file_error>(
        error_kind::mapped_file,
        std::string("ctgrad: ") + what + " mapped file '" + path_ + "': " + std::strerror(error));
  }
  [[noreturn]] void fail_with(const std::string& what) {
    close();
    detail::raise<mapped_file_error>(
        error_kind::mapped_file,
        "ctgrad: mapped file '" + path_ + "' " + what + "; it must hold raw " + "little-endian " +
            (sizeof(T) == 4 ? "float" : "double") + " values, with no header");
  }

  void close() noexcept {
    if (region_.address != nullptr)
      ::munmap(const_cast<void*>(region_.address), region_.bytes);
    if (region_.descriptor >= 0)
      ::close(region_.descriptor);
    region_.address = nullptr;
    region_.descriptor = -1;
    region_.bytes = 0;
  }

  std::string path_;
  detail::mapped_region region_;
};

}  // namespace ctgrad
