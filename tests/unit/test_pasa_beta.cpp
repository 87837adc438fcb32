// PASA's rounding-aware beta fixed point (kernels/pasa/pasa_beta.hpp) against the table of
// PASA.md §3.4 ("fixed-point beta [derived by iterating]"). The table gives 7 decimals, so the
// non-exact entries are checked to +-5e-8 (half a unit in the 7th decimal).
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "kernels/pasa/pasa_beta.hpp"
#include "tests/unit/test_errors.hpp"

namespace {

using namespace ascendsim::kernels::pasa;

using ascendsim::testing::invalid_argument_message;

}  // namespace

TEST_CASE("for n = 128 beta0 = 0.9375 is already the fixed point since fl16(M) has a = 1",
          "[pasa]") {
  // PASA.md §3.4 table, row 1: 0.9375000 (a = 1 exactly), gamma 15.0.
  const double beta = pasa_beta_fixed_point(0.9375, 128);
  CHECK(beta == 0.9375);
  CHECK(pasa_gamma(beta) == 15.0);
}

TEST_CASE("for n = 128 the fixed points from 0.96875 and 0.984375 are 0.9689941 and 0.9844971",
          "[pasa]") {
  // PASA.md §3.4 table, row 2: 0.96875 -> 0.9689941, gamma 31.25 (the table's rounding; the
  // iteration gives 31.252). The script's BF16 value 0.9689939 is 2.4e-7 below the fixed point.
  const double b2 = pasa_beta_fixed_point(0.96875, 128);
  CHECK(b2 == Approx(0.9689941).margin(5e-8));
  CHECK(pasa_gamma(b2) == Approx(31.25).margin(0.005));
  // PASA.md §3.4 table, row 3: 0.984375 -> 0.9844971, gamma 63.50 (iteration: 63.504). The
  // issue and the script's final `afa` state 0.984497: the same value to 6 digits.
  const double b3 = pasa_beta_fixed_point(0.984375, 128);
  CHECK(b3 == Approx(0.9844971).margin(5e-8));
  CHECK(b3 == Approx(0.984497).margin(5e-7));
  CHECK(pasa_gamma(b3) == Approx(63.50).margin(0.005));
  // Started from the script's rounded values, the iteration lands on the same fixed points.
  CHECK(pasa_beta_fixed_point(0.9689939, 128) == b2);
  CHECK(pasa_beta_fixed_point(0.984497, 128) == b3);
}

TEST_CASE("from 0.96875 the fixed point is 0.96875 for n = 64 and 0.9688721 for n = 256",
          "[pasa]") {
  // PASA.md §3.4 table, row 4: n = 64 / 256 -> 0.9687500 / 0.9688721, gamma 31.0 / 31.13.
  const double b64 = pasa_beta_fixed_point(0.96875, 64);
  CHECK(b64 == 0.96875);
  CHECK(pasa_gamma(b64) == 31.0);
  const double b256 = pasa_beta_fixed_point(0.96875, 256);
  CHECK(b256 == Approx(0.9688721).margin(5e-8));
  CHECK(pasa_gamma(b256) == Approx(31.13).margin(0.005));
}

TEST_CASE("a fixed point is returned only once the relative step is within tol", "[pasa]") {
  // From 0.96875 (n = 128) the first step moves beta by 2.5e-4 and the second by 0, so one
  // iteration is not enough and two are.
  CHECK(pasa_beta_fixed_point(0.96875, 128, 1e-8, 2) == Approx(0.9689941).margin(5e-8));
  CHECK(invalid_argument_message([] {
          pasa_beta_fixed_point(0.96875, 128, 1e-8, 1);
        }).find("no convergence") != std::string::npos);
  // A loose tol accepts the first step.
  CHECK(pasa_beta_fixed_point(0.96875, 128, 1e-3, 1) == Approx(0.9689941).margin(5e-8));
}

TEST_CASE("bad beta fixed-point inputs are rejected with a message naming the input", "[pasa]") {
  for (double b : {0.0, 1.0, -0.5, 1.5}) {
    INFO("beta0 " << b);
    CHECK(invalid_argument_message([b] { pasa_beta_fixed_point(b, 128); }).find("beta0") !=
          std::string::npos);
  }
  CHECK(invalid_argument_message([] { pasa_beta_fixed_point(0.9, 0); }).find("n (columns") !=
        std::string::npos);
  CHECK(invalid_argument_message([] { pasa_beta_fixed_point(0.9, 128, -1.0); }).find("tol") !=
        std::string::npos);
  CHECK(invalid_argument_message([] {
          pasa_beta_fixed_point(0.9, 128, 1e-8, 0);
        }).find("max_iter") != std::string::npos);
  // For n = 2^30, beta / n < 2^-25 rounds to 0 in fp16: b = 0, a = 1, f = 0, so beta -> 0.
  CHECK(invalid_argument_message([] {
          pasa_beta_fixed_point(0.9, 1u << 30);
        }).find("left (0, 1)") != std::string::npos);
  CHECK_THROWS_AS(pasa_gamma(1.0), std::invalid_argument);
  CHECK_THROWS_AS(pasa_gamma(0.0), std::invalid_argument);
}
