#include "models/chip/cross_core_hub.hpp"

#include <vector>

#include "models/core/ai_core.hpp"

namespace ascendsim::models {

using isa::CoreId;
using isa::CoreKind;

namespace {

const std::vector<AiCore*>& aivs_of(ChipContext& ctx, std::uint32_t die, std::uint32_t aic) {
  static const std::vector<AiCore*> kNone;
  auto it = ctx.aivs_of_aic.find({die, aic});
  return it == ctx.aivs_of_aic.end() ? kNone : it->second;
}

std::uint64_t group_key(isa::SyncMode mode, CoreKind kind, std::uint32_t die, std::uint32_t aic,
                        std::uint32_t flag) {
  return (std::uint64_t(mode) << 56) | (std::uint64_t(kind) << 48) |
         (std::uint64_t(die & 0xffff) << 32) | (std::uint64_t(aic & 0xffff) << 16) |
         std::uint64_t(flag);
}

isa::SyncMode key_mode(std::uint64_t key) { return isa::SyncMode(key >> 56); }
std::uint32_t key_flag(std::uint64_t key) { return std::uint32_t(key & 0xffff); }

// `setter`, a member of `group`, has set. Each member's sets are counted apart: the barrier
// releases `targets` once for every round in which every member has set at least once, so a
// member that runs ahead cannot open it alone.
void arrive(ChipContext& ctx, std::uint64_t key, const std::vector<AiCore*>& group,
            const AiCore* setter, const std::vector<AiCore*>& targets, std::uint8_t flag,
            const FlagArrival& a) {
  std::vector<std::uint32_t>& sets = ctx.cross_core_counts[key];
  sets.resize(group.size(), 0);
  for (std::size_t i = 0; i < group.size(); ++i)
    if (group[i] == setter) ++sets[i];
  for (std::uint32_t s : sets)
    if (s == 0) return;
  for (std::uint32_t& s : sets) --s;
  for (AiCore* t : targets) t->deliver_cross_core(flag, a);
}

}  // namespace

void index_cross_core_groups(ChipContext& ctx) {
  for (auto& [id, core] : ctx.cores) {
    if (id.kind == CoreKind::AIC) {
      ctx.all_aic.push_back(core);
    } else {
      ctx.all_aiv.push_back(core);
      ctx.aivs_of_aic[{id.die, id.index / ctx.hw.aiv_per_aic}].push_back(core);
    }
  }
}

std::vector<std::string> unmatched_barriers(const ChipContext& ctx) {
  std::vector<std::string> out;
  for (const auto& [key, sets] : ctx.cross_core_counts)
    for (std::uint32_t s : sets)
      if (s != 0) {
        out.push_back("a cross-core barrier on flag " + std::to_string(key_flag(key)) +
                      " (mode " + std::to_string(int(key_mode(key))) +
                      ") was left with sets some members never matched");
        break;
      }
  return out;
}

std::string cross_core_set(ChipContext& ctx, const CoreId& from, isa::Pipe pipe,
                           isa::SyncMode mode, std::uint8_t flag_id, std::uint64_t now) {
  const FlagArrival a{now + ctx.hw.sync.cross_core_latency_cycles, from, pipe, now};
  const AiCore* setter = ctx.cores.at(from);
  const std::uint32_t aic = from.kind == CoreKind::AIC ? from.index : from.index / ctx.hw.aiv_per_aic;
  switch (mode) {
    case isa::SyncMode::all_cores: {
      const auto& group = from.kind == CoreKind::AIC ? ctx.all_aic : ctx.all_aiv;
      arrive(ctx, group_key(mode, from.kind, 0, 0, flag_id), group, setter, group, flag_id, a);
      return "";
    }
    case isa::SyncMode::aiv_pair: {
      if (from.kind != CoreKind::AIV) return "cross-core mode 1 (aiv_pair) is for AIV cores";
      const auto& group = aivs_of(ctx, from.die, aic);
      arrive(ctx, group_key(mode, from.kind, from.die, aic, flag_id), group, setter, group,
             flag_id, a);
      return "";
    }
    case isa::SyncMode::aic_aiv: {
      if (from.kind == CoreKind::AIC) {
        for (AiCore* t : aivs_of(ctx, from.die, aic)) t->deliver_cross_core(flag_id, a);
        return "";
      }
      auto it = ctx.cores.find(CoreId{from.die, CoreKind::AIC, std::uint16_t(aic)});
      if (it == ctx.cores.end()) return "";
      arrive(ctx, group_key(mode, from.kind, from.die, aic, flag_id), aivs_of(ctx, from.die, aic),
             setter, {it->second}, flag_id, a);
      return "";
    }
  }
  return "unknown cross-core mode";
}

}  // namespace ascendsim::models
