// ConfigNode: one test per error class, each asserting the whole message with file:line:col.
#include <catch2/catch.hpp>

#include "sim/config/config_node.hpp"

using ascendsim::config::ConfigError;
using ascendsim::config::ConfigNode;

namespace {

std::string data_file(const std::string& name) {
  return std::string(ASCENDSIM_SOURCE_DIR) + "/tests/data/config/" + name;
}

}  // namespace

TEST_CASE("an unknown key is reported at its line with the asked-for key it resembles") {
  const std::string file = data_file("unknown_key.yaml");
  ConfigNode root = ConfigNode::load_file(file);
  ConfigNode chip = root.child("chip");
  CHECK(chip.child("clock").as_frequency_hz() == 1.8e9);
  ConfigNode buffers = chip.child("aic").child("buffers");
  CHECK(buffers.child("l1").as_bytes() == 512 * 1024);
  CHECK(buffers.get_uint("l0a", 0) == 0);  // absent: the default, but 'l0a' is now known
  REQUIRE_THROWS_WITH(root.finish(),
                      file + ":7:7: chip.aic.buffers.l0aa: unknown key (did you mean 'l0a'?)");
}

TEST_CASE("a key nobody asked about is unknown without a suggestion") {
  ConfigNode root = ConfigNode::from_string("a: 1\nzebra: 2\n", "inline.yaml");
  CHECK(root.child("a").as_int() == 1);
  REQUIRE_THROWS_WITH(root.finish(), "inline.yaml:2:1: zebra: unknown key");
}

TEST_CASE("a section that was never read is unknown as a whole") {
  ConfigNode root = ConfigNode::from_string("chip:\n  x: 1\nchp:\n  y: 2\n", "inline.yaml");
  CHECK(root.child("chip").child("x").as_uint() == 1);
  REQUIRE_THROWS_WITH(root.finish(), "inline.yaml:3:1: chp: unknown key (did you mean 'chip'?)");
}

TEST_CASE("finish accepts a document whose every key was read or taken whole") {
  ConfigNode root = ConfigNode::from_string(
      "name: x\nlist: [1, 2]\nparams: {m: 1, n: {k: 2}}\nempty:\n", "inline.yaml");
  CHECK(root.child("name").as_string() == "x");
  std::vector<std::uint64_t> values;
  for (const ConfigNode& item : root.child("list").items()) values.push_back(item.as_uint());
  CHECK(values == std::vector<std::uint64_t>{1, 2});
  root.child("params").mark_consumed();
  CHECK(root.child("empty").keys().empty());  // a value-less key reads as an empty map
  REQUIRE_NOTHROW(root.finish());
}

TEST_CASE("a sequence element left unread is reported by its index") {
  ConfigNode root = ConfigNode::from_string("list:\n  - 1\n  - 2\n", "inline.yaml");
  auto items = root.child("list").items();
  CHECK(items[0].as_uint() == 1);
  REQUIRE_THROWS_WITH(root.finish(), "inline.yaml:3:5: list[1]: unused value");
}

TEST_CASE("a value of the wrong type names the expectation and the value") {
  const std::string file = data_file("wrong_type.yaml");
  ConfigNode chip = ConfigNode::load_file(file).child("chip");
  REQUIRE_THROWS_WITH(chip.child("dies").as_uint(),
                      file + ":3:9: chip.dies: expected an unsigned integer, got \"two\"");
  REQUIRE_THROWS_WITH(
      chip.child("aic_per_die").as_uint(1),
      file + ":4:16: chip.aic_per_die: expected an unsigned integer > 0, got \"-24\"");
  REQUIRE_THROWS_WITH(chip.child("name").as_string(),
                      file + ":5:9: chip.name: expected a string, got a sequence");
  REQUIRE_THROWS_WITH(chip.child("event_ids").as_int(),
                      file + ":6:14: chip.event_ids: expected an integer, got \"2.5\"");
  REQUIRE_THROWS_WITH(chip.child("clock").as_frequency_hz(),
                      file + ":7:10: chip.clock: expected a frequency > 0, got \"fast\"");
  REQUIRE_THROWS_WITH(chip.child("support_bf16").as_bool(),
                      file + ":8:17: chip.support_bf16: expected true or false, got \"maybe\"");
  // A key without a value is reported at the key (yaml-cpp puts the null on the next line).
  REQUIRE_THROWS_WITH(chip.child("empty").as_uint(),
                      file + ":9:3: chip.empty: expected an unsigned integer, got null");
  REQUIRE_THROWS_WITH(chip.child("dies").as_dtype(),
                      file +
                          ":3:9: chip.dies: expected a dtype (one of fp32, fp16, bf16, int8, "
                          "uint8, int4, int16, int32, fp8_e4m3, fp8_e5m2, fp4_e2m1, "
                          "fp4_e1m2, e8m0), got \"two\"");
  REQUIRE_THROWS_WITH(chip.child("dies").as_enum({"one", "two-dies"}),
                      file + ":3:9: chip.dies: expected one of one, two-dies, got \"two\"");
  REQUIRE_THROWS_WITH(chip.child("dies").child("x"),
                      file + ":3:9: chip.dies: expected a map, got \"two\"");
}

TEST_CASE("64k is not a byte size") {
  const std::string file = data_file("bad_bytes.yaml");
  ConfigNode root = ConfigNode::load_file(file);
  REQUIRE_THROWS_WITH(root.child("chip").child("aic").child("buffers").child("l0a").as_bytes(),
                      file + ":5:12: chip.aic.buffers.l0a: expected a byte size > 0, got \"64k\"");
}

