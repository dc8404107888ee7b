/**
 * Exact integer helpers of the fixed-point trainer: floor division and the hard sigmoid, defined
 * exactly as the training circuit computes them (circuits/lib/training.circom).
 */
import { FRACTION_BITS, SCALE } from "../encoding/fixedPoint.ts";

/**
 * floor(a / 2^k) for any integer a, negative included (−5 / 2 → −3, not −2). BigInt's `>>` is an
 * arithmetic shift, which is exactly floor division by a power of two; `/` would truncate toward
 * zero instead. In the circuit: a = q·2^k + r with the remainder r range-checked to [0, 2^k).
 */
export function floorDivPow2(a: bigint, k: number): bigint {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`shift must be a non-negative integer, got ${k}`);
  return a >> BigInt(k);
}

/**
 * The hard sigmoid σ(z) = clamp(1/2 + z/4, 0, 1) in fixed point: z at scale 2^32 (a product of two
 * 2^16 values), σ at scale 2^16, rounded down:
 *
 *   σ = clamp(floor((z + 2^33) / 2^18), 0, 2^16)
 *
 * It is bounded for every input (σ ∈ [0, 2^16]); unlike a polynomial approximation it never
 * overshoots, so the error σ − y of a record always lies in [−1, 1]. Saturates at |z| ≥ 2.
 */
export function hardSigmoidFixed(z: bigint): bigint {
  const v = floorDivPow2(z + (1n << BigInt(2 * FRACTION_BITS + 1)), FRACTION_BITS + 2);
  if (v < 0n) return 0n;
  return v > SCALE ? SCALE : v;
}
