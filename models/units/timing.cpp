#include "models/units/timing.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace ascendsim::models {

using isa::Buffer;
using isa::Opcode;

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// The dependent row-wide ops one step of a vscan expands to (timing.hpp).
constexpr std::array<Opcode, 2> kLinearScanOps{Opcode::vmul, Opcode::vadd};
constexpr std::array<Opcode, 9> kLogScanOps{Opcode::vadd,  Opcode::vsub, Opcode::vabs,
                                            Opcode::vmuls, Opcode::vexp, Opcode::vadds,
                                            Opcode::vln,   Opcode::vmax, Opcode::vadd};

struct ScanShape {
  std::uint64_t steps = 0;    // dependent steps: rows with first_axis, else cols
  std::uint64_t repeats = 0;  // R: repeats of one expansion op over the lanes
};
ScanShape scan_shape(const config::HardwareConfig& hw, const isa::Instruction& ins) {
  const bool down = ins.has(isa::flag::first_axis);
  const std::uint64_t lanes = down ? ins.dst.cols : ins.dst.rows;
  const int bits = numeric::dtype_bits(vector_width_type(ins));
  return {down ? ins.dst.rows : ins.dst.cols,
          ceil_div(ceil_div(lanes * bits, 8), hw.aiv.vector.bytes_per_repeat)};
}
}  // namespace

std::uint64_t cube_cycles(const config::HardwareConfig& hw, std::uint32_t m, std::uint32_t n,
                          std::uint32_t k, numeric::DType input) {
  const auto it = hw.aic.cube.k0.find(input);
  const std::uint64_t k0 = it == hw.aic.cube.k0.end() ? 16 : it->second;
  return hw.aic.cube.startup_cycles + ceil_div(m, 16) * ceil_div(n, 16) * ceil_div(k, k0);
}

numeric::DType vector_width_type(const isa::Instruction& ins) {
  numeric::DType widest = ins.dst.dtype;
  for (const isa::TileView* v : {&ins.src0, &ins.src1, &ins.src2})
    if (v->valid() && numeric::dtype_bits(v->dtype) > numeric::dtype_bits(widest))
      widest = v->dtype;
  return widest;
}

std::uint64_t vector_repeats(const config::HardwareConfig& hw, const isa::Instruction& ins) {
  // Shape from the source (a reduction writes rows x 1), element width from the widest operand.
  const isa::TileView& shape = ins.src0.valid() ? ins.src0 : ins.dst;
  const int bits = numeric::dtype_bits(vector_width_type(ins));
  const std::uint64_t row_bytes = ceil_div(std::uint64_t(shape.cols) * bits, 8);
  return std::uint64_t(shape.rows) * ceil_div(row_bytes, hw.aiv.vector.bytes_per_repeat);
}

std::uint64_t vector_cycles(const config::HardwareConfig& hw, isa::Opcode op,
                            std::uint64_t repeats) {
  const auto it = hw.aiv.vector.ops.find(op);
  const config::VectorOpTiming& t =
      it == hw.aiv.vector.ops.end() ? hw.aiv.vector.default_timing : it->second;
  return t.startup_cycles + repeats * t.cycles_per_repeat;
}

std::uint64_t scan_cycles(const config::HardwareConfig& hw, const isa::Instruction& ins) {
  const ScanShape shape = scan_shape(hw, ins);
  std::uint64_t step = 0;
  auto add = [&](const auto& ops) {
    for (Opcode op : ops) step += vector_cycles(hw, op, shape.repeats);
  };
  if (ins.scan == isa::ScanMode::linear)
    add(kLinearScanOps);
  else
    add(kLogScanOps);
  return shape.steps * step;
}

std::uint64_t scan_repeats(const config::HardwareConfig& hw, const isa::Instruction& ins) {
  const ScanShape shape = scan_shape(hw, ins);
  const std::size_t ops =
      ins.scan == isa::ScanMode::linear ? kLinearScanOps.size() : kLogScanOps.size();
  return shape.steps * ops * shape.repeats;
}

std::uint64_t move_cycles(const config::MoverConfig& mover, std::uint64_t bytes) {
  if (mover.bytes_per_cycle <= 0) return mover.setup_cycles;
  return mover.setup_cycles +
         static_cast<std::uint64_t>(std::ceil(double(bytes) / mover.bytes_per_cycle));
}

const config::MoverConfig& mover_for(const config::HardwareConfig& hw,
                                     const isa::Instruction& ins) {
  switch (ins.pipe) {
    case isa::Pipe::MTE1:
      return ins.dst.buffer == Buffer::L0A ? hw.aic.mte1_l0a : hw.aic.mte1_l0b;
    case isa::Pipe::MTE2:
      return ins.dst.buffer == Buffer::UB ? hw.aiv.mte2 : hw.aic.mte2;
    case isa::Pipe::MTE3:
      return hw.aiv.mte3;
    default:
      return hw.aic.fix;
  }
}

}  // namespace ascendsim::models
