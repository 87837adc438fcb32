// validate_program: the whole-program checks (cores exist, tensors placed sanely, GM operands
// inside tensors) around check_instruction, and the shared helpers of validate.hpp.
#include "sim/isa/validate.hpp"

#include <algorithm>
#include <set>

#include "sim/isa/sim_error.hpp"
#include "sim/isa/validate_rules.hpp"

namespace ascendsim::isa {
namespace {

using detail::hex;

std::string range(std::uint64_t lo, std::uint64_t hi) {
  return "[" + hex(lo) + ", " + hex(hi) + ")";
}

std::string describe(const TensorDecl& t) {
  std::string dims;
  for (std::uint64_t d : t.shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
  return "tensor '" + t.name + "' (" + std::string(numeric::dtype_name(t.dtype)) + " " + dims + ")";
}

// Tensors sorted by address, for finding the one a GM view falls in.
class TensorMap {
 public:
  explicit TensorMap(const std::vector<TensorDecl>& tensors) {
    for (const TensorDecl& t : tensors) sorted_.push_back(&t);
    std::sort(sorted_.begin(), sorted_.end(),
              [](const TensorDecl* a, const TensorDecl* b) { return a->address < b->address; });
  }
  const std::vector<const TensorDecl*>& sorted() const { return sorted_; }
  // The tensor holding all of [lo, hi), or nullptr.
  const TensorDecl* containing(std::uint64_t lo, std::uint64_t hi) const {
    auto it = std::upper_bound(sorted_.begin(), sorted_.end(), lo,
                               [](std::uint64_t a, const TensorDecl* t) { return a < t->address; });
    if (it == sorted_.begin()) return nullptr;
    const TensorDecl* t = *(it - 1);
    return hi <= t->address + t->bytes() ? t : nullptr;
  }

 private:
  std::vector<const TensorDecl*> sorted_;
};

void check_tensors(const Program& program, const TensorMap& map, const config::HardwareConfig& hw) {
  std::set<std::string> names;
  for (const TensorDecl& t : program.tensors) {
    if (t.name.empty()) throw SimulationError("a tensor has no name");
    if (!names.insert(t.name).second)
      throw SimulationError("tensor '" + t.name + "' is declared twice");
    if (t.bytes() == 0) throw SimulationError(describe(t) + " holds no elements");
    if (!t.data.empty() && t.data.size() != t.bytes())
      throw SimulationError(describe(t) + " holds " + std::to_string(t.data.size()) +
                            " bytes of data, its shape needs " + std::to_string(t.bytes()));
    const std::uint64_t span = hw.hbm.bytes;
    const std::uint64_t die = span ? t.address / span : 0;
    if (span == 0 || die >= hw.dies)
      throw SimulationError(describe(t) + " at " + hex(t.address) + " is outside the GM of the " +
                            std::to_string(hw.dies) + " die(s), " + hex(span) + " bytes each");
    const std::uint64_t end = (die + 1) * span;
    if (t.bytes() > end - t.address)
      throw SimulationError(describe(t) + " bytes " + range(t.address, t.address + t.bytes()) +
                            " cross the end of die" + std::to_string(die) + "'s GM " +
                            range(die * span, end));
  }
  const auto& sorted = map.sorted();
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const TensorDecl& a = *sorted[i - 1];
    const TensorDecl& b = *sorted[i];
    if (b.address < a.address + a.bytes())
      throw SimulationError(describe(b) + " bytes " + range(b.address, b.address + b.bytes()) +
                            " overlap " + describe(a) + " bytes " +
                            range(a.address, a.address + a.bytes()));
  }
}

void check_core_exists(const CoreId& c, const config::HardwareConfig& hw) {
  const std::uint32_t count = c.kind == CoreKind::AIC ? hw.aic_per_die : hw.aiv_per_die();
  if (c.die < hw.dies && c.index < count) return;
  throw SimulationError("program for " + core_name(c) + ": the chip has " +
                        std::to_string(hw.dies) + " die(s) with " + std::to_string(hw.aic_per_die) +
                        " aic and " + std::to_string(hw.aiv_per_die()) + " aiv each");
}

}  // namespace

std::uint32_t buffer_alignment(Buffer b) {
  // HARDWARE.md §4: L1 and UB move in 32-B blocks; L0A/L0B hold 512-B fractals; L0C, BiasTable
  // and the Fixpipe buffer are 64-B aligned; GM DataCopy works in 32-B units (512 B is merely
  // faster, a cost the memory model charges, not a legality rule).
  switch (b) {
    case Buffer::L0A:
    case Buffer::L0B:
      return 512;
    case Buffer::L0C:
    case Buffer::BT:
    case Buffer::FB:
      return 64;
    case Buffer::GM:
    case Buffer::L1:
    case Buffer::UB:
      return 32;
  }
  return 32;
}

std::string instruction_error(const CoreId& core, std::size_t index, const Instruction& ins,
                              const std::string& problem) {
  const bool known = int(ins.op) < kOpcodeCount;
  const std::string op =
      known ? std::string(opcode_name(ins.op)) : "opcode " + std::to_string(int(ins.op));
  std::string what = problem;
  if (known && what.compare(0, op.size() + 2, op + ": ") == 0) what.erase(0, op.size() + 2);
  return core_name(core) + " instruction " + std::to_string(index) + " (" + op + "): " + what;
}

void validate_program(const Program& program, const config::HardwareConfig& hw) {
  const TensorMap map(program.tensors);
  check_tensors(program, map, hw);
  std::set<CoreId> seen;
  for (const CoreProgram& cp : program.cores) {
    check_core_exists(cp.core, hw);
    if (!seen.insert(cp.core).second)
      throw SimulationError("two programs for " + core_name(cp.core));
    for (std::size_t i = 0; i < cp.instructions.size(); ++i) {
      const Instruction& ins = cp.instructions[i];
      if (auto problem = check_instruction(ins, cp.core.kind, hw))
        throw SimulationError(instruction_error(cp.core, i, ins, *problem));
      const std::array<std::pair<const char*, const TileView*>, 5> views{{{"dst", &ins.dst},
                                                                          {"src0", &ins.src0},
                                                                          {"src1", &ins.src1},
                                                                          {"src2", &ins.src2},
                                                                          {"src3", &ins.src3}}};
      for (const auto& [name, v] : views) {
        if (!v->valid() || v->buffer != Buffer::GM) continue;
        const std::uint64_t hi = v->offset + v->span_bytes();
        if (!map.containing(v->offset, hi))
          throw SimulationError(instruction_error(cp.core, i, ins,
                                                  std::string(name) + " gm bytes " +
                                                      range(v->offset, hi) +
                                                      " are not inside one declared tensor"));
      }
    }
  }
}

}  // namespace ascendsim::isa
