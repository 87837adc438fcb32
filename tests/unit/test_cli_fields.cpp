// Report-field lookup, golden comparison rules and table rendering of the command line
// (sim/cli/report_fields.hpp, sim/cli/table.hpp).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "sim/cli/report_fields.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/cli/table.hpp"

using namespace ascendsim::cli;

namespace {

Json sample_report() {
  return Json::parse(R"({
    "schema": "ascendsim.report/1", "kernel": "gemm", "cycles": 123456, "time_us": 68.5866667,
    "cube_utilization": 0.912345679,
    "hbm": {"read_bytes": 1048576, "write_bytes": 524288},
    "pipes": [{"core": "die0.aic0", "pipe": "m", "busy_cycles": 900}],
    "stalls": {"aic.m": {"memory": 12, "flag_mte1": 3}},
    "check": {"performed": true, "passed": true, "max_rel_error": 0.0039},
    "model": {"cycles": 120000.0, "bound": "cube", "cycles_rel_error": 0.0288},
    "l2": {"hit_rate": null}, "numeric_events": {"first": null}
  })");
}

Expectation expect(const std::string& field, const std::string& text, double abs_tol = 0,
                   double rel_tol = 0) {
  Expectation e;
  e.field = field;
  e.text = text;
  e.abs_tol = abs_tol;
  e.rel_tol = rel_tol;
  return e;
}

}  // namespace

TEST_CASE("a dotted path finds nested report fields, list entries and dotted keys") {
  const Json r = sample_report();
  CHECK(find_field(r, "cycles").value == 123456);
  CHECK(find_field(r, "hbm.read_bytes").value == 1048576);
  CHECK(find_field(r, "check.passed").value == true);
  CHECK(find_field(r, "model.bound").value == "cube");
  CHECK(find_field(r, "pipes[0].busy_cycles").value == 900);
  CHECK(find_field(r, "stalls.aic.m.memory").value == 12);
  CHECK(find_field(r, "hbm").value.is_object());
}

TEST_CASE("a path into a null field finds null rather than an error") {
  const Json r = sample_report();
  const FieldLookup hit = find_field(r, "l2.hit_rate");
  CHECK(hit.found);
  CHECK(hit.value.is_null());
  CHECK(find_field(r, "numeric_events.first.cycle").found);
}

TEST_CASE("an unknown field names where the path stopped, suggests and lists the siblings") {
  const Json r = sample_report();
  const FieldLookup miss = find_field(r, "hbm.reed_bytes");
  CHECK_FALSE(miss.found);
  CHECK_THAT(miss.error, Catch::Contains("'hbm' has no field 'reed_bytes'"));
  CHECK_THAT(miss.error, Catch::Contains("did you mean 'read_bytes'?"));
  CHECK_THAT(miss.error, Catch::Contains("fields there: read_bytes, write_bytes"));
  CHECK_THAT(find_field(r, "cylces").error,
             Catch::Contains("no top-level field 'cylces' (did you mean 'cycles'?"));
  CHECK_THAT(find_field(r, "cycles.total").error, Catch::Contains("'cycles' is a value (123456)"));
  CHECK_THAT(find_field(r, "pipes[4].busy_cycles").error,
             Catch::Contains("'pipes' is a list of 1 entries"));
  CHECK_THAT(find_field(r, "pipes[x]").error, Catch::Contains("malformed index"));
}

TEST_CASE("field text prints numbers as report.json does and the console form is short") {
  CHECK(field_text(Json(123456)) == "123456");
  CHECK(field_text(Json(0.5)) == "0.5");
  CHECK(field_text(Json(2.0)) == "2.0");
  CHECK(field_text(Json(true)) == "true");
  CHECK(field_text(Json("cube")) == "cube");
  CHECK(field_text(Json(nullptr)).empty());
  CHECK(field_display(Json(0.912345679)) == "0.9123");
  CHECK(field_display(Json(68.5866667)) == "68.59");
  CHECK(field_display(Json(123456.7)) == "123457");
  CHECK(field_display(Json(nullptr)) == "n/a");
}

TEST_CASE("a number matches within its absolute or relative tolerance, exactly without one") {
  const Json r = sample_report();
  CHECK(compare_field(expect("cycles", "123456"), r["cycles"]).ok);
  CHECK_FALSE(compare_field(expect("cycles", "123457"), r["cycles"]).ok);
  CHECK(compare_field(expect("cycles", "123457", 1), r["cycles"]).ok);
  CHECK(compare_field(expect("cycles", "124000", 0, 0.005), r["cycles"]).ok);
  CHECK_FALSE(compare_field(expect("cycles", "125000", 0, 0.005), r["cycles"]).ok);
  CHECK(compare_field(expect("cube_utilization", "0.912345679"), r["cube_utilization"]).ok);
  CHECK(compare_field(expect("cube_utilization", "0.91", 0.005), r["cube_utilization"]).ok);
  CHECK_FALSE(compare_field(expect("cube_utilization", "0.90", 0.005), r["cube_utilization"]).ok);
}

TEST_CASE("integers beyond 2^53 are compared exactly") {
  const Json big = Json(std::uint64_t(9007199254740993ULL));
  CHECK(compare_field(expect("x", "9007199254740993"), big).ok);
  CHECK_FALSE(compare_field(expect("x", "9007199254740992"), big).ok);
}

