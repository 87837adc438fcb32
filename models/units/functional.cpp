// Dispatch of execute_functional to the instruction families, and the helpers they share:
// operand checks, integer wraparound, the atomic add of GM writes (copy and fixpipe), scalars.
//
// Atomic add models the A2/A3 GM atomics (SetAtomicAdd<T>: fp32, fp16, bf16, int32, int16,
// int8): the add happens in the destination's type, one element at a time. How the L2 performs
// it (and its cost) is the memory model's business; here only the values. Integer atomics wrap
// (two's complement); the silicon's behaviour on int8/int16 overflow is not documented, int32
// wraparound is what AMLA's exponent trick relies on.
#include <cmath>
#include <cstring>

#include "models/units/functional_detail.hpp"
#include "sim/isa/sim_error.hpp"

namespace ascendsim::models {
namespace detail {

void fail(const std::string& what) { throw isa::SimulationError(what); }

void require(const ResolvedTile& t, const char* name) {
  if (!t.view.valid()) fail(std::string(name) + " is missing (empty view)");
  if (t.data == nullptr) fail(std::string(name) + " has no data");
}

void require_same_shape(const ResolvedTile& a, const ResolvedTile& b, const char* name) {
  if (a.view.rows != b.view.rows || a.view.cols != b.view.cols)
    fail(std::string(name) + " is " + std::to_string(b.view.rows) + "x" +
         std::to_string(b.view.cols) + ", dst is " + std::to_string(a.view.rows) + "x" +
         std::to_string(a.view.cols));
}

std::int64_t wrap_integer(DType t, std::int64_t v) {
  const int bits = numeric::dtype_bits(t);
  const std::uint64_t u = static_cast<std::uint64_t>(v) & ((std::uint64_t(1) << bits) - 1);
  if (t == DType::uint8) return static_cast<std::int64_t>(u);
  const std::uint64_t sign = std::uint64_t(1) << (bits - 1);
  return static_cast<std::int64_t>(u ^ sign) - static_cast<std::int64_t>(sign);
}

void atomic_add_element(DType t, std::uint8_t* dst, std::uint64_t di, const std::uint8_t* src,
                        std::uint64_t si, NumericEvents& ev) {
  if (!numeric::is_float(t)) {
    const auto a = static_cast<std::int64_t>(load_value(t, dst, di));
    const auto b = static_cast<std::int64_t>(load_value(t, src, si));
    const std::int64_t sum = wrap_integer(t, a + b);
    if (t == DType::int32) {
      const auto s32 = static_cast<std::int32_t>(sum);
      std::memcpy(dst + 4 * di, &s32, 4);
    } else {
      numeric::store_element(t, dst, di, double(sum), Rounding::nearest_even, Overflow::saturate,
                             nullptr);
    }
    return;
  }
  // Exact inputs added in double then rounded once: since double carries more than
  // 2 * 24 + 2 bits, this equals the correctly rounded sum in the destination format.
  const double a = load_value(t, dst, di);
  const double b = load_value(t, src, si);
  const double sum = a + b;
  if (std::isnan(sum) && !std::isnan(a) && !std::isnan(b)) ++ev.nan;  // inf + -inf
  store_result(t, dst, di, sum, ev);
}

Source scalar(double imm, DType t, std::uint8_t (&storage)[8], NumericEvents& ev) {
  std::memset(storage, 0, sizeof storage);
  store_result(t, storage, 0, imm, ev);
  return {storage, t, 0, 0};
}

}  // namespace detail

void execute_functional(const isa::Instruction& ins, const Operands& ops,
                        numeric::NumericEvents& events) {
  using isa::Opcode;
  switch (ins.op) {
    case Opcode::copy:
      return detail::execute_copy(ins, ops, events);
    case Opcode::mmad:
      return detail::execute_mmad(ins, ops);
    case Opcode::fixpipe:
      return detail::execute_fixpipe(ins, ops, events);
    case Opcode::vadd:
    case Opcode::vsub:
    case Opcode::vmul:
    case Opcode::vdiv:
    case Opcode::vmax:
    case Opcode::vmin:
    case Opcode::vadds:
    case Opcode::vmuls:
    case Opcode::vmaxs:
    case Opcode::vmins:
    case Opcode::vexp:
    case Opcode::vln:
    case Opcode::vabs:
    case Opcode::vsqrt:
    case Opcode::vrsqrt:
    case Opcode::vrec:
    case Opcode::vrelu:
    case Opcode::vdup:
    case Opcode::vcast:
      return detail::execute_vector(ins, ops, events);
    case Opcode::vrowmax:
    case Opcode::vrowmin:
    case Opcode::vrowsum:
    case Opcode::vrow_add:
    case Opcode::vrow_sub:
    case Opcode::vrow_mul:
    case Opcode::vrow_div:
    case Opcode::vrow_max:
    case Opcode::vcmp:
    case Opcode::vsel:
    case Opcode::vscan:
      return detail::execute_reduce(ins, ops, events);
    case Opcode::set_flag:
    case Opcode::wait_flag:
    case Opcode::pipe_barrier:
    case Opcode::cross_core_set:
    case Opcode::cross_core_wait:
    case Opcode::nop:
      return;
  }
  detail::fail("unknown opcode " + std::to_string(int(ins.op)));
}

}  // namespace ascendsim::models
