#pragma once
// Report writers. Every figure's definition is in docs/REPORT.md; the JSON schema is
// `ascendsim.report/1`. Output is deterministic: fixed key order, integers as integers, floats
// printed with fixed precision, no host time (that goes in run_meta.json).
#include <iosfwd>
#include <string>

#include "sim/report/run_summary.hpp"

namespace ascendsim::report {

Json make_report_json(const RunSummary& run);
// report.json, PipeUtilization.csv, Memory.csv, ArithmeticUtilization.csv, L2Cache.csv into dir
// (created if missing); trace.json too when run.timeline.enabled.
void write_report_files(const RunSummary& run, const std::string& dir);
// Chrome trace-event JSON (Perfetto): a track per core x pipe, flows, HBM counters.
Json make_chrome_trace(const RunSummary& run);
// Human summary for the terminal.
void print_console_summary(const RunSummary& run, std::ostream& out);
// Deterministic JSON text: 2-space indent, doubles with up to 9 significant digits.
std::string dump_json(const Json& j);

}  // namespace ascendsim::report
