// plan_mla: row groups, tasks, the greedy work split and the GM placement (see mla_plan.hpp).
#include "kernels/mla_decode/mla_plan.hpp"

#include <algorithm>
#include <numeric>

#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
std::uint64_t round_up(std::uint64_t a, std::uint64_t b) { return ceil_div(a, b) * b; }

// splitmix64: a fixed, platform-independent generator for the block-table shuffle.
std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Index of the least loaded entry of `load` (ties: the lowest index).
std::size_t least_loaded(const std::vector<std::uint64_t>& load) {
  return static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
}

// Items in decreasing `work` order, ties in index order (longest processing time first).
std::vector<std::size_t> lpt_order(const std::vector<std::uint64_t>& work) {
  std::vector<std::size_t> order(work.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return work[a] > work[b]; });
  return order;
}

}  // namespace

std::uint64_t MlaPlan::kv_row(std::uint32_t request, std::uint64_t token) const {
  const MlaRequest& r = requests[request];
  return r.pages[token / kMlaPageTokens] * kMlaPageTokens + token % kMlaPageTokens;
}

std::string MlaPlan::tensor_name(const std::string& base, std::uint32_t die) const {
  return dies == 1 ? base : base + "_die" + std::to_string(die);
}

std::uint64_t MlaPlan::tasks() const {
  std::uint64_t n = 0;
  for (const auto& c : cores) n += c.tasks.size();
  return n;
}

std::uint64_t MlaPlan::max_tasks_per_core() const {
  std::uint64_t n = 0;
  for (const auto& c : cores) n = std::max<std::uint64_t>(n, c.tasks.size());
  return n;
}

