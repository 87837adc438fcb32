// sinkhorn_dense without the chip: its parameters (finom's schema without `lanes`), its split of
// K over the AIVs, a timing-only build that holds no K bytes and issues whole-tile
// instructions, and its model at a size whose K streams from HBM.
#include <catch2/catch.hpp>
#include <string>

#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_model.hpp"
#include "kernels/sinkhorn/dense_model.hpp"
#include "kernels/sinkhorn/dense_plan.hpp"
#include "sim/config/load_hardware.hpp"

using namespace ascendsim;
using Catch::Matchers::Contains;
using kernels::sinkhorn::DensePlan;
using kernels::sinkhorn::Span;

namespace {

config::HardwareConfig hw_910b2() {
  return config::load_hardware_file(std::string(ASCENDSIM_SOURCE_DIR) +
                                    "/configs/hw/ascend910b2.yaml");
}

// The `kernel:` node of an n x n run between a graded and a Chebyshev mesh.
std::string square(std::uint64_t n, int iterations) {
  return "{name: sinkhorn_dense, source: {mesh: graded, n: " + std::to_string(n) +
         ", p: 2}, target: {mesh: chebyshev, n: " + std::to_string(n) +
         "}, iterations: " + std::to_string(iterations) + "}";
}

DensePlan plan_of(const std::string& kernel_yaml) {
  const auto root = config::ConfigNode::from_string("kernel: " + kernel_yaml, "run.yaml");
  const kernels::finom::FinomParams p =
      kernels::finom::read_finom_params(root.child("kernel"), kernels::finom::Method::dense);
  return kernels::sinkhorn::plan_dense(p, hw_910b2());
}

// The blocks cover [0, padded) in order, each a multiple of 8, balanced to within 8.
void expect_split(const std::vector<Span>& blocks, std::uint64_t padded) {
  std::uint64_t next = 0, lo = padded, hi = 0;
  for (const Span& s : blocks) {
    CHECK(s.first == next);
    CHECK(s.count % 8 == 0);
    next += s.count;
    lo = std::min(lo, s.count);
    hi = std::max(hi, s.count);
  }
  CHECK(next == padded);
  CHECK(hi - lo <= 8);
}

}  // namespace

TEST_CASE("sinkhorn_dense rejects kernel.lanes, finom's scan tiling, naming the key",
          "[sinkhorn]") {
  const auto root = config::ConfigNode::from_string(
      "kernel: {name: sinkhorn_dense, eps: 0.05, lanes: 16}\n", "run.yaml");
  CHECK_THROWS_WITH(
      kernels::create_kernel(root.child("kernel")),
      Contains("run.yaml:1:") && Contains("kernel.lanes") && Contains("finom's scan tiling"));
}

TEST_CASE(
    "sinkhorn_dense splits K's padded rows and columns over every AIV in balanced blocks of 8",
    "[sinkhorn]") {
  const DensePlan p = plan_of(
      "{name: sinkhorn_dense, source: {mesh: random, n: 300, seed: 3}, "
      "target: {mesh: graded, n: 500, p: 2}, iterations: 3}");
  CHECK(p.m_pad == 304);
  CHECK(p.n_pad == 504);
  CHECK(p.cores == 48);
  CHECK(p.iterations == 3);
  CHECK_FALSE(p.iterations_auto);
  expect_split(p.rows, p.m_pad);
  expect_split(p.cols, p.n_pad);
  // Row tiles are whole 32-byte blocks of the sums column; K^T u's rows halve down to one.
  for (const auto& t : {p.kv, p.final}) {
    CHECK(t.rows % 8 == 0);
    CHECK(t.cols % 8 == 0);
  }
  // K^T u's accumulator: a power of 2 no taller than M, so the first row tile fills it
  CHECK((p.ktu.rows & (p.ktu.rows - 1)) == 0);
  CHECK(p.ktu.rows == 256);
}

TEST_CASE(
    "a timing-only sinkhorn_dense build holds no K bytes and issues a few instructions per K tile",
    "[sinkhorn]") {
  const auto root = config::ConfigNode::from_string("kernel: " + square(4096, 2), "run.yaml");
  auto kernel = kernels::create_kernel(root.child("kernel"));
  isa::Program program = kernel->build(hw_910b2(), /*functional=*/false);
  const isa::TensorDecl& k = program.declared_tensor("k");
  CHECK(k.data.empty());
  CHECK(k.shape == std::vector<std::uint64_t>{4096, 4096});
  CHECK(program.cores.size() == 48);
  // Every pass is whole-tile work: K v 8 instructions per tile (3 for the load, 5 on V) and v's
  // rows once per chunk, K^T u 8, the final pass 13 and v's and y's rows; 2 iterations = 5
  // passes. Measured 12.2 per tile of K's exact area, the edge tiles of the 80- and 88-row
  // blocks and of the last column chunk included.
  const DensePlan p = plan_of(square(4096, 2));
  const double k_elements = double(p.m_pad) * double(p.n_pad);
  const double tiles = 2 * k_elements / (p.kv.rows * p.kv.cols) +
                       2 * k_elements / (p.ktu.rows * p.ktu.cols) +
                       k_elements / (p.final.rows * p.final.cols);
  INFO("instructions " << program.instruction_count() << ", K tiles about " << tiles);
  CHECK(double(program.instruction_count()) < 14 * tiles);
}

TEST_CASE(
    "at 65536 x 65536 the model streams K from HBM twice per iteration, the issue's dense form",
    "[sinkhorn]") {
  const config::HardwareConfig hw = hw_910b2();
  const DensePlan p = plan_of(square(65536, 1));
  const kernels::ModelPrediction m = kernels::sinkhorn::dense_model(p, hw);
  CHECK(m.bound == "hbm");
  CHECK_FALSE(m.detail["k_fits_l2"].get<bool>());
  const double dense = kernels::finom::dense_cycles_per_iteration(65536, 65536, hw);
  CHECK(m.detail["cycles_per_iteration"].get<double>() == Approx(dense).epsilon(1e-3));
  // K (16 GiB) from HBM in both products and the final pass; x, a, not_src, y, b, not_tgt in
  // and u, kv, v out once.
  const double k = 65536.0 * 65536 * 4;
  CHECK(m.hbm_bytes == 3 * k + 9 * 65536.0 * 4);
}
