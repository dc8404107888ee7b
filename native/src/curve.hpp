// Short Weierstrass curves y^2 = x^3 + b (a = 0) over Fq (G1) and Fq2 (G2): affine bases as
// stored in a zkey ((0, 0) is the point at infinity there) and Jacobian accumulators
// (X/Z^2, Y/Z^3; Z = 0 is infinity). Formulas: dbl-2009-l, madd-2007-bl, add-2007-bl.
#pragma once
#include "field.hpp"

namespace zkf {

template <class F>
struct Affine {
  F x, y;
  bool isInfinity() const { return x.isZero() && y.isZero(); }
};

template <class F>
struct Jacobian {
  F X, Y, Z;

  static Jacobian infinity() { return Jacobian{F::one(), F::one(), F::zero()}; }
  static Jacobian from(const Affine<F>& a) { return a.isInfinity() ? infinity() : Jacobian{a.x, a.y, F::one()}; }
  bool isInfinity() const { return Z.isZero(); }

  Jacobian doubled() const {
    if (isInfinity()) return *this;
    F A = X.sqr(), B = Y.sqr(), C = B.sqr();
    F D = ((X + B).sqr() - A - C).dbl();
    F E = A.dbl() + A;
    F Fv = E.sqr();
    Jacobian r;
    r.X = Fv - D.dbl();
    F C8 = C.dbl().dbl().dbl();
    r.Y = E * (D - r.X) - C8;
    r.Z = (Y * Z).dbl();
    return r;
  }

  /** this + a for an affine a (the cheap case: bases are affine). */
  void addAffine(const Affine<F>& a) {
    if (a.isInfinity()) return;
    if (isInfinity()) { X = a.x; Y = a.y; Z = F::one(); return; }
    F Z1Z1 = Z.sqr();
    F U2 = a.x * Z1Z1;
    F S2 = a.y * Z * Z1Z1;
    F H = U2 - X;
    F rr = (S2 - Y).dbl();
    if (H.isZero()) {
      if (rr.isZero()) *this = doubled();
      else *this = infinity();
      return;
    }
    F HH = H.sqr();
    F I = HH.dbl().dbl();
    F J = H * I;
    F V = X * I;
    F X3 = rr.sqr() - J - V.dbl();
    F Y3 = rr * (V - X3) - (Y * J).dbl();
    F Z3 = (Z + H).sqr() - Z1Z1 - HH;
    X = X3; Y = Y3; Z = Z3;
  }

  /** this + q for a Jacobian q. */
  void add(const Jacobian& q) {
    if (q.isInfinity()) return;
    if (isInfinity()) { *this = q; return; }
    F Z1Z1 = Z.sqr(), Z2Z2 = q.Z.sqr();
    F U1 = X * Z2Z2, U2 = q.X * Z1Z1;
    F S1 = Y * q.Z * Z2Z2, S2 = q.Y * Z * Z1Z1;
    F H = U2 - U1;
    F rr = (S2 - S1).dbl();
    if (H.isZero()) {
      if (rr.isZero()) *this = doubled();
      else *this = infinity();
      return;
    }
    F I = H.dbl().sqr();
    F J = H * I;
    F V = U1 * I;
    F X3 = rr.sqr() - J - V.dbl();
    F Y3 = rr * (V - X3) - (S1 * J).dbl();
    F Z3 = ((Z + q.Z).sqr() - Z1Z1 - Z2Z2) * H;
    X = X3; Y = Y3; Z = Z3;
  }

  Jacobian negated() const { return Jacobian{X, Y.negate(), Z}; }

  /** k * this for a canonical scalar k (little-endian limbs), by double-and-add. */
  Jacobian times(const u64 k[4]) const {
    Jacobian r = infinity();
    for (int i = 3; i >= 0; i--) {
      for (int b = 63; b >= 0; b--) {
        r = r.doubled();
        if ((k[i] >> b) & 1) r.add(*this);
      }
    }
    return r;
  }

  /** The affine form (x, y) = (X/Z^2, Y/Z^3); infinity maps to (0, 0). */
  Affine<F> toAffine() const {
    if (isInfinity()) return Affine<F>{F::zero(), F::zero()};
    F zi = Z.inverse();
    F zi2 = zi.sqr();
    return Affine<F>{X * zi2, Y * zi2 * zi};
  }
};

using G1Affine = Affine<Fq>;
using G2Affine = Affine<Fq2>;
using G1 = Jacobian<Fq>;
using G2 = Jacobian<Fq2>;

static_assert(sizeof(G1Affine) == 64, "G1 affine point must be 64 bytes, as in a zkey");
static_assert(sizeof(G2Affine) == 128, "G2 affine point must be 128 bytes, as in a zkey");

}  // namespace zkf
