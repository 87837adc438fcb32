// Names of stall causes (the spelling used in report.json keys and CSV columns) and the mapping
// from a wait_flag's source pipe to its stall cause.
#include "sim/report/stats.hpp"

#include <stdexcept>
#include <string>

namespace ascendsim::report {
namespace {

constexpr std::array<std::string_view, kStallCauseCount> kStallCauseNames{
    "flag_s",   "flag_v",     "flag_m",  "flag_mte1",  "flag_mte2", "flag_mte3",
    "flag_fix", "cross_core", "barrier", "queue_full", "memory"};

}  // namespace

std::string_view stall_cause_name(StallCause c) { return kStallCauseNames[static_cast<int>(c)]; }

StallCause flag_stall_from(isa::Pipe source) {
  switch (source) {
    case isa::Pipe::S:
      return StallCause::flag_s;
    case isa::Pipe::V:
      return StallCause::flag_v;
    case isa::Pipe::M:
      return StallCause::flag_m;
    case isa::Pipe::MTE1:
      return StallCause::flag_mte1;
    case isa::Pipe::MTE2:
      return StallCause::flag_mte2;
    case isa::Pipe::MTE3:
      return StallCause::flag_mte3;
    case isa::Pipe::FIX:
      return StallCause::flag_fix;
    case isa::Pipe::ALL:
      break;
  }
  throw std::invalid_argument("flag_stall_from: pipe '" + std::string(isa::pipe_name(source)) +
                              "' cannot set a flag");
}

}  // namespace ascendsim::report
