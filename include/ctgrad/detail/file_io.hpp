#pragma once
/// \file
/// Whole-file reads and atomic replacement of a file (POSIX), for checkpoints. Both return an
/// empty string on success and a description of what failed, errno text included, otherwise:
/// the caller decides the exception and names the file in its own terms.

#include "config.hpp"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace ctgrad::detail {

inline std::string errno_text(int error) { return std::generic_category().message(error); }

/// Reads the whole file at `path` into `contents`.
[[nodiscard]] inline std::string read_file(const std::filesystem::path& path,
                                           std::string& contents) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "cannot open it for reading: " + errno_text(errno);
  contents.clear();
  char buffer[65536];
  for (;;) {
    const ::ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      const int error = errno;
      ::close(fd);
      return "cannot read it: " + errno_text(error);
    }
    contents.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return {};
}

/// Replaces the file at `path` with `contents` so that `path` holds either its old contents or
/// all of the new ones, whatever fails and whenever the machine stops: the contents go to
/// `path` + ".tmp" in the same directory, are flushed to the device (fsync), and the temporary
/// is renamed over `path` (atomic on POSIX file systems); the directory is then synced, best
/// effort, so that the rename itself survives a power loss. On failure the temporary is
/// removed and `path` is untouched. Two programs saving to the same path at once share the
/// temporary's name: one checkpoint path belongs to one run.
[[nodiscard]] inline std::string replace_file(const std::filesystem::path& path,
                                              std::string_view contents) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  auto quoted = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return "cannot create the temporary file " + quoted(temporary) + ": " + errno_text(errno);
  auto give_up = [&](const char* what, int error, bool open) {
    if (open)
      ::close(fd);
    ::unlink(temporary.c_str());
    return std::string(what) + " the temporary file " + quoted(temporary) + ": " +
           errno_text(error);
  };
  for (std::size_t written = 0; written < contents.size();) {
    const ::ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return give_up("cannot write", n < 0 ? errno : EIO, true);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0)
    return give_up("cannot sync", errno, true);
  if (::close(fd) != 0)
    return give_up("cannot close", errno, false);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return "cannot rename the temporary file " + quoted(temporary) + " to " + quoted(path) + ": " +
           errno_text(error);
  }
  // Best effort: the new file is in place either way, and a directory that cannot be synced
  // (opened without read permission, a file system without directory fsync) keeps one of the
  // two complete files.
  std::filesystem::path directory = path.parent_path();
  if (directory.empty())
    directory = ".";
  if (const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace ctgrad::detail
