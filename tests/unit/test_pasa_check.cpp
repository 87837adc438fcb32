// check_pasa (pasa_check.hpp) on synthetic GM contents: the exact output passes; zeros, an output
// outside V's range and a non-finite output fail, each by the gate that names it.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "kernels/pasa/pasa_check.hpp"
#include "kernels/pasa/pasa_reference.hpp"
#include "sim/config/config_node.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/numeric/convert.hpp"

namespace {

using namespace ascendsim;
using namespace ascendsim::kernels;
using numeric::DType;

struct Fixture {
  PasaPlan plan;
  isa::Program prog;
  MatrixRd q, k, v, ref;

  explicit Fixture(PasaVariant variant) {
    static const config::HardwareConfig hw = config::load_hardware_file(
        std::string(ASCENDSIM_SOURCE_DIR) + "/configs/hw/ascend910b2.yaml");
    const auto root = config::ConfigNode::from_string(
        "kernel: {name: x, q_heads: 1, kv_heads: 1, head_dim: 64, s_q: 40, s_kv: 200, "
        "out_dtype: fp32}\n",
        "run.yaml");
    plan = plan_pasa(read_pasa_params(root.child("kernel"), variant), hw);
    std::mt19937_64 gen(7);
    std::normal_distribution<double> z(0.0, 1.0);
    auto fill = [&](MatrixRd& m, std::uint64_t rows, std::uint64_t pad, const char* name) {
      m = MatrixRd(rows, 64);
      isa::TensorDecl d;
      d.name = name;
      d.dtype = DType::fp16;
      d.shape = {pad, 64};
      d.data.assign(d.bytes(), 0);
      for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < 64; ++c) {
          m(r, c) = numeric::quantize(DType::fp16, z(gen));  // what GM holds
          numeric::store_element(DType::fp16, d.data.data(), r * 64 + c, m(r, c));
        }
      prog.tensors.push_back(std::move(d));
    };
    fill(q, 40, plan.q_rows_pad(), "q");
    fill(k, 200, plan.kv_rows_pad(), "k");
    fill(v, 200, plan.kv_rows_pad(), "v");
    ref = pasa::softmax_attention_fp64(q, k, v, plan.params.scale, false);
    isa::TensorDecl out;
    out.name = "out";
    out.dtype = DType::fp32;
    out.shape = {plan.q_rows_pad(), 64};
    out.data.assign(out.bytes(), 0);
    prog.tensors.push_back(std::move(out));
  }
  void set_out(std::uint64_t r, std::uint64_t c, double value) {
    numeric::store_element(DType::fp32, prog.tensors.back().data.data(), r * 64 + c, value);
  }
  void exact_out() {
    for (std::uint64_t r = 0; r < 40; ++r)
      for (std::uint64_t c = 0; c < 64; ++c) set_out(r, c, ref(r, c));
  }
};

}  // namespace

TEST_CASE("check_pasa passes the exact output and fails zeros, a value outside V and inf",
          "[pasa]") {
  Fixture f(PasaVariant::fa_mixed);
  f.exact_out();
  CheckResult r = check_pasa(f.plan, f.prog);
  CHECK(r.passed);
  CHECK(r.extra["bound_exceeds_v_spread"] == false);  // N(0, 1): a bound of a few 1e-3
  // Zeros lie inside V's range, but outputs of a few 0.1 (averages of 200 N(0, 1) rows over
  // d 64: about 1 / sqrt(effective keys)) are far beyond the format bound.
  Fixture z(PasaVariant::fa_mixed);
  r = check_pasa(z.plan, z.prog);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["beyond_bound"].get<std::uint64_t>() > 0);
  // One output above every V row's value in its column: no convex combination reaches it.
  Fixture o(PasaVariant::pasa);  // pasa: the bound is loose, the range still applies
  o.exact_out();
  o.set_out(3, 5, o.v.col(5).maxCoeff() + 1.0);
  r = check_pasa(o.plan, o.prog);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["outside_v_range"] == 1);
  Fixture n(PasaVariant::fa_fp16);
  n.exact_out();
  n.set_out(0, 0, INFINITY);
  r = check_pasa(n.plan, n.prog);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["nonfinite_outputs"] == 1);
}
