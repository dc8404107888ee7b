/**
 * Record hashes, salts and dataset-tree leaves.
 *
 * leaf = Poseidon(recordHash, salt), recordHash = PoseidonSponge([label, f0, f1, …, f_{n−1}])
 * with every value in signed fixed point mapped to the field (negative v → p − |v|).
 * The order — label first, then the features in dataset order — is part of the commitment:
 * the circuits recompute exactly this with `PoseidonSponge(n + 1)`. Putting the label
 * first keeps its position independent of the feature count.
 */
import { randomBytes } from "node:crypto";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { SNARK_FIELD, isFieldElement } from "../field.ts";
import { MAX_ABS_ENCODED, toFieldSigned } from "../encoding/fixedPoint.ts";
import type { EncodedRecord } from "../encoding/records.ts";

/** The value of an empty or deleted slot; no real leaf may take it. */
export const EMPTY_LEAF = 0n;

/**
 * The field elements a record hash is taken over, in order: [label, ...features].
 * Exposed so circuit-input builders use the same order as {@link recordHash}.
 *
 * @throws RangeError if a value is outside the fixed-point bound (a circuit range check
 *   would reject it, so the hash would not be recomputable there)
 */
export function recordFieldElements(encoded: Pick<EncodedRecord, "features" | "label">): bigint[] {
  return [encoded.label, ...encoded.features].map((v) => {
    if (v > MAX_ABS_ENCODED || -v > MAX_ABS_ENCODED) {
      throw new RangeError(`fixed-point value ${v} is outside ±${MAX_ABS_ENCODED}`);
    }
    return toFieldSigned(v);
  });
}

/** Poseidon sponge over [label, ...features] of an encoded record (see the module comment). */
export function recordHash(encoded: Pick<EncodedRecord, "features" | "label">, poseidon: PoseidonHasher): bigint {
  return poseidon.sponge(recordFieldElements(encoded));
}

/** 2^254 − 1: SNARK_FIELD < 2^254, so masking 256 random bits to 254 keeps ~76 % of draws. */
const MASK_254 = (1n << 254n) - 1n;

/**
 * A uniformly random field element, from the OS CSPRNG. Draws 254 random bits and retries
 * while the draw is ≥ SNARK_FIELD (rejection sampling), instead of reducing mod p, which
 * would make values below 2^256 mod p measurably (about 20 %) more likely than the rest.
 */
export function randomSalt(): bigint {
  for (;;) {
    const candidate = BigInt(`0x${randomBytes(32).toString("hex")}`) & MASK_254;
    if (candidate < SNARK_FIELD) return candidate;
  }
}

/**
 * The dataset-tree leaf of a record: Poseidon(recordHash, salt). The salt hides the record
 * (a leaf reveals nothing about it without the salt).
 *
 * @throws RangeError if an input is not a field element, or if the leaf is 0 — the value
 *   reserved for empty slots (probability ~2^-254; draw a new salt if it ever happens)
 */
export function leafHash(recordHashValue: bigint, salt: bigint, poseidon: PoseidonHasher): bigint {
  if (!isFieldElement(recordHashValue)) throw new RangeError("record hash is not a field element");
  if (!isFieldElement(salt)) throw new RangeError("salt is not a field element");
  const leaf = poseidon.hash([recordHashValue, salt]);
  if (leaf === EMPTY_LEAF) throw new RangeError("leaf hash is 0, which marks an empty slot; use another salt");
  return leaf;
}
