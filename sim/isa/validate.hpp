#pragma once
// Static checks of instructions against the hardware: operand buffers legal for the opcode and
// pipe, views inside the buffer's capacity, alignment (HARDWARE.md §4: L1/UB 32 B, L0A/L0B 512 B,
// L0C/BT/FB 64 B, GM 32 B), whole 16x16 fractals into L0, shapes that agree, dtypes legal for the
// unit and enabled by the chip (cube k0 table, vector dtypes). GM views must lie inside one
// declared tensor.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::isa {

// nullopt if legal, else what is wrong ("mmad: src0 is in l0b, expected l0a").
std::optional<std::string> check_instruction(const Instruction& ins, CoreKind kind,
                                             const config::HardwareConfig& hw);
// Whole program: every core exists on the chip, every instruction legal, GM views inside a
// tensor, tensors inside the GM of their die and not overlapping. SimulationError naming
// "die0.aic3 instruction 17 (mmad): ..." on the first problem.
void validate_program(const Program& program, const config::HardwareConfig& hw);

// Offset alignment of a buffer in bytes (HARDWARE.md §4): L1/UB 32, L0A/L0B 512, L0C/BT/FB 64,
// GM 32. LocalBuffer allocations use the same numbers.
std::uint32_t buffer_alignment(Buffer b);
// The message for a problem of instruction `index` of `core`: "die0.aic3 instruction 17 (mmad):
// src0 is in l0b, expected l0a". A leading "<opcode>: " in `problem` (as check_instruction
// returns it) is not repeated.
std::string instruction_error(const CoreId& core, std::size_t index, const Instruction& ins,
                              const std::string& problem);

}  // namespace ascendsim::isa
