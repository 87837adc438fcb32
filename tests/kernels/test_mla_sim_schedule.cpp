// The MLA-decode kernels' schedule and data layout, simulated with data on a 910B2: paged KV,
// uneven lengths, the cross-core flag that orders the rescale, determinism. See
// test_mla_sim.cpp for how a case runs several simulations (child processes).
#include "mla_sim_support.hpp"

using namespace ascendsim;
using namespace ascendsim::mla_test;

TEST_CASE("paged KV (128-token pages) gives out bit-identical to contiguous KV", "[mla]") {
  // Two requests (so the block table interleaves their pages), one with a partial last page
  // (1032 = 8 x 128 + 8), on two cores.
  const std::string yaml = "name: amla, batch: 2, heads: 64, s_q: 2, cores: 2, s_kv: [1032, 768]";
  // The block table really moves pages: request 0's logical pages are not physical 0, 1, ...
  const auto root = config::ConfigNode::from_string("{" + yaml + ", page_size: 128}", "test");
  const kernels::MlaPlan plan =
      kernels::plan_mla(kernels::read_mla_params(root, kernels::MlaVariant::amla), hw910b2());
  std::uint64_t moved = 0;
  for (std::size_t i = 0; i < plan.requests[0].pages.size(); ++i)
    moved += plan.requests[0].pages[i] != i;
  CHECK(moved > 0);

  const Run contiguous = simulate_in_child(yaml + ", page_size: 0", "paged_contiguous");
  const Run paged = simulate_in_child(yaml + ", page_size: 128", "paged_paged");
  expect_passes(contiguous);
  expect_passes(paged);
  REQUIRE(contiguous.out.size() == paged.out.size());
  CHECK(contiguous.out == paged.out);
}

// ---- 5. requests of different lengths ---------------------------------------------------------

TEST_CASE(
    "requests of 1024 and 520 and 2048 KV tokens on two cores pass with one core running two "
    "requests back to back",
    "[mla]") {
  // 128 heads x 1 token = 128 rows: one row group per request. Blocks 2, 2 (512 + a masked
  // 8-token block) and 4; longest first: core 0 takes the 4-block request, core 1 the two
  // 2-block ones, so a row group ends and the next starts inside core 1's preload pipeline.
  const std::string yaml =
      "name: amla, batch: 3, heads: 128, s_q: 1, cores: 2, s_kv: [1024, 520, 2048]";
  const auto root = config::ConfigNode::from_string("{" + yaml + "}", "test");
  const kernels::MlaPlan plan =
      kernels::plan_mla(kernels::read_mla_params(root, kernels::MlaVariant::amla), hw910b2());
  REQUIRE(plan.cores.size() == 2);
  CHECK(plan.cores[0].tasks.size() == 4);
  CHECK(plan.cores[1].tasks.size() == 4);
  CHECK(plan.tasks() == 8);
  expect_passes(simulate_here(yaml));
}

// ---- 6. the ordering flag between the int32 rescale and the fp32 atomic add -----------------
//
// Found while writing this test: with the flags intact timing alone already orders R(k) before
// C2(k) in the preload pipeline. The AIC runs C1(k+1) between C2(k-1) and C2(k), and R(k)
// (8 atomic 32 KiB copies per AIV, ~2.4 us) starts when C2(k-1) lands, ~C1's 18,432 cube
// cycles before C2(k)'s first FixPipe. So removing v1r_c2 alone leaves every config tried
// (G 16-128, S_q 1-4, rows_per_task 32-256, batch 1-4, fp16, kv_prefetch off) passing. To show that
// the flag is what guarantees the order, both runs hold every R(k) back on its MTE3 by twice
// one task's cube work (2 x 34,816 cycles, AMLA.md §9): with the flag C2(k) waits for it, without
// it every FixPipe of C2(k) lands before R(k)'s int add, which then also scales block k's
// contribution by 2^dN.
TEST_CASE(
    "amla without the v1r_c2 flag and its rescales held back gives a wrong result while the same "
    "delays with the flag pass",
    "[mla][amla]") {
  const std::uint32_t delay = 2 * 34816;
  // 4 blocks: three rescales.
  const std::string yaml = kBase + "s_kv: 2048";
  std::uint64_t waits = 0, sets = 0;
  const Run broken = simulate_here(yaml, [&](isa::Program& p) {
    delay_rescales(p, delay);
    for (isa::CoreProgram& core : p.cores) {
      const bool aic = core.core.kind == isa::CoreKind::AIC;
      const isa::Opcode op = aic ? isa::Opcode::cross_core_wait : isa::Opcode::cross_core_set;
      auto& ins = core.instructions;
      const auto end = std::remove_if(ins.begin(), ins.end(), [&](const isa::Instruction& i) {
        return i.op == op && i.event_id == kernels::mla_sync::v1r_c2;
      });
      (aic ? waits : sets) += std::uint64_t(ins.end() - end);
      ins.erase(end, ins.end());
    }
  });
  // One wait per rescale (3) on the AIC; each of the two AIVs sets it once per rescale.
  CHECK(waits == 3);
  CHECK(sets == 6);
  INFO("broken: cycles " << broken.cycles << ", check " << broken.check.extra.dump());
  CHECK(broken.check.performed);
  CHECK_FALSE(broken.check.passed);
  // Wrong values, not garbage: block k's P V scaled by 2^dN (measured rmse / RMS(ref) 0.23
  // against the control's 0.002).
  CHECK(broken.check.extra["failures"].get<std::uint64_t>() > 0);
  CHECK(broken.check.extra["nonfinite_outputs"] == 0);

  const Run control = simulate_in_child(yaml, "flag_control", delay);
  expect_passes(control);
  // The control waited for the delayed rescales: the delay shows in its cycles.
  CHECK(control.cycles > broken.cycles);
}

// ---- 8. timing vs data, reproducibility -------------------------------------------------------

TEST_CASE(
    "an amla run gives the same cycles timing-only as with data and two runs write "
    "byte-identical report.json",
    "[mla]") {
  using testing::run_cli;
  const std::string run = "run tests/data/cli/mla_small.yaml --quiet --out " + kTmp + "repro_";
  REQUIRE(run_cli(run + "a").exit_code == 0);
  REQUIRE(run_cli(run + "b").exit_code == 0);
  REQUIRE(run_cli(run + "timing --timing-only").exit_code == 0);
  const std::string a = testing::read_text(kTmp + "repro_a/report.json");
  REQUIRE(!a.empty());
  CHECK(a == testing::read_text(kTmp + "repro_b/report.json"));
  const Json functional = Json::parse(a);
  const Json timing = Json::parse(testing::read_text(kTmp + "repro_timing/report.json"));
  CHECK(functional["check"]["performed"] == true);
  CHECK(functional["check"]["passed"] == true);
  CHECK(timing["check"]["performed"] == false);
  CHECK(functional["cycles"] == timing["cycles"]);
  CHECK(functional["pipes"] == timing["pipes"]);
  CHECK(functional["hbm"] == timing["hbm"]);
}
