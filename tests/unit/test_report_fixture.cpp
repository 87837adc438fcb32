// A small hand-made run shared by the test_report_*.cpp files: 1 die, 2 AICs with 2 AIVs
// each, 1 GHz, bf16 cube k0 = 16 (8192 flop/cycle per AIC), HBM 100 B/cycle, 1000 cycles.
// The expected figures are derived by hand in the tests that use it.
#include "sim/report/run_summary.hpp"

namespace report_test {

using namespace ascendsim;
using isa::CoreId;
using isa::CoreKind;
using isa::Pipe;
using numeric::DType;
using report::StallCause;

const config::HardwareConfig& test_hw() {
  static const config::HardwareConfig hw = [] {
    config::HardwareConfig h;
    h.name = "test_chip";
    h.clock_hz = 1e9;
    h.dies = 1;
    h.aic_per_die = 2;
    h.aiv_per_aic = 2;
    h.aic.cube.k0[DType::bf16] = 16;
    h.aiv.vector.dtypes = {DType::fp16, DType::fp32};
    h.hbm.bytes_per_cycle = 100;
    return h;
  }();
  return hw;
}

namespace {
report::CoreStats core(CoreKind kind, std::uint16_t index) {
  report::CoreStats c;
  c.core = CoreId{0, kind, index};
  c.end_cycle = 1000;
  return c;
}
report::PipeStats& pipe(report::CoreStats& c, Pipe p) { return c.pipes[int(p)]; }
}  // namespace

report::RunSummary test_run() {
  report::RunSummary run;
  run.kernel = "gemm";
  run.kernel_params = report::Json{{"m", 128}, {"n", 256}};
  run.hw = &test_hw();
  run.stats.cycles = 1000;

  // Cores deliberately out of order: writers must sort them.
  for (std::uint16_t i = 0; i < 4; ++i) run.stats.cores.push_back(core(CoreKind::AIV, i));
  for (std::uint16_t i = 0; i < 2; ++i) run.stats.cores.push_back(core(CoreKind::AIC, i));
  auto& aiv = run.stats.cores;
  auto& aic0 = run.stats.cores[4];
  auto& aic1 = run.stats.cores[5];

  for (auto* c : {&aic0, &aic1}) {
    pipe(*c, Pipe::M).instructions = 10;
    pipe(*c, Pipe::M).busy_cycles = 600;
    c->cube_flops[DType::bf16] = 4'096'000;  // 2 x 4.096e6 = 8.192e6 flop
  }
  pipe(aic1, Pipe::M).stall_cycles[int(StallCause::flag_mte1)] = 100;
  pipe(aic0, Pipe::MTE2).instructions = 5;
  pipe(aic0, Pipe::MTE2).busy_cycles = 400;
  pipe(aic0, Pipe::MTE2).bytes_read = 200'000;
  pipe(aic0, Pipe::MTE1).instructions = 4;
  pipe(aic0, Pipe::MTE1).busy_cycles = 100;
  pipe(aic0, Pipe::MTE1).stall_cycles[int(StallCause::flag_mte2)] = 50;
  pipe(aic0, Pipe::FIX).instructions = 2;
  pipe(aic0, Pipe::FIX).busy_cycles = 50;
  pipe(aic0, Pipe::FIX).bytes_written = 40'000;
  pipe(aic0, Pipe::S).instructions = 30;
  pipe(aic0, Pipe::S).stall_cycles[int(StallCause::queue_full)] = 20;

  const std::uint64_t vec_busy[4] = {500, 300, 200, 0};  // 1000 of 4 x 1000 -> 0.25
  for (int i = 0; i < 4; ++i) {
    pipe(aiv[i], Pipe::V).busy_cycles = vec_busy[i];
    pipe(aiv[i], Pipe::V).instructions = vec_busy[i] / 100;
  }
  pipe(aiv[0], Pipe::MTE2).instructions = 1;
  pipe(aiv[0], Pipe::MTE2).bytes_read = 10'000;
  pipe(aiv[0], Pipe::MTE3).instructions = 1;
  pipe(aiv[0], Pipe::MTE3).bytes_written = 5'000;
  aiv[0].vector_elements[DType::fp32] = 4096;
  aiv[0].vector_cycles[DType::fp32] = 400;  // of aiv0's 500 busy; aiv1's 300 are fp16 below
  aiv[0].vector_cycles[DType::fp16] = 100;
  aiv[1].vector_cycles[DType::fp16] = 300;
  aiv[0].vector_repeats = 64;
  pipe(aiv[1], Pipe::V).stall_cycles[int(StallCause::cross_core)] = 30;
  pipe(aiv[1], Pipe::V).numeric.overflow = 2;

  report::MemoryStats mem;
  mem.hbm_read_bytes = 30'000;  // 50 000 B of 1000 x 100 -> 0.5; 50 GB/s over 1 us
  mem.hbm_write_bytes = 20'000;
  mem.l2_read_hits = 30;  // 36 hits of 50 lines -> 0.72
  mem.l2_read_misses = 10;
  mem.l2_write_hits = 6;
  mem.l2_write_misses = 4;
  mem.l2_writebacks = 3;
  run.stats.dies.push_back(mem);

  run.stats.first_numeric_event = {true, CoreId{0, CoreKind::AIV, 1}, 7,
                                   123,  "underflow in vexp (fp16)",  ""};
  run.stats.first_overflow = {true, CoreId{0, CoreKind::AIV, 1}, 9,
                              130,  "overflow in vexp (fp16)",   "task 0, KV block 2"};
  run.stats.numeric_by_tensor["ws"].overflow = 2;
  run.stats.numeric_by_instruction["v.vexp"].overflow = 2;

  run.check = report::Json{{"performed", true}, {"passed", true}, {"max_abs_error", 0.001}};
  run.model.present = true;
  run.model.cycles = 800;        // sim 1000 -> +0.25
  run.model.hbm_bytes = 62'500;  // sim 50 000 -> -0.2
  run.model.bound = "compute";
  run.notes = {"synthetic"};

  run.timeline.enabled = true;
  const CoreId c0{0, CoreKind::AIC, 0}, v0{0, CoreKind::AIV, 0};
  run.timeline.spans = {{c0, Pipe::M, isa::Opcode::mmad, 3, 400, 1000, 0},
                        {c0, Pipe::MTE2, isa::Opcode::copy, 0, 0, 400, 200'000}};
  run.timeline.flows = {{c0, Pipe::FIX, 990, v0, Pipe::S, 995, true},
                        {c0, Pipe::MTE2, 400, c0, Pipe::M, 400, false}};
  run.timeline.hbm = {{0, 500, 50.0}, {0, 250, 25.0}};
  return run;
}

}  // namespace report_test
