#include "models/chip/cross_core_hub.hpp"

#include <vector>

#include "models/core/ai_core.hpp"

namespace ascendsim::models {

using isa::CoreId;
using isa::CoreKind;

namespace {

std::vector<AiCore*> programmed(ChipContext& ctx, CoreKind kind, int die = -1, int aic = -1) {
  std::vector<AiCore*> out;
  for (auto& [id, core] : ctx.cores) {
    if (id.kind != kind) continue;
    if (die >= 0 && id.die != die) continue;
    if (aic >= 0 && int(id.index / ctx.hw.aiv_per_aic) != aic) continue;
    out.push_back(core);
  }
  return out;
}

std::uint64_t group_key(isa::SyncMode mode, CoreKind kind, int die, int aic, int flag) {
  return (std::uint64_t(mode) << 56) | (std::uint64_t(kind) << 48) |
         (std::uint64_t(die & 0xffff) << 32) | (std::uint64_t(aic & 0xffff) << 16) |
         std::uint64_t(flag);
}

// One more member of `group` has set; if all have, release `targets`.
void arrive(ChipContext& ctx, std::uint64_t key, std::size_t group_size,
            const std::vector<AiCore*>& targets, std::uint8_t flag, const FlagArrival& a) {
  std::uint32_t& count = ctx.cross_core_counts[key];
  if (++count < group_size) return;
  count = 0;
  for (AiCore* t : targets) t->deliver_cross_core(flag, a);
}

}  // namespace

std::string cross_core_set(ChipContext& ctx, const CoreId& from, isa::Pipe pipe,
                           isa::SyncMode mode, std::uint8_t flag_id, std::uint64_t now) {
  const FlagArrival a{now + ctx.hw.sync.cross_core_latency_cycles, from, pipe, now};
  const int aic = from.kind == CoreKind::AIC ? from.index : from.index / ctx.hw.aiv_per_aic;
  switch (mode) {
    case isa::SyncMode::all_cores: {
      const auto group = programmed(ctx, from.kind);
      arrive(ctx, group_key(mode, from.kind, 0, 0, flag_id), group.size(), group, flag_id, a);
      return "";
    }
    case isa::SyncMode::aiv_pair: {
      if (from.kind != CoreKind::AIV) return "cross-core mode 1 (aiv_pair) is for AIV cores";
      const auto group = programmed(ctx, CoreKind::AIV, from.die, aic);
      arrive(ctx, group_key(mode, from.kind, from.die, aic, flag_id), group.size(), group,
             flag_id, a);
      return "";
    }
    case isa::SyncMode::aic_aiv: {
      if (from.kind == CoreKind::AIC) {
        for (AiCore* t : programmed(ctx, CoreKind::AIV, from.die, aic))
          t->deliver_cross_core(flag_id, a);
        return "";
      }
      auto it = ctx.cores.find(CoreId{from.die, CoreKind::AIC, std::uint16_t(aic)});
      if (it == ctx.cores.end()) return "";
      const auto group = programmed(ctx, CoreKind::AIV, from.die, aic);
      arrive(ctx, group_key(mode, from.kind, from.die, aic, flag_id), group.size(),
             {it->second}, flag_id, a);
      return "";
    }
  }
  return "unknown cross-core mode";
}

}  // namespace ascendsim::models
