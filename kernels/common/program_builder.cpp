// ProgramBuilder and CoreBuilder. Every Ascend-C-like call builds one isa::Instruction and hands
// it to CoreBuilder::emit, which checks it on the spot (the tile helpers are in tile.cpp).
#include "kernels/common/program_builder.hpp"

#include <stdexcept>
#include <utility>

#include "sim/config/config_node.hpp"
#include "sim/isa/host_memory.hpp"
#include "sim/isa/sim_error.hpp"
#include "sim/isa/validate.hpp"

namespace ascendsim::kernels {
namespace {

using isa::Instruction;
using isa::Opcode;

Instruction make(Opcode op, Pipe pipe, const TileView& dst = {}, const TileView& src0 = {},
                 const TileView& src1 = {}, const TileView& src2 = {}) {
  Instruction ins;
  ins.op = op;
  ins.pipe = pipe;
  ins.dst = dst;
  ins.src0 = src0;
  ins.src1 = src1;
  ins.src2 = src2;
  return ins;
}

Instruction with_imm(Instruction ins, double imm) {
  ins.imm = imm;
  return ins;
}

Instruction with_scan(Instruction ins, isa::ScanMode mode, std::uint8_t direction) {
  ins.scan = mode;
  ins.flags = direction;
  return ins;
}

// The named copy calls fix their path; a tile in another buffer is a generator bug.
void expect_path(const CoreBuilder& c, const char* call, const Tile& dst, Buffer d, const Tile& src,
                 Buffer s) {
  const std::pair<const char*, std::pair<Buffer, Buffer>> checks[] = {{"dst", {dst.buffer, d}},
                                                                      {"src", {src.buffer, s}}};
  for (const auto& [name, have_want] : checks)
    if (have_want.first != have_want.second)
      throw isa::SimulationError(isa::core_name(c.id()) + " instruction " +
                                 std::to_string(c.size()) + " (copy): " + call + " " + name +
                                 " is in " + std::string(isa::buffer_name(have_want.first)) +
                                 ", expected " + std::string(isa::buffer_name(have_want.second)));
}

}  // namespace

// ---- CoreBuilder -----------------------------------------------------------------------------

CoreBuilder::CoreBuilder(const config::HardwareConfig& hw, isa::CoreProgram& program)
    : hw_(hw), program_(program) {}

const CoreId& CoreBuilder::id() const { return program_.core; }

LocalBuffer CoreBuilder::buffer(Buffer b) const {
  return LocalBuffer(b, hw_.buffer_bytes(id().kind, b), isa::buffer_alignment(b));
}

std::size_t CoreBuilder::size() const { return program_.instructions.size(); }

void CoreBuilder::region(std::string label) {
  auto& regions = program_.regions;
  if (!regions.empty() && regions.back().first == size())
    regions.back().label = std::move(label);
  else
    regions.push_back({size(), std::move(label)});
}

void CoreBuilder::emit(isa::Instruction ins) {
  const bool gm_write =
      (ins.op == Opcode::copy || ins.op == Opcode::fixpipe) && ins.dst.buffer == Buffer::GM;
  if (atomic_add_ && gm_write) ins.flags |= isa::flag::atomic_add;
  if (auto problem = isa::check_instruction(ins, id().kind, hw_))
    throw isa::SimulationError(isa::instruction_error(id(), size(), ins, *problem));
  program_.instructions.push_back(ins);
}

// ---- data movement ---------------------------------------------------------------------------

void CoreBuilder::copy_gm_to_l1(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_gm_to_l1", dst, Buffer::L1, src, Buffer::GM);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::copy_gm_to_l0a(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_gm_to_l0a", dst, Buffer::L0A, src, Buffer::GM);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::copy_gm_to_l0b(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_gm_to_l0b", dst, Buffer::L0B, src, Buffer::GM);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::copy_gm_to_ub(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_gm_to_ub", dst, Buffer::UB, src, Buffer::GM);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::load_l0a(const Tile& dst, const Tile& src) {
  expect_path(*this, "load_l0a", dst, Buffer::L0A, src, Buffer::L1);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::load_l0b(const Tile& dst, const Tile& src, bool transpose) {
  expect_path(*this, "load_l0b", dst, Buffer::L0B, src, Buffer::L1);
  Instruction ins = make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src);
  if (transpose) ins.flags |= isa::flag::transpose;
  emit(ins);
}
void CoreBuilder::copy_ub_to_gm(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_ub_to_gm", dst, Buffer::GM, src, Buffer::UB);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}
void CoreBuilder::copy_ub_to_l1(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_ub_to_l1", dst, Buffer::L1, src, Buffer::UB);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}

void CoreBuilder::copy_l1_to_fb(const Tile& dst, const Tile& src) {
  expect_path(*this, "copy_l1_to_fb", dst, Buffer::FB, src, Buffer::L1);
  emit(make(Opcode::copy, isa::pipe_for_copy(src.buffer, dst.buffer), dst, src));
}

// ---- cube / fixpipe --------------------------------------------------------------------------

void CoreBuilder::mmad(const Tile& c, const Tile& a, const Tile& b, bool accumulate) {
  Instruction ins = make(Opcode::mmad, Pipe::M, c, a, b);
  if (accumulate) ins.flags |= isa::flag::accumulate;
  emit(ins);
}
void CoreBuilder::mmad_mx(const Tile& c, const Tile& a, const Tile& b, const Tile& scale_a,
                          const Tile& scale_b, bool accumulate) {
  Instruction ins = make(Opcode::mmad, Pipe::M, c, a, b, scale_a);
  ins.src3 = scale_b;
  if (accumulate) ins.flags |= isa::flag::accumulate;
  emit(ins);
}
void CoreBuilder::fixpipe(const Tile& dst, const Tile& src, double scale, bool relu,
                          numeric::Rounding r) {
  Instruction ins = make(Opcode::fixpipe, Pipe::FIX, dst, src);
  ins.imm = scale;
  ins.rounding = r;
  if (relu) ins.flags |= isa::flag::relu;
  emit(ins);
}
void CoreBuilder::fixpipe_per_channel(const Tile& dst, const Tile& src, const Tile& scales_fb) {
  Instruction ins = make(Opcode::fixpipe, Pipe::FIX, dst, src, scales_fb);
  ins.imm = 1.0;  // unused while src1 holds the scales; 1 keeps a dump readable
  emit(ins);
}

// ---- vector ----------------------------------------------------------------------------------

void CoreBuilder::vadd(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vadd, Pipe::V, d, a, b));
}
void CoreBuilder::vsub(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vsub, Pipe::V, d, a, b));
}
void CoreBuilder::vmul(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vmul, Pipe::V, d, a, b));
}
void CoreBuilder::vdiv(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vdiv, Pipe::V, d, a, b));
}
void CoreBuilder::vmax(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vmax, Pipe::V, d, a, b));
}
void CoreBuilder::vmin(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vmin, Pipe::V, d, a, b));
}
void CoreBuilder::vrow_add(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vrow_add, Pipe::V, d, a, b));
}
void CoreBuilder::vrow_sub(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vrow_sub, Pipe::V, d, a, b));
}
void CoreBuilder::vrow_mul(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vrow_mul, Pipe::V, d, a, b));
}
void CoreBuilder::vrow_div(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vrow_div, Pipe::V, d, a, b));
}
void CoreBuilder::vrow_max(const Tile& d, const Tile& a, const Tile& b) {
  emit(make(Opcode::vrow_max, Pipe::V, d, a, b));
}
void CoreBuilder::vadds(const Tile& d, const Tile& a, double s) {
  emit(with_imm(make(Opcode::vadds, Pipe::V, d, a), s));
}
void CoreBuilder::vmuls(const Tile& d, const Tile& a, double s) {
  emit(with_imm(make(Opcode::vmuls, Pipe::V, d, a), s));
}
void CoreBuilder::vmaxs(const Tile& d, const Tile& a, double s) {
  emit(with_imm(make(Opcode::vmaxs, Pipe::V, d, a), s));
}
void CoreBuilder::vmins(const Tile& d, const Tile& a, double s) {
  emit(with_imm(make(Opcode::vmins, Pipe::V, d, a), s));
}
void CoreBuilder::vexp(const Tile& d, const Tile& a) { emit(make(Opcode::vexp, Pipe::V, d, a)); }
void CoreBuilder::vln(const Tile& d, const Tile& a) { emit(make(Opcode::vln, Pipe::V, d, a)); }
void CoreBuilder::vabs(const Tile& d, const Tile& a) { emit(make(Opcode::vabs, Pipe::V, d, a)); }
void CoreBuilder::vsqrt(const Tile& d, const Tile& a) { emit(make(Opcode::vsqrt, Pipe::V, d, a)); }
void CoreBuilder::vrsqrt(const Tile& d, const Tile& a) {
  emit(make(Opcode::vrsqrt, Pipe::V, d, a));
}
void CoreBuilder::vrec(const Tile& d, const Tile& a) { emit(make(Opcode::vrec, Pipe::V, d, a)); }
void CoreBuilder::vrelu(const Tile& d, const Tile& a) { emit(make(Opcode::vrelu, Pipe::V, d, a)); }
void CoreBuilder::vrowmax(const Tile& d, const Tile& a) {
  emit(make(Opcode::vrowmax, Pipe::V, d, a));
}
void CoreBuilder::vrowmin(const Tile& d, const Tile& a) {
  emit(make(Opcode::vrowmin, Pipe::V, d, a));
}
void CoreBuilder::vrowsum(const Tile& d, const Tile& a) {
  emit(make(Opcode::vrowsum, Pipe::V, d, a));
}

