// report.json figures against hand-computed values (fixture: test_report_fixture.cpp), and the
// deterministic JSON printer.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "sim/report/writers.hpp"

namespace report_test {
const ascendsim::config::HardwareConfig& test_hw();
ascendsim::report::RunSummary test_run();
}  // namespace report_test

using namespace ascendsim;
using report::Json;
using report_test::test_run;

TEST_CASE("report.json lists its top-level keys in the documented order") {
  const Json r = report::make_report_json(test_run());
  std::vector<std::string> keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"schema",
                                         "kernel",
                                         "kernel_params",
                                         "hardware",
                                         "timing_only",
                                         "cycles",
                                         "clock_ghz",
                                         "time_us",
                                         "flops",
                                         "tflops",
                                         "peak_tflops",
                                         "peak_dtype",
                                         "cube_utilization",
                                         "vector_utilization",
                                         "vector_busy_cycles_by_dtype",
                                         "hbm",
                                         "l2",
                                         "die_link_bytes",
                                         "pipes",
                                         "stalls",
                                         "sync",
                                         "phases",
                                         "numeric_events",
                                         "check",
                                         "model",
                                         "notes"});
  CHECK(r["schema"] == "ascendsim.report/1");
  CHECK(r["hardware"] == "test_chip");
}

TEST_CASE("cube utilization is flops over cycles times the dtype's chip peak") {
  const Json r = report::make_report_json(test_run());
  // 2 AICs x 16 x 16 x 16 MACs x 2 = 16384 flop/cycle; 8.192e6 / (1000 x 16384) = 0.5
  CHECK(r["flops"]["total"] == 8'192'000u);
  CHECK(r["flops"]["by_dtype"]["bf16"] == 8'192'000u);
  CHECK(r["cube_utilization"].get<double>() == Approx(0.5));
  CHECK(r["peak_dtype"] == "bf16");
  CHECK(r["peak_tflops"].get<double>() == Approx(16384 * 1e9 / 1e12));
  CHECK(r["time_us"].get<double>() == Approx(1.0));
  CHECK(r["tflops"].get<double>() == Approx(8.192));  // 8.192e6 flop in 1 us
}

TEST_CASE("vector utilization divides V busy cycles by cycles times every AIV of the chip") {
  const Json r = report::make_report_json(test_run());
  CHECK(r["vector_utilization"].get<double>() == Approx(1000.0 / (1000.0 * 4)));
}

TEST_CASE("vector busy cycles are summed over the AIVs by the type that sets the repeat width") {
  const Json r = report::make_report_json(test_run());
  CHECK(r["vector_busy_cycles_by_dtype"]["fp32"] == 400u);
  CHECK(r["vector_busy_cycles_by_dtype"]["fp16"] == 400u);  // 100 on aiv0 + 300 on aiv1
}

