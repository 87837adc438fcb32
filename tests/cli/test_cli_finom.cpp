// `finom` (kernels/finom/) end to end through the built binary on configs/runs/finom_1d.yaml
// with small meshes (a few thousand nodes, well under a second each), each run its own process.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using ascendsim::testing::run_cli;
using Json = nlohmann::json;

const std::string kOut = "/tmp/ascendsim_cli_finom/";

Json run(const std::string& name, const std::string& sets) {
  return ascendsim::testing::run_report("configs/runs/finom_1d.yaml", kOut + name, sets);
}

std::string meshes(const std::string& source, const std::string& target) {
  return " --set 'kernel.source=" + source + "' --set 'kernel.target=" + target + "'";
}

}  // namespace

TEST_CASE(
    "finom's K v matches the dense fp64 product and its w_eps the fp64 Sinkhorn on every "
    "mesh kind, equal or different meshes",
    "[finom]") {
  struct Case {
    const char* name;
    std::string sets;
  };
  const Case cases[] = {
      {"uniform_equal", meshes("{mesh: uniform, n: 1500}", "{mesh: uniform, n: 1500}")},
      {"graded_chebyshev", meshes("{mesh: graded, n: 1200, p: 3}", "{mesh: chebyshev, n: 900}")},
      {"random_random",
       meshes("{mesh: random, n: 700, seed: 4}", "{mesh: random, n: 2000, seed: 5}")},
      {"chebyshev_equal", meshes("{mesh: chebyshev, n: 1000}", "{mesh: chebyshev, n: 1000}")},
  };
  for (const Case& c : cases) {
    const Json r = run(c.name, c.sets + " --set kernel.eps=0.02");
    const Json& ck = r["check"];
    INFO(c.name << ": " << ck.dump());
    CHECK(ck["passed"] == true);
    // The fp32 figure for K v; the check's own gate, restated so a looser gate fails.
    CHECK(ck["kv_rel_error_vs_dense"].get<double>() <= 1e-4);
    CHECK(ck["kv_reference"] == "dense fp64");
    CHECK(ck["kv_rows_below_floor"] == 0);
    // FINOM and the fp64 Sinkhorn (same iterations) agree on w_eps to the 1e-4, and
    // w_eps sits in FINOM.md §3's bias interval above the exact W1.
    CHECK(ck["w_eps_rel_error_vs_reference"].get<double>() <= 1e-4);
    const double w1 = ck["w1_exact"], w = ck["w_eps"], m = ck["marginal_error"];
    CHECK(w >= w1 - m);
    CHECK(w <= w1 + ck["bias_bound"].get<double>());
    // iterations: auto reached tol 1e-5 in fp64; the NPU's fp32 scalings within the bound.
    CHECK(m <= ck["marginal_error_bound"].get<double>());
    CHECK(ck["iterations"].get<int>() > 1);
  }
}

TEST_CASE("finom's K v keeps fp32 accuracy where one decay repeats 2^17 times (uniform mesh)",
          "[finom]") {
  // Every decay of a uniform mesh is the same fp32 number: a product of k of them errs k times
  // its rounding (7.2e-4 here when the lanes' and segments' decays were such products); their
  // exact spans keep each carry to one rounding.
  const Json r = run("uniform_65536", meshes("{mesh: uniform, n: 65536}", "{mesh: uniform, n: 65536}") +
                                          " --set kernel.eps=0.02 --set kernel.iterations=2");
  CHECK(r["check"]["kv_rel_error_vs_dense"].get<double>() <= 1e-4);  // the fp32 figure
  CHECK(r["check"]["passed"] == true);
}

TEST_CASE("finom: lanes that are not a power of two form groups that divide them", "[finom]") {
  for (const char* lanes : {"72", "104", "24"}) {
    const Json r = run(std::string("lanes_") + lanes, std::string(" --set kernel.lanes=") + lanes);
    INFO(lanes << ": " << r["check"].dump());
    CHECK(r["check"]["passed"] == true);
    const Json& plan = r["kernel_params"]["plan"];
    CHECK(plan["groups"].get<int>() * plan["group_lanes"].get<int>() == std::stoi(lanes));
  }
}

