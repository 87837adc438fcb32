// `--set key.path=value` overrides: applied before reading, located as "--set path" in errors.
#include <catch2/catch.hpp>

#include "sim/config/config_node.hpp"

using ascendsim::config::ConfigError;
using ascendsim::config::ConfigNode;

namespace {

const char* kDoc = "chip:\n  clock: 1.8GHz\n  aic:\n    buffers: {l1: 512KiB, l0a: 64KiB}\n";

}  // namespace

TEST_CASE("an override replaces a value before it is read") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  root.apply_override("chip.aic.buffers.l1=1MiB");
  root.apply_override("chip.clock = 1GHz");  // spaces around '=' are YAML whitespace
  CHECK(root.child("chip").child("aic").child("buffers").child("l1").as_bytes() == 1 << 20);
  CHECK(root.child("chip").child("clock").as_frequency_hz() == 1e9);
  CHECK(root.child("chip").child("aic").child("buffers").child("l0a").as_bytes() == 65536);
  REQUIRE_NOTHROW(root.finish());
}

TEST_CASE("an override may add a key to an existing map and replace a whole subtree") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  root.apply_override("chip.aic.buffers.l0b=64KiB");
  root.apply_override("chip.extra={a: 1, b: [x, y]}");
  CHECK(root.child("chip").child("aic").child("buffers").child("l0b").as_bytes() == 65536);
  ConfigNode extra = root.child("chip").child("extra");
  CHECK(extra.child("a").as_uint() == 1);
  CHECK(extra.child("b").items().size() == 2);
}

TEST_CASE("a value from an override is reported at its --set, not at a file line") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  root.apply_override("chip.clock=fast");
  REQUIRE_THROWS_WITH(root.child("chip").child("clock").as_frequency_hz(),
                      "--set chip.clock: chip.clock: expected a frequency > 0, got \"fast\"");
  root.apply_override("chip.aic.buffers={l1: 1MiB}");
  REQUIRE_THROWS_WITH(root.child("chip").child("aic").child("buffers").child("l0a"),
                      "--set chip.aic.buffers: chip.aic.buffers: missing key 'l0a'");
}

TEST_CASE("an override without key.path=value is malformed") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  for (const char* bad : {"chip.clock", "=1GHz", "chip..clock=1", "chip.=1", ".chip=1"}) {
    INFO(bad);
    REQUIRE_THROWS_AS(root.apply_override(bad), ConfigError);
    REQUIRE_THROWS_WITH(root.apply_override(bad),
                        std::string("--set ") + bad + ": expected key.path=value");
  }
  REQUIRE_THROWS_WITH(root.apply_override("chip.clock=[1GHz"),
                      Catch::StartsWith("--set chip.clock=[1GHz: value is not valid YAML: "));
}

TEST_CASE("an override below a missing or non-map parent is an error naming the --set") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  REQUIRE_THROWS_WITH(root.apply_override("chip.aicc.buffers.l1=1MiB"),
                      "--set chip.aicc.buffers.l1=1MiB: chip.aicc: no such key "
                      "(did you mean 'aic'?)");
  REQUIRE_THROWS_WITH(root.apply_override("chip.clock.ghz=2"),
                      "--set chip.clock.ghz=2: chip.clock: expected a map, got \"1.8GHz\"");
  // Nothing was changed by the failed overrides.
  CHECK(root.child("chip").keys() == std::vector<std::string>{"clock", "aic"});
}

TEST_CASE("a misspelt override key is caught by finish with a suggestion") {
  ConfigNode root = ConfigNode::from_string(kDoc, "hw.yaml");
  root.apply_override("chip.aic.buffers.l0aa=32KiB");
  ConfigNode buffers = root.child("chip").child("aic").child("buffers");
  CHECK(buffers.child("l1").as_bytes() == 512 * 1024);
  CHECK(buffers.child("l0a").as_bytes() == 64 * 1024);
  CHECK(root.child("chip").child("clock").as_frequency_hz() == Approx(1.8e9));
  REQUIRE_THROWS_WITH(root.finish(),
                      "--set chip.aic.buffers.l0aa: chip.aic.buffers.l0aa: unknown key "
                      "(did you mean 'l0a'?)");
}
