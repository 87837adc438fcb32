// Tile arithmetic (sub-tiles, reinterpretation, GM tiles) and the LocalBuffer bump allocator.
// Every index is checked against its parent so a bad index fails where it was computed.
#include <stdexcept>

#include "kernels/common/program_builder.hpp"
#include "sim/config/config_node.hpp"
#include "sim/isa/sim_error.hpp"

namespace ascendsim::kernels {
namespace {

std::string shape(std::uint64_t rows, std::uint64_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

// Byte offset of element `elements` from a byte-aligned start; packed types need it even.
std::uint64_t element_offset(DType t, std::uint64_t elements, const char* what) {
  if (numeric::is_packed(t) && elements % 2 != 0)
    throw isa::SimulationError(std::string(what) + ": element " + std::to_string(elements) +
                               " of a packed " + std::string(numeric::dtype_name(t)) +
                               " tile does not start a byte");
  return elements * std::uint64_t(numeric::dtype_bits(t)) / 8;
}

}  // namespace

// ---- tiles -----------------------------------------------------------------------------------

Tile l2_line_pieces(std::uint64_t address, std::uint64_t bytes, std::uint32_t line_bytes) {
  Tile lines;
  lines.buffer = Buffer::GM;
  lines.dtype = DType::bf16;
  lines.offset = address;
  lines.rows = static_cast<std::uint32_t>((bytes + line_bytes - 1) / line_bytes);
  lines.cols = 16;
  lines.row_stride = line_bytes / 2;
  return lines;
}

Tile Tile::sub(std::uint32_t row0, std::uint32_t col0, std::uint32_t r, std::uint32_t c) const {
  if (std::uint64_t(row0) + r > rows || std::uint64_t(col0) + c > cols)
    throw isa::SimulationError("Tile::sub: rows [" + std::to_string(row0) + ", " +
                               std::to_string(row0 + r) + ") cols [" + std::to_string(col0) + ", " +
                               std::to_string(col0 + c) + ") exceed a " + shape(rows, cols) +
                               " tile");
  Tile t = *this;
  t.offset += element_offset(dtype, std::uint64_t(row0) * stride() + col0, "Tile::sub");
  t.rows = r;
  t.cols = c;
  t.row_stride = (c == stride()) ? row_stride : stride();
  return t;
}

Tile Tile::as(DType t) const {
  const std::uint64_t from = numeric::dtype_bits(dtype), to = numeric::dtype_bits(t);
  if ((std::uint64_t(cols) * from) % to != 0 || (std::uint64_t(row_stride) * from) % to != 0)
    throw isa::SimulationError("Tile::as: " + std::to_string(cols) + " cols of " +
                               std::string(numeric::dtype_name(dtype)) + " are not whole " +
                               std::string(numeric::dtype_name(t)) + " elements");
  Tile v = *this;
  v.dtype = t;
  v.cols = static_cast<std::uint32_t>(cols * from / to);
  v.row_stride = static_cast<std::uint32_t>(row_stride * from / to);
  return v;
}

Tile Tile::dense(DType t, std::uint32_t r, std::uint32_t c) const {
  Tile v = *this;
  v.dtype = t;
  v.rows = r;
  v.cols = c;
  v.row_stride = 0;
  return v;
}

Tile GmTensor::tile(std::uint64_t row0, std::uint64_t col0, std::uint32_t r,
                    std::uint32_t c) const {
  if (row0 + r > rows || col0 + c > cols)
    throw isa::SimulationError("GmTensor::tile: rows [" + std::to_string(row0) + ", " +
                               std::to_string(row0 + r) + ") cols [" + std::to_string(col0) + ", " +
                               std::to_string(col0 + c) + ") exceed tensor '" + name + "' (" +
                               shape(rows, cols) + ")");
  if (cols > UINT32_MAX)
    throw isa::SimulationError("GmTensor::tile: tensor '" + name + "' rows are too long");
  TileView v;
  v.buffer = Buffer::GM;
  v.dtype = dtype;
  v.offset = address + element_offset(dtype, row0 * cols + col0, "GmTensor::tile");
  v.rows = r;
  v.cols = c;
  v.row_stride = (c == cols) ? 0 : static_cast<std::uint32_t>(cols);
  return v;
}

Tile GmTensor::all() const {
  if (rows > UINT32_MAX || cols > UINT32_MAX)
    throw isa::SimulationError("GmTensor::all: tensor '" + name + "' is too large for one tile");
  return tile(0, 0, static_cast<std::uint32_t>(rows), static_cast<std::uint32_t>(cols));
}

LocalBuffer::LocalBuffer(Buffer buffer, std::uint64_t capacity, std::uint32_t alignment)
    : buffer_(buffer), capacity_(capacity), alignment_(alignment ? alignment : 1) {}

Tile LocalBuffer::alloc(const std::string& what, DType t, std::uint32_t rows, std::uint32_t cols) {
  const std::uint64_t bytes = numeric::dtype_bytes(t, std::uint64_t(rows) * cols);
  const std::uint64_t start = (next_ + alignment_ - 1) / alignment_ * alignment_;
  const std::uint64_t left = start < capacity_ ? capacity_ - start : 0;
  if (bytes > left)
    throw config::ConfigError(what + ": needs " + std::to_string(bytes) + " bytes of " +
                              std::string(isa::buffer_name(buffer_)) + ", only " +
                              std::to_string(left) + " of " + std::to_string(capacity_) + " left");
  next_ = start + bytes;
  TileView v;
  v.buffer = buffer_;
  v.dtype = t;
  v.offset = start;
  v.rows = rows;
  v.cols = cols;
  return v;
}

}  // namespace ascendsim::kernels
