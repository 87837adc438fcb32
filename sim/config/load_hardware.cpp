// Reads `chip:` into HardwareConfig. The YAML tree mirrors the struct tree one to one (see
// configs/hw/ascend910b2.yaml for a complete, annotated example).
//
// Every key is required: a hardware file states every number with its source, so a forgotten
// key is an error rather than a silent default. The one exception is `chip.die_link`, which is
// required only when `dies > 1` (a single die has no die-to-die link; absent it reads as zero).
//
// Units: sizes are byte sizes (512, 64KiB, 192MiB); `clock` a frequency; `hbm.bandwidth` and
// `die_link.bandwidth` bandwidths (1.6TB/s), converted here to bytes per cycle of `clock`;
// `*_bytes_per_cycle` plain numbers per cycle of `clock`; `*_cycles` whole cycles.
//
// Checks beyond the types: every size and rate > 0; l2 line a power of two that divides the L2
// size, and ways dividing the line count; k0 in {16, 32, 64, 128}; vector dtypes valid and
// distinct; vector op keys naming vector opcodes; dies >= 1; aiv_per_aic in {1, 2}.
#include "sim/config/load_hardware.hpp"

#include <algorithm>
#include <cstdint>

#include "sim/config/units.hpp"

namespace ascendsim::config {
namespace {

constexpr std::uint64_t kU32Max = UINT32_MAX;

std::uint32_t read_u32(const ConfigNode& parent, const std::string& key, std::uint64_t min = 0,
                       std::uint64_t max = kU32Max) {
  return static_cast<std::uint32_t>(parent.child(key).as_uint(min, max));
}

double positive_number(const ConfigNode& node) {
  double value = 0;
  try {
    value = node.as_double();
  } catch (const ConfigError&) {
    node.fail("a number > 0");
  }
  if (!(value > 0)) node.fail("a number > 0");
  return value;
}

double read_rate(const ConfigNode& parent, const std::string& key) {
  return positive_number(parent.child(key));
}

// Error for a map key that is not one of a fixed set of names (dtypes, opcodes).
[[noreturn]] void fail_key(const ConfigNode& value, const std::string& key,
                           const std::string& expectation) {
  throw ConfigError(value.where() + ": expected " + expectation + ", got key " + units::quote(key));
}

std::string dtype_list() {
  std::string out;
  for (int i = 0; i < numeric::kDTypeCount; ++i)
    out += (i ? ", " : "") + std::string(numeric::dtype_name(static_cast<DType>(i)));
  return out;
}

MoverConfig read_mover(const ConfigNode& node) {
  MoverConfig m;
  m.setup_cycles = read_u32(node, "setup_cycles");
  m.bytes_per_cycle = read_rate(node, "bytes_per_cycle");
  return m;
}

CorePortConfig read_port(const ConfigNode& node) {
  CorePortConfig p;
  p.l2_read_bytes_per_cycle = read_rate(node, "l2_read_bytes_per_cycle");
  p.l2_write_bytes_per_cycle = read_rate(node, "l2_write_bytes_per_cycle");
  p.hbm_read_bytes_per_cycle = read_rate(node, "hbm_read_bytes_per_cycle");
  p.hbm_write_bytes_per_cycle = read_rate(node, "hbm_write_bytes_per_cycle");
  return p;
}

CoreCommonConfig read_core(const ConfigNode& node) {
  CoreCommonConfig c;
  c.issue_cycles = read_u32(node, "issue_cycles", 1);
  c.queue_depth = read_u32(node, "queue_depth", 1);
  c.flag_latency_cycles = read_u32(node, "flag_latency_cycles");
  c.event_ids = read_u32(node, "event_ids", 1, 256);  // Instruction::event_id is 8 bits
  return c;
}

CubeConfig read_cube(const ConfigNode& node) {
  CubeConfig c;
  c.startup_cycles = read_u32(node, "startup_cycles");
  const ConfigNode k0 = node.child("k0");
  for (const std::string& key : k0.keys()) {
    const ConfigNode value = k0.child(key);
    auto dtype = numeric::parse_dtype(key);
    if (!dtype) fail_key(value, key, "a dtype (one of " + dtype_list() + ")");
    const std::uint64_t depth = value.as_uint();
    if (depth != 16 && depth != 32 && depth != 64 && depth != 128)
      value.fail("one of 16, 32, 64, 128");
    c.k0[*dtype] = static_cast<std::uint32_t>(depth);
  }
  if (c.k0.empty()) k0.fail("a map of at least one input dtype to its k0");
  return c;
}

VectorOpTiming read_timing(const ConfigNode& node) {
  VectorOpTiming t;
  t.startup_cycles = read_u32(node, "startup_cycles");
  t.cycles_per_repeat = read_u32(node, "cycles_per_repeat", 1);
  return t;
}

VectorConfig read_vector(const ConfigNode& node) {
  VectorConfig v;
  const ConfigNode repeat = node.child("bytes_per_repeat");
  const std::uint64_t bytes_per_repeat = repeat.as_bytes();
  if (bytes_per_repeat % 32 != 0 || bytes_per_repeat > kU32Max)
    repeat.fail("a multiple of 32 bytes (whole datablocks)");
  v.bytes_per_repeat = static_cast<std::uint32_t>(bytes_per_repeat);

  const ConfigNode dtypes = node.child("dtypes");
  for (const ConfigNode& item : dtypes.items()) {
    const DType t = item.as_dtype();
    if (std::find(v.dtypes.begin(), v.dtypes.end(), t) != v.dtypes.end())
      item.fail("a dtype not listed before");
    v.dtypes.push_back(t);
  }
  if (v.dtypes.empty()) dtypes.fail("a non-empty sequence of dtypes");

  v.default_timing = read_timing(node.child("default"));
  const ConfigNode ops = node.child("ops");
  for (const std::string& key : ops.keys()) {
    const ConfigNode value = ops.child(key);
    auto op = isa::parse_opcode(key);
    if (!op || !isa::is_vector_op(*op)) {
      std::string names;
      for (int i = 0; i < isa::kOpcodeCount; ++i)
        if (isa::is_vector_op(static_cast<isa::Opcode>(i)))
          names += (names.empty() ? "" : ", ") +
                   std::string(isa::opcode_name(static_cast<isa::Opcode>(i)));
      fail_key(value, key, "a vector opcode (one of " + names + ")");
    }
    v.ops[*op] = read_timing(value);
  }
  return v;
}

AicConfig read_aic(const ConfigNode& node) {
  AicConfig a;
  const ConfigNode buffers = node.child("buffers");
  a.buffers.l1 = buffers.child("l1").as_bytes();
  a.buffers.l0a = buffers.child("l0a").as_bytes();
  a.buffers.l0b = buffers.child("l0b").as_bytes();
  a.buffers.l0c = buffers.child("l0c").as_bytes();
  a.buffers.bt = buffers.child("bt").as_bytes();
  a.buffers.fb = buffers.child("fb").as_bytes();
  a.cube = read_cube(node.child("cube"));
  a.mte2 = read_mover(node.child("mte2"));
  a.mte1_l0a = read_mover(node.child("mte1_l0a"));
  a.mte1_l0b = read_mover(node.child("mte1_l0b"));
  a.fix = read_mover(node.child("fix"));
  a.port = read_port(node.child("port"));
  return a;
}

AivConfig read_aiv(const ConfigNode& node) {
  AivConfig a;
  a.buffers.ub = node.child("buffers").child("ub").as_bytes();
  a.vector = read_vector(node.child("vector"));
  a.mte2 = read_mover(node.child("mte2"));
  a.mte3 = read_mover(node.child("mte3"));
  a.port = read_port(node.child("port"));
  return a;
}

L2Config read_l2(const ConfigNode& node) {
  L2Config l2;
  const ConfigNode bytes = node.child("bytes");
  const ConfigNode line = node.child("line_bytes");
  const ConfigNode ways = node.child("ways");
  l2.bytes = bytes.as_bytes();
  const std::uint64_t line_bytes = line.as_bytes();
  if ((line_bytes & (line_bytes - 1)) != 0 || line_bytes > kU32Max)
    line.fail("a power-of-two byte size");
  l2.line_bytes = static_cast<std::uint32_t>(line_bytes);
  if (l2.bytes % line_bytes != 0)
    bytes.fail("a multiple of line_bytes (" + std::to_string(line_bytes) + ")");
  l2.ways = static_cast<std::uint32_t>(ways.as_uint(1, kU32Max));
  const std::uint64_t lines = l2.bytes / line_bytes;
  if (lines % l2.ways != 0)
    ways.fail("a divisor of the line count " + std::to_string(lines) + " (bytes / line_bytes)");
  l2.read_bytes_per_cycle = read_rate(node, "read_bytes_per_cycle");
  l2.write_bytes_per_cycle = read_rate(node, "write_bytes_per_cycle");
  l2.hit_latency_cycles = read_u32(node, "hit_latency_cycles");
  return l2;
}

HbmConfig read_hbm(const ConfigNode& node, double clock_hz) {
  HbmConfig h;
  h.bytes = node.child("bytes").as_bytes();
  h.bytes_per_cycle = node.child("bandwidth").as_bandwidth() / clock_hz;
  h.latency_cycles = read_u32(node, "latency_cycles");
  return h;
}

DieLinkConfig read_die_link(const ConfigNode& node, double clock_hz) {
  DieLinkConfig d;
  d.bytes_per_cycle = node.child("bandwidth").as_bandwidth() / clock_hz;
  d.latency_cycles = read_u32(node, "latency_cycles");
  return d;
}

SyncConfig read_sync(const ConfigNode& node) {
  SyncConfig s;
  s.cross_core_latency_cycles = read_u32(node, "cross_core_latency_cycles");
  s.max_flag_id = read_u32(node, "max_flag_id", 0, 255);  // Instruction::event_id is 8 bits
  s.max_counter = read_u32(node, "max_counter", 1);
  s.cross_core_set_on_s = node.child("cross_core_set_on_s").as_bool();
  return s;
}

}  // namespace

HardwareConfig load_hardware(const ConfigNode& root) {
  const ConfigNode chip = root.child("chip");
  HardwareConfig hw;
  hw.name = chip.child("name").as_string();
  hw.clock_hz = chip.child("clock").as_frequency_hz();
  // Die and core indices are 16-bit in isa::CoreId; AIV indices run to 2 x aic_per_die.
  hw.dies = read_u32(chip, "dies", 1, 65535);
  hw.aic_per_die = read_u32(chip, "aic_per_die", 1, 32767);
  hw.aiv_per_aic = read_u32(chip, "aiv_per_aic", 1, 2);
  hw.core = read_core(chip.child("core"));
  hw.aic = read_aic(chip.child("aic"));
  hw.aiv = read_aiv(chip.child("aiv"));
  hw.l2 = read_l2(chip.child("l2"));
  hw.hbm = read_hbm(chip.child("hbm"), hw.clock_hz);
  if (hw.dies > 1 || chip.has("die_link"))
    hw.die_link = read_die_link(chip.child("die_link"), hw.clock_hz);
  hw.sync = read_sync(chip.child("sync"));
  root.finish();
  return hw;
}

HardwareConfig load_hardware_file(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  ConfigNode root = ConfigNode::load_file(path);
  for (const std::string& assignment : overrides) root.apply_override(assignment);
  return load_hardware(root);
}

}  // namespace ascendsim::config
