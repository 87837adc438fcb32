#pragma once
// Reads a text trace (traces/FORMAT.md) into a Program. Syntax only: whether the program fits a
// chip is isa::validate_program's job. npy tensors are loaded here (their problems are input
// errors of the trace), other inits stay generators until materialize_tensors.
// Every problem is config::ConfigError "file:line: what".
#include <string>

#include "sim/isa/program.hpp"

namespace ascendsim::trace {

// Reads `path`; npy paths are relative to its directory.
isa::Program read_trace(const std::string& path);
// Reads trace text; `source_name` prefixes messages, `base_dir` resolves relative npy paths.
isa::Program read_trace_text(const std::string& text, const std::string& source_name,
                             const std::string& base_dir);

}  // namespace ascendsim::trace
