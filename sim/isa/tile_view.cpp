// Byte extents of a tile view. Packed 4-bit views start on a byte (validation requires even
// cols and stride), so every count below is a whole number of elements from a byte boundary.
#include "sim/isa/instruction.hpp"

namespace ascendsim::isa {

std::uint64_t TileView::bytes() const { return numeric::dtype_bytes(dtype, elements()); }

std::uint64_t TileView::span_bytes() const {
  if (!valid()) return 0;
  // Element index one past the last touched: (rows - 1) full strides plus the last row.
  const std::uint64_t end = std::uint64_t(rows - 1) * stride() + cols;
  return numeric::dtype_bytes(dtype, end);
}

}  // namespace ascendsim::isa
