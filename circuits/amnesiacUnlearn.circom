pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "deletion.circom";
include "lib/amnesiac.circom";
include "lib/merkle_tree.circom";
include "lib/training.circom";
include "lib/training_params.circom";

// AmnesiacUnlearn(dataDepth, batchLog2, features, epochs, K) constrains amnesiac unlearning
// (src/methods/amnesiac/unlearning.ts) of up to K records from a COMPLETELY trained system:
//
//   oldState = AmnesiacState(oldDataRoot, Poseidon(weightsHash(w), oldModelSalt), oldLogRoot, total, cfg)
//   newState = AmnesiacState(newDataRoot, Poseidon(weightsHash(w'), newModelSalt), newLogRoot, total, cfg)
//   - total = E * 2^(D-b): every step is logged (the step count is in the state);
//   - newDataRoot is oldDataRoot with up to K distinct non-empty slots emptied and nothing else
//     (DatasetDeletion, circuits/deletion.circom), and deletionDigest binds them as there;
//   - for every deleted slot i and every epoch e, the step the SCHEDULE gives it,
//     t = e * 2^(D-b) + (i >> b), is derived from the bits of i (the update-log path bits are
//     bits b..D-1 of i, then the constant bits of e): the controller cannot choose it;
//   - each such leaf is opened under the current log root as LogLeaf(t, salt, Delta) and replaced
//     by LogLeaf(t, salt, 0...0) along the same siblings, entries applied in sequence (a step
//     shared by two deleted records is opened twice: the second time it is already zero);
//   - w' = w - sum of the opened Delta of the active entries, each weight of w' in [-2^23, 2^23);
//   - padding entries (DatasetDeletion's, index 0 and leaf 0) subtract nothing and leave the
//     log unchanged (their openings are not checked);
//   - cfg = AmnesiacConfigHash over the template parameters (so the schedule above is the one
//     the state's config names) and the private config values, the same in both states.
//
// Public inputs, in this order: oldState, newState, deletionDigest.
template AmnesiacUnlearn(dataDepth, batchLog2, features, epochs, K) {
    var D = dataDepth;
    var b = batchLog2;
    var E = epochs;
    var W = features + 1;
    var nbLog = D - b;
    var eBits = CEIL_LOG2(epochs);
    var L = nbLog + eBits;
    var total = epochs * 2 ** nbLog;
    assert(b >= 1 && nbLog >= 1 && D <= 20 && K >= 1);

    signal input oldState;
    signal input newState;
    signal input deletionDigest;

    signal input oldDataRoot;
    signal input newDataRoot;
    signal input delActive[K];
    signal input delIndex[K];
    signal input delLeaf[K];
    signal input delSiblings[K][D];
    signal input weights[W];
    signal input oldModelSalt;
    signal input newModelSalt;
    signal input oldLogRoot;
    signal input logSalt[K][E];
    signal input logDelta[K][E][W];
    signal input logSiblings[K][E][L];
    signal input learningRate;
    signal input l2;
    signal input initialWeightsHash;
    signal input testRoot;
    signal input scalingHash;

    // The records leave the data tree (this also makes delActive boolean, and padding index 0).
    component deletion = DatasetDeletion(D, K);
    deletion.oldRoot <== oldDataRoot;
    deletion.newRoot <== newDataRoot;
    deletion.deletionDigest <== deletionDigest;
    deletion.active <== delActive;
    deletion.index <== delIndex;
    deletion.leaf <== delLeaf;
    deletion.siblings <== delSiblings;

    // Each deleted slot's E steps, opened and zeroed in the log; their updates summed.
    component indexBits[K];
    component oldLeaf[K * E];
    component newLeaf[K * E];
    component path[K * E];
    signal logRoot[K * E + 1];
    signal change[K * E];
    signal masked[K * E][W];
    logRoot[0] <== oldLogRoot;
    for (var j = 0; j < K; j++) {
        indexBits[j] = Num2Bits(D);
        indexBits[j].in <== delIndex[j];
        var batch = 0;
        for (var i = b; i < D; i++) {
            batch += indexBits[j].out[i] * 2 ** (i - b);
        }
        for (var e = 0; e < E; e++) {
            var k = j * E + e;
            oldLeaf[k] = LogLeaf(W);
            oldLeaf[k].step <== e * 2 ** nbLog + batch;
            oldLeaf[k].salt <== logSalt[j][e];
            oldLeaf[k].delta <== logDelta[j][e];
            newLeaf[k] = LogLeaf(W);
            newLeaf[k].step <== e * 2 ** nbLog + batch;
            newLeaf[k].salt <== logSalt[j][e];
            for (var m = 0; m < W; m++) {
                newLeaf[k].delta[m] <== 0;
            }
            path[k] = MerkleTwinRoots(L);
            path[k].oldNode <== oldLeaf[k].out;
            path[k].newNode <== newLeaf[k].out;
            path[k].siblings <== logSiblings[j][e];
            for (var i = 0; i < nbLog; i++) {
                path[k].pathBits[i] <== indexBits[j].out[b + i];
            }
            for (var i = 0; i < eBits; i++) {
                path[k].pathBits[nbLog + i] <== (e >> i) & 1;
            }
            // An active entry's leaf is in the current log; the log then has it zeroed.
            delActive[j] * (path[k].oldRoot - logRoot[k]) === 0;
            change[k] <== delActive[j] * (path[k].newRoot - path[k].oldRoot);
            logRoot[k + 1] <== logRoot[k] + change[k];
            for (var m = 0; m < W; m++) {
                masked[k][m] <== delActive[j] * logDelta[j][e][m];
            }
        }
    }

    // w' = w - sum of the subtracted updates, in the weight bound.
    signal newWeights[W];
    component newRange[W];
    for (var m = 0; m < W; m++) {
        var sum = 0;
        for (var k = 0; k < K * E; k++) {
            sum += masked[k][m];
        }
        newWeights[m] <== weights[m] - sum;
        newRange[m] = SignedRange(FRACTION_BITS() + WEIGHT_BOUND_BITS());
        newRange[m].in <== newWeights[m];
    }

    component oldModel = AmnesiacModelCommitment(W);
    oldModel.weights <== weights;
    oldModel.salt <== oldModelSalt;
    component newModel = AmnesiacModelCommitment(W);
    newModel.weights <== newWeights;
    newModel.salt <== newModelSalt;
    component cfg = AmnesiacConfigHash(D, b, features, epochs);
    cfg.learningRate <== learningRate;
    cfg.l2 <== l2;
    cfg.initialWeightsHash <== initialWeightsHash;
    cfg.testRoot <== testRoot;
    cfg.scalingHash <== scalingHash;

    component oldStateHash = AmnesiacState();
    oldStateHash.dataRoot <== oldDataRoot;
    oldStateHash.modelCommitment <== oldModel.out;
    oldStateHash.logRoot <== oldLogRoot;
    oldStateHash.stepCount <== total;
    oldStateHash.configHash <== cfg.out;
    oldState === oldStateHash.out;
    component newStateHash = AmnesiacState();
    newStateHash.dataRoot <== newDataRoot;
    newStateHash.modelCommitment <== newModel.out;
    newStateHash.logRoot <== logRoot[K * E];
    newStateHash.stepCount <== total;
    newStateHash.configHash <== cfg.out;
    newState === newStateHash.out;
}
