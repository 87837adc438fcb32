#pragma once
// Runs the built `ascendsim` binary as a user would and captures what it printed and its exit
// code, for end-to-end tests of the command line.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
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

// `ascendsim run RUN_FILE --out OUT_DIR SETS`, which must exit with `exit_code` (1: the run's
// numerical check failed, the report is still written); its report.json.
inline nlohmann::json run_report(const std::string& run_file, const std::string& out_dir,
                                 const std::string& sets, int exit_code = 0) {
  const CliResult r = run_cli("run " + run_file + " --out " + out_dir + sets);
  INFO(out_dir << ":\n" << r.output);
  REQUIRE(r.exit_code == exit_code);
  std::ifstream f(out_dir + "/report.json");
  REQUIRE(f.good());
  return nlohmann::json::parse(f);
}

// The whole file as text ("" when it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace ascendsim::testing
