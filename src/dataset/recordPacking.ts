/**
 * How a record's [label, ...features] are packed seven to a field element before hashing (see
 * src/dataset/leaf.ts for the scheme and why). Browser-safe: the verifier and the page pack a
 * data subject's own record with this, the controller's commit with the same function.
 */
import { MAX_ABS_ENCODED } from "../encoding/fixedPoint.ts";
import type { EncodedRecord } from "../encoding/encodeRecord.ts";

/** Bits of one packed value: v + 2^32 fits 33 bits for |v| ≤ 2^31. */
export const RECORD_SLOT_BITS = 33;

/** Values packed into one field element (7 · 33 = 231 bits). */
export const RECORD_VALUES_PER_LIMB = 7;

/** The offset that makes a packed value non-negative and non-zero: 2^32. */
const SLOT_OFFSET = 1n << 32n;

/**
 * The field elements a record hash is taken over: [label, ...features] packed seven to a limb
 * (src/dataset/leaf.ts explains the scheme). Circuit-input builders, tests and the verifier
 * all pack with this one function, so `recordHash` and the subject's check agree.
 *
 * @throws RangeError if a value is outside the fixed-point bound (a circuit range check
 *   would reject it, so the hash would not be recomputable there)
 */
export function recordFieldElements(encoded: Pick<EncodedRecord, "features" | "label">): bigint[] {
  const values = [encoded.label, ...encoded.features].map((v) => {
    if (v > MAX_ABS_ENCODED || -v > MAX_ABS_ENCODED) {
      throw new RangeError(`fixed-point value ${v} is outside ±${MAX_ABS_ENCODED}`);
    }
    return v + SLOT_OFFSET;
  });
  const limbs: bigint[] = [];
  for (let m = 0; m < values.length; m += RECORD_VALUES_PER_LIMB) {
    limbs.push(values.slice(m, m + RECORD_VALUES_PER_LIMB).reduce((acc, slot, t) => acc + (slot << BigInt(RECORD_SLOT_BITS * t)), 0n));
  }
  return limbs;
}
