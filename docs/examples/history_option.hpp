// The examples' `--history FILE` option: the training history as CSV, for plotting (see
// docs/plots/). Without the option the stream is left unopened, and an unopened stream records
// nothing, so an example runs the same way with or without it.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

namespace example {

/// The file named by `--history FILE`, opened for writing, or an unopened stream without the
/// option. Any other argument, or a file that cannot be created, ends the program with a message
/// on stderr (exit status 2).
inline std::ofstream history_file(int argc, char** argv) {
  std::ofstream file;
  if (argc == 1)
    return file;
  if (argc != 3 || std::string_view{argv[1]} != "--history") {
    std::fprintf(stderr, "usage: %s [--history FILE]\n", argv[0]);
    std::exit(2);
  }
  file.open(argv[2]);
  if (!file) {
    std::fprintf(stderr, "%s: cannot create %s\n", argv[0], argv[2]);
    std::exit(2);
  }
  return file;
}

}  // namespace example
