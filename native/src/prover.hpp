// The Groth16 prover: the same computation as snarkjs's groth16_prove.js on a parsed zkey.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "formats.hpp"
#include "ntt.hpp"

namespace zkf {

/** A parsed zkey plus what every proof under it reuses (domain twiddles, the r1cs C rows). */
struct ProvingData {
  Zkey zkey;
  R1csC r1cs;
  Domain domain;
};

/** A witness that fails constraint `index` (A·w * B·w != C·w in Fr). */
struct ConstraintViolation : std::runtime_error {
  uint32_t index;
  ConstraintViolation(uint32_t i, uint32_t total)
      : std::runtime_error("the witness violates constraint " + std::to_string(i) + " of " + std::to_string(total) + " (A·w × B·w ≠ C·w); no proof was made"), index(i) {}
};

/** Proof points in canonical affine coordinates (little-endian limbs, not Montgomery). */
struct ProofOut {
  u64 a[2][4];
  u64 b[2][2][4];  // x = (c0, c1), y = (c0, c1)
  u64 c[2][4];
  double seconds[4];  // evaluations + check, NTTs with the MSMs A/B/B2/C, H and its MSM, total
  std::vector<Scalar> publicSignals;  // wires 1..nPublic
};

/**
 * Per-phase timing on stderr when ZKFORGET_NATIVE_TRACE=1: one line per phase, in seconds of
 * wall time, to see where a proof's time goes.
 */
class PhaseTrace {
 public:
  PhaseTrace();
  /** Prints the time since the previous lap (or construction) under `what`, when enabled. */
  void lap(const char* what);
  bool enabled() const { return on_; }

 private:
  bool on_;
  double last_;
};

/** Loads zkey + r1cs, checking they describe the same circuit. */
std::shared_ptr<const ProvingData> loadProvingData(const std::string& zkeyPath, const std::string& r1csPath);

/**
 * As loadProvingData, but parsed once per process: cached by path, modification time and
 * size of both files (a rebuilt key is re-read). Thread-safe.
 */
std::shared_ptr<const ProvingData> cachedProvingData(const std::string& zkeyPath, const std::string& r1csPath);

/** Drops the cache (tests; frees memory). Returns how many keys it held. */
size_t clearProvingDataCache();

/** Proves with fresh blinding r, s from the OS CSPRNG. Throws ConstraintViolation, runtime_error. */
ProofOut prove(const ProvingData& pd, const std::vector<Scalar>& witness, unsigned threads, PhaseTrace* trace = nullptr);

/** A uniform element of Fr (canonical) by rejection sampling of OS random bytes. */
Scalar randomScalar();

}  // namespace zkf
