// Readers for the three iden3 binary files the prover consumes: the snarkjs Groth16 .zkey,
// the circom .r1cs (only its C matrix, for the constraint check) and the .wtns witness. All
// share one container: magic, version, then (id u32, size u64, bytes) sections.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "curve.hpp"
#include "msm.hpp"

namespace zkf {

/** A Groth16 proving key, as snarkjs lays it out, held in memory. */
struct Zkey {
  uint32_t nVars = 0, nPublic = 0, domainSize = 0;
  int power = 0;
  G1Affine alpha1, beta1, delta1;
  G2Affine beta2, gamma2, delta2;
  struct Coef {
    uint32_t matrix, constraint, signal;
    Fr value;  // stored as v * 2^512 mod r: a Montgomery product with a canonical witness gives Montgomery(v * w)
  };
  std::vector<Coef> coefs;
  std::vector<G1Affine> A, B1, C, H;  // C holds the private wires only (index nPublic + 1 + i)
  std::vector<G2Affine> B2;
};

/** The C matrix of an r1cs, row by row (compressed sparse rows). */
struct R1csC {
  uint32_t nWires = 0, nPublic = 0, nConstraints = 0;
  std::vector<uint32_t> rowStart;  // nConstraints + 1 offsets into wire/coef
  std::vector<uint32_t> wire;
  std::vector<Fr> coef;  // as in Zkey::Coef::value (v * 2^512 mod r)
};

/** Parses a zkey file; throws std::runtime_error naming the file and what is wrong. */
Zkey readZkey(const std::string& path);
/** Parses the header and C matrix of an r1cs file. */
R1csC readR1csC(const std::string& path);
/** Parses a wtns image (the bytes of a .wtns file) into canonical scalars. */
std::vector<Scalar> readWtns(const uint8_t* data, size_t size);

}  // namespace zkf
