// Bad MLA-decode parameters (`amla`, `fa_preload`, `fa_serial`, kernels/mla_decode/mla_params.hpp)
// end with exit code 2 and a message naming the run file, line, column and key, before any
// simulation. Each case runs the built binary on a file of tests/data/errors/mla/ (each file
// is the small amla run, 128 heads x 2 tokens over 1024 KV tokens on one core, with one fault).
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using ascendsim::testing::CliResult;
using ascendsim::testing::run_cli;

namespace {

const std::string kDir = "tests/data/errors/mla/";

CliResult run_bad(const std::string& file) {
  return run_cli("run " + kDir + file + " --out /tmp/ascendsim_cli_mla_errors/" + file);
}

}  // namespace

TEST_CASE("an mla s_kv that is not a multiple of 8 exits 2 naming its line and the reason",
          "[mla]") {
  const auto r = run_bad("s_kv_not_multiple_of_8.yaml");
  CHECK(r.exit_code == 2);
  // 1020 = 127 x 8 + 4.
  CHECK_THAT(r.output,
             Catch::Contains(kDir + "s_kv_not_multiple_of_8.yaml:8:9: kernel.s_kv: "
                                    "expected a KV length that is a multiple of 8 tokens"));
  CHECK_THAT(r.output, Catch::Contains("got \"1020\""));
}

TEST_CASE("an mla s_kv list shorter than the batch exits 2 naming both counts", "[mla]") {
  const auto r = run_bad("s_kv_list_too_short.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "s_kv_list_too_short.yaml:8:9: kernel.s_kv: "
                                              "expected 3 lengths, one per request (batch: 3); "
                                              "this list has 2"));
}

TEST_CASE("mla heads of 0 or 129 exit 2 with the range 1-128", "[mla]") {
  for (const char* file : {"heads_zero.yaml", "heads_129.yaml"}) {
    INFO(file);
    const auto r = run_bad(file);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(kDir + file +
                                         ":6:10: kernel.heads: expected an unsigned "
                                         "integer in [1, 128]"));
  }
  CHECK_THAT(run_bad("heads_zero.yaml").output, Catch::Contains("got \"0\""));
  CHECK_THAT(run_bad("heads_129.yaml").output, Catch::Contains("got \"129\""));
}

TEST_CASE("an mla dtype of int8 exits 2 listing bf16 and fp16", "[mla]") {
  const auto r = run_bad("dtype_int8.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "dtype_int8.yaml:9:10: kernel.dtype: expected one "
                                              "of bf16, fp16, got \"int8\""));
}

TEST_CASE("compensation on fa_preload is an unknown key and exits 2", "[mla]") {
  // Only amla has the int32 rescale the switch changes (mla_params.cpp).
  const auto r = run_bad("fa_preload_compensation.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "fa_preload_compensation.yaml:9:3: "
                                              "kernel.compensation: unknown key"));
}

TEST_CASE("mla rows_per_task 48 exits 2 asking for a multiple of 32", "[mla]") {
  const auto r = run_bad("rows_per_task_48.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "rows_per_task_48.yaml:9:18: kernel.rows_per_task: "
                                              "expected a multiple of 32"));
  CHECK_THAT(r.output, Catch::Contains("got \"48\""));
}

TEST_CASE("an mla page_size of 64 exits 2 naming 0 and 128 as the choices", "[mla]") {
  const auto r = run_bad("page_size_64.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "page_size_64.yaml:9:14: kernel.page_size: "
                                              "expected 0 (contiguous KV) or 128"));
  CHECK_THAT(r.output, Catch::Contains("got \"64\""));
}

TEST_CASE("an mla q .npy of the wrong shape exits 2 naming the file and both shapes", "[mla]") {
  // heads 1 x s_q 1: one query row of 576 columns; the file has V's 512. The shape is checked
  // when the data is read (a functional run), and the message names the run file's line of
  // `kernel.q.path` as well as the .npy.
  const auto r = run_bad("q_wrong_shape.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "q_wrong_shape.yaml:9:24: kernel.q.path: " + kDir +
                                       "q_512_columns.npy: shape (1, 512) does not match the "
                                       "bf16 tensor's (1, 576)"));
}

TEST_CASE("an mla npy path that does not exist exits 2 even timing-only", "[mla]") {
  const auto r =
      run_cli("run " + kDir +
              "q_wrong_shape.yaml --timing-only "
              "--set kernel.q.path=no_such_file.npy --out /tmp/ascendsim_cli_mla_errors/nofile");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("kernel.q.path: expected an existing .npy file"));
}

TEST_CASE("mla cores beyond the chip's 24 exit 2 naming the chip's count", "[mla]") {
  const auto r = run_bad("too_many_cores.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + "too_many_cores.yaml:9:10: kernel.cores: expected "
                                              "at most 24 AI cores (ascend910b2 has 1 x 24), "
                                              "got 25"));
}
