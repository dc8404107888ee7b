/**
 * The one definition of the digests that bind deleted slots in a public signal:
 *
 *   digest = PoseidonSponge(prefix…, index_0, leaf_0, …, index_{K−1}, leaf_{K−1})
 *
 * with the deleted slots in strictly increasing index order and (0, 0) padding up to K pairs
 * (unambiguous: a deleted leaf is never 0). The dataset-deletion digest has no prefix; the
 * shard-retrain digest is prefixed with the shard index. Dependency-free (Poseidon is passed in)
 * so the prover, with circomlibjs, and the verifier, with poseidon-lite, share it.
 */
import { spongeWith } from "../crypto/sponge.ts";

/** A deleted slot and the leaf it held before the deletion. */
export interface DigestSlot {
  index: number;
  leaf: bigint;
}

/**
 * Digest of `deleted` after `prefix`, padded to `maxDeletions` pairs.
 * @throws RangeError for more than K slots, an invalid, repeated or unsorted index, or a zero leaf
 */
export function slotDigest(
  prefix: readonly bigint[],
  deleted: readonly DigestSlot[],
  maxDeletions: number,
  hash: (inputs: readonly bigint[]) => bigint,
): bigint {
  if (deleted.length > maxDeletions) throw new RangeError(`${deleted.length} deletions exceed the maximum K = ${maxDeletions}`);
  const values: bigint[] = [...prefix];
  deleted.forEach(({ index, leaf }, i) => {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`deleted index ${index} is not a slot index`);
    if (i > 0 && index <= deleted[i - 1]!.index) {
      throw new RangeError(`deleted slots must be in strictly increasing order: ${index} follows ${deleted[i - 1]!.index}`);
    }
    if (leaf === 0n) throw new RangeError(`deleted slot ${index} has leaf 0: an empty slot cannot be deleted`);
    values.push(BigInt(index), leaf);
  });
  while (values.length < prefix.length + 2 * maxDeletions) values.push(0n);
  return spongeWith(hash, values);
}