MlaPlan plan_mla(const MlaParams& params, const config::HardwareConfig& hw) {
  MlaPlan plan;
  plan.params = params;
  plan.dies = hw.dies;
  const std::uint64_t rows_req = params.rows_per_request();
  // As few groups as rows_per_task allows, of equal size: 384 rows make two groups of 192,
  // not 256 + a half-empty 256.
  plan.groups_per_request = static_cast<std::uint32_t>(ceil_div(rows_req, params.rows_per_task));
  plan.R = static_cast<std::uint32_t>(round_up(ceil_div(rows_req, plan.groups_per_request), 32));
  plan.half = plan.R / 2;

  // Cores: the first `cores` AI cores, die by die.
  const std::uint32_t all = hw.total_aic();
  const std::uint32_t used = params.cores ? params.cores : all;
  if (used > all)
    throw config::ConfigError(params.where_cores + ": expected at most " + std::to_string(all) +
                              " AI cores (" + hw.name + " has " + std::to_string(hw.dies) + " x " +
                              std::to_string(hw.aic_per_die) + "), got " + std::to_string(used));
  plan.die_cores.assign(hw.dies, 0);
  for (std::uint32_t c = 0; c < used; ++c) {
    MlaCoreWork w;
    w.aic =
        CoreId{std::uint16_t(c / hw.aic_per_die), CoreKind::AIC, std::uint16_t(c % hw.aic_per_die)};
    w.die_slot = plan.die_cores[w.aic.die]++;
    plan.cores.push_back(w);
  }
  std::vector<std::uint32_t> live_dies;
  for (std::uint32_t d = 0; d < hw.dies; ++d)
    if (plan.die_cores[d]) live_dies.push_back(d);

  // Requests to dies, by block count (a request's groups all go to its die).
  std::vector<std::uint64_t> work(params.batch);
  for (std::uint32_t b = 0; b < params.batch; ++b)
    work[b] = ceil_div(params.s_kv[b], params.kv_block) * plan.groups_per_request;
  plan.requests.resize(params.batch);
  {
    // The die whose cores would finish soonest with the request added: (load + work) / cores,
    // so a die with one used core is not given as many requests as one with 24.
    std::vector<std::uint64_t> die_load(live_dies.size(), 0);
    for (std::size_t b : lpt_order(work)) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < live_dies.size(); ++i) {
        const auto after = [&](std::size_t j) {
          return double(die_load[j] + work[b]) / plan.die_cores[live_dies[j]];
        };
        if (after(i) < after(best)) best = i;
      }
      die_load[best] += work[b];
      plan.requests[b].die = live_dies[best];
    }
  }
  // Rows and pages in request order within each die.
  plan.die_rows.assign(hw.dies, 0);
  plan.die_pages.assign(hw.dies, 0);
  for (std::uint32_t b = 0; b < params.batch; ++b) {
    MlaRequest& r = plan.requests[b];
    r.s_kv = params.s_kv[b];
    r.rows_pad = std::uint64_t(plan.groups_per_request) * plan.R;
    r.row0 = plan.die_rows[r.die];
    plan.die_rows[r.die] += r.rows_pad;
    const std::uint64_t pages = ceil_div(r.s_kv, kMlaPageTokens);
    for (std::uint64_t p = 0; p < pages; ++p) r.pages.push_back(plan.die_pages[r.die] + p);
    plan.die_pages[r.die] += pages;
  }
  if (params.page_size != 0) {
    // A block table: the die's page pool permuted (Fisher-Yates), handed out in request order.
    for (std::uint32_t d = 0; d < hw.dies; ++d) {
      std::vector<std::uint64_t> pool(plan.die_pages[d]);
      std::iota(pool.begin(), pool.end(), 0);
      std::uint64_t state = params.seed * 0x100000001b3ULL + d;
      for (std::size_t i = pool.size(); i > 1; --i)
        std::swap(pool[i - 1], pool[splitmix(state) % i]);
      for (MlaRequest& r : plan.requests)
        if (r.die == d)
          for (std::uint64_t& p : r.pages) p = pool[p];
    }
  }

  // Row groups to the cores of their die, by block count.
  for (std::uint32_t b = 0; b < params.batch; ++b)
    for (std::uint32_t g = 0; g < plan.groups_per_request; ++g) {
      MlaRowGroup grp;
      grp.request = b;
      grp.row0 = plan.requests[b].row0 + std::uint64_t(g) * plan.R;
      grp.rows = static_cast<std::uint32_t>(
          std::min<std::uint64_t>(plan.R, rows_req - std::uint64_t(g) * plan.R));
      grp.blocks = static_cast<std::uint32_t>(ceil_div(params.s_kv[b], params.kv_block));
      plan.groups.push_back(grp);
    }
  std::vector<std::uint64_t> group_work;
  for (const auto& g : plan.groups) group_work.push_back(g.blocks);
  std::vector<std::vector<std::size_t>> die_members(hw.dies);  // indices into plan.cores
  for (std::size_t c = 0; c < plan.cores.size(); ++c)
    die_members[plan.cores[c].aic.die].push_back(c);
  std::vector<std::uint64_t> core_load(plan.cores.size(), 0);
  std::vector<std::vector<std::size_t>> core_groups(plan.cores.size());
  for (std::size_t g : lpt_order(group_work)) {
    const auto& members = die_members[plan.requests[plan.groups[g].request].die];
    std::vector<std::uint64_t> load;
    for (std::size_t c : members) load.push_back(core_load[c]);
    const std::size_t c = members[least_loaded(load)];
    core_load[c] += group_work[g];
    core_groups[c].push_back(g);
  }
  for (std::size_t c = 0; c < plan.cores.size(); ++c) {
    std::sort(core_groups[c].begin(), core_groups[c].end());
    for (std::size_t g : core_groups[c]) {
      const MlaRowGroup& grp = plan.groups[g];
      const std::uint64_t s_kv = plan.requests[grp.request].s_kv;
      for (std::uint32_t j = 0; j < grp.blocks; ++j) {
        MlaTask t;
        t.group = static_cast<std::uint32_t>(g);
        t.block = j;
        t.tokens = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(params.kv_block, s_kv - std::uint64_t(j) * params.kv_block));
        t.tokens_pad = static_cast<std::uint32_t>(round_up(t.tokens, 16));
        t.first = j == 0;
        t.last = j + 1 == grp.blocks;
        plan.cores[c].tasks.push_back(t);
      }
    }
  }
  return plan;
}

Json mla_plan_json(const MlaPlan& plan) {
  std::uint64_t busy = 0;
  for (const auto& c : plan.cores) busy += !c.tasks.empty();
  return Json{{"rows_per_task", plan.R},
              {"row_groups", plan.groups.size()},
              {"tasks", plan.tasks()},
              {"cores", plan.cores.size()},
              {"cores_with_tasks", busy},
              {"max_tasks_per_core", plan.max_tasks_per_core()},
              {"work_split", "whole row groups per core, longest-first greedy per die"},
              {"placement", "each request's tensors on the die of its cores"}};
}

}  // namespace ascendsim::kernels
