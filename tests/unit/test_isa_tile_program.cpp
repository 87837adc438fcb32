// TileView extents, TensorDecl sizes and Program look-ups.
#include <catch2/catch.hpp>

#include "sim/isa/program.hpp"

using namespace ascendsim;
using isa::Buffer;
using isa::TileView;
using numeric::DType;

namespace {
TileView view(DType t, std::uint32_t rows, std::uint32_t cols, std::uint32_t stride = 0) {
  TileView v;
  v.buffer = Buffer::UB;
  v.dtype = t;
  v.rows = rows;
  v.cols = cols;
  v.row_stride = stride;
  return v;
}
}  // namespace

TEST_CASE("a dense 64x128 bf16 view holds and spans 16 KiB") {
  const TileView v = view(DType::bf16, 64, 128);
  CHECK(v.stride() == 128);
  CHECK(v.bytes() == 64 * 128 * 2);
  CHECK(v.span_bytes() == 64 * 128 * 2);
}

TEST_CASE("a strided view spans whole strides except for its last row") {
  // 4 rows of 16 fp32 inside rows of 64: three full strides plus one 16-element row.
  const TileView v = view(DType::fp32, 4, 16, 64);
  CHECK(v.bytes() == 4 * 16 * 4);
  CHECK(v.span_bytes() == (3 * 64 + 16) * 4);
}

TEST_CASE("packed int4 views count two elements per byte") {
  const TileView v = view(DType::int4, 16, 64);
  CHECK(v.bytes() == 16 * 64 / 2);
  CHECK(view(DType::int4, 2, 6, 10).span_bytes() == (10 + 6) / 2);
}

TEST_CASE("an empty view has no bytes and is not valid") {
  const TileView v = view(DType::fp16, 0, 16);
  CHECK_FALSE(v.valid());
  CHECK(v.span_bytes() == 0);
  CHECK(v.bytes() == 0);
}

TEST_CASE("a tensor's size is the product of its shape in its dtype") {
  isa::TensorDecl t;
  t.dtype = DType::bf16;
  t.shape = {2, 64, 128};
  CHECK(t.elements() == 2 * 64 * 128);
  CHECK(t.bytes() == 2 * 64 * 128 * 2);
  t.dtype = DType::fp4_e2m1;
  t.shape = {3, 5};  // 15 nibbles round up to 8 bytes
  CHECK(t.bytes() == 8);
  t.shape.clear();
  CHECK(t.elements() == 0);
}

TEST_CASE("a program finds tensors by name and counts instructions over all cores") {
  isa::Program p;
  p.tensors.resize(2);
  p.tensors[0].name = "a";
  p.tensors[1].name = "b";
  p.cores.resize(2);
  p.cores[0].instructions.resize(3);
  p.cores[1].instructions.resize(4);
  REQUIRE(p.find_tensor("b") != nullptr);
  CHECK(p.find_tensor("b") == &p.tensors[1]);
  CHECK(p.find_tensor("c") == nullptr);
  CHECK(p.instruction_count() == 7);
}
