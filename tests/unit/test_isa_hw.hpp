#pragma once
// A 910B2-like chip built in code (HARDWARE.md §1, §4), so the ISA, builder and trace tests do
// not depend on the YAML loader: 24 AIC x 2 AIV per die, L1 512 KiB, L0A/L0B 64 KiB, L0C
// 128 KiB, UB 192 KiB, BiasTable 1 KiB, Fixpipe buffer 7 KiB, 64 GiB HBM per die, k0 16 for
// fp16/bf16, 32 for int8, 64 for int4, vector ALU in fp32/fp16/int32/int16.
#include <string>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/validate.hpp"

namespace ascendsim::testing {

inline config::HardwareConfig make_910b2_like(std::uint32_t dies = 1) {
  using numeric::DType;
  config::HardwareConfig hw;
  hw.name = "test-910b2";
  hw.clock_hz = 1.8e9;
  hw.dies = dies;
  hw.aic_per_die = 24;
  hw.aiv_per_aic = 2;
  hw.aic.buffers.l1 = 512 * 1024;
  hw.aic.buffers.l0a = 64 * 1024;
  hw.aic.buffers.l0b = 64 * 1024;
  hw.aic.buffers.l0c = 128 * 1024;
  hw.aic.buffers.bt = 1024;
  hw.aic.buffers.fb = 7 * 1024;
  hw.aiv.buffers.ub = 192 * 1024;
  hw.aic.cube.k0 = {{DType::fp16, 16}, {DType::bf16, 16}, {DType::int8, 32}, {DType::int4, 64}};
  hw.aiv.vector.dtypes = {DType::fp32, DType::fp16, DType::int32, DType::int16};
  hw.hbm.bytes = 64ull << 30;
  hw.core.event_ids = 8;     // HARDWARE.md §5: event ids 0-7 on A2/A3
  hw.sync.max_flag_id = 15;  // FFTS flag ids 0-15
  return hw;
}

inline isa::TileView view(isa::Buffer b, numeric::DType t, std::uint64_t offset, std::uint32_t rows,
                          std::uint32_t cols, std::uint32_t stride = 0) {
  isa::TileView v;
  v.buffer = b;
  v.dtype = t;
  v.offset = offset;
  v.rows = rows;
  v.cols = cols;
  v.row_stride = stride;
  return v;
}

inline isa::Instruction instr(isa::Opcode op, isa::Pipe pipe, const isa::TileView& dst = {},
                              const isa::TileView& src0 = {}, const isa::TileView& src1 = {},
                              const isa::TileView& src2 = {}) {
  isa::Instruction ins;
  ins.op = op;
  ins.pipe = pipe;
  ins.dst = dst;
  ins.src0 = src0;
  ins.src1 = src1;
  ins.src2 = src2;
  return ins;
}

// check_instruction's message, or "" when the instruction is legal.
inline std::string problem(const isa::Instruction& ins, isa::CoreKind kind,
                           const config::HardwareConfig& hw) {
  return isa::check_instruction(ins, kind, hw).value_or("");
}

}  // namespace ascendsim::testing
