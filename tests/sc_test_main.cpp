// SystemC tests: Catch2's session runs from sc_main, and ctest runs each test case as its own
// process (catch_discover_tests), since SystemC elaborates one design per process. SystemC
// warnings are turned into failures.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

namespace {
void fail_on_warning(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() == sc_core::SC_WARNING)
    throw std::runtime_error(std::string("SystemC warning: ") + report.get_msg_type() + ": " +
                             report.get_msg());
  sc_core::sc_report_handler::default_handler(report, actions);
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_handler(fail_on_warning);
  return Catch::Session().run(argc, argv);
}
