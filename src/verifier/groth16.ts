/**
 * The Groth16 pairing check on @noble/curves' bn254 (MIT, audited), in the calling thread: no
 * worker threads, no WebAssembly, no GPL code, so it runs the same in Node and in a page.
 *
 * A proof (A, B, C) verifies for public inputs s₁…sₙ when
 *
 *   e(A, B) = e(α, β) · e(vk_x, γ) · e(C, δ),   vk_x = IC₀ + Σ sᵢ·ICᵢ,
 *
 * checked as  e(−A, B) · e(vk_x, γ) · e(C, δ) · e(α, β) = 1  with one shared final
 * exponentiation. What depends only on the key is computed once per key object and kept:
 * e(α, β) itself, the Miller-loop line coefficients of γ and δ (the G2 "prepared" lines), and
 * fixed-window tables of the ICᵢ, so a warm verification builds the lines of B alone and
 * computes vk_x with additions only (no doubling chain).
 *
 * Groth16 proofs are malleable: from a valid (A, B, C) anyone can make other valid proofs of
 * the same statement, for example (−A, −B, C). Nothing may use the proof's bytes as the identity
 * of a bundle, a request or a ledger entry; identify them by their statement and public signals.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { decodeG1, decodeG2, type Decoded, type G1Point, type G2Point, type ProofPoints } from "./proofPoints.ts";
import type { VerificationKey } from "./types.ts";

type Fp12 = ReturnType<typeof bn254.pairing>;
type Lines = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;

/** What the check needs from a verification key, computed once per key object. */
interface PreparedKey {
  /** e(α, β), after the final exponentiation. */
  alphaBeta: Fp12;
  gammaLines: Lines;
  deltaLines: Lines;
  ic: G1Point[];
}

const { Fp12 } = bn254.fields;
/**
 * Window of the ICᵢ tables: 2^(W−1) points per window, ⌈254 / W⌉ windows. W = 8 makes a
 * scalar multiplication about 33 table additions (noble's constant-time kernel, which adds as
 * many again to a discarded accumulator), against about 254 doublings and 50 additions without
 * tables, for a one-time table of 4,224 points per ICᵢ (tens of ms each, on the first verification).
 */
const IC_WINDOW = 8;
const prepared = new WeakMap<VerificationKey, PreparedKey>();

function expectPoint<T>(decoded: Decoded<T>, what: string): T {
  if (!decoded.ok) throw new Error(`${what}: ${decoded.problems.join("; ")}`);
  return decoded.value;
}

/**
 * The cached per-key precomputation of {@link groth16Check}.
 * @throws Error naming the point when a key point is malformed, off its curve, or infinity
 */
export function prepareKey(vkey: VerificationKey): PreparedKey {
  const cached = prepared.get(vkey);
  if (cached) return cached;
  const alpha = expectPoint(decodeG1(vkey.vk_alpha_1, "vk_alpha_1"), "the verification key is unusable");
  const point2 = (value: unknown, name: string): G2Point => expectPoint(decodeG2(value, name), "the verification key is unusable");
  const beta = point2(vkey.vk_beta_2, "vk_beta_2");
  const key: PreparedKey = {
    alphaBeta: bn254.pairing(alpha, beta),
    gammaLines: bn254.utils.calcPairingPrecomputes(point2(vkey.vk_gamma_2, "vk_gamma_2")),
    deltaLines: bn254.utils.calcPairingPrecomputes(point2(vkey.vk_delta_2, "vk_delta_2")),
    // precompute() keys noble's table cache on the point object, so these exact objects are kept.
    // Lazy: the first multiplyUnsafe builds the (unblinded) table it uses; an eager precompute
    // would build the blinded table of the constant-time multiply, which is never used here.
    ic: vkey.IC.map((p, i) => expectPoint(decodeG1(p, `IC[${i}]`), "the verification key is unusable").precompute(IC_WINDOW)),
  };
  prepared.set(vkey, key);
  return key;
}

/**
 * True when the decoded proof verifies for `signals` under `vkey`. The caller has checked the
 * signal count (vkey.nPublic) and that every signal is below the scalar-field order; the proof
 * points come from {@link decodeProof}, so they are affine, on their curves and in their groups.
 * @throws Error for a verification key that cannot be used (see {@link prepareKey}) or a signal count that does not match it
 */
export function groth16Check(vkey: VerificationKey, signals: readonly bigint[], proof: ProofPoints): boolean {
  const key = prepareKey(vkey);
  if (signals.length + 1 !== key.ic.length) throw new Error(`the key takes ${key.ic.length - 1} public signals, got ${signals.length}`);
  let vkX = key.ic[0]!;
  signals.forEach((s, i) => { vkX = vkX.add(key.ic[i + 1]!.multiplyUnsafe(s)); });
  const negA = proof.a.negate().toAffine();
  const c = proof.c.toAffine();
  const terms: [Lines, bigint, bigint][] = [
    [bn254.utils.calcPairingPrecomputes(proof.b), negA.x, negA.y],
    [key.deltaLines, c.x, c.y],
  ];
  // vk_x = 0 contributes e(0, γ) = 1; noble's loop needs an affine point, so leave it out.
  if (!vkX.is0()) {
    const x = vkX.toAffine();
    terms.push([key.gammaLines, x.x, x.y]);
  }
  const product = Fp12.finalExponentiate(bn254.millerLoopBatch(terms));
  return Fp12.eql(Fp12.mul(product, key.alphaBeta), Fp12.ONE);
}
