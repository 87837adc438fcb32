// The AIV side shared by the MLA-decode variants: UB layout, the online softmax of V1, the
// final division V2, and the AIV's loop in the variant's order (see mla_aiv.hpp).
#include <cmath>

#include "kernels/amla/amla_vector.hpp"
#include "kernels/flash_attention/fa_vector.hpp"
#include "kernels/mla_decode/mla_aiv.hpp"

namespace ascendsim::kernels {
namespace {

// A masked (scaled) score: exp(kMasked - m) is exactly 0 in fp32 for any m of the block (|m|
// is far below 1e30: scores are dot products of finite bf16/fp16 vectors times the scale).
constexpr double kMasked = -1e30;
// V2's sub-tile: 8 rows x 512 fp32 of O plus as much scratch fits one 32 KiB S buffer.
constexpr std::uint32_t kFinalRows = 8;
// The prefetch reads 32 bytes (16 bf16) of each 512-byte line of a 128-token page; a page of
// 576-column 16-bit rows is 128 x 1152 B = 288 whole lines.
constexpr std::uint32_t kPieceElems = 16, kLinesPerPage = kMlaPageTokens * kMlaDk * 2 / 512;

}  // namespace

MlaAiv::MlaAiv(CoreBuilder& core, const MlaPlan& pl, const MlaDieTensors& g, std::uint32_t h)
    : c(core), plan(pl), gm(g), half(h), rows(pl.half) {
  LocalBuffer ub = core.buffer(isa::Buffer::UB);
  const DType dt = pl.params.dtype;
  for (auto& t : s)
    t = ub.alloc("mla AIV: UB S sub-tile (16 x 512 fp32)", DType::fp32, kSubRows, 512);
  for (auto& t : p) t = ub.alloc("mla AIV: UB P sub-tile (16 x 512)", dt, kSubRows, 512);
  for (auto& t : work) t = ub.alloc("mla AIV: UB work tile (32 KiB)", DType::fp32, kSubRows, 512);
  touch = ub.alloc("mla AIV: UB prefetch scratch", DType::bf16, kLinesPerPage, kPieceElems);
  auto stat = [&](DType t) { return ub.alloc("mla AIV: UB row statistics", t, 1, rows); };
  for (Tile* t : {&st.m, &st.l, &st.alpha, &st.mx, &st.rs, &st.n, &st.n_prev, &st.r, &st.rhat,
                  &st.cof, &st.cof_prev, &st.t0, &st.t1, &st.lden[0], &st.lden[1]})
    *t = stat(DType::fp32);
  st.nint = stat(DType::int32);
  st.rb = stat(dt);
}

Tile MlaAiv::col(const Tile& stat, std::uint32_t i) {
  return shaped(row(stat, i), stat.dtype, kSubRows, 1);
}
Tile MlaAiv::row(const Tile& stat, std::uint32_t i) {
  return stat.sub(0, i * kSubRows, 1, kSubRows);
}

Tile MlaAiv::shaped(const Tile& raw, DType t, std::uint32_t r, std::uint32_t cols) {
  return raw.dense(t, r, cols);
}

std::uint64_t MlaAiv::group_row(const MlaTaskRef& t) const {
  return t.group->row0 + std::uint64_t(half) * rows;
}
std::uint64_t MlaAiv::ws_row(const MlaTaskRef& t) const {
  return t.ws_row0 + std::uint64_t(half) * rows;
}

std::uint32_t MlaAiv::softmax(const MlaTaskRef& t, std::uint32_t i) {
  const std::uint32_t b = static_cast<std::uint32_t>(s_cursor++ % 2);
  const std::uint32_t tokens = t.task->tokens, width = t.task->tokens_pad;
  const Tile sv = shaped(s[b], DType::fp32, kSubRows, width);
  c.wait_flag(Pipe::V, Pipe::MTE2, b);
  c.copy_gm_to_ub(sv, gm.ws_s.tile(ws_row(t) + i * kSubRows, 0, kSubRows, width));
  c.handoff(Pipe::MTE2, Pipe::V, b);
  c.vmuls(sv, sv, plan.params.scale);
  // After the scaling, so any positive scale leaves the padding at kMasked.
  if (tokens < width) c.vdup(sv.sub(0, tokens, kSubRows, width - tokens), kMasked);
  c.vrowmax(col(st.mx, i), sv);
  if (t.task->first) {
    c.vadds(row(st.m, i), row(st.mx, i), 0.0);
  } else {  // m_new = max(m, rowmax); alpha = exp(m - m_new)
    c.vmax(row(st.t0, i), row(st.m, i), row(st.mx, i));
    c.vsub(row(st.alpha, i), row(st.m, i), row(st.t0, i));
    c.vexp(row(st.alpha, i), row(st.alpha, i));
    c.vadds(row(st.m, i), row(st.t0, i), 0.0);
  }
  c.vrow_sub(sv, sv, col(st.m, i));
  c.vexp(sv, sv);
  c.vrowsum(col(st.rs, i), sv);
  if (t.task->first) {
    c.vadds(row(st.l, i), row(st.rs, i), 0.0);
  } else {  // l = l * alpha + rowsum
    c.vmul(row(st.l, i), row(st.l, i), row(st.alpha, i));
    c.vadd(row(st.l, i), row(st.l, i), row(st.rs, i));
  }
  return b;
}

void MlaAiv::release_s(std::uint32_t b) {
  c.set_flag(Pipe::V, Pipe::MTE2, static_cast<std::uint8_t>(b));
}

std::uint32_t MlaAiv::acquire_p() {
  const std::uint32_t b = static_cast<std::uint32_t>(p_cursor++ % 2);
  c.wait_flag(Pipe::MTE3, Pipe::V, static_cast<std::uint8_t>(b));
  return b;
}

void MlaAiv::store_p(std::uint32_t b, const Tile& dst_gm, const Tile& src) {
  const auto id = static_cast<std::uint8_t>(b);
  c.handoff(Pipe::V, Pipe::MTE3, id);
  c.copy_ub_to_gm(dst_gm, src);
  c.set_flag(Pipe::MTE3, Pipe::V, id);
}

namespace {

// The L2 lines of a 910's GM (HARDWARE.md §2): the prefetch reads 32 bytes of each.
Tile line_pieces(std::uint64_t address, std::uint64_t bytes) {
  return l2_line_pieces(address, bytes, 512);
}

}  // namespace

void MlaAiv::prefetch(const MlaTaskRef& t) {
  const std::uint64_t row_bytes = numeric::dtype_bytes(plan.params.dtype, kMlaDk);
  const std::uint64_t block0 = std::uint64_t(t.task->block) * plan.params.kv_block;
  const std::uint32_t pages = (t.task->tokens_pad + kMlaPageTokens - 1) / kMlaPageTokens;
  for (std::uint32_t pg = half; pg < pages; pg += 2)
    c.copy_gm_to_ub(
        touch, line_pieces(
                   gm.kv.address + plan.kv_row(t.request, block0 + pg * kMlaPageTokens) * row_bytes,
                   kMlaPageTokens * row_bytes));
  if (t.task->first) {  // a new row group: its Q rows (this AIV's half) are not in L2 yet
    const Tile q = line_pieces(gm.q.address + group_row(t) * row_bytes, rows * row_bytes);
    c.copy_gm_to_ub(touch.sub(0, 0, q.rows, kPieceElems), q);
  }
}

namespace {

// V2: out = O / L for this AIV's rows of `t`'s row group. With `sanitize` (AMLA) elements with
// |O| > 1e10 or NaN are zeroed first: they are exact zeros the int32 rescale turned into
// garbage bit patterns (AMLA.md §4). NaN fails the equality test of min(|O|, 1e10) == |O|.
// This is right only when the element's true output is 0: an O element that is exactly 0
// after some block but gets contributions from later blocks is garbage by then and is zeroed,
// a wrong result (fa_* handle it; docs/amla.md lists it as AMLA's limit).
void finalize(MlaAiv& a, const MlaTaskRef& t, const Tile& lden, bool sanitize) {
  CoreBuilder& c = a.c;
  c.cross_core_wait(mla_sync::c2v2);
  for (std::uint32_t j = 0; j * kFinalRows < a.rows; ++j) {
    const std::uint32_t b = static_cast<std::uint32_t>(a.s_cursor++ % 2);
    const Tile both = MlaAiv::shaped(a.s[b], DType::fp32, 2 * kFinalRows, kMlaDv);
    const Tile o = both.sub(0, 0, kFinalRows, kMlaDv),
               scratch = both.sub(kFinalRows, 0, kFinalRows, kMlaDv);
    const std::uint64_t row0 = a.group_row(t) + j * kFinalRows;
    c.wait_flag(Pipe::V, Pipe::MTE2, static_cast<std::uint8_t>(b));
    c.copy_gm_to_ub(o, a.gm.o_acc.tile(row0, 0, kFinalRows, kMlaDv));
    c.handoff(Pipe::MTE2, Pipe::V, static_cast<std::uint8_t>(b));
    const std::uint32_t pb = a.acquire_p();
    if (sanitize) {
      const Tile u = MlaAiv::shaped(a.p[pb], DType::fp32, kFinalRows, kMlaDv);
      c.vabs(scratch, o);
      c.vmins(u, scratch, 1e10);
      c.vcmp(u, u, scratch, isa::CmpMode::eq);
      c.vsel(o, u, o, u);  // the mask is 0 exactly where O is replaced: it is the zero source
    }
    const Tile l8 =
        MlaAiv::shaped(lden.sub(0, j * kFinalRows, 1, kFinalRows), DType::fp32, kFinalRows, 1);
    c.vrow_div(o, o, l8);
    const Tile ov = MlaAiv::shaped(a.p[pb], a.plan.params.out_dtype, kFinalRows, kMlaDv);
    c.vcast(ov, o);
    a.release_s(b);
    a.store_p(pb, a.gm.out.tile(row0, 0, kFinalRows, kMlaDv), ov);
  }
}

}  // namespace

namespace {

// What the variants do differently on the AIV (kernels/amla, kernels/flash_attention).
struct VectorVariant {
  void (*init)(MlaAiv&);
  void (*release)(MlaAiv&);
  void (*write_p)(MlaAiv&, const MlaTaskRef&, std::uint32_t, std::uint32_t, const Tile&);
  void (*rescale)(MlaAiv&, const MlaTaskRef&);
};
constexpr VectorVariant kAmla{amla_init, amla_release, amla_write_p, amla_n_update};
constexpr VectorVariant kFlashAttention{fa_init, fa_release, fa_write_p, fa_rescale};

}  // namespace

void emit_aiv(CoreBuilder& core, const MlaPlan& plan, const MlaDieTensors& gm,
              const std::vector<MlaTaskRef>& tasks, std::uint32_t half) {
  if (tasks.empty()) return;
  MlaAiv a(core, plan, gm, half);
  const bool amla = plan.params.variant == MlaVariant::amla;
  const VectorVariant& variant = amla ? kAmla : kFlashAttention;
  for (std::uint8_t b = 0; b < 2; ++b) core.set_flag(Pipe::V, Pipe::MTE2, b);
  for (std::uint8_t b = 0; b < 2; ++b) core.set_flag(Pipe::MTE3, Pipe::V, b);
  variant.init(a);

  // The final denominators alternate between two slots, one per row group in turn.
  std::vector<std::uint32_t> slot(tasks.size());
  std::uint32_t groups = 0;
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    if (tasks[k].task->first) ++groups;
    slot[k] = (groups + 1) % 2;
  }
  auto v1 = [&](std::size_t k) {
    const MlaTaskRef& t = tasks[k];
    core.cross_core_wait(mla_sync::c1v1);
    for (std::uint32_t i = 0; i < a.subtiles(); ++i)
      variant.write_p(a, t, i, a.softmax(t, i), a.st.lden[slot[k]]);
    core.cross_core_set(isa::SyncMode::aic_aiv, mla_sync::v1c2, Pipe::MTE3);
    if (!t.task->first) variant.rescale(a, t);
  };
  auto v2 = [&](std::size_t k) {
    finalize(a, tasks[k], a.st.lden[slot[k]], amla && plan.params.sanitize);
  };
  const bool preload = mla_preload(plan.params.variant), prefetch = plan.params.kv_prefetch;
  for (std::size_t k = 0; prefetch && k < std::min<std::size_t>(2, tasks.size()); ++k)
    a.prefetch(tasks[k]);
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    v1(k);
    if (!preload && tasks[k].task->last) v2(k);
    if (preload && k > 0 && tasks[k - 1].task->last) v2(k - 1);
    if (prefetch && k + 2 < tasks.size()) a.prefetch(tasks[k + 2]);
  }
  if (preload && tasks.back().task->last) v2(tasks.size() - 1);

  for (std::uint8_t b = 0; b < 2; ++b) core.wait_flag(Pipe::V, Pipe::MTE2, b);
  for (std::uint8_t b = 0; b < 2; ++b) core.wait_flag(Pipe::MTE3, Pipe::V, b);
  variant.release(a);
}

}  // namespace ascendsim::kernels
