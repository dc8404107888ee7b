import { spongeWith } from "../crypto/sponge.ts";
import { textAsField } from "../field.ts";
import { poseidonLite } from "./statements.ts";

/**
 * The commitment that binds a deletion request to the slots it asks to delete. The controller
 * records it in the chain when the request is received (a `request` entry), before any proof;
 * the data subject's acknowledgement carries its opening (the salt and the slots). When the
 * request is answered, the package publishes the salt, and the verifier recomputes the
 * commitment from the slots the answering entries' proofs deleted. So deleting someone else's
 * record cannot answer a request, and a subject can check that their request names their slot.
 *
 * commitment = PoseidonSponge([DOMAIN, salt, n, index_1, leaf_1, …, index_n, leaf_n]) over the
 * slots in increasing index order. Salted: before the answer, the commitment reveals nothing,
 * not even to someone who knows a candidate leaf. Browser-safe (poseidon-lite).
 */

/** "zkforget/request/v1" as a field element (its UTF-8 bytes, big-endian). */
export const REQUEST_COMMITMENT_DOMAIN = textAsField("zkforget/request/v1");

/** A slot named by a request: its index and the leaf it held when the request was received. */
export interface RequestedSlot {
  index: number;
  leaf: bigint;
}

/**
 * The request commitment of `slots` (any order; indices must be distinct) under `salt`.
 * @throws RangeError for an empty list or a repeated index
 */
export function requestCommitment(salt: bigint, slots: readonly RequestedSlot[]): bigint {
  if (slots.length === 0) throw new RangeError("a deletion request names at least one slot");
  const sorted = [...slots].sort((a, b) => a.index - b.index);
  sorted.forEach((s, i) => {
    if (i > 0 && s.index === sorted[i - 1]!.index) throw new RangeError(`slot ${s.index} is named twice`);
  });
  return spongeWith(poseidonLite, [REQUEST_COMMITMENT_DOMAIN, salt, BigInt(sorted.length), ...sorted.flatMap((s) => [BigInt(s.index), s.leaf])]);
}
