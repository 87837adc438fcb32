// Scalar text parsing with units: whole-string or nothing, case-sensitive suffixes.
#include <catch2/catch.hpp>

#include "sim/config/units.hpp"

namespace units = ascendsim::config::units;

TEST_CASE("byte sizes take binary and SI suffixes and must be whole bytes") {
  CHECK(units::parse_bytes("512") == 512u);
  CHECK(units::parse_bytes("512B") == 512u);
  CHECK(units::parse_bytes("64KiB") == 65536u);
  CHECK(units::parse_bytes("64 KiB") == 65536u);
  CHECK(units::parse_bytes("192MiB") == 201326592u);
  CHECK(units::parse_bytes("64GiB") == 68719476736u);
  CHECK(units::parse_bytes("1KB") == 1000u);
  CHECK(units::parse_bytes("1.5KiB") == 1536u);
  CHECK(units::parse_bytes("0.1KB") == 100u);
  CHECK(units::parse_bytes("2TB") == 2000000000000u);
  CHECK_FALSE(units::parse_bytes("64k"));
  CHECK_FALSE(units::parse_bytes("64kb"));
  CHECK_FALSE(units::parse_bytes("64 k"));
  CHECK_FALSE(units::parse_bytes("-1KiB"));
  CHECK_FALSE(units::parse_bytes("1.3B"));
  CHECK_FALSE(units::parse_bytes("KiB"));
  CHECK_FALSE(units::parse_bytes(""));
  CHECK_FALSE(units::parse_bytes("99999999999TiB"));
}

TEST_CASE("frequencies take Hz suffixes or a bare number of hertz") {
  CHECK(*units::parse_frequency_hz("1.8GHz") == Approx(1.8e9));
  CHECK(*units::parse_frequency_hz("1650MHz") == Approx(1.65e9));
  CHECK(*units::parse_frequency_hz("100kHz") == Approx(1e5));
  CHECK(*units::parse_frequency_hz("1e9") == 1e9);
  CHECK(*units::parse_frequency_hz("5Hz") == 5.0);
  CHECK_FALSE(units::parse_frequency_hz("1.8 ghz"));
  CHECK_FALSE(units::parse_frequency_hz("fast"));
  CHECK_FALSE(units::parse_frequency_hz("-1GHz"));
}

TEST_CASE("bandwidths take byte-per-second suffixes") {
  CHECK(*units::parse_bandwidth("1.6TB/s") == Approx(1.6e12));
  CHECK(*units::parse_bandwidth("784GB/s") == Approx(7.84e11));
  CHECK(*units::parse_bandwidth("900GiB/s") == Approx(900.0 * 1073741824.0));
  CHECK(*units::parse_bandwidth("10MB/s") == Approx(1e7));
  CHECK(*units::parse_bandwidth("12B/s") == 12.0);
  CHECK(*units::parse_bandwidth("3e9") == 3e9);
  CHECK_FALSE(units::parse_bandwidth("1.6TB"));
  CHECK_FALSE(units::parse_bandwidth("1.6Tb/s"));
}

TEST_CASE("integers reject fractions, overflow and a sign on unsigned values") {
  CHECK(units::parse_int("-12") == -12);
  CHECK(units::parse_int("+12") == 12);
  CHECK(units::parse_int("0x1F") == 31);
  CHECK(units::parse_int("1e6") == 1000000);
  CHECK(units::parse_int("2.0") == 2);
  CHECK(units::parse_int("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(units::parse_int("2.5"));
  CHECK_FALSE(units::parse_int("9223372036854775808"));
  CHECK_FALSE(units::parse_int("12abc"));
  CHECK_FALSE(units::parse_int(" 12"));
  CHECK(units::parse_uint("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(units::parse_uint("18446744073709551616"));
  CHECK_FALSE(units::parse_uint("-1"));
  CHECK_FALSE(units::parse_uint("-0"));
  CHECK(units::parse_double(".5") == 0.5);
  CHECK_FALSE(units::parse_double("inf"));
  CHECK_FALSE(units::parse_double("nan"));
  CHECK_FALSE(units::parse_double("1e"));
}

TEST_CASE("edit distance counts a swap of neighbours as one edit") {
  CHECK(units::edit_distance("l0a", "l0a") == 0);
  CHECK(units::edit_distance("l0aa", "l0a") == 1);
  CHECK(units::edit_distance("lb0", "l0b") == 1);
  CHECK(units::edit_distance("startup_cycle", "startup_cycles") == 1);
  CHECK(units::edit_distance("", "abc") == 3);
  CHECK(units::quote("a\"b") == "\"a\\\"b\"");
}
