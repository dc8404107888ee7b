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
import type { PoseidonFn } from "../ml/weights.ts";
import { slotDigest, type DigestSlot } from "../statements/slotDigest.ts";

/** A deleted slot (global index) and the leaf it held before the deletion. */
export type DeletedShardSlot = DigestSlot;

/**
 * The digest of shard `shard`'s deletions (see the module comment and statements/slotDigest.ts).
 * @throws RangeError for more than K deletions, unsorted or repeated indices, or a zero leaf
 */
export function shardDeletionDigest(shard: number, deleted: readonly DeletedShardSlot[], maxDeletions: number, hash: PoseidonFn): bigint {
  if (!Number.isInteger(shard) || shard < 0) throw new RangeError(`shard ${shard} is not a shard index`);
  return slotDigest([BigInt(shard)], deleted, maxDeletions, hash);
}
