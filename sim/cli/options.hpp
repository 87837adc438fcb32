#pragma once
// The argument parsing every subcommand shares: its own options plus one positional file.
#include <boost/program_options.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace ascendsim::cli {

// Parses `args` against `desc` plus one positional argument stored in `file`. Prints `desc`
// and `help_footer` and returns false on --help; throws boost::program_options::error naming
// `what` when the positional argument is missing.
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& desc,
                        std::string& file, const std::string& what, std::ostream& out,
                        const std::string& help_footer = "");

}  // namespace ascendsim::cli