TEST_CASE("finom: a fixed iteration count runs exactly that many iterations in the program",
          "[finom]") {
  const Json r = run("fixed_iterations", " --set kernel.iterations=3");
  CHECK(r["check"]["iterations"] == 3);
  CHECK(r["check"]["iterations_auto"] == false);
  CHECK(r["kernel_params"]["plan"]["iterations"] == 3);
  // After 3 iterations the fp32 NPU and the fp64 reference still agree (same iterates).
  CHECK(r["check"]["w_eps_rel_error_vs_reference"].get<double>() <= 1e-4);
}

TEST_CASE("finom: timing-only runs the same program and reports the model beside it", "[finom]") {
  const Json f = run("functional", "");
  const Json t = run("timing_only", " --timing-only");
  CHECK(t["cycles"] == f["cycles"]);
  CHECK(t["check"]["performed"] == false);
  CHECK(f["model"]["detail"]["speedup_over_dense"].get<double>() > 0);
  // The closed form (finom_model.hpp) tracks the simulation: it leaves out the flag hand-offs
  // between the pipes and the barrier's wait for the slowest core, about 10 % here.
  CHECK(std::fabs(f["model"]["cycles_rel_error"].get<double>()) < 0.15);
  // The report times the program's regions: one `iteration` phase per Sinkhorn iteration,
  // its cycles per iteration beside the model's.
  const Json& it = f["phases"]["iteration"];
  CHECK(it["count"] == f["check"]["iterations"]);
  const double each = it["cycles_each"], model = f["model"]["detail"]["cycles_per_iteration"];
  CHECK(std::fabs(each - model) < 0.15 * model);
  // HBM per iteration: the scans' vectors stay in L2 (15 of 4096 nodes x 4 bytes = 246 KB, the
  // L2 192 MiB): what the 14 iterations fetch is the vectors they touch first (the inputs v0,
  // a, b, not_src, not_tgt read, s, u, v written: 8 x 16 KiB), not one vector per iteration.
  CHECK(it["hbm_bytes"].get<double>() <= 8 * 4096 * 4);
  CHECK(f["phases"]["setup"]["count"] == 1);
  CHECK(f["phases"]["final"]["count"] == 1);
}

TEST_CASE("finom: bad tiling parameters are rejected naming the run file's key", "[finom]") {
  const auto cores =
      run_cli("run configs/runs/finom_1d.yaml --out " + kOut + "bad_cores --set kernel.cores=49");
  CHECK(cores.exit_code != 0);
  CHECK(cores.output.find("kernel.cores") != std::string::npos);
  CHECK(cores.output.find("48 AIVs") != std::string::npos);
  const auto lanes =
      run_cli("run configs/runs/finom_1d.yaml --out " + kOut + "bad_lanes --set kernel.lanes=12");
  CHECK(lanes.exit_code != 0);
  CHECK(lanes.output.find("kernel.lanes") != std::string::npos);
  CHECK(lanes.output.find("multiple of 8") != std::string::npos);
  const auto dense = run_cli("run configs/runs/finom_1d.yaml --out " + kOut +
                             "dense_cores --set kernel.name=sinkhorn_dense --set kernel.cores=49");
  CHECK(dense.exit_code != 0);
  CHECK(dense.output.find("kernel.cores") != std::string::npos);
  const auto big =
      run_cli("run configs/runs/finom_1d.yaml --out " + kOut + "big_lanes --set kernel.lanes=512");
  CHECK(big.exit_code != 0);
  CHECK(big.output.find("at most 256") != std::string::npos);
}

TEST_CASE("sinkhorn_dense reads K from HBM twice per iteration once K leaves the L2", "[finom]") {
  // M = N = 16384: K is 1 GiB, the 910B2's L2 192 MiB, so K v and K^T u each stream K from
  // HBM: 2 M N 4 = 2.15 GB per iteration (the dense form); the L2 keeps at most its
  // 192 MiB of K between the passes, 9 % of K: the measured figure may be that much lower.
  const Json r = run("dense_16384",
                     " --timing-only --set kernel.name=sinkhorn_dense"
                     " --set kernel.source.n=16384 --set kernel.target.n=16384"
                     " --set kernel.iterations=2");
  const double each = r["phases"]["iteration"]["hbm_bytes_each"], k2 = 2.0 * 16384 * 16384 * 4;
  CHECK(each <= k2 * 1.01);
  CHECK(each >= k2 * 0.91);
  CHECK(r["model"]["bound"] == "hbm");
}
