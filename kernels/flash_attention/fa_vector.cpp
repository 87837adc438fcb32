// FlashAttention's Vector part on the MLA-decode pipeline (fa_vector.hpp).
#include "kernels/flash_attention/fa_vector.hpp"

namespace ascendsim::kernels {

void fa_init(MlaAiv& a) {
  for (std::uint8_t w = 0; w < 2; ++w) a.c.set_flag(Pipe::MTE3, Pipe::MTE2, w);
}

void fa_release(MlaAiv& a) {
  for (std::uint8_t w = 0; w < 2; ++w) a.c.wait_flag(Pipe::MTE3, Pipe::MTE2, w);
}

void fa_write_p(MlaAiv& a, const MlaTaskRef& t, std::uint32_t i, std::uint32_t b,
                const Tile& lden) {
  CoreBuilder& c = a.c;
  const std::uint32_t width = t.task->tokens_pad;
  const Tile sv = MlaAiv::shaped(a.s[b], DType::fp32, kSubRows, width);
  const std::uint32_t pb = a.acquire_p();
  const Tile pv = MlaAiv::shaped(a.p[pb], a.plan.params.dtype, kSubRows, width);
  c.vcast(pv, sv);
  a.release_s(b);
  a.store_p(pb, a.gm.ws_p.tile(a.ws_row(t) + i * kSubRows, 0, kSubRows, width), pv);
  if (t.task->last) c.vadds(MlaAiv::row(lden, i), MlaAiv::row(a.st.l, i), 0.0);  // L = l
}

void fa_rescale(MlaAiv& a, const MlaTaskRef& t) {
  CoreBuilder& c = a.c;
  c.cross_core_wait(mla_sync::c2v1);  // C2(k-1)'s adds have landed in O
  for (std::uint32_t i = 0; i < a.subtiles(); ++i) {
    const auto w = static_cast<std::uint8_t>(a.work_cursor++ % 2);
    const auto id = static_cast<std::uint8_t>(2 + w);
    const Tile o = MlaAiv::shaped(a.work[w], DType::fp32, kSubRows, kMlaDv);
    const Tile gm = a.gm.o_acc.tile(a.group_row(t) + i * kSubRows, 0, kSubRows, kMlaDv);
    c.wait_flag(Pipe::MTE3, Pipe::MTE2, w);
    c.copy_gm_to_ub(o, gm);
    c.handoff(Pipe::MTE2, Pipe::V, id);
    c.vrow_mul(o, o, MlaAiv::col(a.st.alpha, i));
    c.handoff(Pipe::V, Pipe::MTE3, id);
    c.copy_ub_to_gm(gm, o);
    c.set_flag(Pipe::MTE3, Pipe::MTE2, w);
  }
  c.cross_core_set(isa::SyncMode::aic_aiv, mla_sync::v1r_c2, Pipe::MTE3);
}

}  // namespace ascendsim::kernels
