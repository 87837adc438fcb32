#pragma once
// Runs the built `ascendsim` binary as a user would and captures what it printed and its exit
// code, for end-to-end tests of the command line.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace ascendsim::testing {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

inline std::string source_path(const std::string& relative) {
  return std::string(ASCENDSIM_SOURCE_DIR) + "/" + relative;
}

// `args` is appended to the binary's path as shell words; run from the source directory.
inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string("cd '") + ASCENDSIM_SOURCE_DIR + "' && '" +
                          ASCENDSIM_BINARY + "' " + args + " 2>&1";
  CliResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The whole file as text ("" when it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace ascendsim::testing