void CoreBuilder::vdup(const Tile& d, double value) {
  emit(with_imm(make(Opcode::vdup, Pipe::V, d), value));
}
void CoreBuilder::vcast(const Tile& d, const Tile& a, numeric::Rounding r, bool saturate) {
  Instruction ins = make(Opcode::vcast, Pipe::V, d, a);
  ins.rounding = r;
  if (saturate) ins.flags |= isa::flag::saturate;
  emit(ins);
}
void CoreBuilder::vcmp(const Tile& d, const Tile& a, const Tile& b, isa::CmpMode mode) {
  Instruction ins = make(Opcode::vcmp, Pipe::V, d, a, b);
  ins.cmp = mode;
  emit(ins);
}
void CoreBuilder::vsel(const Tile& d, const Tile& mask, const Tile& a, const Tile& b) {
  emit(make(Opcode::vsel, Pipe::V, d, mask, a, b));
}
void CoreBuilder::vscan(const Tile& d, const Tile& a, const Tile& w, const Tile& carry,
                        isa::ScanMode mode, std::uint8_t direction) {
  emit(with_scan(make(Opcode::vscan, Pipe::V, d, a, w, carry), mode, direction));
}
void CoreBuilder::vscan(const Tile& d, const Tile& a, const Tile& w, double carry,
                        isa::ScanMode mode, std::uint8_t direction) {
  emit(with_imm(with_scan(make(Opcode::vscan, Pipe::V, d, a, w), mode, direction), carry));
}

