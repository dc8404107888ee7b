pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/merkle.circom";
include "lib/nonzero.circom";
include "lib/sponge.circom";

// DatasetDeletion(depth, K) constrains:
//   newRoot is oldRoot's Poseidon Merkle tree (depth levels) with up to K DISTINCT slots, each
//   non-empty (leaf != 0) before, set to 0, and no other change; and
//   deletionDigest = PoseidonSponge(2K)(index_0, leaf_0, ..., index_{K-1}, leaf_{K-1}), where the
//   deleted slots come first in strictly increasing index order and padding entries are (0, 0).
//
// Public inputs, in this order: oldRoot, newRoot, deletionDigest.
// Private inputs per entry j < K: active[j] (1 = deletion, 0 = padding), index[j], leaf[j] (the
// slot's value before the deletion) and siblings[j][depth] (bottom-up, taken from the tree in which
// the previous entries have already been applied).
//
// Entries are applied in sequence: root_0 = oldRoot; an active entry proves leaf_j at index_j under
// root_j and sets root_{j+1} to the root with that slot emptied along the same siblings; a padding
// entry leaves root_{j+1} = root_j; finally root_K = newRoot.
//
// Why padding cannot hide a change: every entry moves the root by root_{j+1} = root_j + newPath_j -
// oldPath_j, where oldPath_j / newPath_j hash leaf_j / 0 up along the same bits and siblings. A
// padding entry has leaf_j = 0 (forced below), so both paths hash the same values through the same
// deterministic constraints, newPath_j = oldPath_j, and root_{j+1} = root_j whatever siblings it
// carries. Its index is forced to 0 as well, so its digest contribution is the fixed pair (0, 0),
// which no deletion can produce because a deleted leaf is never 0. Hence the digest lists exactly
// the deletions, and the padding neither changes the tree nor the digest.
//
// Cost with --O2: K * (480 * depth + 2) + (K - 1) * depth + cost(PoseidonSponge(2K)) constraints,
// 77,565 for depth 20, K = 8. Per level and entry: 1 index bit, 3 S-boxes and 2 selectors
// (MerkleTwinLevel) and 2 x 234 for the rest of the two Poseidon(2) hashes; per entry 3 (IsNonZero)
// + 1 (padding index) + 1 (membership) - 3 (the new path's level-0 S-box is a constant); per
// adjacent pair depth bits (ordering); the root updates and final checks are linear.
template DatasetDeletion(depth, K) {
    assert(depth >= 1 && depth <= 32);
    assert(K >= 1);

    signal input oldRoot;
    signal input newRoot;
    signal input deletionDigest;

    signal input active[K];
    signal input index[K];
    signal input leaf[K];
    signal input siblings[K][depth];

    component leafNonZero[K];
    signal root[K + 1];
    component indexBits[K];
    component paths[K];

    root[0] <== oldRoot;
    for (var j = 0; j < K; j++) {
        // active[j] = (leaf[j] != 0), which also makes active[j] boolean. So a deletion always
        // removes a non-empty slot and a padding entry carries leaf 0.
        leafNonZero[j] = IsNonZero();
        leafNonZero[j].in <== leaf[j];
        active[j] === leafNonZero[j].out;

        // Padding entries carry index 0 (canonical digest).
        index[j] * (1 - active[j]) === 0;

        // index < 2^depth; its bits are the Merkle path bits.
        indexBits[j] = Num2Bits(depth);
        indexBits[j].in <== index[j];

        paths[j] = MerkleClearSlot(depth);
        paths[j].leaf <== leaf[j];
        for (var i = 0; i < depth; i++) {
            paths[j].siblings[i] <== siblings[j][i];
            paths[j].pathBits[i] <== indexBits[j].out[i];
        }

        // An active entry's leaf is in the current tree.
        active[j] * (paths[j].oldRoot - root[j]) === 0;
        // Linear update: = newPath for an active entry, = root[j] for padding (see header).
        root[j + 1] <== root[j] + paths[j].newRoot - paths[j].oldRoot;
    }
    newRoot === root[K];

    // Ordering, one range check per adjacent pair (a, b) = (entry j-1, entry j):
    //   gap = index_b - index_a - 1 + (1 - active_b) * 2^depth - (1 - active_a) * (2^depth - 1)
    // must lie in [0, 2^depth). With indices in [0, 2^depth) and padding indices 0:
    //   both active:        gap = index_b - index_a - 1     -> passes iff index_a < index_b
    //   active, padding:    gap = 2^depth - 1 - index_a      -> always passes
    //   both padding:       gap = 0                          -> passes
    //   padding, active:    gap = index_b - 2^depth < 0      -> fails (wraps to ~p)
    // so the check enforces both "active entries form a prefix" and "strictly increasing indices"
    // (hence distinct slots and a canonical order) with depth constraints per pair, no products.
    component order[K > 1 ? K - 1 : 1];
    for (var j = 1; j < K; j++) {
        order[j - 1] = Num2Bits(depth);
        order[j - 1].in <== index[j] - index[j - 1] - 1
            + (1 - active[j]) * (2 ** depth)
            - (1 - active[j - 1]) * (2 ** depth - 1);
    }

    component digest = PoseidonSponge(2 * K);
    for (var j = 0; j < K; j++) {
        digest.in[2 * j] <== index[j];
        digest.in[2 * j + 1] <== leaf[j];
    }
    deletionDigest === digest.out;
}
