// Shared by the test_gemm_*.cpp files: a 910B2-like chip built in code with the numbers of
// configs/hw/ascend910b2.yaml at the time of writing (so the closed forms in the tests can be
// derived by hand and do not move when the YAML is recalibrated), and a gemm parameter set
// read from YAML text the way a run file is read.
#include "kernels/gemm/gemm_params.hpp"
#include "sim/config/config_node.hpp"
#include "sim/config/hardware_config.hpp"

namespace gemm_test {

using namespace ascendsim;
using numeric::DType;

// 1 die x 24 AIC at 1.8 GHz; L1 512 KiB, L0A/L0B 64 KiB, L0C 128 KiB; cube startup 0, k0 16
// (fp16/bf16) and 32 (int8); MTE2 5 + B/110, MTE1 L0A 30 + B/512, L0B 24 + B/256, FIX 4 + B/256;
// core ports: L2 read 110 / write 86, HBM read 32 / write 32 B/cycle; L2 192 MiB, 512-B lines,
// 2640 / 2064 B/cycle, hit 50;
// HBM 1.6 TB/s = 888.9 B/cycle, miss latency 150.
config::HardwareConfig chip_910b2(std::uint32_t dies) {
  config::HardwareConfig hw;
  hw.name = "test-910b2";
  hw.clock_hz = 1.8e9;
  hw.dies = dies;
  hw.aic_per_die = 24;
  hw.aiv_per_aic = 2;
  hw.core = {/*issue_cycles=*/1, /*queue_depth=*/32, /*flag_latency_cycles=*/0, /*event_ids=*/8};
  hw.aic.buffers = {512 << 10, 64 << 10, 64 << 10, 128 << 10, 0, 1 << 10, 7 << 10};
  hw.aic.cube.startup_cycles = 0;
  hw.aic.cube.k0 = {{DType::fp16, 16}, {DType::bf16, 16}, {DType::int8, 32}};
  hw.aic.mte2 = {5, 110};
  hw.aic.mte1_l0a = {30, 512};
  hw.aic.mte1_l0b = {24, 256};
  hw.aic.fix = {4, 256};
  hw.aic.port = {110, 86, 32, 32};
  hw.aiv.buffers.ub = 192 << 10;
  hw.aiv.vector.dtypes = {DType::fp32, DType::fp16};
  hw.aiv.mte2 = {5, 110};
  hw.aiv.mte3 = {4, 64};
  hw.aiv.port = {110, 86, 32, 32};
  hw.l2 = {/*bytes=*/192ull << 20, /*line=*/512,   /*ways=*/16,
           /*read=*/2640,          /*write=*/2064,
           /*hit_latency=*/50};
  hw.hbm = {/*bytes=*/64ull << 30, /*bytes_per_cycle=*/1.6e12 / 1.8e9, /*latency_cycles=*/150};
  hw.die_link = {/*bytes_per_cycle=*/784e9 / 1.8e9, /*latency_cycles=*/150};
  hw.sync = {/*cross_core_latency=*/100, /*max_flag_id=*/15, /*max_counter=*/16};
  return hw;
}

kernels::GemmParams params_from_yaml(const std::string& yaml) {
  const auto root = config::ConfigNode::from_string(yaml, "run.yaml");
  const auto kernel = root.child("kernel");
  kernel.child("name").as_string();
  kernels::GemmParams p = kernels::read_gemm_params(kernel);
  root.finish();
  return p;
}

kernels::GemmParams params(std::uint64_t m, std::uint64_t n, std::uint64_t k, DType dtype) {
  kernels::GemmParams p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.dtype = dtype;
  p.out_dtype = dtype == DType::int8 ? DType::int32 : DType::fp32;
  return p;
}

}  // namespace gemm_test
