#pragma once
// The subcommands of `ascendsim`. Each parses its own arguments (Boost.Program_options), prints
// its own --help, and returns an exit code (exit_codes.hpp). Errors propagate as exceptions to
// main, which prints them and maps them to exit codes.
#include <iosfwd>
#include <string>
#include <vector>

namespace ascendsim::cli {

using Args = std::vector<std::string>;

int cmd_run(const Args& args, std::ostream& out);
int cmd_trace(const Args& args, std::ostream& out);
int cmd_list(const Args& args, std::ostream& out);
int cmd_check(const Args& args, std::ostream& out);
int cmd_compare(const Args& args, std::ostream& out);
int cmd_sweep(const Args& args, std::ostream& out);

// Where the shipped configs live: $ASCENDSIM_HOME, else the source tree this binary was built
// from, else the current directory.
std::string project_root();

}  // namespace ascendsim::cli
