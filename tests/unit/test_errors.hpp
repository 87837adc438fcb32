#pragma once
// The message of the std::invalid_argument a call throws, for tests of plain C++ validation.
#include <stdexcept>
#include <string>

namespace ascendsim::testing {

// The message of the std::invalid_argument `fn` throws ("" if none).
template <typename Fn>
std::string invalid_argument_message(Fn fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace ascendsim::testing
