#pragma once
// The chip top: `chip.die<d>.aic<i>` / `chip.die<d>.aiv<j>`, the same dotted names as the stat
// paths. Only cores with a program are instantiated (the launched block); the memory system is
// shared by all of them.
#include <memory>
#include <string>
#include <vector>

#include "models/chip/chip_context.hpp"
#include "models/core/ai_core.hpp"

namespace ascendsim::models {

class Die : public sc_core::sc_module {
 public:
  Die(const sc_core::sc_module_name& name, ChipContext& ctx, const isa::Program& program,
      std::uint32_t die, std::vector<report::CoreStats>& stats);
  std::vector<std::unique_ptr<AiCore>> cores;
};

class Chip : public sc_core::sc_module {
 public:
  Chip(const sc_core::sc_module_name& name, ChipContext& ctx, const isa::Program& program,
       std::vector<report::CoreStats>& stats);
  std::vector<std::unique_ptr<Die>> dies;
  // Names of every blocked pipe, empty when every core finished.
  std::vector<std::string> blocked() const;
  // After the run: "" or the first cross-core counter that overflowed.
  std::string counter_overflow(std::uint64_t end_cycle) const;
  // After the run: flags set and never waited for, barriers some members never reached.
  std::vector<std::string> unbalanced_sync(const ChipContext& ctx) const;
};

}  // namespace ascendsim::models
