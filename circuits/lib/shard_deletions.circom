pragma circom 2.1.0;

// Deletions inside one SISA shard, the DatasetDeletion argument (circuits/deletion.circom) run on
// the shard's subtree.

include "circomlib/circuits/bitify.circom";
include "merkle.circom";
include "nonzero.circom";

// ShardDeletions(dataDepth, shardDepth, K) constrains:
//   oldShardRoot is the root of shard `shard`'s subtree (depth c = dataDepth - shardDepth) from
//   which newShardRoot arises by setting up to K DISTINCT slots, each non-empty before, to 0 --
//   and nothing else; every deleted slot lies in shard `shard` (its global index's top
//   shardDepth bits equal `shard`); the deletions come first in strictly increasing global index
//   order; padding entries are (index 0, leaf 0).
// `shard` must be in [0, 2^shardDepth) (CALLER).
//
// Inputs per entry j: active[j], index[j] (GLOBAL slot index), leaf[j] (the slot's value before
// the deletion), siblings[j][c] (bottom-up inside the shard, from the tree in which entries
// 0..j-1 are already applied, as in DatasetDeletion).
//
// The chain runs backwards from the known new root: root[K] = newShardRoot and
// root[j] = root[j+1] + oldPath_j - newPath_j, where oldPath_j / newPath_j hash leaf_j / 0 up
// along the same bits and siblings; an active entry must have oldPath_j = root[j] (so root[j+1]
// = newPath_j: the same tree with the slot emptied). These are DatasetDeletion's relations with
// root[0] an output rather than an input; the header of deletion.circom explains why padding
// (leaf 0) can change neither the root nor the digest, and how one range check per adjacent
// pair enforces "active prefix, strictly increasing indices".
template ShardDeletions(dataDepth, shardDepth, K) {
    var c = dataDepth - shardDepth;
    assert(shardDepth >= 1 && c >= 1 && dataDepth <= 32);
    assert(K >= 1);

    signal input newShardRoot;
    signal input shard;
    signal input active[K];
    signal input index[K];
    signal input leaf[K];
    signal input siblings[K][c];
    signal output oldShardRoot;

    component leafNonZero[K];
    component indexBits[K];
    component paths[K];
    signal root[K + 1];

    root[K] <== newShardRoot;
    for (var j = K - 1; j >= 0; j--) {
        // active[j] = (leaf[j] != 0): a deletion removes a non-empty slot, padding carries leaf 0.
        leafNonZero[j] = IsNonZero();
        leafNonZero[j].in <== leaf[j];
        active[j] === leafNonZero[j].out;
        // Padding entries carry index 0 (canonical digest).
        index[j] * (1 - active[j]) === 0;

        // index < 2^dataDepth; low c bits = path inside the shard, high bits = the shard.
        indexBits[j] = Num2Bits(dataDepth);
        indexBits[j].in <== index[j];
        var high = 0;
        for (var i = c; i < dataDepth; i++) {
            high += indexBits[j].out[i] * 2 ** (i - c);
        }
        active[j] * (high - shard) === 0;

        paths[j] = MerkleClearSlot(c);
        paths[j].leaf <== leaf[j];
        for (var i = 0; i < c; i++) {
            paths[j].siblings[i] <== siblings[j][i];
            paths[j].pathBits[i] <== indexBits[j].out[i];
        }
        // Linear: = oldPath for an active entry (with the check below), = root[j + 1] for padding.
        root[j] <== root[j + 1] + paths[j].oldRoot - paths[j].newRoot;
        active[j] * (paths[j].oldRoot - root[j]) === 0;
    }
    oldShardRoot <== root[0];

    // Ordering, as in DatasetDeletion: gap in [0, 2^dataDepth) iff (both active and index_a <
    // index_b), or b is padding, and never padding before active.
    component order[K > 1 ? K - 1 : 1];
    for (var j = 1; j < K; j++) {
        order[j - 1] = Num2Bits(dataDepth);
        order[j - 1].in <== index[j] - index[j - 1] - 1
            + (1 - active[j]) * (2 ** dataDepth)
            - (1 - active[j - 1]) * (2 ** dataDepth - 1);
    }
}
