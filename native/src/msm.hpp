// Multi-scalar multiplication sum_i k_i * P_i by Pippenger's bucket method with signed window
// digits. Buckets are accumulated in affine coordinates in batches that share one field
// inversion (Montgomery's simultaneous inversion): an affine addition then costs about 6
// multiplications instead of the 11 of a mixed Jacobian addition. The windows are independent
// tasks spread over the threads. Zero scalars and bases at infinity are skipped, scalars 1 are
// summed apart (by a batched affine tree), and small scalars only touch the low windows.
#pragma once
#include <algorithm>
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
 * Window width minimising the estimated cost in field multiplications: per window, about 7
 * per nonzero digit (batched affine addition) plus 27 per bucket (the running-sum reduction),
 * 2^(c-1) buckets. `bitHist[b]` counts the scalars of bit length b (0..256): a window starting
 * above a scalar's length sees digit 0 for it, except for a possible carry.
 */
inline int bestWindow(const std::vector<size_t>& bitHist, int bits) {
  int best = 1;
  double bestCost = 1e300;
  std::vector<size_t> longer(258, 0);  // longer[b] = scalars with bit length >= b
  for (int b = 256; b >= 0; b--) longer[b] = longer[b + 1] + bitHist[b];
  for (int c = 2; c <= 18; c++) {
    const int windows = signedWindows(bits, c);
    double cost = 0;
    for (int w = 0; w < windows; w++) {
      const int lo = std::min(256, w * c);
      cost += 7.0 * (double)longer[lo == 0 ? 1 : lo] + 27.0 * (double)(1u << (c - 1));
    }
    if (cost < bestCost) { bestCost = cost; best = c; }
  }
  return best;
}

/**
 * Affine additions a_i + q_i done together with one inversion. `out[i]` receives the sum and
 * `outInf[i]` whether it is the point at infinity (a = -q). Handles a = q (doubling). Neither
 * input may be infinity. Scratch vectors are reused between calls.
 */
template <class F>
struct BatchAdder {
  std::vector<F> den, prefix;

  void run(size_t n, const Affine<F>* const* a, const Affine<F>* q, Affine<F>* const* out, uint8_t* const* outInf) {
    if (n == 0) return;
    den.resize(n);
    prefix.resize(n);
    F acc = F::one();
    for (size_t i = 0; i < n; i++) {
      const Affine<F>& x = *a[i];
      const Affine<F>& y = q[i];
      F d;
      if (x.x != y.x) d = y.x - x.x;
      else if (x.y == y.y) d = x.y.dbl();  // doubling: lambda = 3x^2 / 2y
      else d = F::one();                   // a = -q: no inversion needed
      den[i] = d;
      prefix[i] = acc;
      acc *= d;
    }
    F inv = acc.inverse();
    for (size_t i = n; i-- > 0;) {
      const F dInv = inv * prefix[i];
      inv *= den[i];
      const Affine<F> x = *a[i];
      const Affine<F>& y = q[i];
      F lambda;
      if (x.x != y.x) {
        lambda = (y.y - x.y) * dInv;
      } else if (x.y == y.y) {
        F xx = x.x.sqr();
        lambda = (xx.dbl() + xx) * dInv;
      } else {
        *outInf[i] = 1;
        continue;
      }
      Affine<F> r;
      r.x = lambda.sqr() - x.x - y.x;
      r.y = lambda * (x.x - r.x) - x.y;
      *out[i] = r;
      *outInf[i] = 0;
    }
  }
};

/** Sum of affine points (none at infinity) by a tree of batched affine additions. */
template <class F>
Jacobian<F> sumAffine(std::vector<Affine<F>> pts) {
  BatchAdder<F> adder;
  std::vector<uint8_t> inf(pts.size(), 0);
  std::vector<const Affine<F>*> lhs;
  std::vector<Affine<F>> left, rhs;
  std::vector<Affine<F>*> outs;
  std::vector<uint8_t*> infs;
  while (pts.size() > 1) {
    const size_t pairs = pts.size() / 2;
    lhs.resize(pairs); rhs.resize(pairs); outs.resize(pairs); infs.resize(pairs);
    inf.assign(pairs, 0);
    // The inputs are copied out first, so the sums can overwrite pts[0..pairs).
    left.resize(pairs);
    for (size_t i = 0; i < pairs; i++) {
      left[i] = pts[2 * i];
      lhs[i] = &left[i];
      rhs[i] = pts[2 * i + 1];
      outs[i] = &pts[i];
      infs[i] = &inf[i];
    }
    adder.run(pairs, lhs.data(), rhs.data(), outs.data(), infs.data());
    size_t k = 0;
    for (size_t i = 0; i < pairs; i++) {
      if (!inf[i]) pts[k++] = pts[i];
    }
    if (pts.size() % 2) pts[k++] = pts[pts.size() - 1];
    pts.resize(k);
  }
  return pts.empty() ? Jacobian<F>::infinity() : Jacobian<F>::from(pts[0]);
}

