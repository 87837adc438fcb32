// AMLA's Vector part: the power-of-two scaling of P and the int32 nUpdate (amla_vector.hpp).
#include "kernels/amla/amla_vector.hpp"

#include <cmath>

namespace ascendsim::kernels {
namespace {

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kExponentUnit = 8388608.0;  // 2^23: one step of an fp32 exponent as an int
constexpr double kMinShift = -30.0;          // clamp of dN (AMLA.md §4.2)
constexpr double kCompensationSlope = 1.5;   // the mid-mantissa 1 + f of §4.2
constexpr double kCompensationBias = 1e-6;
constexpr std::uint32_t kBroadcastRows = 64, kBroadcastCols = 128;  // 64 x 128 int32 = 32 KiB

}  // namespace

void amla_init(MlaAiv& a) {
  for (std::uint8_t w = 0; w < 2; ++w) a.c.set_flag(Pipe::MTE3, Pipe::V, 2 + w);
}

void amla_release(MlaAiv& a) {
  for (std::uint8_t w = 0; w < 2; ++w) a.c.wait_flag(Pipe::MTE3, Pipe::V, 2 + w);
}

void amla_write_p(MlaAiv& a, const MlaTaskRef& t, std::uint32_t i, std::uint32_t b,
                  const Tile& lden) {
  CoreBuilder& c = a.c;
  MlaStats& st = a.st;
  auto at = [i](const Tile& stat) { return MlaAiv::row(stat, i); };  // rows 16i..16i+15
  const std::uint32_t width = t.task->tokens_pad;
  const Tile sv = MlaAiv::shaped(a.s[b], DType::fp32, kSubRows, width);

  c.vmuls(at(st.t0), at(st.m), -1.0 / kLn2);  // n = round(-m / ln 2)
  c.vcast(at(st.nint), at(st.t0), numeric::Rounding::nearest_away);
  c.vcast(at(st.n), at(st.nint));
  c.vmuls(at(st.t1), at(st.m), 1.0 / kLn2);  // r = exp((m / ln 2 + n) ln 2)
  c.vadd(at(st.t1), at(st.t1), at(st.n));
  c.vmuls(at(st.t1), at(st.t1), kLn2);
  c.vexp(at(st.r), at(st.t1));
  c.vcast(at(st.rb), at(st.r));  // r^ = fp32(cast(r))
  c.vcast(at(st.rhat), at(st.rb));

  c.vrow_mul(sv, sv, MlaAiv::col(st.rhat, i));  // P = cast(P~ r^)
  const std::uint32_t pb = a.acquire_p();
  const Tile pv = MlaAiv::shaped(a.p[pb], a.plan.params.dtype, kSubRows, width);
  c.vcast(pv, sv);
  a.release_s(b);
  a.store_p(pb, a.gm.ws_p.tile(a.ws_row(t) + i * kSubRows, 0, kSubRows, width), pv);

  c.vdiv(at(st.cof), at(st.r), at(st.rhat));
  if (!t.task->first) {  // N = round((max(n - n_prev, -30) + eps) 2^23)
    c.vsub(at(st.t0), at(st.n), at(st.n_prev));
    c.vmaxs(at(st.t0), at(st.t0), kMinShift);
    if (a.plan.params.compensation) {
      c.vdiv(at(st.t1), at(st.cof_prev), at(st.cof));
      c.vadds(at(st.t1), at(st.t1), -1.0);
      c.vmuls(at(st.t1), at(st.t1), kCompensationSlope);
      c.vadds(at(st.t1), at(st.t1), kCompensationBias);
      c.vadd(at(st.t0), at(st.t0), at(st.t1));
    }
    c.vmuls(at(st.t0), at(st.t0), kExponentUnit);
    c.vcast(at(st.nint), at(st.t0), numeric::Rounding::nearest_even);
  }
  c.vadds(at(st.n_prev), at(st.n), 0.0);
  c.vadds(at(st.cof_prev), at(st.cof), 0.0);
  if (t.task->last) c.vmul(at(lden), at(st.l), at(st.rhat));  // L = l r^
}

void amla_n_update(MlaAiv& a, const MlaTaskRef& t) {
  CoreBuilder& c = a.c;
  c.cross_core_wait(mla_sync::c2v1);  // C2(k-1)'s fp32 adds have landed in O
  for (std::uint32_t r0 = 0; r0 < a.rows; r0 += kBroadcastRows) {
    const std::uint32_t rows = std::min(kBroadcastRows, a.rows - r0);
    const auto w = static_cast<std::uint8_t>(a.work_cursor++ % 2);
    const Tile bc = MlaAiv::shaped(a.work[w], DType::int32, rows, kBroadcastCols);
    const Tile n = MlaAiv::shaped(a.st.nint.sub(0, r0, 1, rows), DType::int32, rows, 1);
    c.wait_flag(Pipe::MTE3, Pipe::V, 2 + w);
    c.vdup(bc, 0.0);
    c.vrow_add(bc, bc, n);
    c.handoff(Pipe::V, Pipe::MTE3, 2 + w);
    c.set_atomic_add();
    for (std::uint32_t q = 0; q < kMlaDv / kBroadcastCols; ++q)
      c.copy_ub_to_gm(a.gm.o_acc.tile(a.group_row(t) + r0, q * kBroadcastCols, rows, kBroadcastCols)
                          .as(DType::int32),
                      bc);
    c.set_atomic_none();
    c.set_flag(Pipe::MTE3, Pipe::V, 2 + w);
  }
  c.cross_core_set(isa::SyncMode::aic_aiv, mla_sync::v1r_c2, Pipe::MTE3);
}

}  // namespace ascendsim::kernels
