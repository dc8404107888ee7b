pragma circom 2.1.0;

// Whole-tree and twin-path templates for binary Poseidon Merkle trees (node = Poseidon(left,
// right), as in src/crypto/merkle.ts). Kept apart from merkle.circom so that the circuits built
// on that file (DatasetDeletion) keep their sources unchanged.

include "poseidon.circom";
include "merkle.circom";

// Constrains root = the Merkle root of the 2^depth leaves (leaf 0 leftmost): 2^depth - 1
// Poseidon(2) hashes.
template MerkleTreeRoot(depth) {
    assert(depth >= 1);
    var n = 2 ** depth;
    signal input leaves[n];
    signal output root;

    // node[k] for k in [1, 2n): node 1 is the root, the children of k are 2k and 2k + 1, the
    // leaves are n .. 2n - 1 (heap order).
    signal node[2 * n];
    component hash[n];
    for (var i = 0; i < n; i++) {
        node[n + i] <== leaves[i];
    }
    for (var k = n - 1; k >= 1; k--) {
        hash[k] = PoseidonHash(2);
        hash[k].inputs[0] <== node[2 * k];
        hash[k].inputs[1] <== node[2 * k + 1];
        node[k] <== hash[k].out;
    }
    root <== node[1];
}

// Constrains oldRoot / newRoot = the roots obtained by hashing oldNode / newNode up along the
// SAME siblings and path bits (boolean, constrained by the CALLER): two versions of a tree that
// differ at most in the subtree at this position. Shares each sibling's first S-box between the
// two paths (MerkleTwinLevel), 479 constraints per level.
template MerkleTwinRoots(depth) {
    assert(depth >= 1);
    signal input oldNode;
    signal input newNode;
    signal input siblings[depth];
    signal input pathBits[depth];
    signal output oldRoot;
    signal output newRoot;

    component level[depth];
    for (var i = 0; i < depth; i++) {
        level[i] = MerkleTwinLevel(0);
        if (i == 0) {
            level[i].curOld <== oldNode;
            level[i].curNew <== newNode;
        } else {
            level[i].curOld <== level[i - 1].nextOld;
            level[i].curNew <== level[i - 1].nextNew;
        }
        level[i].sibling <== siblings[i];
        level[i].bit <== pathBits[i];
    }
    oldRoot <== level[depth - 1].nextOld;
    newRoot <== level[depth - 1].nextNew;
}
