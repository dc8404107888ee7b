pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/merkle_tree.circom";
include "lib/ridge.circom";

// RidgeGenesisBatch(depth, batchDepth, d, C) constrains, for batch k of a ridge dataset tree of
// 2^depth slots cut into 2^(depth - batchDepth) aligned batches of n = 2^batchDepth slots (batch
// k = the subtree of depth batchDepth at position k, slots k*n .. k*n + n - 1):
//   partialCommitment = Poseidon(k, subtreeRoot, partialStats), where
//   - subtreeRoot is the Merkle root of the batch's n slots: live slots open to their records
//     (leaf = Poseidon(recordHash(label, feature), salt)), the others are 0;
//   - every live record's features lie in [-2, 2) and its label is a class 0..C-1 (checked here,
//     once: later statements rely on the statistics being sums of such records);
//   - partialStats = StatsCommitment(partialSalt, forgotten = 0, the per-class statistics of
//     exactly the batch's live records) (statistics.ts).
// k < 2^(depth - batchDepth). Batches are independent proofs (any machine, any order); the
// genesis statement (ridgeGenesis.circom) opens every batch's partialCommitment at its own
// position k and rebuilds the data root from the subtree roots, so each slot is counted exactly
// once.
//
// Public input: partialCommitment. Private: batch (k), live[n], feature[n][d], label[n], salt[n],
// partialSalt.
// Cost: per slot RidgeRecordOpen + 1 + C x (d + d(d+1)/2) products; the subtree n - 1 Poseidon(2);
// the partial statistics' sponge over 1 + C + C(T + m) values; Poseidon(3).
template RidgeGenesisBatch(depth, batchDepth, d, C) {
    assert(batchDepth >= 1 && batchDepth < depth && depth <= 32);
    var n = 2 ** batchDepth;
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);

    signal input partialCommitment;
    signal input batch;
    signal input live[n];
    signal input feature[n][d];
    signal input label[n];
    signal input salt[n];
    signal input partialSalt;

    component batchBits = Num2Bits(depth - batchDepth);
    batchBits.in <== batch;

    component open[n];
    component tree = MerkleTreeRoot(batchDepth);
    component stats = ClassContributions(n, d, C);
    for (var i = 0; i < n; i++) {
        live[i] * (live[i] - 1) === 0;
        open[i] = RidgeRecordOpen(d, C);
        open[i].active <== live[i];
        open[i].feature <== feature[i];
        open[i].label <== label[i];
        open[i].salt <== salt[i];
        tree.leaves[i] <== open[i].leaf;
        stats.x[i] <== feature[i];
        stats.sel[i] <== open[i].onehot;
    }

    component partial = StatsCommitment(d, C);
    partial.salt <== partialSalt;
    for (var c = 0; c < C; c++) {
        partial.forgotten[c] <== 0;
    }
    partial.gram <== stats.gram;
    partial.moments <== stats.moments;

    component commitment = Poseidon(3);
    commitment.inputs[0] <== batch;
    commitment.inputs[1] <== tree.root;
    commitment.inputs[2] <== partial.out;
    partialCommitment === commitment.out;
}