TEST_CASE("a missing key is reported at its parent") {
  const std::string file = data_file("missing_key.yaml");
  ConfigNode buffers = ConfigNode::load_file(file).child("chip").child("aic").child("buffers");
  CHECK_FALSE(buffers.optional_child("l0a").has_value());
  REQUIRE_THROWS_WITH(buffers.child("l0a"), file + ":5:7: chip.aic.buffers: missing key 'l0a'");
  ConfigNode empty = ConfigNode::from_string("", "empty.yaml");
  REQUIRE_THROWS_WITH(empty.child("chip"), "empty.yaml: missing key 'chip'");
}

TEST_CASE("a value outside the reader's bounds names the bounds") {
  const std::string file = data_file("out_of_range.yaml");
  ConfigNode chip = ConfigNode::load_file(file).child("chip");
  REQUIRE_THROWS_WITH(chip.child("aiv_per_aic").as_uint(1, 2),
                      file +
                          ":3:16: chip.aiv_per_aic: expected an unsigned integer in [1, 2], "
                          "got \"3\"");
  REQUIRE_THROWS_WITH(chip.child("flag_latency_cycles").as_uint(0, UINT32_MAX),
                      file +
                          ":4:24: chip.flag_latency_cycles: expected a 32-bit unsigned "
                          "integer, got \"4294967296\"");
  REQUIRE_THROWS_WITH(chip.child("flag_latency_cycles").as_uint(0, 1000),
                      file +
                          ":4:24: chip.flag_latency_cycles: expected an unsigned integer <= "
                          "1000, got \"4294967296\"");
  REQUIRE_THROWS_WITH(chip.child("ratio").as_double(0, 1),
                      file + ":5:10: chip.ratio: expected a number in [0, 1], got \"-0.5\"");
  REQUIRE_THROWS_WITH(chip.child("aiv_per_aic").as_int(-2, 2),
                      file + ":3:16: chip.aiv_per_aic: expected an integer in [-2, 2], got \"3\"");
}

TEST_CASE("bad YAML syntax is a ConfigError with the line") {
  const std::string file = data_file("bad_syntax.yaml");
  REQUIRE_THROWS_AS(ConfigNode::load_file(file), ConfigError);
  REQUIRE_THROWS_WITH(ConfigNode::load_file(file),
                      file + ":5:7: invalid YAML: end of sequence flow not found");
  REQUIRE_THROWS_WITH(ConfigNode::load_file(data_file("no_such_file.yaml")),
                      data_file("no_such_file.yaml") + ": cannot read file");
}

TEST_CASE("a key given twice is an error at the second one") {
  REQUIRE_THROWS_WITH(ConfigNode::from_string("a:\n  b: 1\n  b: 2\n", "dup.yaml"),
                      "dup.yaml:3:3: a.b: duplicate key (first at line 2)");
}

TEST_CASE("typed reads accept quoted numbers, hex and integral floats") {
  ConfigNode root = ConfigNode::from_string(
      "q: \"5\"\nh: 0x10\nf: 1e3\nneg: -7\nd: 2.5\nt: true\ns: text\n", "inline.yaml");
  CHECK(root.child("q").as_uint() == 5);
  CHECK(root.child("h").as_uint() == 16);
  CHECK(root.child("f").as_int() == 1000);
  CHECK(root.child("neg").as_int() == -7);
  CHECK(root.child("d").as_double() == 2.5);
  CHECK(root.child("t").as_bool());
  CHECK(root.child("s").as_string() == "text");
  CHECK(root.get_string("absent", "dflt") == "dflt");
  CHECK(root.get_double("absent2", 1.5) == 1.5);
  CHECK_FALSE(root.get_bool("absent3", false));
  CHECK(root.keys() == std::vector<std::string>{"q", "h", "f", "neg", "d", "t", "s"});
  REQUIRE_NOTHROW(root.finish());
}

TEST_CASE("typed reads with units convert to bytes, hertz and bytes per second") {
  ConfigNode root = ConfigNode::from_string(
      "a: 512\nb: 512B\nc: 64KiB\nd: 192MiB\ne: 64GiB\nf: 1KB\ng: 1.5KB\n"
      "clk1: 1.8GHz\nclk2: 1650MHz\nclk3: 1e9\n"
      "bw1: 1.6TB/s\nbw2: 784GB/s\nbw3: 900GiB/s\n",
      "units.yaml");
  CHECK(root.child("a").as_bytes() == 512);
  CHECK(root.child("b").as_bytes() == 512);
  CHECK(root.child("c").as_bytes() == 65536);
  CHECK(root.child("d").as_bytes() == 192ull << 20);
  CHECK(root.child("e").as_bytes() == 64ull << 30);
  CHECK(root.child("f").as_bytes() == 1000);
  CHECK(root.child("g").as_bytes() == 1500);
  CHECK(root.child("clk1").as_frequency_hz() == Approx(1.8e9));
  CHECK(root.child("clk2").as_frequency_hz() == Approx(1.65e9));
  CHECK(root.child("clk3").as_frequency_hz() == 1e9);
  CHECK(root.child("bw1").as_bandwidth() == Approx(1.6e12));
  CHECK(root.child("bw2").as_bandwidth() == Approx(784e9));
  CHECK(root.child("bw3").as_bandwidth() == Approx(900.0 * (1ull << 30)));
  REQUIRE_NOTHROW(root.finish());
}

TEST_CASE("dump writes the document back as YAML") {
  ConfigNode root = ConfigNode::from_string("chip:\n  dies: 1\n  name: x  # c\n", "inline.yaml");
  root.apply_override("chip.dies=2");
  ConfigNode again = ConfigNode::from_string(root.dump(), "dump.yaml");
  CHECK(again.child("chip").child("dies").as_uint() == 2);
  CHECK(again.child("chip").child("name").as_string() == "x");
}