/**
 * One window: sum over d of d * (sum of the bases whose digit here is d), with digits in
 * [-2^(c-1), 2^(c-1)) and a negative digit adding the negated base (free on affine points).
 * Buckets are affine and filled in batches; an addition to a bucket already waiting in the
 * current batch goes to that bucket's Jacobian overflow instead.
 */
template <class F>
Jacobian<F> windowSum(const Affine<F>* bases, const uint32_t* idx, const int32_t* digits, size_t m, int c) {
  const size_t nb = (size_t)1 << (c - 1);
  std::vector<Jacobian<F>> over(nb, Jacobian<F>::infinity());
  if (nb < 64) {  // few buckets: batches would be tiny; plain mixed additions
    for (size_t k = 0; k < m; k++) {
      const int32_t d = digits[k];
      if (d == 0) continue;
      const Affine<F>& b = bases[idx[k]];
      if (d > 0) over[d - 1].addAffine(b);
      else over[-d - 1].addAffine(Affine<F>{b.x, b.y.negate()});
    }
  } else {
    std::vector<Affine<F>> bucket(nb);
    std::vector<uint8_t> empty(nb, 1), waiting(nb, 0);
    // Larger batches share an inversion among more additions; conflicts only wait a batch.
    const size_t batch = std::min<size_t>(2048, nb / 2);
    std::vector<const Affine<F>*> lhs(batch);
    std::vector<Affine<F>> rhs(batch);
    std::vector<Affine<F>*> outs(batch);
    std::vector<uint8_t*> infs(batch);
    std::vector<uint32_t> slot(batch);
    // Additions to a bucket already in the current batch wait for the next one.
    std::vector<std::pair<uint32_t, Affine<F>>> deferred, retry;
    BatchAdder<F> adder;
    size_t fill = 0;
    auto flush = [&]() {
      adder.run(fill, lhs.data(), rhs.data(), outs.data(), infs.data());
      for (size_t i = 0; i < fill; i++) waiting[slot[i]] = 0;
      fill = 0;
    };
    auto place = [&](uint32_t s, const Affine<F>& q) {
      if (waiting[s]) { deferred.emplace_back(s, q); return; }
      if (empty[s]) { bucket[s] = q; empty[s] = 0; return; }
      waiting[s] = 1;
      slot[fill] = s;
      lhs[fill] = &bucket[s];
      rhs[fill] = q;
      outs[fill] = &bucket[s];
      infs[fill] = &empty[s];
      ++fill;
    };
    // After a flush no bucket waits: the deferred additions go first (they may defer again).
    auto flushAndRetry = [&]() {
      flush();
      retry.swap(deferred);
      deferred.clear();
      for (const auto& e : retry) {
        place(e.first, e.second);
        if (fill == batch) flush();
      }
      retry.clear();
    };
    for (size_t k = 0; k < m; k++) {
      const int32_t d = digits[k];
      if (d == 0) continue;
      const Affine<F>& b = bases[idx[k]];
      place((uint32_t)(d > 0 ? d - 1 : -d - 1), d > 0 ? b : Affine<F>{b.x, b.y.negate()});
      if (fill == batch) flushAndRetry();
      // Many digits in few buckets (e.g. equal scalars) would defer without end: Jacobian.
      if (deferred.size() > 4 * batch) {
        for (const auto& e : deferred) over[e.first].addAffine(e.second);
        deferred.clear();
      }
    }
    // Drain: batches of deferred additions while they are worth an inversion.
    while (fill > 0 || !deferred.empty()) {
      if (fill + deferred.size() < 16) {
        for (const auto& e : deferred) over[e.first].addAffine(e.second);
        deferred.clear();
      }
      flushAndRetry();
    }
    // sum_d d * bucket_d as a running sum from the top bucket down.
    Jacobian<F> running = Jacobian<F>::infinity(), total = Jacobian<F>::infinity();
    for (size_t s = nb; s-- > 0;) {
      if (!empty[s]) running.addAffine(bucket[s]);
      running.add(over[s]);
      total.add(running);
    }
    return total;
  }
  Jacobian<F> running = Jacobian<F>::infinity(), total = Jacobian<F>::infinity();
  for (size_t s = nb; s-- > 0;) {
    running.add(over[s]);
    total.add(running);
  }
  return total;
}

