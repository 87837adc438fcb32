// .npy reading and writing, and the tensor dtype convention of sim/trace/npy.hpp.
#include <catch2/catch.hpp>
#include <cstring>

#include "sim/config/config_node.hpp"
#include "sim/trace/npy.hpp"
#include "tests/unit/test_trace_util.hpp"

using namespace ascendsim;
using namespace ascendsim::trace;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using numeric::DType;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// What NumPy writes for np.zeros((2, 3), '<f4'): a 1.0 header padded so data starts at 128.
std::vector<std::uint8_t> numpy_style_file() {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += char(header.size() & 0xFF);
  file += char(header.size() >> 8);
  file += header;
  file += std::string(24, '\0');
  return bytes_of(file);
}

}  // namespace

TEST_CASE("a numpy-written 1.0 file parses into descr, shape and data") {
  const NpyArray a = parse_npy(numpy_style_file(), "z.npy");
  CHECK(a.descr == "<f4");
  CHECK(a.shape == std::vector<std::uint64_t>{2, 3});
  CHECK(a.data.size() == 24);
}

TEST_CASE("written npy files have a 64-byte aligned header and parse back unchanged") {
  NpyArray a;
  a.descr = "<i2";
  a.shape = {5};
  for (int i = 0; i < 10; ++i) a.data.push_back(std::uint8_t(i * 17));
  const std::vector<std::uint8_t> file = serialize_npy(a);
  const std::size_t header_len = file[8] | file[9] << 8;
  CHECK((10 + header_len) % 64 == 0);
  CHECK(file[10 + header_len - 1] == '\n');
  const NpyArray back = parse_npy(file, "mem");
  CHECK(back.descr == a.descr);
  CHECK(back.shape == a.shape);  // a 1-tuple is written "(5,)"
  CHECK(back.data == a.data);
  CHECK(serialize_npy(back) == file);
}

TEST_CASE("version 2.0 headers with a 4-byte length parse") {
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
  header.append(128 - 12 - header.size() - 1, ' ');  // data starts at 128
  header += '\n';
  std::string file = std::string("\x93NUMPY\x02\x00", 8);
  for (int i = 0; i < 4; ++i) file += char((header.size() >> (8 * i)) & 0xFF);
  file += header + "abc";
  const NpyArray a = parse_npy(bytes_of(file), "v2.npy");
  CHECK(a.shape == std::vector<std::uint64_t>{3});
  CHECK(a.data == std::vector<std::uint8_t>{'a', 'b', 'c'});
}

TEST_CASE("npy files round-trip through disk") {
  ascendsim::testing::TempDir dir;
  const std::vector<std::uint8_t> raw{0x00, 0x3C, 0x00, 0xC0};  // fp16 1.0, -2.0
  const NpyArray a = tensor_to_npy(DType::fp16, {2}, raw);
  write_npy(dir.file("h.npy"), a);
  const NpyArray back = read_npy(dir.file("h.npy"));
  CHECK(back.descr == "<f2");
  CHECK(tensor_from_npy(back, DType::fp16, {2}, "h.npy") == raw);
}

TEST_CASE("bf16 is stored as raw uint16 bits and packed types as flat bytes") {
  CHECK(npy_descr(DType::bf16) == "<u2");
  CHECK(npy_descr(DType::int8) == "|i1");
  CHECK(npy_descr(DType::fp8_e4m3) == "|u1");
  CHECK(npy_shape(DType::fp8_e4m3, {4, 8}) == std::vector<std::uint64_t>{4, 8});
  // 3x5 int4 = 15 nibbles = 8 bytes, one dimension.
  CHECK(npy_shape(DType::int4, {3, 5}) == std::vector<std::uint64_t>{8});
  NpyArray a;
  a.descr = "<u1";  // little-endian spelling of a byte type is accepted too
  a.shape = {8};
  a.data.assign(8, 0x21);
  CHECK(tensor_from_npy(a, DType::int4, {3, 5}, "q.npy").size() == 8);
}

TEST_CASE("float64 arrays are rounded into the tensor dtype") {
  NpyArray a;
  a.descr = "<f8";
  a.shape = {4};
  // 65520 is halfway between fp16's max 65504 and 65536: nearest-even rounds up, to inf.
  for (double x : {1.0, 0.5, -2.0, 65520.0}) {
    std::uint8_t b[8];
    std::memcpy(b, &x, 8);
    a.data.insert(a.data.end(), b, b + 8);
  }
  const auto h = tensor_from_npy(a, DType::fp16, {4}, "d.npy");
  CHECK(h == std::vector<std::uint8_t>{0x00, 0x3C, 0x00, 0x38, 0x00, 0xC0, 0x00, 0x7C});
}

TEST_CASE("npy files a tensor cannot take are config errors naming the file") {
  NpyArray a;
  a.descr = "<f2";
  a.shape = {2, 2};
  a.data.assign(8, 0);
  CHECK_THROWS_WITH(
      tensor_from_npy(a, DType::fp32, {2, 2}, "x.npy"),
      Equals("x.npy: holds <f2 data, a fp32 tensor is stored as <f4 (or <f8 values)"));
  CHECK_THROWS_WITH(tensor_from_npy(a, DType::fp16, {4, 1}, "x.npy"),
                    Equals("x.npy: shape (2, 2) does not match the fp16 tensor's (4, 1)"));
}

TEST_CASE("unsupported npy files are rejected with the reason") {
  auto with_header = [](const std::string& dict, std::size_t data_bytes) {
    std::string file = std::string("\x93NUMPY\x01\x00", 8);
    file += char(dict.size() + 1);
    file += '\0';
    return bytes_of(file + dict + "\n" + std::string(data_bytes, '\0'));
  };
  CHECK_THROWS_WITH(
      parse_npy(with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8),
                "f.npy"),
      Equals("f.npy: Fortran-order arrays are not supported"));
  CHECK_THROWS_WITH(
      parse_npy(with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8),
                "b.npy"),
      Contains("b.npy: dtype '>f4' is not supported"));
  CHECK_THROWS_WITH(
      parse_npy(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 7),
                "t.npy"),
      Equals("t.npy: shape (2,) of <f4 needs 8 data bytes, the file holds 7"));
  CHECK_THROWS_WITH(parse_npy(bytes_of("PK\x03\x04 not npy at all"), "z.npy"),
                    Contains("z.npy: not a .npy file"));
  CHECK_THROWS_AS(read_npy("/nonexistent/dir/x.npy"), config::ConfigError);
}
