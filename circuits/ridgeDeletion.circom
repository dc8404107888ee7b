pragma circom 2.1.0;

include "lib/poseidon.circom";
include "deletion.circom";
include "lib/ridge.circom";

// RidgeDeletion(depth, d, C, K) constrains a deletion by model shift:
//   oldState = Poseidon(oldDataRoot, oldStats, oldModelCommitment, configHash)
//   newState = Poseidon(newDataRoot, newStats, newModelCommitment, configHash)   (same configHash)
//   - newDataRoot arises from oldDataRoot by emptying up to K distinct, previously non-empty
//     slots and nothing else, and deletionDigest binds the (index, leaf) pairs (DatasetDeletion,
//     circuits/deletion.circom, unchanged);
//   - every deleted leaf opens to its record (RidgeRecordOpen: features in range, label a class);
//   - oldStats = StatsCommitment(oldStatsSalt, forgotten, old blocks) (RidgePriorState) and
//     newStats = StatsCommitment(newStatsSalt, forgotten, new blocks) (RidgeState) with the same
//     forgotten flags, where
//     new block c = old block c minus the contributions of the deleted records of class c —
//     none for a forgotten class, whose block stays 0 (ClassContributions with sel = onehot *
//     (1 - forgotten));
//   - the new model is the ridge solution of the new statistics within the stated bound
//     (RidgeSolveCheck); the old model may be anything (it is replaced);
//   - configHash = RidgeConfigHash(lambda, testRoot).
// The old statistics are the sums over the live records of the old data tree (by induction from
// genesis), so subtracting the deleted records' contributions gives those of the new tree: what
// retraining from scratch on the remaining records gives, within the residual bound.
//
// Public inputs, in this order: oldState, newState, deletionDigest.
// Private: oldDataRoot, newDataRoot, active[K], index[K], leaf[K], siblings[K][depth],
// feature[K][d], label[K], recordSalt[K], forgotten[C], gram[C][T], moments[C][m] (old),
// oldStatsSalt, newStatsSalt, oldModelCommitment, weights[C][m], residual[C][m], modelSalt,
// lambda, testRoot.
// Cost: DatasetDeletion (about 480 x depth x K), K x (RidgeRecordOpen + C + d(d+1)/2 +
// C(ceil(T/4) + ceil(m/4))) (ClassContributions: packed words routed to the class), two packed
// statistics sponges over 1 + C + C(ceil(T/4) + ceil(m/4)) values each, RidgeSolveCheck (with the
// range checks on G and B that make the packed commitment binding), the config sponge and 2
// Poseidon(4): it grows with depth, K, d and C, never with the number of records.
template RidgeDeletion(depth, d, C, K) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);

    signal input oldState;
    signal input newState;
    signal input deletionDigest;

    signal input oldDataRoot;
    signal input newDataRoot;
    signal input active[K];
    signal input index[K];
    signal input leaf[K];
    signal input siblings[K][depth];
    signal input feature[K][d];
    signal input label[K];
    signal input recordSalt[K];
    signal input forgotten[C];
    signal input gram[C][T];
    signal input moments[C][m];
    signal input oldStatsSalt;
    signal input newStatsSalt;
    signal input oldModelCommitment;
    signal input weights[C][m];
    signal input residual[C][m];
    signal input modelSalt;
    signal input lambda;
    signal input testRoot;

    // The data tree: active entries are non-empty slots emptied, padding changes nothing.
    component deletion = DatasetDeletion(depth, K);
    deletion.oldRoot <== oldDataRoot;
    deletion.newRoot <== newDataRoot;
    deletion.deletionDigest <== deletionDigest;
    deletion.active <== active;
    deletion.index <== index;
    deletion.leaf <== leaf;
    deletion.siblings <== siblings;

    // Each deleted leaf opens to its record; padding opens to nothing (leaf 0, no class).
    component open[K];
    component removed = ClassContributions(K, d, C);
    signal sel[K][C];
    for (var j = 0; j < K; j++) {
        open[j] = RidgeRecordOpen(d, C);
        open[j].active <== active[j];
        open[j].feature <== feature[j];
        open[j].label <== label[j];
        open[j].salt <== recordSalt[j];
        leaf[j] === open[j].leaf;
        for (var c = 0; c < C; c++) {
            sel[j][c] <== open[j].onehot[c] * (1 - forgotten[c]);
        }
        removed.x[j] <== feature[j];
        removed.sel[j] <== sel[j];
    }

    signal newGram[C][T];
    signal newMoments[C][m];
    for (var c = 0; c < C; c++) {
        for (var t = 0; t < T; t++) {
            newGram[c][t] <== gram[c][t] - removed.gram[c][t];
        }
        for (var i = 0; i < m; i++) {
            newMoments[c][i] <== moments[c][i] - removed.moments[c][i];
        }
    }

    component next = RidgeState(depth, d, C);
    next.dataRoot <== newDataRoot;
    next.forgotten <== forgotten;
    next.gram <== newGram;
    next.moments <== newMoments;
    next.statsSalt <== newStatsSalt;
    next.weights <== weights;
    next.residual <== residual;
    next.modelSalt <== modelSalt;
    next.lambda <== lambda;
    next.testRoot <== testRoot;
    newState === next.state;

    component prior = RidgePriorState(d, C);
    prior.dataRoot <== oldDataRoot;
    prior.forgotten <== forgotten;
    prior.gram <== gram;
    prior.moments <== moments;
    prior.statsSalt <== oldStatsSalt;
    prior.modelCommitment <== oldModelCommitment;
    prior.configHash <== next.configHash;
    oldState === prior.state;
}