/**
 * One multi-exponentiation split into independent tasks (its windows and the sum of the bases
 * whose scalar is 1), so that several MSMs, and other work, can share one pool of threads.
 * The constructor filters the scalars and computes the signed digits (on `threads` threads);
 * run() each task once, from any thread; then result().
 */
template <class F>
class MsmJob {
 public:
  MsmJob(const Affine<F>* bases, const Scalar* scalars, size_t n, unsigned threads) : bases_(bases) {
    std::vector<size_t> hist(257, 0);
    for (size_t i = 0; i < n; i++) {
      const Scalar& k = scalars[i];
      if (k.isZero() || bases[i].isInfinity()) continue;
      if (k.isOne()) { ones_.push_back(bases[i]); continue; }
      idx_.push_back((uint32_t)i);
      const int bl = k.bitLength();
      hist[bl]++;
      bits_ = std::max(bits_, bl);
    }
    const size_t m = idx_.size();
    c_ = m == 0 ? 1 : bestWindow(hist, bits_);
    windows_ = m == 0 ? 0 : signedWindows(bits_, c_);
    const int32_t half = 1 << (c_ - 1), full = 1 << c_;
    const int c = c_, bits = bits_, windows = windows_;
    digits_.resize((size_t)windows * m);
    parallelFor(m, threads, [&](size_t lo, size_t hi, unsigned) {
      for (size_t k = lo; k < hi; k++) {
        const Scalar& s = scalars[idx_[k]];
        int32_t carry = 0;
        for (int w = 0; w < windows; w++) {
          int32_t d = (w * c < bits ? (int32_t)s.digit(w * c, c) : 0) + carry;
          carry = d >= half ? 1 : 0;
          digits_[(size_t)w * m + k] = d - carry * full;
        }
        if (carry) throw std::logic_error("internal error: signed MSM digits overflow the windows");
      }
    });
    sums_.assign((size_t)windows + 1, Jacobian<F>::infinity());
  }

  /** Tasks: window 0..windows-1, then the ones. */
  size_t tasks() const { return (size_t)windows_ + 1; }

  void run(size_t task) {
    if (task == (size_t)windows_) {
      sums_[task] = sumAffine<F>(std::move(ones_));
      return;
    }
    sums_[task] = windowSum(bases_, idx_.data(), digits_.data() + task * idx_.size(), idx_.size(), c_);
  }

  /** sum_w 2^(c w) * window_w + ones, once every task ran. */
  Jacobian<F> result() const {
    Jacobian<F> r = Jacobian<F>::infinity();
    for (int w = windows_ - 1; w >= 0; w--) {
      for (int k = 0; k < c_ && !r.isInfinity(); k++) r = r.doubled();
      r.add(sums_[(size_t)w]);
    }
    r.add(sums_[(size_t)windows_]);
    return r;
  }

 private:
  const Affine<F>* bases_;
  std::vector<uint32_t> idx_;
  std::vector<Affine<F>> ones_;
  std::vector<int32_t> digits_;
  std::vector<Jacobian<F>> sums_;
  int bits_ = 0, c_ = 1, windows_ = 0;
};

/** sum_i scalars[i] * bases[i] over i < n, on `threads` threads. */
template <class F>
Jacobian<F> multiExp(const Affine<F>* bases, const Scalar* scalars, size_t n, unsigned threads) {
  MsmJob<F> job(bases, scalars, n, threads);
  parallelTasks(job.tasks(), threads, [&](size_t t, unsigned) { job.run(t); });
  return job.result();
}

}  // namespace zkf
