#include "models/chip/chip.hpp"

#include "models/chip/cross_core_hub.hpp"

namespace ascendsim::models {

Die::Die(const sc_core::sc_module_name& name, ChipContext& ctx, const isa::Program& program,
         std::uint32_t die, std::vector<report::CoreStats>& stats)
    : sc_module(name) {
  for (std::size_t i = 0; i < program.cores.size(); ++i) {
    const isa::CoreProgram& cp = program.cores[i];
    if (cp.core.die != die) continue;
    const std::string core = std::string(isa::core_kind_name(cp.core.kind)) +
                             std::to_string(cp.core.index);
    cores.push_back(std::make_unique<AiCore>(core.c_str(), ctx, cp, stats[i], i));
    ctx.cores[cp.core] = cores.back().get();
  }
}

Chip::Chip(const sc_core::sc_module_name& name, ChipContext& ctx, const isa::Program& program,
           std::vector<report::CoreStats>& stats)
    : sc_module(name) {
  for (std::uint32_t d = 0; d < ctx.hw.dies; ++d) {
    const std::string die = "die" + std::to_string(d);
    dies.push_back(std::make_unique<Die>(die.c_str(), ctx, program, d, stats));
  }
  index_cross_core_groups(ctx);
}

std::vector<std::string> Chip::blocked() const {
  std::vector<std::string> out;
  for (const auto& die : dies)
    for (const auto& core : die->cores)
      if (!core->finished())
        for (auto& line : core->blocked()) out.push_back(line);
  return out;
}

std::string Chip::counter_overflow(std::uint64_t end_cycle) const {
  for (const auto& die : dies)
    for (const auto& core : die->cores)
      for (std::size_t f = 0; f < core->cross_flag_count(); ++f) {
        const std::string e = core->counter_overflow(std::uint8_t(f), end_cycle);
        if (!e.empty()) return e;
      }
  return "";
}

std::vector<std::string> Chip::unbalanced_sync(const ChipContext& ctx) const {
  std::vector<std::string> out;
  for (const auto& die : dies)
    for (const auto& core : die->cores)
      for (auto& line : core->unbalanced_flags()) out.push_back(line);
  for (auto& line : unmatched_barriers(ctx)) out.push_back(line);
  return out;
}

}  // namespace ascendsim::models
