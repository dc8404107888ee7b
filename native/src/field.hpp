// Prime fields in Montgomery form with four 64-bit limbs (R = 2^256), and the quadratic
// extension Fq2 = Fq[u]/(u^2 + 1). The representation is the one snarkjs writes into a zkey
// ("LEM": little-endian Montgomery), so zkey points are used as they are read. x86-64 only
// (carry intrinsics, unsigned __int128).
#pragma once
#include <cstdint>
#include <cstring>
#include <x86intrin.h>

// The field operations are small and called from every curve formula: force them inline so
// the operands stay in registers (GCC otherwise outlines the multiplication).
#define ZKF_INLINE inline __attribute__((always_inline))

namespace zkf {

using u64 = uint64_t;
using u128 = unsigned __int128;

/** Compile-time description of a prime below 2^254 and its Montgomery constants. */
struct Modulus {
  u64 p[4];
  u64 inv;     // -p^{-1} mod 2^64
  u64 r2[4];   // 2^512 mod p
  u64 one[4];  // 2^256 mod p (Montgomery form of 1)
};

namespace detail {
constexpr bool geq(const u64 a[4], const u64 b[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}
constexpr u64 sub4(u64 r[4], const u64 a[4], const u64 b[4]) {
  u64 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    r[i] = (u64)d;
    borrow = (u64)(d >> 64) & 1;
  }
  return borrow;
}
constexpr u64 add4(u64 r[4], const u64 a[4], const u64 b[4]) {
  u64 carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a[i] + b[i] + carry;
    r[i] = (u64)s;
    carry = (u64)(s >> 64);
  }
  return carry;
}
/**
 * Montgomery constants of p, computed at compile time (doubling 1 up to 2^512 needs no
 * division). Being constexpr, every field operation sees p and inv as immediates: no
 * function-local static and its thread-safe initialisation guard on the hot path.
 */
constexpr Modulus makeModulus(u64 p0, u64 p1, u64 p2, u64 p3) {
  Modulus m{{p0, p1, p2, p3}, 0, {0, 0, 0, 0}, {0, 0, 0, 0}};
  // p < 2^254 keeps a + b < 2^255 and allows the CIOS product without extra carry words.
  if (p3 >= (1ULL << 62)) throw "modulus too large for the no-carry Montgomery product";
  u64 inv = 1;  // Newton iteration for p0^{-1} mod 2^64
  for (int i = 0; i < 6; i++) inv *= 2 - p0 * inv;
  m.inv = (u64)0 - inv;
  u64 x[4] = {1, 0, 0, 0};
  for (int i = 0; i < 512; i++) {
    u64 carry = add4(x, x, x);
    if (carry || geq(x, m.p)) sub4(x, x, m.p);
    if (i == 255) for (int k = 0; k < 4; k++) m.one[k] = x[k];
  }
  for (int k = 0; k < 4; k++) m.r2[k] = x[k];
  return m;
}
}  // namespace detail

/** BN254 base field q. */
inline constexpr Modulus kFqModulus = detail::makeModulus(0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL);
/** BN254 scalar field r (the circuit's field). */
inline constexpr Modulus kFrModulus = detail::makeModulus(0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL);
inline const Modulus& fqModulus() { return kFqModulus; }
inline const Modulus& frModulus() { return kFrModulus; }

/** An element of the prime field `M`, kept in Montgomery form (fully reduced, < p). */
template <const Modulus& M>
struct Fp {
  u64 v[4];

  static constexpr Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static constexpr Fp one() { return Fp{{M.one[0], M.one[1], M.one[2], M.one[3]}}; }
  /** From a canonical integer (little-endian limbs, < p) to Montgomery form. */
  static Fp fromCanonical(const u64 a[4]) { Fp x{{a[0], a[1], a[2], a[3]}}; return x * Fp{{M.r2[0], M.r2[1], M.r2[2], M.r2[3]}}; }
  static Fp fromU64(u64 a) { u64 l[4] = {a, 0, 0, 0}; return fromCanonical(l); }
  /** Back to the canonical integer (little-endian limbs). */
  void toCanonical(u64 out[4]) const { Fp r = (*this) * Fp{{1, 0, 0, 0}}; std::memcpy(out, r.v, sizeof r.v); }

  bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool operator==(const Fp& o) const { return ((v[0] ^ o.v[0]) | (v[1] ^ o.v[1]) | (v[2] ^ o.v[2]) | (v[3] ^ o.v[3])) == 0; }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  /** s - p if s >= p, else s, branch-free (s < 2p). */
  ZKF_INLINE static Fp reduceOnce(const u64 s[4]) {
#if defined(__x86_64__)
    // sub/sbb then cmov: GCC turns a C select into a data-dependent branch (mispredicted
    // about as often as not) or into an SSE mask through the stack.
    u64 r0 = s[0], r1 = s[1], r2 = s[2], r3 = s[3];
    u64 t0 = r0, t1 = r1, t2 = r2, t3 = r3;
    __asm__(
        "subq %[p0], %[t0]\n\t"
        "sbbq %[p1], %[t1]\n\t"
        "sbbq %[p2], %[t2]\n\t"
        "sbbq %[p3], %[t3]\n\t"
        "cmovncq %[t0], %[r0]\n\t"
        "cmovncq %[t1], %[r1]\n\t"
        "cmovncq %[t2], %[r2]\n\t"
        "cmovncq %[t3], %[r3]\n\t"
        : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3)
        : [p0] "m"(M.p[0]), [p1] "m"(M.p[1]), [p2] "m"(M.p[2]), [p3] "m"(M.p[3])
        : "cc");
    return Fp{{r0, r1, r2, r3}};
#else
    u64 t[4];
    const u64 br = detail::sub4(t, s, M.p);
    const u64 keep = (u64)0 - br;  // all ones when s < p
    Fp r;
    for (int i = 0; i < 4; i++) r.v[i] = (s[i] & keep) | (t[i] & ~keep);
    return r;
#endif
  }

  // Branch-free: compute both candidates with carry chains, select by the final borrow.
  ZKF_INLINE friend Fp operator+(const Fp& a, const Fp& b) {
    u64 s[4];
    unsigned char c = 0;
    c = _addcarry_u64(c, a.v[0], b.v[0], (unsigned long long*)&s[0]);
    c = _addcarry_u64(c, a.v[1], b.v[1], (unsigned long long*)&s[1]);
    c = _addcarry_u64(c, a.v[2], b.v[2], (unsigned long long*)&s[2]);
    _addcarry_u64(c, a.v[3], b.v[3], (unsigned long long*)&s[3]);  // a + b < 2p < 2^255
    return reduceOnce(s);
  }
  ZKF_INLINE friend Fp operator-(const Fp& a, const Fp& b) {
    u64 d[4];
    unsigned char br = 0;
    br = _subborrow_u64(br, a.v[0], b.v[0], (unsigned long long*)&d[0]);
    br = _subborrow_u64(br, a.v[1], b.v[1], (unsigned long long*)&d[1]);
    br = _subborrow_u64(br, a.v[2], b.v[2], (unsigned long long*)&d[2]);
    br = _subborrow_u64(br, a.v[3], b.v[3], (unsigned long long*)&d[3]);
    const u64 mask = (u64)0 - (u64)br;  // add p back when a < b
    Fp r;
    unsigned char c = 0;
    c = _addcarry_u64(c, d[0], M.p[0] & mask, (unsigned long long*)&r.v[0]);
    c = _addcarry_u64(c, d[1], M.p[1] & mask, (unsigned long long*)&r.v[1]);
    c = _addcarry_u64(c, d[2], M.p[2] & mask, (unsigned long long*)&r.v[2]);
    _addcarry_u64(c, d[3], M.p[3] & mask, (unsigned long long*)&r.v[3]);
    return r;
  }
  Fp negate() const { Fp r; if (isZero()) return *this; detail::sub4(r.v, M.p, v); return r; }
  Fp dbl() const { return *this + *this; }

  /**
   * Montgomery product a * b * 2^-256 mod p: CIOS with the multiplication and reduction
   * interleaved, fully unrolled, without the extra carry words. Valid because p's top limb is
   * below 2^62 (both BN254 primes are below 2^254; makeModulus checks it), so every
   * intermediate t stays below 2p < 2^255 and one branch-free subtraction finishes.
   */
  static Fp mulPortable(const Fp& a, const Fp& b) {
    // Each 64x64 product goes through unsigned __int128 (one `mul`); the sums use explicit
    // carry chains (_addcarry_u64 -> add/adc), which GCC compiles far tighter than __int128
    // additions (those spill and zero-extend every high half).
    using ull = unsigned long long;
    ull t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4;
    for (int i = 0; i < 4; i++) {
      const u64 bi = b.v[i];
      const u128 p0 = (u128)a.v[0] * bi, p1 = (u128)a.v[1] * bi, p2 = (u128)a.v[2] * bi, p3 = (u128)a.v[3] * bi;
      unsigned char c = 0;
      c = _addcarry_u64(c, t0, (u64)p0, &t0);
      c = _addcarry_u64(c, t1, (u64)p1, &t1);
      c = _addcarry_u64(c, t2, (u64)p2, &t2);
      c = _addcarry_u64(c, t3, (u64)p3, &t3);
      t4 = c;
      c = _addcarry_u64(0, t1, (u64)(p0 >> 64), &t1);
      c = _addcarry_u64(c, t2, (u64)(p1 >> 64), &t2);
      c = _addcarry_u64(c, t3, (u64)(p2 >> 64), &t3);
      _addcarry_u64(c, t4, (u64)(p3 >> 64), &t4);
      const u64 q = t0 * M.inv;
      const u128 m0 = (u128)q * M.p[0], m1 = (u128)q * M.p[1], m2 = (u128)q * M.p[2], m3 = (u128)q * M.p[3];
      ull dead;
      c = _addcarry_u64(0, t0, (u64)m0, &dead);  // low word becomes 0 by the choice of q
      c = _addcarry_u64(c, t1, (u64)m1, &t1);
      c = _addcarry_u64(c, t2, (u64)m2, &t2);
      c = _addcarry_u64(c, t3, (u64)m3, &t3);
      _addcarry_u64(c, t4, 0, &t4);
      c = _addcarry_u64(0, t1, (u64)(m0 >> 64), &t0);
      c = _addcarry_u64(c, t2, (u64)(m1 >> 64), &t1);
      c = _addcarry_u64(c, t3, (u64)(m2 >> 64), &t2);
      _addcarry_u64(c, t4, (u64)(m3 >> 64), &t3);  // t < 2p < 2^255: no carry out
    }
    const u64 t[4] = {t0, t1, t2, t3};
    return reduceOnce(t);
  }
