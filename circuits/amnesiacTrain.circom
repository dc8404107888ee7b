pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/amnesiac.circom";
include "lib/merkle.circom";
include "lib/merkle_tree.circom";
include "lib/record.circom";
include "lib/training.circom";
include "lib/training_params.circom";

// AmnesiacTrain(dataDepth, batchLog2, features, epochs, stepsLog2) constrains P = 2^stepsLog2
// consecutive mini-batch SGD steps t0 .. t0+P-1 of amnesiac training
// (src/methods/amnesiac/training.ts; schedule: src/methods/amnesiac/schedule.ts) and their
// appending to the update log:
//
//   oldState = AmnesiacState(dataRoot, Poseidon(weightsHash(w_0), oldModelSalt), oldLogRoot, t0, cfg)
//   newState = AmnesiacState(dataRoot, Poseidon(weightsHash(w_P), newModelSalt), newLogRoot, t0 + P, cfg)
//   - t0 = firstStep is a multiple of P below the total E * 2^(D-b) (so the steps exist);
//   - step t0+s trains on the batch the SCHEDULE gives it: with B = 2^b, the P batches are the
//     P*B contiguous slots of the data subtree of height b + stepsLog2 at position
//     (t0 mod 2^(D-b)) / P, whose root is proved under dataRoot along the bits of t0 (the
//     controller cannot pick other slots); each slot opens to its record (live = 1, the leaf is
//     Poseidon(recordHash, salt)) or is empty (live = 0, leaf 0);
//   - w_{s+1} = LogisticTraining(b, features, 1) of w_s over batch s: the shard trainer's
//     gradient step, every input bound and every quotient checked there (w_s included);
//   - Delta_s = w_{s+1} - w_s, and newLogRoot is oldLogRoot with the P positions t0 .. t0+P-1
//     (an aligned block, empty before: its subtree root was the all-0 root) set to
//     LogLeaf(t0 + s, logSalt[s], Delta_s), along the same siblings;
//   - cfg = AmnesiacConfigHash over the template parameters and the private config values; the
//     data root is unchanged.
// The genesis state (t0 = 0) is public (state.ts), so the first proof starts from the initial
// weights; the state's step count makes the proofs of a chain cover the steps in order, once.
//
// Public inputs, in this order: oldState, newState, firstStep.
template AmnesiacTrain(dataDepth, batchLog2, features, epochs, stepsLog2) {
    var D = dataDepth;
    var b = batchLog2;
    var p = stepsLog2;
    var B = 2 ** b;
    var P = 2 ** p;
    var W = features + 1;
    var L = D - b + CEIL_LOG2(epochs);
    var total = epochs * 2 ** (D - b);
    var up = D - b - p;
    assert(b >= 1 && p >= 0 && up >= 1 && D <= 20);

    signal input oldState;
    signal input newState;
    signal input firstStep;

    signal input dataRoot;
    signal input dataSiblings[up];
    signal input weights[W];
    signal input oldModelSalt;
    signal input newModelSalt;
    signal input oldLogRoot;
    signal input logSiblings[L - p];
    signal input logSalt[P];
    signal input live[P * B];
    signal input feature[P * B][features];
    signal input label[P * B];
    signal input salt[P * B];
    signal input learningRate;
    signal input l2;
    signal input initialWeightsHash;
    signal input testRoot;
    signal input scalingHash;

    // firstStep < 2^L with its low p bits 0, and firstStep <= total - 1.
    component stepBits = Num2Bits(L);
    stepBits.in <== firstStep;
    for (var i = 0; i < p; i++) {
        stepBits.out[i] === 0;
    }
    component below = Num2Bits(L);
    below.in <== total - 1 - firstStep;

    // The steps.
    component step[P];
    component leafHash[P];
    signal w[P + 1][W];
    w[0] <== weights;
    for (var s = 0; s < P; s++) {
        step[s] = LogisticTraining(b, features, 1);
        for (var i = 0; i < B; i++) {
            step[s].live[i] <== live[s * B + i];
            step[s].feature[i] <== feature[s * B + i];
            step[s].label[i] <== label[s * B + i];
        }
        step[s].learningRate <== learningRate;
        step[s].l2 <== l2;
        step[s].initialWeights <== w[s];
        w[s + 1] <== step[s].weights;

        leafHash[s] = LogLeaf(W);
        leafHash[s].step <== firstStep + s;
        leafHash[s].salt <== logSalt[s];
        for (var j = 0; j < W; j++) {
            leafHash[s].delta[j] <== w[s + 1][j] - w[s][j];
        }
    }

    // The log: the block of P positions at t0 / P goes from all-0 to the new leaves.
    signal block;
    component zeroBlock = ZeroSubtreeRoot(p);
    if (p == 0) {
        block <== leafHash[0].out;
    } else {
        component blockTree = MerkleTreeRoot(p);
        for (var s = 0; s < P; s++) {
            blockTree.leaves[s] <== leafHash[s].out;
        }
        block <== blockTree.root;
    }
    component logPath = MerkleTwinRoots(L - p);
    logPath.oldNode <== zeroBlock.out;
    logPath.newNode <== block;
    logPath.siblings <== logSiblings;
    for (var i = 0; i < L - p; i++) {
        logPath.pathBits[i] <== stepBits.out[p + i];
    }
    logPath.oldRoot === oldLogRoot;

    // The data: the P batches' slots open to records (or are empty) under dataRoot.
    component recordHash[P * B];
    component leaf[P * B];
    component chunkTree = MerkleTreeRoot(b + p);
    for (var i = 0; i < P * B; i++) {
        recordHash[i] = RecordHash(features);
        recordHash[i].label <== label[i];
        recordHash[i].feature <== feature[i];
        leaf[i] = MaskedLeaf();
        leaf[i].live <== live[i];
        leaf[i].recordHash <== recordHash[i].out;
        leaf[i].salt <== salt[i];
        chunkTree.leaves[i] <== leaf[i].leaf;
    }
    component dataPath = MerkleRoot(up);
    dataPath.leaf <== chunkTree.root;
    dataPath.siblings <== dataSiblings;
    for (var i = 0; i < up; i++) {
        dataPath.pathBits[i] <== stepBits.out[p + i];
    }
    dataPath.root === dataRoot;

    // Model commitments, config hash, states.
    component oldModel = AmnesiacModelCommitment(W);
    oldModel.weights <== weights;
    oldModel.salt <== oldModelSalt;
    component newModel = AmnesiacModelCommitment(W);
    newModel.weights <== w[P];
    newModel.salt <== newModelSalt;
    component cfg = AmnesiacConfigHash(D, b, features, epochs);
    cfg.learningRate <== learningRate;
    cfg.l2 <== l2;
    cfg.initialWeightsHash <== initialWeightsHash;
    cfg.testRoot <== testRoot;
    cfg.scalingHash <== scalingHash;

    component oldStateHash = AmnesiacState();
    oldStateHash.dataRoot <== dataRoot;
    oldStateHash.modelCommitment <== oldModel.out;
    oldStateHash.logRoot <== oldLogRoot;
    oldStateHash.stepCount <== firstStep;
    oldStateHash.configHash <== cfg.out;
    oldState === oldStateHash.out;
    component newStateHash = AmnesiacState();
    newStateHash.dataRoot <== dataRoot;
    newStateHash.modelCommitment <== newModel.out;
    newStateHash.logRoot <== logPath.newRoot;
    newStateHash.stepCount <== firstStep + P;
    newStateHash.configHash <== cfg.out;
    newState === newStateHash.out;
}