TEST_CASE("HBM bandwidth utilization divides bytes by cycles x bytes_per_cycle x dies") {
  const Json r = report::make_report_json(test_run());
  CHECK(r["hbm"]["read_bytes"] == 30'000u);
  CHECK(r["hbm"]["write_bytes"] == 20'000u);
  CHECK(r["hbm"]["bandwidth_utilization"].get<double>() == Approx(0.5));
  CHECK(r["hbm"]["bandwidth_gbps"].get<double>() == Approx(50.0));
}

TEST_CASE("the L2 hit rate counts read and write lines together, and is null without accesses") {
  auto run = test_run();
  CHECK(report::make_report_json(run)["l2"]["hit_rate"].get<double>() == Approx(36.0 / 50.0));
  run.stats.dies[0] = {};
  CHECK(report::make_report_json(run)["l2"]["hit_rate"].is_null());
}

TEST_CASE("model relative errors are (sim - model) / model: positive when the sim is slower") {
  auto run = test_run();
  Json m = report::make_report_json(run)["model"];
  CHECK(m["cycles_rel_error"].get<double>() == Approx(0.25));
  CHECK(m["hbm_bytes_rel_error"].get<double>() == Approx(-0.2));
  CHECK(m["bound"] == "compute");
  run.model.present = false;
  CHECK(report::make_report_json(run)["model"].is_null());
}

TEST_CASE("pipes are sorted by core then pipe, and idle pipes are left out") {
  const Json r = report::make_report_json(test_run());
  std::vector<std::string> rows;
  for (const auto& p : r["pipes"])
    rows.push_back(p["core"].get<std::string>() + "." + p["pipe"].get<std::string>());
  // die0.aiv3 ran nothing and stalled never: absent
  CHECK(rows == std::vector<std::string>{"die0.aic0.s", "die0.aic0.m", "die0.aic0.mte1",
                                         "die0.aic0.mte2", "die0.aic0.fix", "die0.aic1.m",
                                         "die0.aiv0.v", "die0.aiv0.mte2", "die0.aiv0.mte3",
                                         "die0.aiv1.v", "die0.aiv2.v"});
  const Json& mte1 = r["pipes"][2];
  CHECK(mte1["stall_cycles"].size() == std::size_t(report::kStallCauseCount));
  CHECK(mte1["stall_cycles"]["flag_mte2"] == 50u);
  CHECK(mte1["stall_cycles"]["memory"] == 0u);
  CHECK(r["stalls"]["aic.m"]["flag_mte1"] == 100u);
  CHECK(r["stalls"]["aiv.v"]["cross_core"] == 30u);
}

TEST_CASE("sync figures average cross-core waits over the cores of each kind that ran") {
  auto run = test_run();
  auto& cores = run.stats.cores;  // fixture order: aiv0..aiv3, aic0, aic1
  using report::StallCause;
  cores[4].pipes[int(isa::Pipe::S)].stall_cycles[int(StallCause::cross_core)] = 250;
  cores[5].pipes[int(isa::Pipe::S)].stall_cycles[int(StallCause::cross_core)] = 40;
  cores[5].pipes[int(isa::Pipe::M)].stall_cycles[int(StallCause::cross_core)] = 10;
  const Json r = report::make_report_json(run);
  const Json& sync = r["sync"];
  std::vector<std::string> keys;
  for (auto it = sync.begin(); it != sync.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"aic_cross_core_wait_cycles", "aic_cross_core_wait_share",
                                         "aiv_cross_core_wait_cycles", "aiv_cross_core_wait_share",
                                         "cube_idle_share"});
  // AICs: (250 + 40 + 10) cycles over both pipes and both AICs / 2 = 150; / 1000 cycles. The
  // fixture's other stalls (aic0 s queue_full 20, aic1 m flag_mte1 100) are not cross-core.
  CHECK(sync["aic_cross_core_wait_cycles"].get<double>() == 150.0);
  CHECK(sync["aic_cross_core_wait_share"].get<double>() == 0.15);
  // AIVs: the fixture's 30 cycles on aiv1 over aiv0..aiv2, which ran; aiv3 ran nothing and is
  // left out (over all 4 it would be 7.5): 30 / 3 = 10, / 1000 cycles = 0.01.
  CHECK(sync["aiv_cross_core_wait_cycles"].get<double>() == 10.0);
  CHECK(sync["aiv_cross_core_wait_share"].get<double>() == 0.01);
}

TEST_CASE("cube idle share is 1 - m busy cycles over cycles times the AICs that ran") {
  auto run = test_run();
  // Fixture: both AICs ran, m busy 600 each: 1 - 1200 / (1000 x 2) = 0.4.
  CHECK(report::make_report_json(run)["sync"]["cube_idle_share"].get<double>() == 0.4);
  // aic1 (fixture index 5) without its program: only aic0 counts, 1 - 600 / (1000 x 1) = 0.4;
  // counting the idle aic1 would give 1 - 600 / 2000 = 0.7.
  run.stats.cores[5].pipes = {};
  CHECK(report::make_report_json(run)["sync"]["cube_idle_share"].get<double>() == 0.4);
  run.stats.cores[4].pipes[int(isa::Pipe::M)].busy_cycles = 250;  // 1 - 250 / 1000
  CHECK(report::make_report_json(run)["sync"]["cube_idle_share"].get<double>() == 0.75);
}

TEST_CASE(
    "numeric events report totals, per instruction and tensor counts, the first event "
    "and the first overflow with its region") {
  const Json ev = report::make_report_json(test_run())["numeric_events"];
  CHECK(ev["total"]["overflow"] == 2u);
  CHECK(ev["by_instruction"]["v.vexp"]["overflow"] == 2u);
  CHECK(ev["by_tensor"]["ws"]["overflow"] == 2u);
  CHECK(ev["first"]["core"] == "die0.aiv1");
  CHECK(ev["first"]["instruction_index"] == 7u);
  CHECK(ev["first"]["what"] == "underflow in vexp (fp16)");
  CHECK(ev["first"]["region"].is_null());  // the kernel named no region there
  CHECK(ev["first_overflow"]["instruction_index"] == 9u);
  CHECK(ev["first_overflow"]["cycle"] == 130u);
  CHECK(ev["first_overflow"]["region"] == "task 0, KV block 2");
}

TEST_CASE("stall cause names match the report keys") {
  CHECK(report::stall_cause_name(report::StallCause::flag_mte2) == "flag_mte2");
  CHECK(report::stall_cause_name(report::StallCause::memory) == "memory");
  CHECK(report::flag_stall_from(isa::Pipe::FIX) == report::StallCause::flag_fix);
  CHECK_THROWS_AS(report::flag_stall_from(isa::Pipe::ALL), std::invalid_argument);
}

TEST_CASE("dump_json prints integers as integers and doubles with 9 significant digits") {
  Json j;
  j["int"] = 5;
  j["neg"] = -3;
  j["third"] = 1.0 / 3;
  j["two"] = 2.0;
  j["tiny"] = 1e-7;
  j["negzero"] = -0.0;
  j["list"] = Json::array({1.5, "x\"y"});
  j["empty"] = Json::object();
  CHECK(report::dump_json(j) ==
        "{\n"
        "  \"int\": 5,\n"
        "  \"neg\": -3,\n"
        "  \"third\": 0.333333333,\n"
        "  \"two\": 2.0,\n"
        "  \"tiny\": 1e-07,\n"
        "  \"negzero\": 0.0,\n"
        "  \"list\": [\n"
        "    1.5,\n"
        "    \"x\\\"y\"\n"
        "  ],\n"
        "  \"empty\": {}\n"
        "}");
}

TEST_CASE("dump_json writes null for NaN and infinities") {
  Json j = Json::array({std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()});
  CHECK(report::dump_json(j) == "[\n  null,\n  null,\n  null\n]");
}

TEST_CASE("the same run dumps to byte-identical, parseable report.json text") {
  const std::string a = report::dump_json(report::make_report_json(test_run()));
  const std::string b = report::dump_json(report::make_report_json(test_run()));
  CHECK(a == b);
  const Json back = Json::parse(a);
  CHECK(back["cycles"] == 1000u);
  CHECK(back["cube_utilization"].get<double>() == Approx(0.5));
}

TEST_CASE("a run of zero cycles reports zero rates, not NaN") {
  auto run = test_run();
  run.stats = {};
  const Json r = report::make_report_json(run);
  CHECK(r["tflops"].get<double>() == 0.0);
  CHECK(r["cube_utilization"].get<double>() == 0.0);
  CHECK(r["vector_utilization"].get<double>() == 0.0);
  CHECK(r["hbm"]["bandwidth_utilization"].get<double>() == 0.0);
  CHECK(r["numeric_events"]["first"].is_null());
  CHECK(r["numeric_events"]["first_overflow"].is_null());
  CHECK(r["l2"]["hit_rate"].is_null());  // no accesses: undefined
  // No core ran: mean waits are 0 / 0 = 0, and there is no cube whose idleness to measure.
  CHECK(r["sync"]["aic_cross_core_wait_cycles"].get<double>() == 0.0);
  CHECK(r["sync"]["aiv_cross_core_wait_share"].get<double>() == 0.0);
  CHECK(r["sync"]["cube_idle_share"].is_null());
}

TEST_CASE("a report without hardware is refused") {
  report::RunSummary run;
  CHECK_THROWS_AS(report::make_report_json(run), std::invalid_argument);
}

TEST_CASE("report.json times each phase over every core's regions") {
  report::RunSummary run = test_run();
  report::CoreStats a, b;
  a.core = isa::CoreId{0, isa::CoreKind::AIV, 0};
  b.core = isa::CoreId{0, isa::CoreKind::AIV, 1};
  a.phases["iteration"] = report::PhaseSpan{100, 900, 4, 3000};
  b.phases["iteration"] = report::PhaseSpan{120, 1000, 4, 5000};
  b.phases["setup"] = report::PhaseSpan{0, 110, 1};
  a.phases["idle"] = report::PhaseSpan{};  // named, but no instruction ran in it
  run.stats.cores.push_back(a);
  run.stats.cores.push_back(b);
  const Json p = report::make_report_json(run)["phases"];
  CHECK(p["iteration"]["start"] == 100);
  CHECK(p["iteration"]["end"] == 1000);
  CHECK(p["iteration"]["count"] == 4);
  CHECK(p["iteration"]["cycles_each"].get<double>() == 225.0);  // (1000 - 100) / 4
  CHECK(p["iteration"]["hbm_bytes"] == 8000);                   // summed over the cores
  CHECK(p["iteration"]["hbm_bytes_each"].get<double>() == 2000.0);
  CHECK(p["setup"]["cycles"].get<double>() == 110.0);
  CHECK_FALSE(p.contains("idle"));
}
