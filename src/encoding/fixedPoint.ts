/**
 * The fixed-point number format of zkforget: the single place where it is defined.
 *
 * Every real number that enters a circuit (record features, labels, later weights and
 * learning rates) is a signed integer `v` standing for `v / 2^FRACTION_BITS`.
 *
 * Format
 * - scale `2^16`: resolution 2^-16 ≈ 1.5e-5, enough for pixel intensities and
 *   normalised features, which are the inputs this project targets.
 * - bound: a real value must satisfy `|x| ≤ MAX_ABS_VALUE = 2^15`, so an encoded value
 *   satisfies `|v| ≤ MAX_ABS_ENCODED = 2^31` (the bound itself is allowed, so the
 *   encoded range is the closed interval [-2^31, 2^31]; a circuit range check on
 *   `v + 2^31` therefore needs 33 bits, not 32).
 * - rounding: `x · 2^16` is rounded to the nearest integer, ties away from zero
 *   (see {@link encodeFixed}).
 *
 * Why the bound: the training circuits multiply two encoded values (|product| ≤ 2^62)
 * and sum such products over up to 2^10 records × 2^5 features (2^15 terms), so an
 * accumulator stays below 2^77 before it is rescaled — about 2^176 below the ~2^253.6
 * BN254 field order, so nothing wraps around modulo p, and the values stay small
 * enough for cheap `Num2Bits`-style range checks. The circuits rely on this bound:
 * an input outside it could wrap and make a proof say something false, which is why
 * out-of-range values are rejected, never clipped.
 *
 * In the field, a negative `v` is represented as `SNARK_FIELD − |v|` (see
 * {@link toFieldSigned}).
 */
import { SNARK_FIELD, isFieldElement } from "../field.ts";

/** Number of fractional bits: a value `v` encodes the real number `v / 2^FRACTION_BITS`. */
export const FRACTION_BITS = 16;

/** `2^FRACTION_BITS` as a bigint: the factor between a real number and its encoding. */
export const SCALE = 1n << BigInt(FRACTION_BITS);

/** Largest accepted magnitude of a real value (inclusive): 2^15. */
export const MAX_ABS_VALUE = 2 ** 15;

/** Largest magnitude of an encoded value (inclusive): `MAX_ABS_VALUE · SCALE` = 2^31. */
export const MAX_ABS_ENCODED = BigInt(MAX_ABS_VALUE) * SCALE;

/** The parameters of the format, frozen, for inclusion in configuration hashes. */
export const FIXED_POINT: Readonly<{
  /** Fractional bits F (scale 2^F). */
  fractionBits: number;
  /** 2^F. */
  scale: bigint;
  /** Largest accepted |x| of a real value, inclusive. */
  maxAbsValue: number;
  /** Largest |v| of an encoded value, inclusive (maxAbsValue · scale). */
  maxAbsEncoded: bigint;
}> = Object.freeze({
  fractionBits: FRACTION_BITS,
  scale: SCALE,
  maxAbsValue: MAX_ABS_VALUE,
  maxAbsEncoded: MAX_ABS_ENCODED,
});

/** Why a number cannot be encoded. */
export type FixedPointProblem = "not-finite" | "out-of-range";

/** Thrown when a number cannot be encoded: it is NaN, ±Infinity, or |x| > MAX_ABS_VALUE. */
export class FixedPointError extends RangeError {
  override name = "FixedPointError";
  /** The offending value. */
  readonly value: number;
  /** What is wrong with it. */
  readonly problem: FixedPointProblem;

  /**
   * @param value the offending value
   * @param problem what is wrong with it
   * @param context optional prefix naming where the value came from (e.g. a record and feature)
   */
  constructor(value: number, problem: FixedPointProblem, context?: string) {
    super(`${context ? `${context}: ` : ""}${describeProblem(String(value), problem)}`);
    this.value = value;
    this.problem = problem;
  }
}

/**
 * Human-readable reason, shared with the dataset readers so messages read the same
 * everywhere. `shown` is the value as it should appear (the dataset readers pass the
 * quoted cell text, so the user sees exactly what is in the file).
 */
export function describeProblem(shown: string, problem: FixedPointProblem): string {
  return problem === "not-finite"
    ? `value ${shown} is not a finite number`
    : `value ${shown} is out of range (|x| must be ≤ ${MAX_ABS_VALUE})`;
}

/** Returns what prevents `x` from being encoded, or undefined if it can be encoded. */
export function fixedPointProblem(x: number): FixedPointProblem | undefined {
  if (!Number.isFinite(x)) return "not-finite";
  if (Math.abs(x) > MAX_ABS_VALUE) return "out-of-range";
  return undefined;
}

/**
 * Encodes a real number as a signed fixed-point integer: round(x · 2^16), ties away from
 * zero (0.5 → 1, −0.5 → −1, 2.5 → 3).
 *
 * Why ties away from zero: it is symmetric (encode(−x) = −encode(x)), matches what people
 * expect from "rounding", and is exact here: |x| ≤ 2^15 means x · 2^16 is an exact double
 * (multiplying by a power of two only moves the exponent), so the tie test sees the true
 * fractional part and the result is deterministic on every platform.
 *
 * @throws FixedPointError if x is not finite or |x| > MAX_ABS_VALUE
 */
export function encodeFixed(x: number): bigint {
  const problem = fixedPointProblem(x);
  if (problem) throw new FixedPointError(x, problem);
  const scaled = Math.abs(x) * Number(SCALE);
  let magnitude = Math.floor(scaled);
  if (scaled - magnitude >= 0.5) magnitude += 1;
  return x < 0 ? -BigInt(magnitude) : BigInt(magnitude);
}

/**
 * Decodes a fixed-point integer back to a real number: v / 2^16. Exact whenever
 * |v| < 2^53 (which includes every encoded value); decodeFixed(encodeFixed(x)) is x
 * rounded to the nearest multiple of 2^-16.
 */
export function decodeFixed(v: bigint): number {
  return Number(v) / Number(SCALE);
}

/** (p − 1) / 2: the largest magnitude that has an unambiguous signed representation. */
const HALF_FIELD = (SNARK_FIELD - 1n) / 2n;

/**
 * Maps a signed integer to the field: v ≥ 0 stays v, v < 0 becomes SNARK_FIELD − |v|.
 * This is the representation circuits use for negative numbers.
 *
 * @throws RangeError if |v| > (p − 1)/2, where the mapping would stop being invertible
 */
export function toFieldSigned(v: bigint): bigint {
  if (v > HALF_FIELD || -v > HALF_FIELD) {
    throw new RangeError(`signed value ${v} is too large to map to the field unambiguously`);
  }
  return v < 0n ? SNARK_FIELD + v : v;
}

/**
 * Inverse of {@link toFieldSigned}: field elements above (p − 1)/2 are read as negative
 * (f − SNARK_FIELD). For every value produced by {@link encodeFixed} this returns the
 * original integer exactly.
 *
 * @throws RangeError if f is not a canonical field element
 */
export function fromFieldSigned(f: bigint): bigint {
  if (!isFieldElement(f)) throw new RangeError(`${f} is not a canonical field element`);
  return f > HALF_FIELD ? f - SNARK_FIELD : f;
}