// ---- synchronisation -------------------------------------------------------------------------

void CoreBuilder::set_flag(Pipe src, Pipe dst, std::uint8_t event_id) {
  Instruction ins = make(Opcode::set_flag, src);  // queued on the source pipe
  ins.peer = dst;
  ins.event_id = event_id;
  emit(ins);
}
void CoreBuilder::wait_flag(Pipe src, Pipe dst, std::uint8_t event_id) {
  Instruction ins = make(Opcode::wait_flag, dst);  // blocks the destination pipe
  ins.peer = src;
  ins.event_id = event_id;
  emit(ins);
}

void CoreBuilder::handoff(Pipe src, Pipe dst, std::uint8_t event_id) {
  set_flag(src, dst, event_id);
  wait_flag(src, dst, event_id);
}
void CoreBuilder::pipe_barrier(Pipe p) {
  Instruction ins = make(Opcode::pipe_barrier, Pipe::S);
  ins.peer = p;
  emit(ins);
}
void CoreBuilder::cross_core_set(isa::SyncMode mode, std::uint8_t flag_id, Pipe on) {
  Instruction ins = make(Opcode::cross_core_set, on);
  ins.mode = mode;
  ins.event_id = flag_id;
  emit(ins);
}
void CoreBuilder::cross_core_wait(std::uint8_t flag_id, Pipe on) {
  Instruction ins = make(Opcode::cross_core_wait, on);
  ins.event_id = flag_id;
  emit(ins);
}
void CoreBuilder::set_atomic_add() { atomic_add_ = true; }
void CoreBuilder::set_atomic_none() { atomic_add_ = false; }
void CoreBuilder::nop(Pipe p, std::uint32_t cycles) {
  Instruction ins = make(Opcode::nop, p);
  ins.cycles = cycles;
  emit(ins);
}

// ---- ProgramBuilder --------------------------------------------------------------------------

ProgramBuilder::ProgramBuilder(const config::HardwareConfig& hw) : hw_(hw) {
  for (std::uint32_t die = 0; die < hw.dies; ++die) next_address_.push_back(die * hw.hbm.bytes);
}

