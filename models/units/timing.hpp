#pragma once
// Closed-form durations of the instructions that do not touch GM, in cycles. These are the
// formulas of ARCHITECTURE.md "Timing"; every rate and startup comes from the hardware config.
//   cube:    startup + ceil(m/16) * ceil(n/16) * ceil(k/k0(dtype))
//   vector:  startup(op) + repeats * cycles_per_repeat(op),
//            repeats = rows * ceil(cols * widest element bytes / bytes_per_repeat)
//   vscan:   steps * sum over its expansion ops of (startup(op) + R * cycles_per_repeat(op)),
//            steps = rows with flag::first_axis, else cols; lanes = the other dimension;
//            R = ceil(lanes * widest element bytes / bytes_per_repeat);
//            expansion linear {vmul, vadd}; logaddexp {vadd, vsub, vabs, vmuls, vexp, vadds, vln,
//            vmax, vadd} (h + a, difference, |d|, negate, exp, + 1, ln, max, final add).
//            The 220x has no scan instruction: a scan is a chain of dependent row-wide ops (as
//            CumSum's first axis is built), so every op pays its startup at every step. Without
//            first_axis the lanes are the rows: a step charges one column's elements as if they
//            sat side by side in a vector row; the transposes that would need are not charged.
//   on-chip move (MTE1, MTE3 to L1, FIX to L1): setup + ceil(bytes / bytes_per_cycle)
// What is abstracted: the cube's internal pipelining between consecutive mmads (only `startup`
// stands for it), vector mask/stride patterns (a row is a run of full repeats), and bank
// conflicts in UB (unknown penalties, HARDWARE.md §8).
#include <cstdint>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/instruction.hpp"

namespace ascendsim::models {

std::uint64_t cube_cycles(const config::HardwareConfig& hw, std::uint32_t m, std::uint32_t n,
                          std::uint32_t k, numeric::DType input);
std::uint64_t vector_repeats(const config::HardwareConfig& hw, const isa::Instruction& ins);
// The widest operand's type: the one whose width sets a vector instruction's repeat count.
numeric::DType vector_width_type(const isa::Instruction& ins);
// startup + repeats x cycles per repeat of `op` (repeats from vector_repeats, computed once).
std::uint64_t vector_cycles(const config::HardwareConfig& hw, isa::Opcode op,
                            std::uint64_t repeats);
// A vscan's duration and the repeats it issues (steps x expansion ops x R), per the formula
// above; both for any instruction with a vscan's operands and flags.
std::uint64_t scan_cycles(const config::HardwareConfig& hw, const isa::Instruction& ins);
std::uint64_t scan_repeats(const config::HardwareConfig& hw, const isa::Instruction& ins);
std::uint64_t move_cycles(const config::MoverConfig& mover, std::uint64_t bytes);
// The mover an on-chip or GM copy/fixpipe uses on a core of `kind`.
const config::MoverConfig& mover_for(const config::HardwareConfig& hw, const isa::Instruction& ins);

}  // namespace ascendsim::models
