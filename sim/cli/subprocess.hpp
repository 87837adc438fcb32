#pragma once
// Child processes for commands that simulate more than once (compare, sweep): SystemC elaborates
// one design per process, so every simulation is its own process of this same binary. A child's
// stdout and stderr go to a log file; stdin is /dev/null. Also runs helper tools (gnuplot).
//
// Exit codes of children are the command's codes (exit_codes.hpp); anything else (a signal, a
// failed exec, an abort) counts as a simulation error when combining them.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/config/config_node.hpp"

namespace ascendsim::cli {

struct ChildJob {
  std::vector<std::string> argv;  // argv[0]: a path, or a bare name looked up in PATH
  std::string log_path;           // stdout + stderr, truncated first; its folder must exist
  std::string cwd;                // working directory of the child; empty: the parent's
};

struct ChildStatus {
  int exit_code = 0;  // exit status, or 128 + signal number when killed
  int signal = 0;     // the signal that killed it, 0 if it exited
  // "exit code 3 (simulation error)", "killed by signal 9 (Killed)"
  std::string describe() const;
};

// The running binary (/proc/self/exe resolved), so children run exactly this build.
std::string self_executable();
// The full path of `name` in PATH, if there is an executable one.
std::optional<std::string> find_program(const std::string& name);
// std::thread::hardware_concurrency(), at least 1: the default of -j.
unsigned default_jobs();

// Starts one child and waits for it.
ChildStatus run_child(const ChildJob& job);

// Runs `jobs` with at most `workers` alive at once, starting them in order. `on_done` is called
// as each finishes (completion order); the result is indexed like `jobs`. While it runs and
// stderr is a terminal, a progress bar "[#####.....] 12/30 <unit>" is kept on stderr.
std::vector<ChildStatus> run_children(
    const std::vector<ChildJob>& jobs, unsigned workers, const std::string& unit,
    const std::function<void(std::size_t, const ChildStatus&)>& on_done = {});

// The parent's exit code from a child's: 0, 1, 2, 3 as they are; anything else is 3.
int exit_code_of(const ChildStatus& status);
// The worse of two exit codes: 3 > 2 > 1 > 0.
int worst_exit(int a, int b);
// The last `lines` lines of a text file, each prefixed with `indent` ("" if unreadable).
std::string log_tail(const std::string& path, int lines, const std::string& indent = "  | ");

// ---- children that are runs of this binary ----

// `<self> run RUN --set S... --out DIR --quiet [--timing-only]`, logging to DIR/log.txt. DIR is
// created, and a report.json left there by an earlier run is removed, so a child that fails
// before writing its report is never credited with an old one.
ChildJob run_job(const std::string& run_path, const std::vector<std::string>& sets,
                 const std::string& out_dir, bool timing_only);

// The options of the commands that fan out into run children (compare, sweep).
struct FanOutOptions {
  std::string file;               // the positional COMPARE.yaml / SWEEP.yaml
  std::string out_dir;            // --out; default out/<command>/<file stem>
  std::vector<std::string> sets;  // --set, applied after the file's own overrides
  unsigned jobs = 1;              // -j; default: hardware threads
  bool timing_only = false;       // --timing-only
};

// Parses them. With --help, prints `description` (usage line and text), the options and
// `example`, and returns nullopt. boost::program_options::error for bad arguments.
std::optional<FanOutOptions> parse_fan_out(const Args& args, const std::string& command,
                                           const std::string& description, const std::string& unit,
                                           const std::string& example, std::ostream& out);

// The `run:` key of a golden / compare / sweep file: the run file's path, taken relative to that
// file; ConfigError at the key when there is no such file.
std::string run_file_at(const std::string& file, const config::ConfigNode& run_key);

// The `set:` list under `parent` (key.path=value overrides; none when absent), appended to
// `sets`; returns their nodes, for messages naming the line that set a key.
std::vector<config::ConfigNode> read_sets(const config::ConfigNode& parent,
                                          std::vector<std::string>& sets);

// The report fields listed under `parent`'s `key` (compare's `columns`, sweep's `figures`) with
// their nodes, or `defaults` and no nodes when the key is absent; ConfigError for an empty list.
void read_field_list(const config::ConfigNode& parent, const std::string& key,
                     const std::vector<std::string>& defaults, std::vector<std::string>& fields,
                     std::vector<config::ConfigNode>& nodes);

// For a child that did not exit 0: "<label>: exit code 3 (simulation error); <log> ends:" and
// the log's last lines; a failed numerical check (exit 1) gets the first line only.
std::string failure_text(const std::string& label, const ChildStatus& status,
                         const std::string& log_path);

// Loads a run with its overrides and creates its kernel without simulating, so bad input fails
// in the parent, at once, before any child starts. Throws what execute_run would throw.
void precheck_run(const std::string& run_path, const std::vector<std::string>& sets);

}  // namespace ascendsim::cli