GmTensor ProgramBuilder::gm_tensor(const std::string& name, DType t, std::uint64_t rows,
                                   std::uint64_t cols, std::uint32_t die, bool output) {
  constexpr std::uint64_t kAlign = 512;  // HARDWARE.md §4: 512-B aligned GM is the fast case
  for (const isa::TensorDecl& d : tensors_)
    if (d.name == name) throw std::invalid_argument("gm_tensor: '" + name + "' declared twice");
  if (die >= hw_.dies)
    throw config::ConfigError("tensor '" + name + "': die " + std::to_string(die) +
                              " does not exist on a chip with " + std::to_string(hw_.dies) +
                              " die(s)");
  const std::uint64_t bytes = numeric::dtype_bytes(t, rows * cols);
  const std::uint64_t start = (next_address_[die] + kAlign - 1) / kAlign * kAlign;
  const std::uint64_t end = std::uint64_t(die + 1) * hw_.hbm.bytes;
  const std::uint64_t left = start < end ? end - start : 0;
  if (bytes > left)
    throw config::ConfigError("tensor '" + name + "': needs " + std::to_string(bytes) +
                              " bytes of die" + std::to_string(die) + " GM, only " +
                              std::to_string(left) + " of " + std::to_string(hw_.hbm.bytes) +
                              " left");
  next_address_[die] = start + bytes;
  isa::TensorDecl decl;
  decl.name = name;
  decl.dtype = t;
  decl.shape = {rows, cols};
  decl.address = start;
  decl.output = output;
  // Zeros until the kernel asks for the bytes (data() makes it a data tensor), so a trace of
  // the program needs no .npy for outputs and scratch tensors.
  decl.init.kind =
      functional_ ? isa::TensorInit::Kind::zeros : isa::TensorInit::Kind::uninitialized;
  if (functional_) {
    functional_bytes_ += bytes;
    isa::check_fits_host(functional_bytes_, "tensor '" + name + "'");
    decl.data.assign(bytes, 0);
  }
  tensors_.push_back(std::move(decl));
  GmTensor g;
  g.name = name;
  g.dtype = t;
  g.address = start;
  g.rows = rows;
  g.cols = cols;
  return g;
}

std::vector<std::uint8_t>& ProgramBuilder::data(const GmTensor& t) {
  for (isa::TensorDecl& d : tensors_) {
    if (d.name != t.name) continue;
    if (!functional_)
      throw std::logic_error("ProgramBuilder::data('" + t.name +
                             "'): a timing-only program holds no bytes");
    d.init.kind = isa::TensorInit::Kind::data;
    return d.data;
  }
  throw std::invalid_argument("ProgramBuilder::data: no tensor '" + t.name + "'");
}

CoreBuilder& ProgramBuilder::aic(std::uint32_t die, std::uint32_t index) {
  return core(
      CoreId{static_cast<std::uint16_t>(die), CoreKind::AIC, static_cast<std::uint16_t>(index)});
}
CoreBuilder& ProgramBuilder::aiv(std::uint32_t die, std::uint32_t index) {
  return core(
      CoreId{static_cast<std::uint16_t>(die), CoreKind::AIV, static_cast<std::uint16_t>(index)});
}

CoreBuilder& ProgramBuilder::core(const CoreId& id) {
  const std::uint32_t count = id.kind == CoreKind::AIC ? hw_.aic_per_die : hw_.aiv_per_die();
  if (id.die >= hw_.dies || id.index >= count)
    throw config::ConfigError(isa::core_name(id) + " does not exist: the chip has " +
                              std::to_string(hw_.dies) + " die(s) with " +
                              std::to_string(hw_.aic_per_die) + " aic and " +
                              std::to_string(hw_.aiv_per_die()) + " aiv each");
  auto it = builders_.find(id);
  if (it != builders_.end()) return it->second;
  isa::CoreProgram& program = programs_[id];
  program.core = id;
  return builders_.emplace(id, CoreBuilder(hw_, program)).first->second;
}

isa::Program ProgramBuilder::take() {
  isa::Program p;
  p.tensors = std::move(tensors_);
  for (auto& [id, program] : programs_) p.cores.push_back(std::move(program));
  builders_.clear();
  programs_.clear();
  tensors_.clear();
  next_address_.clear();
  for (std::uint32_t die = 0; die < hw_.dies; ++die) next_address_.push_back(die * hw_.hbm.bytes);
  return p;
}

}  // namespace ascendsim::kernels
