// Multi-scalar multiplication sum_i k_i * P_i by Pippenger's bucket method, split across
// threads by point ranges. Scalars 0 (and bases at infinity) are skipped and scalars 1 are
// summed directly; a window covers only the bits the range's largest scalar has, so small
// scalars cost one bucket addition.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <vector>
#include "curve.hpp"
#include "parallel.hpp"

namespace zkf {

/** A canonical scalar (integer below r), little-endian 64-bit limbs. */
struct Scalar {
  u64 v[4];
  bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool isOne() const { return v[0] == 1 && (v[1] | v[2] | v[3]) == 0; }
  int bitLength() const {
    for (int i = 3; i >= 0; i--) {
      if (v[i]) return 64 * i + 64 - __builtin_clzll(v[i]);
    }
    return 0;
  }
  /** The `c` bits starting at bit `shift`. */
  uint32_t digit(int shift, int c) const {
    if (shift >= 256) return 0;
    int limb = shift >> 6, off = shift & 63;
    u64 x = v[limb] >> off;
    if (off + c > 64 && limb < 3) x |= v[limb + 1] << (64 - off);
    return (uint32_t)(x & ((1ULL << c) - 1));
  }
};

/**
 * Signed windows needed for scalars below 2^bits: each window's digit absorbs a carry, so the
 * windows must span bits + 2 bits for the top digit to stay below 2^(c-1) with no carry out.
 */
inline int signedWindows(int bits, int c) { return (bits + 1) / c + 1; }

/**
 * Window width minimising the estimated additions for signed digits:
 * windows * (points + 2 * buckets), with 2^(c-1) buckets.
 */
inline int bestWindow(size_t points, int bits) {
  int best = 1;
  double bestCost = 1e300;
  for (int c = 2; c <= 20; c++) {
    double windows = signedWindows(bits, c);
    double cost = windows * ((double)points + (double)(1u << c));
    if (cost < bestCost) { bestCost = cost; best = c; }
  }
  return best;
}

/**
 * Pippenger with signed window digits in [-2^(c-1), 2^(c-1)): a negative digit adds the
 * negated base (free on affine points), so each window needs only 2^(c-1) buckets.
 */
template <class F>
Jacobian<F> pippenger(const Affine<F>* bases, const Scalar* scalars, const std::vector<uint32_t>& idx, int bits) {
  Jacobian<F> result = Jacobian<F>::infinity();
  if (idx.empty() || bits == 0) return result;
  const size_t m = idx.size();
  const int c = bestWindow(m, bits);
  const int windows = signedWindows(bits, c);
  const int32_t half = 1 << (c - 1), full = 1 << c;
  std::vector<int32_t> digits((size_t)windows * m);
  for (size_t k = 0; k < m; k++) {
    const Scalar& s = scalars[idx[k]];
    int32_t carry = 0;
    for (int w = 0; w < windows; w++) {
      int32_t d = (w * c < bits ? (int32_t)s.digit(w * c, c) : 0) + carry;
      carry = d >= half ? 1 : 0;
      digits[(size_t)w * m + k] = d - carry * full;
    }
    if (carry) throw std::logic_error("internal error: signed MSM digits overflow the windows");
  }
  std::vector<Jacobian<F>> buckets((size_t)half);
  for (int w = windows - 1; w >= 0; w--) {
    for (int k = 0; k < c && !result.isInfinity(); k++) result = result.doubled();
    std::fill(buckets.begin(), buckets.end(), Jacobian<F>::infinity());
    const int32_t* dw = digits.data() + (size_t)w * m;
    for (size_t k = 0; k < m; k++) {
      int32_t d = dw[k];
      if (d > 0) {
        buckets[d - 1].addAffine(bases[idx[k]]);
      } else if (d < 0) {
        const Affine<F>& b = bases[idx[k]];
        buckets[-d - 1].addAffine(Affine<F>{b.x, b.y.negate()});
      }
    }
    // sum_d d * bucket_d as a running sum from the top bucket down.
    Jacobian<F> running = Jacobian<F>::infinity(), window = Jacobian<F>::infinity();
    for (size_t d = buckets.size(); d-- > 0;) {
      running.add(buckets[d]);
      window.add(running);
    }
    result.add(window);
  }
  return result;
}

/** sum_i scalars[i] * bases[i] over i < n, on `threads` threads. */
template <class F>
Jacobian<F> multiExp(const Affine<F>* bases, const Scalar* scalars, size_t n, unsigned threads) {
  std::vector<Jacobian<F>> partial(threads, Jacobian<F>::infinity());
  parallelFor(n, threads, [&](size_t b, size_t e, unsigned t) {
    std::vector<uint32_t> idx;
    idx.reserve(e - b);
    Jacobian<F> ones = Jacobian<F>::infinity();
    int bits = 0;
    for (size_t i = b; i < e; i++) {
      const Scalar& k = scalars[i];
      if (k.isZero() || bases[i].isInfinity()) continue;
      if (k.isOne()) { ones.addAffine(bases[i]); continue; }
      idx.push_back((uint32_t)i);
      bits = std::max(bits, k.bitLength());
    }
    Jacobian<F> r = pippenger(bases, scalars, idx, bits);
    r.add(ones);
    partial[t] = r;
  });
  Jacobian<F> sum = Jacobian<F>::infinity();
  for (auto& p : partial) sum.add(p);
  return sum;
}

}  // namespace zkf
