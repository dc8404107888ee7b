pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/merkle_tree.circom";
include "lib/ridge.circom";
include "lib/ridge_genesis.circom";

// RidgeGenesisBatch(depth, batchDepth, d, C) constrains, for batch k of a ridge dataset tree of
// 2^depth slots cut into N = 2^(depth - batchDepth) aligned batches of n = 2^batchDepth slots
// (batch k = the subtree of depth batchDepth at position k, slots k*n .. k*n + n - 1):
//   - subtreeRoot is the Merkle root of the batch's n slots: live slots open to their records
//     (leaf = Poseidon(recordHash(label, feature), salt)), the others are 0;
//   - every live record's features lie in [-2, 2) and its label is a class 0..C-1 (checked here,
//     once: later statements rely on the statistics being sums of such records);
//   - fingerprint = sum over the live records of their contribution to F_rho (RecordFingerprint)
//     + tau_k, tau_k = Poseidon(maskSeed, k) - Poseidon(maskSeed, k + 1), and
//     maskCommitment = Poseidon(maskSeed) (genesis.ts).
// k < N. Batches are independent proofs (any machine, any order) and no other proof opens them:
// the verifier checks across bundles (genesisCheck.ts) that there is one per k, all at the
// genesis' rho and maskCommitment, that the subtree roots make the genesis' data root and that
// the fingerprints add up to the genesis' fingerprintSum.
//
// Public inputs, in this order: batch (k), subtreeRoot, rho, maskCommitment, fingerprint.
// Private: live[n], feature[n][d], label[n], salt[n], maskSeed.
// Cost: per slot RidgeRecordOpen + 1 + RecordFingerprint; the subtree n - 1 Poseidon(2);
// depth - batchDepth bits, FingerprintPowers, Poseidon(1) + 2 Poseidon(2).
template RidgeGenesisBatch(depth, batchDepth, d, C) {
    assert(batchDepth >= 1 && batchDepth < depth && depth <= 32);
    var n = 2 ** batchDepth;

    signal input batch;
    signal input subtreeRoot;
    signal input rho;
    signal input maskCommitment;
    signal input fingerprint;
    signal input live[n];
    signal input feature[n][d];
    signal input label[n];
    signal input salt[n];
    signal input maskSeed;

    component batchBits = Num2Bits(depth - batchDepth);
    batchBits.in <== batch;

    component powers = FingerprintPowers(d, C);
    powers.rho <== rho;

    component open[n];
    component record[n];
    component tree = MerkleTreeRoot(batchDepth);
    var sum = 0;
    for (var i = 0; i < n; i++) {
        live[i] * (live[i] - 1) === 0;
        open[i] = RidgeRecordOpen(d, C);
        open[i].active <== live[i];
        open[i].feature <== feature[i];
        open[i].label <== label[i];
        open[i].salt <== salt[i];
        tree.leaves[i] <== open[i].leaf;
        record[i] = RecordFingerprint(d, C);
        record[i].x <== feature[i];
        record[i].onehot <== open[i].onehot;
        record[i].alpha <== powers.alpha;
        record[i].eps <== powers.eps;
        sum += record[i].out;
    }
    subtreeRoot === tree.root;

    component mask = GenesisMask();
    mask.seed <== maskSeed;
    mask.from <== batch;
    mask.to <== batch + 1;
    maskCommitment === mask.commitment;
    fingerprint === sum + mask.tau;
}
