#pragma once
// Closed-form cycles of the GEMM pipeline, built from the simulator's own timing formulas
// (models/units/timing.hpp, models/memory/memory_system.hpp) and the hardware config's numbers.
// kernels/ may not include models/, so the formulas are restated here; a unit test holds them
// equal to the models' functions.
//
//   mmad       cube.startup + ceil(m/16) ceil(n/16) ceil(k/k0)
//   L1 -> L0   mte1.setup + ceil(bytes / mte1 rate)
//   CopyIn     MTE2 loads a chunk of A then of B and sets a flag (GemmPipeline). A mover is
//              busy only while it issues a load (setup + bytes / min(mte2, port.l2_read)); the
//              HBM fetch, the die link and the latencies overlap its next load, and only the
//              set_flag waits for both to land:
//                issue_a = mte2.setup + ceil(a / min(mte2, port.l2_read))
//                issue_b = issue_a + mte2.setup + ceil(b / min(mte2, port.l2_read))
//                far_x   = when the HBM bytes x waits for are there, at port.hbm_read from
//                          x's ready time; B's own fetch queues behind A's on the port
//                end_x   = ceil(max(issue_x, far_x)) + l2.hit_latency
//                          (+ hbm.latency if x waits for HBM) (+ die_link.latency from another die)
//                CopyIn  = max(end_a, end_b)
//   GM write   fix.setup + ceil(max(bytes / min(fix, port.l2_write), F / port.hbm_read)) + ...
//              (a CopyOut is one transfer followed by a set_flag: it pays all of its latency)
// What a load waits for (LoadMiss): the L2 lines it fetches itself (whole lines, through its
// core's HBM read port), or those another core's load fetches at the same moment (in-flight
// merging: it waits until they land, as long as the fetcher, without using its own port);
// nothing when every line is in L2. For a C write, F is the lines the tile covers only in part
// (write-allocate fetches them).
//
// Which loads fetch (gemm_first_touches): loads are put in logical-time order (round: a core's
// n-th tile; step: the chunk's place in the tile's K loop; then core) and each L2 line of A and
// B is fetched by the first load that touches it; a load at the same logical time merges with
// it. The kernel rotates each tile's K loop so that the tiles of one row running in one round
// start evenly spaced (gemm_plan.hpp): each fetches about chunks / sharers of the shared A row
// panel, at its own 32 B/cycle, instead of all of them waiting on one core fetching the whole
// panel. If B does not stay in L2 between tile rows every B load fetches.
//
// Per output tile, each pipe's busy time is the sum of its instructions: cube (all mmads),
// mte2 (every chunk's CopyIn, hits and fetches as above), mte1 (every L0 step's two
// loads), fixpipe (the C tile), scalar_issue (instructions x issue_cycles). The pipes overlap
// through the ping-pong buffers, so a tile takes the largest of them; with one L0C accumulator
// FIX and M serialise, so the cube term is then cube + fixpipe + two flag latencies. A core takes
//     fill + sum over its tiles of max(terms) + drain,
// where fill is the work ahead of the bounding pipe's first instruction (e.g. the first chunk's
// load and first L0 step for a cube-bound core) and drain the work after its last (e.g. the
// last chunk's L0 steps and the last CopyOut for an MTE2-bound core; M may still be computing
// the chunk before, when that one computes longer than the last CopyIn took, as a chunk of L2
// hits can). An MTE2 term made mostly
// of fetch time is named `port_hbm_read` (the core's HBM read rate bounds it), else `mte2`
// (`mte2_port` when port.l2_read is below the MTE2 rate).
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
// Abstracted: queueing at a shared resource below its rate (bursts of simultaneous loads);
// cores drifting apart from the logical-time order (a tile that waits longer falls behind its
// round, and a later core may then take a first touch); a waiter is charged its fetcher's whole
// fetch time from its own ready time, though it may issue after the fetch started or the
// fetcher's fetch may queue behind the fetcher's own earlier one. With tiles of unequal size
// sharing a panel the model is up to ~17 % high (edge tiles: 300x500x700 bf16 on 128x256
// tiles -12 %, 300x1000x700 on 64x128 tiles over both dies of a 910C -13 to -17 %). Within
// 0.2 % on 4096^3 bf16 (cube-bound) and exact on 16x6144x8192 and the 512^3 bf16 and int8
// goldens (port_hbm_read-bound) on the 910B2.
#include <array>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "kernels/gemm/gemm_plan.hpp"

namespace ascendsim::kernels {

// The busy cycles of each pipe for one output tile computed by a core on die `die`.
struct GemmTileCost {
  double cube = 0, mte2 = 0, mte1 = 0, fixpipe = 0, scalar_issue = 0;
};
// The HBM traffic one chunk load (A or B) waits for. `fetch`: the bytes of the L2 lines it
// fetches itself, which pass its core's HBM read port; `wait`: the bytes of the longest fetch
// it waits for, its own or that of another core's load fetching lines it reads at the same
// moment (timed as if moved from its own start at its own HBM rate). Both 0 on an L2 hit.
struct LoadMiss {
  double fetch = 0, wait = 0;
};
using ChunkMisses = std::array<LoadMiss, 2>;  // [0] the A load, [1] the B load

// `misses`: per chunk, what its A and B loads wait for (gemm_first_touches); empty: every load
// hits L2.
GemmTileCost gemm_tile_cost(const GemmPlan& plan, const config::HardwareConfig& hw,
                            const OutputTile& tile, std::uint32_t die,
                            const std::vector<ChunkMisses>& misses = {});

ModelPrediction gemm_model(const GemmPlan& plan, const config::HardwareConfig& hw);

// What each chunk load waits for: misses[t][j][0] for tile t's load of chunk j of its A row
// panel, [1] of its B column panel. A load that first touches lines fetches them (whole
// lines); one that touches lines another load fetches at the same moment waits for that fetch
// (see gemm_model_memory.cpp). If B is not reused from L2 (`b_reused` false), every B load
// fetches its lines.
using GemmMisses = std::vector<std::vector<ChunkMisses>>;
GemmMisses gemm_first_touches(const GemmPlan& plan, const config::HardwareConfig& hw,
                              bool b_reused);

// Completion time of cores sharing one resource of `rate` bytes/cycle, core i moving bytes[i]
// no faster than caps[i] bytes/cycle: processor sharing with water-filling (above).
double shared_completion_cycles(std::vector<double> bytes, const std::vector<double>& caps,
                                double rate);

}  // namespace ascendsim::kernels
