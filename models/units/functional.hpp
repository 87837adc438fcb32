#pragma once
// The data effect of one instruction: what the hardware does to the bytes, with the numerics
// library doing every rounding. Plain C++ (no SystemC) so it is tested directly. The timing of
// the same instruction is computed elsewhere (timing.hpp); the models call this at completion.
//
// Arithmetic semantics: fp16/bf16 vector ops compute in double and round once to the
// destination (correctly rounded, as the hardware's ALU); fp32 ops compute in float; exp/ln/
// sqrt compute in double and round once. mmad widens inputs to float and accumulates in fp32
// (int8/int4 in int32, exactly). Every rounding reports overflow/NaN/saturation events.
#include <cstdint>

#include "sim/isa/instruction.hpp"
#include "sim/numeric/dtype.hpp"

namespace ascendsim::models {

// An operand resolved to memory: `data` points at the byte holding element (0, 0) of `view`
// (packed 4-bit views start on a byte boundary).
struct ResolvedTile {
  std::uint8_t* data = nullptr;
  isa::TileView view;
};

struct Operands {
  ResolvedTile dst, src0, src1, src2, src3;
};

// Applies `ins` to its operands. Sync and nop instructions have no data effect.
// Throws isa::SimulationError for a combination the validator should have rejected.
void execute_functional(const isa::Instruction& ins, const Operands& ops,
                        numeric::NumericEvents& events);

}  // namespace ascendsim::models