TEST_CASE("bools and strings match only when equal, null only null") {
  const Json r = sample_report();
  CHECK(compare_field(expect("check.passed", "true"), Json(true)).ok);
  CHECK_FALSE(compare_field(expect("check.passed", "false"), Json(true)).ok);
  CHECK(compare_field(expect("model.bound", "cube"), Json("cube")).ok);
  CHECK_FALSE(compare_field(expect("model.bound", "hbm"), Json("cube")).ok);
  Expectation null_expected = expect("l2.hit_rate", "");
  null_expected.is_null = true;
  CHECK(compare_field(null_expected, Json(nullptr)).ok);
  CHECK_FALSE(compare_field(null_expected, Json(0.5)).ok);
  const FieldVerdict v = compare_field(expect("l2.hit_rate", "0.5"), Json(nullptr));
  CHECK_FALSE(v.ok);
  CHECK(v.actual == "null");
  CHECK(v.bad_expectation.empty());
}

TEST_CASE("an expectation of the wrong type is a bad golden, not a miss") {
  const Json r = sample_report();
  CHECK_THAT(
      compare_field(expect("cycles", "many"), r["cycles"]).bad_expectation,
      Catch::Contains("expected a number (report.json field 'cycles' is a number), got \"many\""));
  CHECK_THAT(compare_field(expect("check.passed", "1"), Json(true)).bad_expectation,
             Catch::Contains("expected true or false"));
  CHECK_THAT(compare_field(expect("hbm", "1"), r["hbm"]).bad_expectation,
             Catch::Contains("'hbm' is a map, not a value"));
}

TEST_CASE("tolerances are described the way a golden states them") {
  CHECK(tolerance_text(expect("c", "1"), Json(1)) == "exact");
  CHECK(tolerance_text(expect("c", "1", 0.005), Json(1)) == "abs 0.005");
  CHECK(tolerance_text(expect("c", "1", 0, 0.01), Json(1)) == "rel 0.01");
  CHECK(tolerance_text(expect("c", "1", 2, 0.01), Json(1)) == "abs 2.0 or rel 0.01");
  CHECK(tolerance_text(expect("c", "true"), Json(true)) == "-");
}

TEST_CASE("a table right-aligns numeric columns and quotes CSV cells that need it") {
  Table t({"field", "bf16", "int8"});
  t.add_row({"cycles", "1200", "650"});
  t.add_row({"speedup", "1.00x", "1.846x"});
  t.add_row({"model.bound", "cube", "hbm"});
  std::ostringstream text;
  t.print(text);
  CHECK(text.str() ==
        "field         bf16    int8\n"
        "-----------  -----  ------\n"
        "cycles        1200     650\n"
        "speedup      1.00x  1.846x\n"
        "model.bound   cube     hbm\n");
  Table words({"check", "result"});
  words.add_row({"a", "OK"});
  words.add_row({"b", "12"});
  words.add_row({"c", "MISS"});
  std::ostringstream left;
  words.print(left);
  CHECK(left.str() == "check  result\n-----  ------\na      OK\nb      12\nc      MISS\n");
  Table n({"name", "value"});
  n.add_row({"a", "5"});
  n.add_row({"bb", "-12.5"});
  std::ostringstream aligned;
  n.print(aligned);
  CHECK(aligned.str() == "name  value\n----  -----\na         5\nbb    -12.5\n");
  Table c({"a", "b"});
  c.add_row({"x,y", "say \"hi\""});
  std::ostringstream csv;
  c.write_csv(csv);
  CHECK(csv.str() == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n");
}

TEST_CASE("child exit codes combine to the worst, and anything unexpected counts as 3") {
  CHECK(worst_exit(0, 1) == 1);
  CHECK(worst_exit(3, 2) == 3);
  ChildStatus killed;
  killed.signal = 9;
  killed.exit_code = 137;
  CHECK(exit_code_of(killed) == 3);
  CHECK_THAT(killed.describe(), Catch::Contains("killed by signal 9"));
  ChildStatus odd;
  odd.exit_code = 127;
  CHECK(exit_code_of(odd) == 3);
  ChildStatus bad;
  bad.exit_code = 2;
  CHECK(exit_code_of(bad) == 2);
  CHECK(bad.describe() == "exit code 2 (bad input)");
}

TEST_CASE("a pool of children runs every job and reports each exit code by job index") {
  std::vector<ChildJob> jobs;
  const auto dir =
      std::filesystem::temp_directory_path() / ("ascendsim_pool_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (int code : {0, 3, 1, 2}) {
    ChildJob j;
    j.argv = {"sh", "-c",
              "echo line1; echo out-" + std::to_string(code) + "; exit " + std::to_string(code)};
    j.log_path = (dir / ("job" + std::to_string(code) + ".log")).string();
    jobs.push_back(j);
  }
  std::vector<std::size_t> seen;
  const auto status =
      run_children(jobs, 2, "jobs", [&](std::size_t i, const ChildStatus&) { seen.push_back(i); });
  REQUIRE(status.size() == 4);
  CHECK(status[0].exit_code == 0);
  CHECK(status[1].exit_code == 3);
  CHECK(status[2].exit_code == 1);
  CHECK(status[3].exit_code == 2);
  CHECK(seen.size() == 4);
  CHECK(log_tail(jobs[1].log_path, 1) == "  | out-3\n");
  CHECK(log_tail(jobs[1].log_path, 5, "") == "line1\nout-3\n");
  std::filesystem::remove_all(dir);
}
