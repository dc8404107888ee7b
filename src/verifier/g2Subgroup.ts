/**
 * Membership of a BN254 G2 point in the prime-order subgroup, by the test of El Housni,
 * Guillevic and Piellard ("Co-factor clearing and subgroup membership testing on
 * pairing-friendly curves", AFRICACRYPT 2022), as gnark-crypto uses it:
 *
 *   P ∈ G2  ⟺  [x₀+1]P + ψ([x₀]P) + ψ²([x₀]P) = ψ³([2x₀]P),   x₀ = 4965661367192848881,
 *
 * where ψ is the untwist-Frobenius-twist endomorphism. Why not noble's own isTorsionFree
 * ([6x₀²]P = ψ(P)): its scalar has 127 bits, x₀ has 63, so this test costs about half (2 ms
 * instead of 4 on the shared machine), and every proof's B is checked on every verification.
 * The arithmetic is noble's (its ψ from psiFrobenius, its point operations); only the
 * equation is ours, and test/groth16.test.ts checks it agrees with noble's test on points in
 * and outside the subgroup.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { psiFrobenius } from "@noble/curves/abstract/tower.js";
import type { G2Point } from "./proofPoints.ts";

/** The BN254 curve seed x₀ (u). */
const X0 = 4965661367192848881n;
const G2 = bn254.G2.Point;
let frobenius: ReturnType<typeof psiFrobenius> | undefined;

/** True when `point` (on the twist, not infinity) lies in the prime-order subgroup G2. */
export function inG2Subgroup(point: G2Point): boolean {
  frobenius ??= psiFrobenius(bn254.fields.Fp, bn254.fields.Fp2, bn254.fields.Fp2.NONRESIDUE);
  const xP = point.multiplyUnsafe(X0);
  // [x₀]P = 0 means P's order divides x₀, and r (prime, > x₀) does not: P ∉ G2.
  if (xP.is0()) return false;
  const psi1 = frobenius.G2psi(G2, xP);
  const psi2 = frobenius.G2psi2(G2, xP);
  const left = xP.add(point).add(psi1).add(psi2);
  const right = frobenius.G2psi(G2, psi2).double();
  return left.equals(right);
}