#if defined(__BMI2__) && defined(__ADX__)
  /**
   * The same CIOS product with mulx and the two independent carry chains of adcx (CF) and
   * adox (OF): the product and its reduction run without extra moves. Chosen at build time
   * (binding.gyp passes -mbmi2 -madx when the CPU has them); same result as mulPortable.
   */
  ZKF_INLINE static Fp mulAdx(const Fp& a, const Fp& b) {
    u64 t0, t1, t2, t3, t4, lo, hi;
    __asm__(
      "movq 0(%[b]), %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq 0(%[a]), %[t0], %[t1]\n\t"
      "mulxq 8(%[a]), %[lo], %[t2]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "mulxq 16(%[a]), %[lo], %[t3]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "mulxq 24(%[a]), %[lo], %[t4]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "adcxq %%rax, %[t4]\n\t"
      "movq %[t0], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %[p0], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t0]\n\t"
      "adcxq %[hi], %[t1]\n\t"
      "mulxq %[p1], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t1]\n\t"
      "adcxq %[hi], %[t2]\n\t"
      "mulxq %[p2], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t2]\n\t"
      "adcxq %[hi], %[t3]\n\t"
      "mulxq %[p3], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "adoxq %%rax, %[t4]\n\t"
      "movq 8(%[b]), %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "movq $0, %[t0]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t1]\n\t"
      "adcxq %[hi], %[t2]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t2]\n\t"
      "adcxq %[hi], %[t3]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "adoxq %%rax, %[t0]\n\t"
      "movq %[t1], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %[p0], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t1]\n\t"
      "adcxq %[hi], %[t2]\n\t"
      "mulxq %[p1], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t2]\n\t"
      "adcxq %[hi], %[t3]\n\t"
      "mulxq %[p2], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq %[p3], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "adoxq %%rax, %[t0]\n\t"
      "movq 16(%[b]), %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "movq $0, %[t1]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t2]\n\t"
      "adcxq %[hi], %[t3]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t0]\n\t"
      "adcxq %[hi], %[t1]\n\t"
      "adoxq %%rax, %[t1]\n\t"
      "movq %[t2], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %[p0], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t2]\n\t"
      "adcxq %[hi], %[t3]\n\t"
      "mulxq %[p1], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq %[p2], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "mulxq %[p3], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t0]\n\t"
      "adcxq %[hi], %[t1]\n\t"
      "adoxq %%rax, %[t1]\n\t"
      "movq 24(%[b]), %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "movq $0, %[t2]\n\t"
      "mulxq 0(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq 8(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "mulxq 16(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t0]\n\t"
      "adcxq %[hi], %[t1]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t1]\n\t"
      "adcxq %[hi], %[t2]\n\t"
      "adoxq %%rax, %[t2]\n\t"
      "movq %[t3], %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %[p0], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t3]\n\t"
      "adcxq %[hi], %[t4]\n\t"
      "mulxq %[p1], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t4]\n\t"
      "adcxq %[hi], %[t0]\n\t"
      "mulxq %[p2], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t0]\n\t"
      "adcxq %[hi], %[t1]\n\t"
      "mulxq %[p3], %[lo], %[hi]\n\t"
      "adoxq %[lo], %[t1]\n\t"
      "adcxq %[hi], %[t2]\n\t"
      "adoxq %%rax, %[t2]\n\t"
      : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
      : [a] "r"(a.v), [b] "r"(b.v), "m"(*(const u64(*)[4])a.v), "m"(*(const u64(*)[4])b.v),
        [p0] "m"(M.p[0]), [p1] "m"(M.p[1]), [p2] "m"(M.p[2]), [p3] "m"(M.p[3]), [inv] "m"(M.inv)
      : "rax", "rdx", "cc");
    const u64 t[4] = {t4, t0, t1, t2};
    (void)t3; (void)lo; (void)hi;
    return reduceOnce(t);
  }
  ZKF_INLINE friend Fp operator*(const Fp& a, const Fp& b) { return mulAdx(a, b); }
