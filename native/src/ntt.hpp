// Radix-2 number-theoretic transform over Fr on the power-of-two domain snarkjs uses:
// omega_n = w_n from ffjavascript (w_28 = nqr^((r-1)/2^28), w_{k-1} = w_k^2, nqr the least
// quadratic non-residue), and the "odd" coset shift w_{2n} that the zkey's H points expect.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>
#include "field.hpp"
#include "parallel.hpp"

namespace zkf {

/** Twiddles and constants of one domain of size 2^power. */
struct Domain {
  int power = 0;
  size_t n = 0;
  std::vector<Fr> roots, invRoots;  // omega^i and omega^-i for i < n/2
  Fr nInv, cosetShift;
};

inline Domain makeDomain(int power) {
  const int S = 28;  // 2-adicity of r - 1 for BN254
  if (power < 1 || power >= S) throw std::runtime_error("domain size 2^" + std::to_string(power) + " is not supported (1..27)");
  const Modulus& m = frModulus();
  u64 rm1[4], half[4], t[4];
  const u64 one[4] = {1, 0, 0, 0};
  detail::sub4(rm1, m.p, one);
  for (int i = 0; i < 4; i++) half[i] = (rm1[i] >> 1) | (i < 3 ? rm1[i + 1] << 63 : 0);
  for (int i = 0; i < 4; i++) t[i] = (rm1[i] >> S) | (i < 3 ? rm1[i + 1] << (64 - S) : 0);
  Fr minusOne = Fr::one().negate();
  Fr nqr = Fr::fromU64(2);
  while (nqr.pow(half) != minusOne) nqr = nqr + Fr::one();
  std::vector<Fr> w(S + 1);
  w[S] = nqr.pow(t);
  for (int i = S; i > 0; i--) w[i - 1] = w[i].sqr();
  Domain d;
  d.power = power;
  d.n = (size_t)1 << power;
  d.cosetShift = w[power + 1];
  Fr omega = w[power], omegaInv = omega.inverse();
  d.roots.resize(d.n / 2);
  d.invRoots.resize(d.n / 2);
  Fr x = Fr::one(), y = Fr::one();
  for (size_t i = 0; i < d.n / 2; i++) {
    d.roots[i] = x;
    d.invRoots[i] = y;
    x *= omega;
    y *= omegaInv;
  }
  d.nInv = Fr::fromU64(d.n).inverse();
  return d;
}

/** In place: evaluations at omega^i from coefficients (or back, with `inverse`). */
inline void ntt(std::vector<Fr>& a, const Domain& d, bool inverse, unsigned threads) {
  const size_t n = d.n;
  for (size_t i = 1, j = 0; i < n; i++) {  // bit-reversal permutation
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  const std::vector<Fr>& roots = inverse ? d.invRoots : d.roots;
  // Level by level; butterfly k of a level is (block k >> lh, offset k & (h - 1)): shifts and
  // masks, no division. Both threads take half of each level's butterflies.
  int lh = 0;
  for (size_t h = 1; h < n; h <<= 1, lh++) {
    const int shift = d.power - 1 - lh;  // twiddle index j * (n / 2h)
    parallelFor(n / 2, n >= 4096 ? threads : 1, [&](size_t b, size_t e, unsigned) {
      for (size_t k = b; k < e; k++) {
        const size_t j = k & (h - 1), i0 = ((k >> lh) << (lh + 1)) | j;
        Fr v = a[i0 + h] * roots[j << shift];
        Fr u = a[i0];
        a[i0] = u + v;
        a[i0 + h] = u - v;
      }
    });
  }
  if (inverse) {
    parallelFor(n, threads, [&](size_t b, size_t e, unsigned) {
      for (size_t i = b; i < e; i++) a[i] *= d.nInv;
    });
  }
}

/** a_i <- a_i * shift^i (coefficients of p(shift * x)). */
inline void applyCoset(std::vector<Fr>& a, const Fr& shift, unsigned threads) {
  parallelFor(a.size(), threads, [&](size_t b, size_t e, unsigned) {
    u64 exp[4] = {b, 0, 0, 0};
    Fr x = shift.pow(exp);
    for (size_t i = b; i < e; i++) {
      a[i] *= x;
      x *= shift;
    }
  });
}

}  // namespace zkf
