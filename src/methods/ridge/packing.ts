/**
 * Packing of range-checked signed integers into field elements for hashing. A circuit that
 * range-checks a value v ∈ [−2^bits, 2^bits) already has v + 2^bits as a (bits + 1)-bit number,
 * so packing several into one field element is a free linear combination, and the hash then
 * takes a fraction of the inputs (weights: 4 per element instead of 1).
 *
 *   slot(v) = v + 2^bits                                  ((bits + 1) bits, non-negative)
 *   limb_m  = Σ_{t < n} slot(value_{n·m + t}) · 2^((bits + 1)·t),   n = ⌊252 / (bits + 1)⌋
 *
 * Injective for in-range values (each limb < 2^252 < p). circuits/lib/ridge.circom (`PackLimbs`)
 * computes the same limbs.
 *
 * The statistics use a second, balanced packing (packLanes): no offsets, so it is linear
 * (packLanes(a) − packLanes(b) = packLanes(a − b)) and a circuit can subtract contributions word by word.
 */
import { spongeWith } from "../../crypto/sponge.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { STATS_LANES, STATS_LANE_BITS } from "./bounds.ts";

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

/**
 * The balanced lane packing of `values`, each |v| < 2^(laneBits − 1): word_w = Σ_{l < lanes}
 * v_{lanes·w + l} · 2^(laneBits · l), as a signed integer (the last word takes what is left). The
 * decomposition of a word into such lanes is unique (balanced base 2^laneBits), and |word| <
 * 2^(laneBits · lanes − 1), so with the defaults (4 lanes of 63 bits) words are distinct modulo p.
 * @throws RangeError naming the first value outside the lane bound
 */
export function packLanes(values: readonly bigint[], what = "value", laneBits = STATS_LANE_BITS, lanes = STATS_LANES): bigint[] {
  const bound = 1n << BigInt(laneBits - 1);
  values.forEach((v, i) => {
    if (v <= -bound || v >= bound) throw new RangeError(`${what} ${i} = ${v} is outside the lane bound (−2^${laneBits - 1}, 2^${laneBits - 1})`);
  });
  return laneWords(values, laneBits, lanes);
}

/**
 * The linear map under {@link packLanes} without its range check: word_w = Σ_l v_{lanes·w + l} ·
 * 2^(laneBits · l) for any integers. What a circuit's PackLanes computes whatever lanes a witness
 * holds, so the fingerprint (genesis.ts) uses it: it must be a function of the words alone.
 */
export function laneWords(values: readonly bigint[], laneBits = STATS_LANE_BITS, lanes = STATS_LANES): bigint[] {
  const words: bigint[] = [];
  values.forEach((v, i) => {
    if (i % lanes === 0) words.push(0n);
    words[words.length - 1]! += v << BigInt(laneBits * (i % lanes));
  });
  return words;
}
