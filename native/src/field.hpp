// Prime fields in Montgomery form with four 64-bit limbs (R = 2^256), and the quadratic
// extension Fq2 = Fq[u]/(u^2 + 1). The representation is the one snarkjs writes into a zkey
// ("LEM": little-endian Montgomery), so zkey points are used as they are read. x86-64 only
// (carry intrinsics, unsigned __int128).
#pragma once
#include <cstdint>
#include <cstring>
#include <x86intrin.h>

namespace zkf {

using u64 = uint64_t;
using u128 = unsigned __int128;

/** Compile-time description of a prime below 2^255 and its Montgomery constants. */
struct Modulus {
  u64 p[4];
  u64 inv;     // -p^{-1} mod 2^64
  u64 r2[4];   // 2^512 mod p
  u64 one[4];  // 2^256 mod p (Montgomery form of 1)
};

namespace detail {
inline bool geq(const u64 a[4], const u64 b[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}
inline u64 sub4(u64 r[4], const u64 a[4], const u64 b[4]) {
  u64 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    r[i] = (u64)d;
    borrow = (u64)(d >> 64) & 1;
  }
  return borrow;
}
inline u64 add4(u64 r[4], const u64 a[4], const u64 b[4]) {
  u64 carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a[i] + b[i] + carry;
    r[i] = (u64)s;
    carry = (u64)(s >> 64);
  }
  return carry;
}
/** Montgomery constants of p, computed once (doubling 1 up to 2^512 needs no division). */
inline Modulus makeModulus(u64 p0, u64 p1, u64 p2, u64 p3) {
  Modulus m{{p0, p1, p2, p3}, 0, {0, 0, 0, 0}, {0, 0, 0, 0}};
  if (p3 >= (1ULL << 62)) throw "modulus too large for the no-carry Montgomery product";
  u64 inv = 1;  // Newton iteration for p0^{-1} mod 2^64
  for (int i = 0; i < 6; i++) inv *= 2 - p0 * inv;
  m.inv = (u64)0 - inv;
  u64 x[4] = {1, 0, 0, 0};
  for (int i = 0; i < 512; i++) {
    u64 carry = add4(x, x, x);
    if (carry || geq(x, m.p)) sub4(x, x, m.p);
    if (i == 255) std::memcpy(m.one, x, sizeof x);
  }
  std::memcpy(m.r2, x, sizeof x);
  return m;
}
}  // namespace detail

/** An element of the prime field described by `M()`, kept in Montgomery form. */
template <const Modulus& (*M)()>
struct Fp {
  u64 v[4];

  static Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static Fp one() { Fp r; std::memcpy(r.v, M().one, sizeof r.v); return r; }
  /** From a canonical integer (little-endian limbs, < p) to Montgomery form. */
  static Fp fromCanonical(const u64 a[4]) { Fp x; std::memcpy(x.v, a, sizeof x.v); Fp r2; std::memcpy(r2.v, M().r2, sizeof r2.v); return x * r2; }
  static Fp fromU64(u64 a) { u64 l[4] = {a, 0, 0, 0}; return fromCanonical(l); }
  /** Back to the canonical integer (little-endian limbs). */
  void toCanonical(u64 out[4]) const { Fp o = zero(); o.v[0] = 1; Fp r = (*this) * o; std::memcpy(out, r.v, sizeof r.v); }

  bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool operator==(const Fp& o) const { return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3]; }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  // Branch-free: compute both candidates with carry chains, select by the final borrow.
  friend Fp operator+(const Fp& a, const Fp& b) {
    const u64* p = M().p;
    u64 s[4], t[4];
    unsigned char c = 0;
    c = _addcarry_u64(c, a.v[0], b.v[0], (unsigned long long*)&s[0]);
    c = _addcarry_u64(c, a.v[1], b.v[1], (unsigned long long*)&s[1]);
    c = _addcarry_u64(c, a.v[2], b.v[2], (unsigned long long*)&s[2]);
    _addcarry_u64(c, a.v[3], b.v[3], (unsigned long long*)&s[3]);  // a + b < 2p < 2^256
    unsigned char br = 0;
    br = _subborrow_u64(br, s[0], p[0], (unsigned long long*)&t[0]);
    br = _subborrow_u64(br, s[1], p[1], (unsigned long long*)&t[1]);
    br = _subborrow_u64(br, s[2], p[2], (unsigned long long*)&t[2]);
    br = _subborrow_u64(br, s[3], p[3], (unsigned long long*)&t[3]);
    const u64 keep = (u64)0 - (u64)br;  // all ones when s < p
    Fp r;
    for (int i = 0; i < 4; i++) r.v[i] = (s[i] & keep) | (t[i] & ~keep);
    return r;
  }
  friend Fp operator-(const Fp& a, const Fp& b) {
    const u64* p = M().p;
    u64 d[4];
    unsigned char br = 0;
    br = _subborrow_u64(br, a.v[0], b.v[0], (unsigned long long*)&d[0]);
    br = _subborrow_u64(br, a.v[1], b.v[1], (unsigned long long*)&d[1]);
    br = _subborrow_u64(br, a.v[2], b.v[2], (unsigned long long*)&d[2]);
    br = _subborrow_u64(br, a.v[3], b.v[3], (unsigned long long*)&d[3]);
    const u64 mask = (u64)0 - (u64)br;  // add p back when a < b
    Fp r;
    unsigned char c = 0;
    c = _addcarry_u64(c, d[0], p[0] & mask, (unsigned long long*)&r.v[0]);
    c = _addcarry_u64(c, d[1], p[1] & mask, (unsigned long long*)&r.v[1]);
    c = _addcarry_u64(c, d[2], p[2] & mask, (unsigned long long*)&r.v[2]);
    _addcarry_u64(c, d[3], p[3] & mask, (unsigned long long*)&r.v[3]);
    return r;
  }
  Fp negate() const { Fp r; if (isZero()) return *this; detail::sub4(r.v, M().p, v); return r; }
  Fp dbl() const { return *this + *this; }

  /**
   * Montgomery product a * b * 2^-256 mod p: CIOS with the multiplication and reduction
   * interleaved, without the extra carry words. Valid because p's top limb is below 2^63 - 1
   * (both BN254 primes are below 2^254; makeModulus checks it).
   */
  friend Fp operator*(const Fp& a, const Fp& b) {
    const Modulus& m = M();
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int i = 0; i < 4; i++) {
      const u64 bi = b.v[i];
      u128 A = (u128)a.v[0] * bi + t0;
      t0 = (u64)A;
      u64 ah = (u64)(A >> 64);
      const u64 q = t0 * m.inv;
      u128 C = (u128)q * m.p[0] + t0;
      u64 ch = (u64)(C >> 64);
      A = (u128)a.v[1] * bi + t1 + ah; t1 = (u64)A; ah = (u64)(A >> 64);
      C = (u128)q * m.p[1] + t1 + ch; t0 = (u64)C; ch = (u64)(C >> 64);
      A = (u128)a.v[2] * bi + t2 + ah; t2 = (u64)A; ah = (u64)(A >> 64);
      C = (u128)q * m.p[2] + t2 + ch; t1 = (u64)C; ch = (u64)(C >> 64);
      A = (u128)a.v[3] * bi + t3 + ah; t3 = (u64)A; ah = (u64)(A >> 64);
      C = (u128)q * m.p[3] + t3 + ch; t2 = (u64)C; ch = (u64)(C >> 64);
      t3 = ch + ah;
    }
    Fp r{{t0, t1, t2, t3}};
    if (detail::geq(r.v, m.p)) detail::sub4(r.v, r.v, m.p);
    return r;
  }
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
  /** Multiplicative inverse (Fermat); the inverse of zero is zero. */
  Fp inverse() const {
    u64 e[4];
    const u64 two[4] = {2, 0, 0, 0};
    detail::sub4(e, M().p, two);
    return pow(e);
  }
};

/** BN254 base field q. */
inline const Modulus& fqModulus() {
  static const Modulus m = detail::makeModulus(0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL);
  return m;
}
/** BN254 scalar field r (the circuit's field). */
inline const Modulus& frModulus() {
  static const Modulus m = detail::makeModulus(0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL);
  return m;
}

using Fq = Fp<fqModulus>;
using Fr = Fp<frModulus>;

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
