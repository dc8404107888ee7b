/**
 * The deletion digest of a shard (re)training proof:
 *
 *   deletionDigest = PoseidonSponge(k, index_0, leaf_0, …, index_{K−1}, leaf_{K−1})
 *
 * k is the retrained shard, index_j the GLOBAL slot index of a deleted slot and leaf_j the leaf
 * it held; deleted slots come first in strictly increasing index order, the remaining entries
 * are (0, 0). Binding k tells a verifier which shard was retrained, also for zero deletions
 * (genesis training). Dependency-free so a verifier can recompute it with its own Poseidon.
 */
import { spongeWith } from "../crypto/sponge.ts";
import type { PoseidonFn } from "../ml/weights.ts";

/** A deleted slot (global index) and the leaf it held before the deletion. */
export interface DeletedShardSlot {
  index: number;
  leaf: bigint;
}

/**
 * The digest of shard `shard`'s deletions (see the module comment).
 * @throws RangeError for more than K deletions, unsorted or repeated indices, or a zero leaf
 */
export function shardDeletionDigest(shard: number, deleted: readonly DeletedShardSlot[], maxDeletions: number, hash: PoseidonFn): bigint {
  if (!Number.isInteger(shard) || shard < 0) throw new RangeError(`shard ${shard} is not a shard index`);
  if (deleted.length > maxDeletions) throw new RangeError(`${deleted.length} deletions exceed the maximum K = ${maxDeletions}`);
  const values: bigint[] = [BigInt(shard)];
  deleted.forEach(({ index, leaf }, i) => {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`deleted index ${index} is not a slot index`);
    if (i > 0 && index <= deleted[i - 1]!.index) {
      throw new RangeError(`deleted slots must be in strictly increasing order: ${index} follows ${deleted[i - 1]!.index}`);
    }
    if (leaf === 0n) throw new RangeError(`deleted slot ${index} has leaf 0: an empty slot cannot be deleted`);
    values.push(BigInt(index), leaf);
  });
  while (values.length < 1 + 2 * maxDeletions) values.push(0n);
  return spongeWith(hash, values);
}