#else
  ZKF_INLINE friend Fp operator*(const Fp& a, const Fp& b) { return mulPortable(a, b); }
#endif
  Fp sqr() const { return (*this) * (*this); }
  Fp& operator+=(const Fp& o) { return *this = *this + o; }
  Fp& operator-=(const Fp& o) { return *this = *this - o; }
  Fp& operator*=(const Fp& o) { return *this = *this * o; }

  /** this^e for a little-endian exponent of four limbs. */
  Fp pow(const u64 e[4]) const {
    Fp r = one();
    for (int i = 3; i >= 0; i--) {
      for (int b = 63; b >= 0; b--) {
        r = r.sqr();
        if ((e[i] >> b) & 1) r = r * (*this);
      }
    }
    return r;
  }
  /**
   * Multiplicative inverse (Fermat, this^(p-2)) with 4-bit windows: 252 squarings and 63
   * multiplications instead of 254 and ~127. The inverse of zero is zero.
   */
  Fp inverse() const {
    u64 e[4];
    const u64 two[4] = {2, 0, 0, 0};
    detail::sub4(e, M.p, two);
    Fp table[16];
    table[0] = one();
    for (int i = 1; i < 16; i++) table[i] = table[i - 1] * (*this);
    Fp r = one();
    bool started = false;
    for (int nib = 63; nib >= 0; nib--) {
      const unsigned d = (unsigned)(e[nib / 16] >> ((nib % 16) * 4)) & 15u;
      if (started) r = r.sqr().sqr().sqr().sqr();
      if (d) { r = started ? r * table[d] : table[d]; started = true; }
    }
    return r;
  }
};

using Fq = Fp<kFqModulus>;
using Fr = Fp<kFrModulus>;

/** Fq2 = Fq[u]/(u^2 + 1), the field of G2's coordinates; c0 first, as snarkjs stores it. */
struct Fq2 {
  Fq c0, c1;
  static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  bool isZero() const { return c0.isZero() && c1.isZero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  bool operator!=(const Fq2& o) const { return !(*this == o); }
  friend Fq2 operator+(const Fq2& a, const Fq2& b) { return Fq2{a.c0 + b.c0, a.c1 + b.c1}; }
  friend Fq2 operator-(const Fq2& a, const Fq2& b) { return Fq2{a.c0 - b.c0, a.c1 - b.c1}; }
  Fq2 negate() const { return Fq2{c0.negate(), c1.negate()}; }
  Fq2 dbl() const { return Fq2{c0.dbl(), c1.dbl()}; }
  friend Fq2 operator*(const Fq2& a, const Fq2& b) {  // Karatsuba: 3 base multiplications
    Fq v0 = a.c0 * b.c0, v1 = a.c1 * b.c1;
    return Fq2{v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  }
  Fq2 sqr() const {  // (c0 + c1)(c0 - c1) + 2 c0 c1 u
    Fq m = c0 * c1;
    return Fq2{(c0 + c1) * (c0 - c1), m.dbl()};
  }
  Fq2& operator+=(const Fq2& o) { return *this = *this + o; }
  Fq2& operator-=(const Fq2& o) { return *this = *this - o; }
  Fq2& operator*=(const Fq2& o) { return *this = *this * o; }
  Fq2 inverse() const {  // 1/(a + bu) = (a - bu)/(a^2 + b^2)
    Fq t = (c0.sqr() + c1.sqr()).inverse();
    return Fq2{c0 * t, (c1 * t).negate()};
  }
};

}  // namespace zkf
