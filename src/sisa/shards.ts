/**
 * SISA sharding of the dataset tree: with 2^D slots and 2^S shards, the top S bits of a slot
 * index name its shard, so shard k is the subtree of depth D − S at position k, holding slots
 * k·2^(D−S) … (k+1)·2^(D−S) − 1.
 */
import type { ShardProfileParams } from "../ml/config.ts";

type Sharding = Pick<ShardProfileParams, "dataDepth" | "shardDepth">;

/** Number of shards, 2^S. */
export function shardCount(p: Sharding): number {
  return 2 ** p.shardDepth;
}

/** Shard of a slot: its index's top S bits. @throws RangeError for a slot outside the tree */
export function shardOfSlot(index: number, p: Sharding): number {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** p.dataDepth) {
    throw new RangeError(`slot ${index} is outside the dataset tree (slots 0..${2 ** p.dataDepth - 1})`);
  }
  return Math.floor(index / 2 ** (p.dataDepth - p.shardDepth));
}

/** First slot of shard k and its slot count. @throws RangeError for a shard that does not exist */
export function shardSlotRange(shard: number, p: Sharding): { first: number; count: number } {
  checkShard(shard, p);
  const count = 2 ** (p.dataDepth - p.shardDepth);
  return { first: shard * count, count };
}

/** @throws RangeError unless 0 ≤ shard < 2^S */
export function checkShard(shard: number, p: Sharding): void {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount(p)) {
    throw new RangeError(`shard ${shard} does not exist: the profile has shards 0..${shardCount(p) - 1}`);
  }
}
