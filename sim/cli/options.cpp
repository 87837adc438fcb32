#include "sim/cli/options.hpp"

#include <ostream>

namespace ascendsim::cli {

namespace po = boost::program_options;

bool parse_command_line(const std::vector<std::string>& args,
                        const po::options_description& desc, std::string& file,
                        const std::string& what, std::ostream& out,
                        const std::string& help_footer) {
  po::options_description hidden;
  hidden.add_options()("positional-file", po::value<std::string>(&file));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("positional-file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    out << desc << help_footer;
    return false;
  }
  po::notify(vm);
  if (file.empty()) throw po::error("missing " + what);
  return true;
}

}  // namespace ascendsim::cli
