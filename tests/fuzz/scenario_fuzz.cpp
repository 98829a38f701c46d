// libFuzzer entry point (clang -fsanitize=fuzzer): see fuzz_entry.hpp and
// scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gpusim::fuzz::run_one_input(data, size);
  return 0;
}
