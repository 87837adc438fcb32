// trace.json (Chrome trace events) for the fixture's timeline at 1 GHz: 1 cycle = 0.001 us.
#include <catch2/catch.hpp>

#include "sim/report/writers.hpp"

namespace report_test {
ascendsim::report::RunSummary test_run();
}  // namespace report_test

using namespace ascendsim;
using report::Json;
using report_test::test_run;

namespace {
std::vector<Json> with_phase(const Json& trace, const std::string& ph) {
  std::vector<Json> out;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == ph) out.push_back(e);
  return out;
}
}  // namespace

TEST_CASE("the trace names a process per core and a thread per pipe") {
  const Json t = report::make_chrome_trace(test_run());
  CHECK(t["displayTimeUnit"] == "ns");
  std::vector<std::string> processes, threads;
  for (const auto& m : with_phase(t, "M")) {
    if (m["name"] == "process_name")
      processes.push_back(std::to_string(m["pid"].get<int>()) + "=" +
                          m["args"]["name"].get<std::string>());
    if (m["name"] == "thread_name")
      threads.push_back(std::to_string(m["pid"].get<int>()) + "." +
                        std::to_string(m["tid"].get<int>()) + "=" +
                        m["args"]["name"].get<std::string>());
  }
  // pids: 1 + position in the chip (AICs, then AIVs); the die's HBM process follows the cores
  CHECK(processes ==
        std::vector<std::string>{"1=die0.aic0", "3=die0.aiv0", "4=die0.aiv1", "7=die0.hbm"});
  CHECK(threads == std::vector<std::string>{"1.2=m", "1.4=mte2", "1.6=fix", "3.0=s", "4.0=s"});
}

TEST_CASE("spans become complete events with ts and dur in microseconds") {
  const auto spans = with_phase(report::make_chrome_trace(test_run()), "X");
  REQUIRE(spans.size() == 2);
  // sorted by core, then pipe: M (2) before MTE2 (4)
  CHECK(spans[0]["name"] == "mmad");
  CHECK(spans[0]["tid"] == 2);
  CHECK(spans[0]["ts"].get<double>() == Approx(0.4));
  CHECK(spans[0]["dur"].get<double>() == Approx(0.6));
  CHECK(spans[0]["args"]["index"] == 3u);
  CHECK(spans[1]["name"] == "copy");
  CHECK(spans[1]["ts"].get<double>() == 0.0);
  CHECK(spans[1]["args"]["bytes"] == 200'000u);
}

TEST_CASE("set/wait hand-offs become s/f flow pairs binding to the enclosing slice") {
  const Json t = report::make_chrome_trace(test_run());
  const auto s = with_phase(t, "s");
  const auto f = with_phase(t, "f");
  REQUIRE(s.size() == 2);
  REQUIRE(f.size() == 2);
  // sorted by source cycle: the intra-core flag at 400 first
  CHECK(s[0]["name"] == "flag");
  CHECK(s[0]["id"] == f[0]["id"]);
  CHECK(s[0]["tid"] == 4);
  CHECK(f[0]["tid"] == 2);
  CHECK(f[0]["bp"] == "e");
  CHECK(s[1]["name"] == "cross_core");
  CHECK(f[1]["pid"] == 3);
  CHECK(f[1]["ts"].get<double>() == Approx(0.995));
  CHECK(s[0]["id"] != s[1]["id"]);
}

TEST_CASE("HBM samples become counter events per die, ordered by time") {
  const auto c = with_phase(report::make_chrome_trace(test_run()), "C");
  REQUIRE(c.size() == 2);
  CHECK(c[0]["name"] == "hbm_gbps");
  CHECK(c[0]["pid"] == 7);
  CHECK(c[0]["ts"].get<double>() == Approx(0.25));
  CHECK(c[0]["args"]["gbps"].get<double>() == 25.0);
  CHECK(c[1]["ts"].get<double>() == Approx(0.5));
}

TEST_CASE("the first numeric event and the first overflow are global instant events") {
  const auto i = with_phase(report::make_chrome_trace(test_run()), "i");
  REQUIRE(i.size() == 2);
  CHECK(i[0]["name"] == "first numeric event: underflow in vexp (fp16)");
  CHECK(i[0]["s"] == "g");
  CHECK(i[0]["pid"] == 4);
  CHECK(i[0]["ts"].get<double>() == Approx(0.123));
  CHECK_FALSE(i[0]["args"].contains("region"));
  CHECK(i[1]["name"] == "first overflow: overflow in vexp (fp16)");
  CHECK(i[1]["ts"].get<double>() == Approx(0.130));
  CHECK(i[1]["args"]["instruction_index"] == 9u);
  CHECK(i[1]["args"]["region"] == "task 0, KV block 2");
}

TEST_CASE("an overflow that is also the first numeric event is marked once") {
  auto run = test_run();
  run.stats.first_numeric_event = run.stats.first_overflow;
  const auto i = with_phase(report::make_chrome_trace(run), "i");
  REQUIRE(i.size() == 1);
  CHECK(i[0]["name"] == "first numeric event: overflow in vexp (fp16)");
  CHECK(i[0]["args"]["region"] == "task 0, KV block 2");
}

TEST_CASE("the trace is deterministic whatever order the timeline was recorded in") {
  auto a = test_run();
  auto b = test_run();
  std::reverse(b.timeline.spans.begin(), b.timeline.spans.end());
  std::reverse(b.timeline.flows.begin(), b.timeline.flows.end());
  std::reverse(b.timeline.hbm.begin(), b.timeline.hbm.end());
  CHECK(report::make_chrome_trace(a).dump() == report::make_chrome_trace(b).dump());
}
