#pragma once
// The one place models include SystemC from, so that dynamic processes (sc_spawn) are enabled
// the same way in every translation unit.
#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <systemc>
