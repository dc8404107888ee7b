// A check of the MSM against an independent computation, for the tests: on bases that are
// known multiples of the G1 generator, sum k_i * (c_i G) must equal (sum k_i c_i mod r) * G,
// computed by plain double-and-add. The patterns reach the batch-affine corner cases that real
// witnesses rarely do: equal scalars (one bucket gets everything), a base next to its
// negation or itself (sums to infinity, doublings inside a batch), small scalars and 0/1.
#pragma once
#include <string>

namespace zkf {

/**
 * Runs the MSM on `n` bases in the given pattern ("random", "equal", "negated", "doubled",
 * "small", "binary") with `threads` threads; true when it matches the reference.
 * Throws std::invalid_argument for an unknown pattern.
 */
bool msmSelfTest(const std::string& pattern, size_t n, unsigned threads);

}  // namespace zkf
