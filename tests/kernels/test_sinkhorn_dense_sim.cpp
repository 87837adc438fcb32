// sinkhorn_dense (issue #6's dense baseline) on the simulated 910B2. Each test case simulates
// once (SystemC elaborates one design per process; ctest runs every case as its own process).
//
// Numerics: a small functional run passes finom::check_w1 and its u, v and <C, P> match the
// fp64 Sinkhorn after the same iterations. Timing: timing-only runs against the closed form
// (dense_model.hpp) where K stays in L2 and where it streams from HBM.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_params.hpp"
#include "kernels/finom/finom_sinkhorn.hpp"
#include "models/chip/simulate.hpp"
#include "sim/cli/run_config.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"

using namespace ascendsim;
namespace finom = kernels::finom;

namespace {

const std::string kRoot = ASCENDSIM_SOURCE_DIR;

config::HardwareConfig hw_910b2() {
  return config::load_hardware_file(kRoot + "/configs/hw/ascend910b2.yaml");
}

struct Outcome {
  double cycles = 0;
  std::uint64_t hbm_read_bytes = 0;
  kernels::CheckResult check;
  kernels::ModelPrediction model;
  isa::Program program;
};

Outcome simulate(kernels::Kernel& kernel, const config::HardwareConfig& hw, bool functional) {
  Outcome o;
  o.program = kernel.build(hw, functional);
  models::SimOptions options;
  options.functional = functional;
  const models::SimResult sim = models::simulate(o.program, hw, options);
  o.cycles = double(sim.stats.cycles);
  for (const report::MemoryStats& die : sim.stats.dies) o.hbm_read_bytes += die.hbm_read_bytes;
  if (functional) o.check = kernel.check(o.program);
  o.model = kernel.analytic(hw);
  return o;
}

Outcome run(const std::string& kernel_yaml, bool functional) {
  const auto root = config::ConfigNode::from_string("kernel: " + kernel_yaml, "test");
  auto kernel = kernels::create_kernel(root.child("kernel"));
  root.finish();
  return simulate(*kernel, hw_910b2(), functional);
}

// A timing-only n x n run between a graded and a Chebyshev mesh.
Outcome timing_only(std::uint64_t n, int iterations) {
  return run("{name: sinkhorn_dense, source: {mesh: graded, n: " + std::to_string(n) +
                 ", p: 2}, target: {mesh: chebyshev, n: " + std::to_string(n) +
                 "}, iterations: " + std::to_string(iterations) + "}",
             false);
}

double relative_error(const Outcome& o) { return std::fabs(o.model.cycles - o.cycles) / o.cycles; }

// The first n fp32 values of an output tensor.
finom::Vec output(isa::Program& program, const char* name, Eigen::Index n) {
  const isa::TensorDecl& t = program.declared_tensor(name);
  finom::Vec v(n);
  for (Eigen::Index i = 0; i < n; ++i)
    v(i) = numeric::load_element(numeric::DType::fp32, t.data.data(), std::uint64_t(i));
  return v;
}

double max_relative_error(const finom::Vec& got, const finom::Vec& want) {
  return ((got - want).cwiseAbs().array() / want.cwiseAbs().array()).maxCoeff();
}

const std::string kSmall =
    "{name: sinkhorn_dense, source: {mesh: random, n: 300, seed: 3}, "
    "target: {mesh: graded, n: 500, p: 2}, eps: 0.05}";

}  // namespace

TEST_CASE(
    "sinkhorn_dense on 300 random sources and 500 graded targets passes its check and matches "
    "the fp64 Sinkhorn's u, v and w_eps",
    "[sinkhorn]") {
  Outcome o = run(kSmall, true);
  INFO("check extra: " << o.check.extra.dump());
  REQUIRE(o.check.performed);
  CHECK(o.check.passed);
  CHECK(o.check.extra["iterations_auto"] == true);
  // The fp64 reference after the NPU's iteration count (auto: where it reached tol 1e-5).
  const auto root = config::ConfigNode::from_string("kernel: " + kSmall, "test");
  const finom::Problem pr =
      finom::make_problem(finom::read_finom_params(root.child("kernel"), finom::Method::dense));
  finom::SinkhornParams sp;
  sp.eps = 0.05;
  sp.tol = 0;
  sp.max_iter = o.check.extra["iterations"].get<int>();
  sp.dense_cost = false;
  const finom::SinkhornResult ref = finom::sinkhorn(pr.x, pr.a, pr.y, pr.b, sp);
  // fp32 products and divisions: u and v within the check's K v tolerance (1e-4), <C, P>
  // within its agreement tolerance (1e-4); measured near 1e-6 and 1e-7.
  const double u_err = max_relative_error(output(o.program, "u", pr.x.size()), ref.u);
  const double v_err = max_relative_error(output(o.program, "v", pr.y.size()), ref.v);
  INFO("u " << u_err << ", v " << v_err);
  CHECK(u_err < 1e-4);
  CHECK(v_err < 1e-4);
  CHECK(o.check.extra["w_eps"].get<double>() == Approx(ref.cost_finom).epsilon(1e-4));
}

TEST_CASE("timing-only sinkhorn_dense at 4096 x 4096 with 2 iterations is within 5 % of its model",
          "[sinkhorn]") {
  const Outcome o = timing_only(4096, 2);
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  // K (64 MiB) stays in L2 after the first pass reads it from HBM. Measured 1.8 %: the model
  // takes the max of the Vector, the port and the L2 per pass and ignores their interference
  // when two of them are near saturation (K v: L2 27.8k with v's rows, Vector 23.7k cycles),
  // and the cores' skew behind the burst of first loads after each barrier; 5 % leaves room
  // for both.
  CHECK(o.model.detail["k_fits_l2"] == true);
  CHECK(relative_error(o) < 0.05);
}

TEST_CASE(
    "timing-only sinkhorn_dense at 16384 x 16384 streams K from HBM at full bandwidth, within 2 % "
    "of its model",
    "[sinkhorn]") {
  const Outcome o = timing_only(16384, 1);
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  CHECK(o.model.bound == "hbm");
  CHECK(relative_error(o) < 0.02);  // measured 0.8 %
  // K (1 GiB) read from HBM by each of the three passes; chunks never split an L2 line.
  CHECK(double(o.hbm_read_bytes) == Approx(o.model.hbm_bytes).epsilon(0.02));
}

TEST_CASE("configs/runs/sinkhorn_dense_1d.yaml passes its check and is within 10 % of its model",
          "[sinkhorn]") {
  cli::RunConfig rc = cli::load_run_config(kRoot + "/configs/runs/sinkhorn_dense_1d.yaml", {});
  auto kernel = kernels::create_kernel(rc.run.child("kernel"));
  rc.run.finish();
  const Outcome o = simulate(*kernel, rc.hw, true);
  INFO("check extra: " << o.check.extra.dump());
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  CHECK(o.check.passed);
  // Measured 7.3 % of the simulated cycles: at 2048 the passes are short (7-10k cycles) and K v
  // runs with the Vector and the L2 both near saturation, which the max() of the model does not
  // charge.
  CHECK(relative_error(o) < 0.10);
}
