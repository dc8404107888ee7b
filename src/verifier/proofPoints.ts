/**
 * Decoding Groth16 proof points from the untrusted JSON of a bundle into @noble/curves bn254
 * points, refusing every encoding but one: the canonical affine form snarkjs writes,
 * `[x, y, "1"]` for G1 and `[[x0, x1], [y0, y1], ["1", "0"]]` for G2, with every coordinate a
 * decimal string without sign or leading zeros and below the base-field prime p.
 *
 * Why so strict: a verifier that reads `z` projectively accepts many encodings of one point
 * (stock snarkjs does), and a point off the curve or, in G2, outside the prime-order subgroup
 * can break the soundness argument of the pairing check. Each way a point can be wrong gets its
 * own reason, so a rejected bundle says exactly which coordinate of which point is at fault.
 */
import { bn254 } from "@noble/curves/bn254.js";
import type { WeierstrassPoint, WeierstrassPointCons } from "@noble/curves/abstract/weierstrass.js";
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import { BASE_FIELD, parseDecimal } from "./fieldText.ts";
import { inG2Subgroup } from "./g2Subgroup.ts";

/** A point of G1 (over Fp) as noble represents it. */
export type G1Point = WeierstrassPoint<bigint>;
/** A point of G2 (over Fp2) as noble represents it. */
export type G2Point = WeierstrassPoint<Fp2>;

/** The three points of a Groth16 proof, decoded and checked. */
export interface ProofPoints {
  a: G1Point;
  b: G2Point;
  c: G1Point;
}

/** A decoded value, or the reasons it could not be decoded (each naming the JSON path). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;

/** A base-field coordinate in canonical decimal, or the problem with it. */
function coordinate(value: unknown, where: string, problems: string[]): bigint | undefined {
  const n = parseDecimal(value);
  if (n === undefined) {
    problems.push(`${where} is not a canonical base-field coordinate: not a decimal integer without sign or leading zeros (got ${JSON.stringify(value)})`);
    return undefined;
  }
  if (n >= BASE_FIELD) {
    problems.push(`${where} is not a canonical base-field coordinate: it is ≥ the base-field prime p`);
    return undefined;
  }
  return n;
}

/** An Fp2 element [c0, c1]. */
function coordinatePair(value: unknown, where: string, problems: string[]): Fp2 | undefined {
  if (!Array.isArray(value) || value.length !== 2) {
    problems.push(`${where} must be a pair of coordinates [c0, c1]`);
    return undefined;
  }
  const c0 = coordinate(value[0], `${where}[0]`, problems);
  const c1 = coordinate(value[1], `${where}[1]`, problems);
  return c0 === undefined || c1 === undefined ? undefined : { c0, c1 };
}

/**
 * The checks both groups share once the coordinates parsed: z says "affine", the point is not
 * the point at infinity in either encoding ((x, y, 0) projectively, or Ethereum's (0, 0)), it
 * satisfies the curve equation and lies in the prime-order subgroup (`inSubgroup`: always true
 * for G1, whose cofactor is 1; src/verifier/g2Subgroup.ts for G2).
 */
function finishPoint<T>(
  Point: WeierstrassPointCons<T>, inSubgroup: (point: WeierstrassPoint<T>) => boolean, x: T, y: T, z: T, where: string,
): Decoded<WeierstrassPoint<T>> {
  const F = Point.Fp;
  if (F.is0(z)) return { ok: false, problems: [`${where} is the point at infinity (z = 0), which no honest proof contains`] };
  if (!F.eql(z, F.ONE)) return { ok: false, problems: [`${where} is not in canonical affine form: its z coordinate must be 1`] };
  if (F.is0(x) && F.is0(y)) return { ok: false, problems: [`${where} is the point at infinity (encoded as x = y = 0), which no honest proof contains`] };
  if (!F.eql(F.sqr(y), F.add(F.mul(F.sqr(x), x), Point.CURVE().b))) return { ok: false, problems: [`${where} is not on the curve (y² ≠ x³ + b)`] };
  const point = Point.fromAffine({ x, y });
  if (!inSubgroup(point)) return { ok: false, problems: [`${where} is not in the prime-order subgroup`] };
  return { ok: true, value: point };
}

/** Decodes `[x, y, z]` as a G1 point; see the module comment for what is refused. */
export function decodeG1(value: unknown, where: string): Decoded<G1Point> {
  if (!Array.isArray(value) || value.length !== 3) return { ok: false, problems: [`${where} must be a list of 3 coordinates [x, y, z]`] };
  const problems: string[] = [];
  const [x, y, z] = value.map((c, i) => coordinate(c, `${where}[${i}]`, problems));
  if (problems.length > 0) return { ok: false, problems };
  // G1's cofactor is 1: every point on the curve is in the group.
  return finishPoint(G1, () => true, x!, y!, z!, where);
}

/** Decodes `[[x0, x1], [y0, y1], [z0, z1]]` as a G2 point; see the module comment for what is refused. */
export function decodeG2(value: unknown, where: string): Decoded<G2Point> {
  if (!Array.isArray(value) || value.length !== 3) return { ok: false, problems: [`${where} must be a list of 3 coordinate pairs [x, y, z]`] };
  const problems: string[] = [];
  const [x, y, z] = value.map((c, i) => coordinatePair(c, `${where}[${i}]`, problems));
  if (problems.length > 0) return { ok: false, problems };
  return finishPoint(G2, inG2Subgroup, x!, y!, z!, where);
}

/**
 * Decodes the proof of a bundle: protocol "groth16", curve "bn128", and the three points
 * pi_a ∈ G1, pi_b ∈ G2, pi_c ∈ G1, every problem of every point reported.
 */
export function decodeProof(proof: unknown, where = "bundle.proof"): Decoded<ProofPoints> {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) return { ok: false, problems: [`${where} is not an object`] };
  const p = proof as Record<string, unknown>;
  const problems: string[] = [];
  if (p.protocol !== "groth16") problems.push(`${where}.protocol must be "groth16", got ${JSON.stringify(p.protocol)}`);
  if (p.curve !== "bn128") problems.push(`${where}.curve must be "bn128", got ${JSON.stringify(p.curve)}`);
  const a = decodeG1(p.pi_a, `${where}.pi_a`);
  const b = decodeG2(p.pi_b, `${where}.pi_b`);
  const c = decodeG1(p.pi_c, `${where}.pi_c`);
  for (const d of [a, b, c]) if (!d.ok) problems.push(...d.problems);
  if (problems.length > 0 || !a.ok || !b.ok || !c.ok) return { ok: false, problems };
  return { ok: true, value: { a: a.value, b: b.value, c: c.value } };
}
