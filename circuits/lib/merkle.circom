pragma circom 2.1.0;

// Binary Poseidon Merkle trees as in src/crypto/merkle.ts: node = Poseidon(left, right), paths are
// given bottom-up, pathBits[i] = bit i of the slot index (1 = the path node is a right child).
// Every template here takes path bits that the CALLER has already constrained to be boolean
// (normally the Num2Bits of the slot index, which also range-checks the index).

include "poseidon.circom";

// Constrains root = the Merkle root obtained by hashing `leaf` up along `siblings`, where
// pathBits (boolean, constrained by the caller) choose left/right at each level.
template MerkleRoot(depth) {
    signal input leaf;
    signal input siblings[depth];
    signal input pathBits[depth];
    signal output root;

    signal cur[depth + 1];
    signal left[depth];
    component hash[depth];

    cur[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        // One constraint per level: left = bit ? sibling : cur; right = cur + sibling - left is linear.
        left[i] <== cur[i] + pathBits[i] * (siblings[i] - cur[i]);
        hash[i] = PoseidonHash(2);
        hash[i].inputs[0] <== left[i];
        hash[i].inputs[1] <== cur[i] + siblings[i] - left[i];
        cur[i + 1] <== hash[i].out;
    }
    root <== cur[depth];
}

// One level of two Merkle paths that share the same sibling and path bit: the path of the old
// node `curOld` and of the new node `curNew`. Constrains
//   nextOld = Poseidon(bit ? (sibling, curOld) : (curOld, sibling))
//   nextNew = Poseidon(bit ? (sibling, curNew) : (curNew, sibling))
// `bit` must be boolean (caller). If newIsZero, curNew must be 0 (this is enforced) and its S-box
// is folded into a constant-coefficient expression of `bit`.
//
// Why it is cheaper than two MerkleRoot levels (477-479 instead of 482 constraints): Poseidon's
// first step is lane-wise, state = [0, left, right] + (C0, C1, C2) followed by x^5 on every lane.
// The sibling lands in lane 2 when bit = 0 and lane 1 when bit = 1, so the value entering its
// S-box is sibling + C2 + bit * (C1 - C2) -- LINEAR in bit. Hence the S-box of the sibling is
// computed once, before the left/right selection, and both hashes use it; the selection (one
// constraint per path) is then applied to the S-box outputs, which is the same thing because the
// S-box acts lane by lane. The rest of each hash is PoseidonRounds(2, 1) (lib/poseidon.circom).
template MerkleTwinLevel(newIsZero) {
    signal input curOld;
    signal input curNew;
    signal input sibling;
    signal input bit;
    signal output nextOld;
    signal output nextNew;

    // Round constants added to lanes 1 and 2 before Poseidon(2)'s first S-box layer.
    var C[3*8 + POSEIDON_PARTIAL_ROUNDS(3)] = POSEIDON_C(3);
    var c1 = C[1];
    var c2 = C[2];

    // S-box inputs: a node sits in lane 1 (bit = 0) or lane 2 (bit = 1); the sibling opposite.
    component sboxSibling = Pow5();
    sboxSibling.in <== sibling + c2 + bit * (c1 - c2);
    component sboxOld = Pow5();
    sboxOld.in <== curOld + c1 + bit * (c2 - c1);

    // Lane 1 after the S-box layer is the sibling's output if bit = 1, the node's if bit = 0;
    // lane 2 is the other one (sum minus lane 1, linear).
    signal lane1Old <== sboxOld.out + bit * (sboxSibling.out - sboxOld.out);
    component tailOld = PoseidonRounds(2, 1);
    tailOld.inputs[0] <== lane1Old;
    tailOld.inputs[1] <== sboxOld.out + sboxSibling.out - lane1Old;
    nextOld <== tailOld.out;

    signal lane1New;
    component tailNew = PoseidonRounds(2, 1);
    if (newIsZero) {
        curNew === 0;
        // For boolean bit, (c1 + bit*(c2 - c1))^5 = c1^5 + bit*(c2^5 - c1^5): no constraint needed.
        var y1 = c1*c1*c1*c1*c1;
        var y2 = c2*c2*c2*c2*c2;
        lane1New <== y1 + bit * (sboxSibling.out - y1);
        tailNew.inputs[0] <== lane1New;
        tailNew.inputs[1] <== y1 + bit * (y2 - y1) + sboxSibling.out - lane1New;
    } else {
        component sboxNew = Pow5();
        sboxNew.in <== curNew + c1 + bit * (c2 - c1);
        lane1New <== sboxNew.out + bit * (sboxSibling.out - sboxNew.out);
        tailNew.inputs[0] <== lane1New;
        tailNew.inputs[1] <== sboxNew.out + sboxSibling.out - lane1New;
    }
    nextNew <== tailNew.out;
}

// Constrains oldRoot = MerkleRoot(leaf) and newRoot = MerkleRoot(0) along the SAME siblings and
// (boolean, caller-constrained) path bits: newRoot is oldRoot's tree with exactly this slot
// emptied. Shares each sibling's first S-box between the two paths (see MerkleTwinLevel).
template MerkleClearSlot(depth) {
    signal input leaf;
    signal input siblings[depth];
    signal input pathBits[depth];
    signal output oldRoot;
    signal output newRoot;

    component level[depth];
    for (var i = 0; i < depth; i++) {
        level[i] = MerkleTwinLevel(i == 0);
        if (i == 0) {
            level[i].curOld <== leaf;
            level[i].curNew <== 0;
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
