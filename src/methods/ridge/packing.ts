/**
 * Packing of range-checked signed integers into field elements for hashing. A circuit that
 * range-checks a value v ∈ [−2^bits, 2^bits) already has v + 2^bits as a (bits + 1)-bit number,
 * so packing several into one field element is a free linear combination, and the hash then
 * takes a fraction of the inputs (weights: 4 per element instead of 1).
 *
 *   slot(v) = v + 2^bits                                  ((bits + 1) bits, non-negative)
 *   limb_m  = Σ_{t < n} slot(value_{n·m + t}) · 2^((bits + 1)·t),   n = ⌊252 / (bits + 1)⌋
 *
 * Injective for in-range values (each limb < 2^252 < p). circuits/lib/ridge_pack.circom
 * (`PackedSponge`) computes the same limbs.
 */
import { spongeWith } from "../../crypto/sponge.ts";
import type { PoseidonFn } from "../../ml/weights.ts";

/** Bits of a field element the packing may fill (< log2 p ≈ 253.6). */
export const PACK_CAPACITY_BITS = 252;

/** Values of `bits` (signed) bits per packed field element. */
export function valuesPerLimb(bits: number): number {
  return Math.floor(PACK_CAPACITY_BITS / (bits + 1));
}

/**
 * The packed limbs of `values`, each in [−2^bits, 2^bits).
 * @throws RangeError naming the first value out of range
 */
export function packSigned(values: readonly bigint[], bits: number, what = "value"): bigint[] {
  const offset = 1n << BigInt(bits);
  const n = valuesPerLimb(bits);
  const limbs: bigint[] = [];
  values.forEach((v, i) => {
    if (v < -offset || v >= offset) throw new RangeError(`${what} ${i} = ${v} is outside [−2^${bits}, 2^${bits})`);
    if (i % n === 0) limbs.push(0n);
    limbs[limbs.length - 1]! += (v + offset) << BigInt((bits + 1) * (i % n));
  });
  return limbs;
}

/** PoseidonSponge over the packed limbs of `values` (see the module comment). */
export function packedHash(values: readonly bigint[], bits: number, hash: PoseidonFn, what?: string): bigint {
  return spongeWith(hash, packSigned(values, bits, what));
}
