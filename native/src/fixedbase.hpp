// Fixed-base scalar multiplication for the dev keys: s_i * G for many scalars s_i and one base
// G, from a precomputed table T[w][d] = d * 2^(8w) * G. Every point of a dev zkey is a known
// scalar times a generator (src/setup/directZkey.ts), so a key is a few batches of these; the
// WebAssembly version of the same loop (src/setup/fixedBase.ts) is the fallback.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>
#include "curve.hpp"
#include "parallel.hpp"

namespace zkf {

/** Byte windows of a 256-bit scalar and the table entries per window. */
constexpr size_t kFixedBaseWindows = 32;
constexpr size_t kFixedBaseDigits = 256;

/**
 * out[i] = s_i * G (affine; infinity as (0, 0)) for the n scalars at `scalars` (32 bytes each,
 * canonical little-endian), where table[w * 256 + d] = d * 2^(8w) * G (entry d = 0 unused; no
 * entry is infinity). Each product is at most 32 mixed additions; the results of a chunk share
 * one inversion (Montgomery's trick) on their way to affine. Split over `threads` threads.
 */
template <class F>
void fixedBaseBatch(const Affine<F>* table, const uint8_t* scalars, size_t n, Affine<F>* out, unsigned threads) {
  parallelFor(n, threads, [&](size_t begin, size_t end, unsigned) {
    constexpr size_t kChunk = 1024;
    std::vector<Jacobian<F>> acc(kChunk);
    std::vector<F> prefix(kChunk);
    for (size_t start = begin; start < end; start += kChunk) {
      const size_t m = std::min(kChunk, end - start);
      for (size_t i = 0; i < m; i++) {
        const uint8_t* s = scalars + (start + i) * kFixedBaseWindows;
        Jacobian<F> a = Jacobian<F>::infinity();
        for (size_t w = 0; w < kFixedBaseWindows; w++) {
          if (s[w] != 0) a.addAffine(table[w * kFixedBaseDigits + s[w]]);
        }
        acc[i] = a;
      }
      // prefix[i] = product of the nonzero Z before i; one inversion for the chunk.
      F run = F::one();
      for (size_t i = 0; i < m; i++) {
        prefix[i] = run;
        if (!acc[i].isInfinity()) run = run * acc[i].Z;
      }
      F inv = run.inverse();
      for (size_t i = m; i-- > 0;) {
        Affine<F>& o = out[start + i];
        if (acc[i].isInfinity()) {
          o = Affine<F>{F::zero(), F::zero()};
          continue;
        }
        const F zi = inv * prefix[i];
        inv = inv * acc[i].Z;
        const F zi2 = zi.sqr();
        o = Affine<F>{acc[i].X * zi2, acc[i].Y * zi2 * zi};
      }
    }
  });
}

}  // namespace zkf
