#pragma once
// The chip a run simulates, as read from configs/hw/*.yaml. The YAML tree mirrors this struct
// tree and the SystemC module tree: `chip.aic.cube.startup_cycles` is the key, the field and
// (with a die and core index) the stat prefix. All rates are per cycle of `chip.clock`.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/isa/instruction.hpp"
#include "sim/numeric/dtype.hpp"

namespace ascendsim::config {

using numeric::DType;

struct CubeConfig {
  std::uint32_t startup_cycles = 0;  // fixed cost of one mmad before the first fractal
  // k0 per input dtype: fractal depth per cycle (16 fp16/bf16, 32 int8, 64 int4/fp4).
  // A dtype absent here is not supported by this chip's cube. m0 = n0 = 16 always.
  std::map<DType, std::uint32_t> k0;
};

struct VectorOpTiming {
  std::uint32_t startup_cycles = 0;     // latency before the first repeat completes
  std::uint32_t cycles_per_repeat = 0;  // throughput: one repeat = bytes_per_repeat per operand
};

struct VectorConfig {
  std::uint32_t bytes_per_repeat = 256;  // 8 datablocks x 32 B (HARDWARE.md §3)
  VectorOpTiming default_timing;         // for ops without an entry in `ops`
  std::map<isa::Opcode, VectorOpTiming> ops;
  std::vector<DType> dtypes;             // element types the vector ALU computes in
};

// A data mover: cost = setup_cycles + ceil(bytes / bytes_per_cycle) (+ memory system for GM).
struct MoverConfig {
  std::uint32_t setup_cycles = 0;
  double bytes_per_cycle = 0;  // on-chip path rate; GM paths are also capped by the core port
};

// A core's own caps on GM traffic (the .ini's per-core [AICoreMemoryRates], HARDWARE.md §1):
// every GM byte passes the L2 at the l2 rates; the bytes that miss (and the dirty lines a
// write evicts) also pass the core's HBM rate.
struct CorePortConfig {
  double l2_read_bytes_per_cycle = 0;    // .ini l2_read
  double l2_write_bytes_per_cycle = 0;   // .ini l2_write
  double hbm_read_bytes_per_cycle = 0;   // .ini ddr_read: L2 misses this core fetches
  double hbm_write_bytes_per_cycle = 0;  // .ini ddr_write: write-backs this core causes
};

struct BufferSizes {
  std::uint64_t l1 = 0, l0a = 0, l0b = 0, l0c = 0, ub = 0, bt = 0, fb = 0;
  std::uint64_t of(isa::Buffer b) const;  // 0 for GM and for buffers the core lacks
};

struct AicConfig {
  BufferSizes buffers;          // ub = 0
  CubeConfig cube;
  MoverConfig mte2;             // GM -> L1/L0A/L0B
  MoverConfig mte1_l0a;         // L1 -> L0A
  MoverConfig mte1_l0b;         // L1 -> L0B (and BT)
  MoverConfig fix;              // L0C -> GM/L1
  CorePortConfig port;
};

struct AivConfig {
  BufferSizes buffers;          // only ub
  VectorConfig vector;
  MoverConfig mte2;             // GM -> UB
  MoverConfig mte3;             // UB -> GM/L1
  CorePortConfig port;
};

struct CoreCommonConfig {
  std::uint32_t issue_cycles = 1;      // scalar unit: cycles per issued instruction
  std::uint32_t queue_depth = 32;      // per-pipe instruction queue entries
  std::uint32_t flag_latency_cycles = 0;  // set_flag -> wait_flag visibility
  std::uint32_t event_ids = 8;            // flag event ids per pipe pair
};

struct L2Config {
  std::uint64_t bytes = 0;
  std::uint32_t line_bytes = 512;
  std::uint32_t ways = 16;
  double read_bytes_per_cycle = 0;   // aggregate L2 read bandwidth of the die
  double write_bytes_per_cycle = 0;  // aggregate L2 write bandwidth of the die
  std::uint32_t hit_latency_cycles = 0;
};

struct HbmConfig {
  std::uint64_t bytes = 0;          // capacity per die; also the span of the die's GM addresses
  double bytes_per_cycle = 0;       // shared by every core of the die, reads and writes
  std::uint32_t latency_cycles = 0; // added to an access that misses L2
};

struct DieLinkConfig {
  double bytes_per_cycle = 0;       // die-to-die link, each direction
  std::uint32_t latency_cycles = 0;
};

struct SyncConfig {
  std::uint32_t cross_core_latency_cycles = 0;  // CrossCoreSetFlag -> counter visible
  std::uint32_t max_flag_id = 15;
  std::uint32_t max_counter = 15;               // a counter may hold at most this many sets
  bool cross_core_set_on_s = false;             // may CrossCoreSetFlag be queued on PIPE_S?
};

struct HardwareConfig {
  std::string name;
  double clock_hz = 0;
  std::uint32_t dies = 1;
  std::uint32_t aic_per_die = 0;
  std::uint32_t aiv_per_aic = 2;
  CoreCommonConfig core;
  AicConfig aic;
  AivConfig aiv;
  L2Config l2;
  HbmConfig hbm;
  DieLinkConfig die_link;
  SyncConfig sync;

  std::uint32_t aiv_per_die() const { return aic_per_die * aiv_per_aic; }
  std::uint32_t total_aic() const { return dies * aic_per_die; }
  // Peak cube FLOP per cycle of the whole chip for an input dtype (0 if unsupported):
  // total_aic * 16 * k0 * 16 MACs * 2.
  double peak_flops_per_cycle(DType input) const;
  std::uint64_t buffer_bytes(isa::CoreKind kind, isa::Buffer b) const;
  std::uint32_t die_of_address(std::uint64_t gm_address) const;
};

}  // namespace ascendsim::config
