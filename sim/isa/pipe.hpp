#pragma once
// Pipes, on-chip buffers and core kinds of a split (220x / 351x) DaVinci AI core.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ascendsim::isa {

// Numbering follows the hardware's pipe_t where it has one (HARDWARE.md §5); FIX is 10 there,
// here it is packed after MTE3 so pipes index small arrays.
enum class Pipe : std::uint8_t { S = 0, V = 1, M = 2, MTE1 = 3, MTE2 = 4, MTE3 = 5, FIX = 6, ALL = 7 };
inline constexpr int kPipeCount = 7;  // real pipes, ALL excluded
std::string_view pipe_name(Pipe p);   // "s", "v", "m", "mte1", "mte2", "mte3", "fix", "all"
std::optional<Pipe> parse_pipe(std::string_view name);

enum class Buffer : std::uint8_t { GM, L1, L0A, L0B, L0C, UB, BT, FB };
inline constexpr int kBufferCount = 8;
std::string_view buffer_name(Buffer b);  // "gm", "l1", "l0a", "l0b", "l0c", "ub", "bt", "fb"
std::optional<Buffer> parse_buffer(std::string_view name);

enum class CoreKind : std::uint8_t { AIC, AIV };
std::string_view core_kind_name(CoreKind k);  // "aic", "aiv"

// A core of the chip. AIV `index` i belongs to AIC i / aiv_per_aic on the same die.
struct CoreId {
  std::uint16_t die = 0;
  CoreKind kind = CoreKind::AIC;
  std::uint16_t index = 0;
  friend bool operator==(const CoreId& a, const CoreId& b) {
    return a.die == b.die && a.kind == b.kind && a.index == b.index;
  }
  friend bool operator<(const CoreId& a, const CoreId& b) {
    if (a.die != b.die) return a.die < b.die;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.index < b.index;
  }
};
// "die0.aic3": the dotted name used in YAML, stat paths and errors.
std::string core_name(const CoreId& c);
std::optional<CoreId> parse_core_name(std::string_view name);

}  // namespace ascendsim::isa
