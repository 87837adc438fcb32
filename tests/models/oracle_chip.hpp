#pragma once
// A small chip with round numbers, so that every oracle below can be derived by hand. It is
// not a real Ascend part; the shipped configs are tested elsewhere.
#include "sim/config/hardware_config.hpp"

namespace ascendsim::testing {

inline config::HardwareConfig oracle_chip(std::uint32_t aic = 2) {
  using numeric::DType;
  config::HardwareConfig hw;
  hw.name = "oracle";
  hw.clock_hz = 1e9;
  hw.dies = 1;
  hw.aic_per_die = aic;
  hw.aiv_per_aic = 2;
  hw.core = {/*issue_cycles=*/1, /*queue_depth=*/8, /*flag_latency_cycles=*/2, /*event_ids=*/8};
  hw.aic.buffers = {512 << 10, 64 << 10, 64 << 10, 128 << 10, 0, 1 << 10, 7 << 10};
  hw.aic.cube.startup_cycles = 10;
  hw.aic.cube.k0 = {{DType::fp16, 16}, {DType::bf16, 16}, {DType::int8, 32}};
  hw.aic.mte2 = {20, 64};
  hw.aic.mte1_l0a = {4, 512};
  hw.aic.mte1_l0b = {4, 256};
  hw.aic.fix = {8, 128};
  hw.aic.port = {/*l2_read=*/32, /*l2_write=*/32, /*hbm_read=*/16, /*hbm_write=*/16};
  hw.aiv.buffers.ub = 192 << 10;
  hw.aiv.vector.bytes_per_repeat = 256;
  hw.aiv.vector.default_timing = {10, 2};
  hw.aiv.vector.ops = {{isa::Opcode::vadd, {6, 2}}};
  hw.aiv.vector.dtypes = {DType::fp32, DType::fp16, DType::int32};
  hw.aiv.mte2 = {20, 64};
  hw.aiv.mte3 = {20, 64};
  hw.aiv.port = {/*l2_read=*/32, /*l2_write=*/32, /*hbm_read=*/16, /*hbm_write=*/16};
  hw.l2 = {/*bytes=*/1 << 20, /*line=*/512, /*ways=*/4, /*read=*/128, /*write=*/128,
           /*hit_latency=*/50};
  hw.hbm = {/*bytes=*/1ull << 30, /*bytes_per_cycle=*/64, /*latency_cycles=*/100};
  hw.die_link = {32, 40};
  hw.sync = {/*cross_core_latency=*/30, /*max_flag_id=*/15, /*max_counter=*/15,
             /*cross_core_set_on_s=*/true};  // like the 950, so sync tests can set from S
  return hw;
}

}  // namespace ascendsim::testing
