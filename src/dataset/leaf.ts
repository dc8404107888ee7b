/**
 * Record hashes, salts and dataset-tree leaves.
 *
 * leaf = Poseidon(recordHash, salt), recordHash = PoseidonSponge(limbs), where the values
 * [label, f0, f1, …, f_{n−1}] (signed fixed point, |v| ≤ 2^31) are packed seven to a field
 * element:
 *
 *   slot(v)  = v + 2^32                      (33 bits, in [2^31, 3·2^31]: never 0)
 *   limb_m   = Σ_{t<7} slot(value_{7m+t}) · 2^(33·t)      (at most 231 bits < the field)
 *
 * so 16 features and a label take 3 limbs and a single Poseidon(3). Packing is injective: every
 * slot is a non-negative 33-bit number, and a slot is never 0, so a shorter record never packs
 * like a longer one. The order — label first, then the features in dataset order — is part of
 * the commitment. Why packed: a circuit that opens records (the SISA training statement)
 * range-checks the features anyway, so it can form the limbs as linear combinations for free,
 * and one Poseidon(3) costs 264 constraints where the sponge over 17 separate values costs 855.
 * The circuits recompute this with `RecordHash(n)` (circuits/lib/record.circom).
 */
import { randomBytes } from "node:crypto";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { SNARK_FIELD, isFieldElement } from "../field.ts";
import type { EncodedRecord } from "../encoding/records.ts";
import { recordFieldElements } from "./recordPacking.ts";

export { RECORD_SLOT_BITS, RECORD_VALUES_PER_LIMB, recordFieldElements } from "./recordPacking.ts";
import { documentFieldElements } from "./document.ts";

/** The value of an empty or deleted slot; no real leaf may take it. */
export const EMPTY_LEAF = 0n;

/** Poseidon sponge over the packed [label, ...features] of an encoded record (see the module comment). */
export function recordHash(encoded: Pick<EncodedRecord, "features" | "label">, poseidon: PoseidonHasher): bigint {
  return poseidon.sponge(recordFieldElements(encoded));
}

/**
 * The record hash of a committed record's content: a text corpus's document hashes its text
 * (src/dataset/document.ts), any other record its packed [label, ...features]. The one place
 * that tells the two kinds of record apart.
 */
export function contentHash(content: Pick<EncodedRecord, "features" | "label"> & { text?: string }, poseidon: PoseidonHasher): bigint {
  return content.text !== undefined ? poseidon.sponge(documentFieldElements(content.text)) : recordHash(content, poseidon);
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
