#pragma once
// An error found in a program or while simulating it: an out-of-bounds or misaligned operand, an
// illegal dtype, a deadlock. The message names the core and instruction index. `main` maps it
// to exit code 3; bad input files (configs, trace syntax) are ConfigError, exit code 2.
#include <stdexcept>
#include <string>

namespace ascendsim::isa {

class SimulationError : public std::runtime_error {
 public:
  explicit SimulationError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ascendsim::isa
