#pragma once
// Exit codes of every ascendsim command (ARCHITECTURE.md "Command line").
namespace ascendsim::cli {
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // numerical check or golden regression missed
inline constexpr int kExitBadInput = 2;     // config, trace, arguments
inline constexpr int kExitSimError = 3;     // deadlock, out-of-bounds access, illegal program
}  // namespace ascendsim::cli
