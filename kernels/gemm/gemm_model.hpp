#pragma once
// Closed-form cycles of the GEMM pipeline, built from the simulator's own timing formulas
// (models/units/timing.hpp, models/memory/memory_system.hpp) and the hardware config's numbers.
// kernels/ may not include models/, so the formulas are restated here; a unit test holds them
// equal to the models' functions.
//
//   mmad       cube.startup + ceil(m/16) ceil(n/16) ceil(k/k0)
//   L1 -> L0   mte1.setup + ceil(bytes / mte1 rate)
//   GM read    mte2.setup + ceil(bytes / min(mte2 rate, port read rate)) + l2.hit_latency
//              (+ hbm.latency when a line misses, + die_link.latency from another die)
//   GM write   fix.setup + ceil(bytes / min(fix rate, port write rate)) + l2.hit_latency (...)
//
// Per output tile, each pipe's busy time is the sum of its instructions: cube (all mmads),
// mte2 (every chunk's A and B load), mte1 (every L0 step's two loads), fixpipe (the C tile),
// scalar_issue (instructions x issue_cycles). The pipes overlap through the ping-pong buffers,
// so a tile takes the largest of them; with one L0C accumulator FIX and M serialise, so the
// cube term is then cube + fixpipe + two flag latencies. A core takes
//     fill + sum over its tiles of max(terms) + first-touch HBM latency + drain,
// where fill is the work ahead of the bounding pipe's first instruction (e.g. the first chunk's
// load and first L0 step for a cube-bound core) and drain the work after its last (e.g. the
// last chunk's L0 steps and the last CopyOut for an MTE2-bound core). First-touch latency:
// every chunk of an A row panel misses L2 once, and every chunk of a B column panel too when
// B stays in L2 between tile rows (else every B load misses), hbm.latency each, shared evenly
// by the cores that read the panel.
//
// Shared bandwidth (die 0 holds the tensors): its L2 read and write rates, its HBM (A once, B
// once or once per tile row, plus the C lines evicted during the run) and the link from
// every other die. Each core asks for its bytes no faster than its own pace alone (bytes / its
// time); the resource is split evenly among the cores still moving data, a core held below
// its share by its own pace leaving the rest to the others (processor sharing, water-filling).
// The resource's completion time equals the slowest core's time when the resource keeps up,
// and exceeds it when it does not: that catches the tail of an uneven split too (die 1 of a
// 910C: while 24 cores share the link each is link-bound; the 8 with one tile more finish at
// their own port rate). The prediction is the largest of the busiest core's time and the
// resources' completion times; `bound` names it.
//
// Abstracted: queueing at a shared resource below its rate (bursts of simultaneous loads), and
// which core happens to take each first-touch miss (the simulator's L2 charges a line's miss to
// its first requester only; a later request for the line hits at once, even while in flight).
// First touches are counted per chunk load, which is exact when a load's rows are whole L2
// lines (the default tiles: 256 bf16 = 512 B). With narrower rows neighbouring loads share
// lines and the term overestimates (a 32x32 fp16 tile with 32-deep chunks: +17 %).
#include <vector>

#include "kernels/common/kernel.hpp"
#include "kernels/gemm/gemm_plan.hpp"

namespace ascendsim::kernels {

// The busy cycles of each pipe for one output tile computed by a core on die `die`.
struct GemmTileCost {
  double cube = 0, mte2 = 0, mte1 = 0, fixpipe = 0, scalar_issue = 0;
};
GemmTileCost gemm_tile_cost(const GemmPlan& plan, const config::HardwareConfig& hw,
                            const OutputTile& tile, std::uint32_t die);

ModelPrediction gemm_model(const GemmPlan& plan, const config::HardwareConfig& hw);

// Expected chunk loads of each core (index into plan.cores) that miss L2. Each chunk of an A
// row panel misses once, and so does each chunk of a B column panel if B is reused from L2
// (`b_reused`, else every B load misses); each of the s cores that read a panel is charged
// 1/s of its misses.
std::vector<double> gemm_first_touch_loads(const GemmPlan& plan, bool b_reused);

// Completion time of cores sharing one resource of `rate` bytes/cycle, core i moving bytes[i]
// no faster than caps[i] bytes/cycle: processor sharing with water-filling (above).
double shared_completion_cycles(std::vector<double> bytes, const std::vector<double>& caps,
                                double rate);

}  // namespace ascendsim::kernels
