pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/amnesiac.circom";
include "lib/merkle.circom";
include "lib/merkle_tree.circom";
include "lib/record.circom";
include "lib/training.circom";
include "lib/training_params.circom";

// AmnesiacRepair(dataDepth, batchLog2, features, epochs) constrains one repair step of amnesiac
// unlearning (src/methods/amnesiac/repair.ts): after an unlearning subtracted the updates of a
// batch, one more SGD step on that batch's REMAINING records, logged in place of the batch's
// subtracted last-epoch update, from a COMPLETELY trained system:
//
//   oldState = AmnesiacState(dataRoot, Poseidon(weightsHash(w), oldModelSalt), oldLogRoot, total, cfg)
//   newState = AmnesiacState(dataRoot, Poseidon(weightsHash(w'), newModelSalt), newLogRoot, total, cfg)
//   - total = E * 2^(D-b) (the step count of a complete training, as AmnesiacUnlearn's);
//   - batch j < nb = 2^(D-b) (its D-b bits);
//   - the batch's 2^b slots are the data subtree of height b at position j, whose root is proved
//     under dataRoot along the bits of j; each slot opens to its record (live = 1, the leaf is
//     Poseidon(recordHash, salt)) or is empty (live = 0, leaf 0), so a deleted record (leaf 0)
//     cannot be trained on and a live one cannot be left out;
//   - w' = LogisticTraining(b, features, 1) of w over those slots: the training step of
//     AmnesiacTrain, every input bound and every quotient checked there, w' in [-2^23, 2^23)
//     (WeightUpdate's range check);
//   - the step t = (E-1) * nb + j (batch j's last-epoch step): its log path bits are the bits of
//     j, then the constant bits of E-1 (no freedom); leaf t is opened under oldLogRoot as
//     LogLeaf(t, oldLogSalt, 0...0), i.e. an update that an unlearning subtracted (or a zero
//     update), and replaced by LogLeaf(t, newLogSalt, w' - w) along the same siblings, giving
//     newLogRoot;
//   - cfg = AmnesiacConfigHash over the template parameters and the private config values, the
//     same in both states; the data root is unchanged.
// Why this keeps unlearning exact about what it subtracts: the new logged update used only the
// records of batch j, at a leaf that a later deletion of any record of batch j opens (one of its
// E steps), so that deletion subtracts it like a training update; and w' = w + (w' - w) keeps
// "weights = initial weights + the sum of the logged updates not yet subtracted".
//
// Public inputs, in this order: oldState, newState, batch.
template AmnesiacRepair(dataDepth, batchLog2, features, epochs) {
    var D = dataDepth;
    var b = batchLog2;
    var E = epochs;
    var B = 2 ** b;
    var W = features + 1;
    var nbLog = D - b;
    var eBits = CEIL_LOG2(epochs);
    var L = nbLog + eBits;
    var total = epochs * 2 ** nbLog;
    assert(b >= 1 && nbLog >= 1 && D <= 20 && E >= 1);

    signal input oldState;
    signal input newState;
    signal input batch;

    signal input dataRoot;
    signal input dataSiblings[nbLog];
    signal input weights[W];
    signal input oldModelSalt;
    signal input newModelSalt;
    signal input oldLogRoot;
    signal input logSiblings[L];
    signal input oldLogSalt;
    signal input newLogSalt;
    signal input live[B];
    signal input feature[B][features];
    signal input label[B];
    signal input salt[B];
    signal input learningRate;
    signal input l2;
    signal input initialWeightsHash;
    signal input testRoot;
    signal input scalingHash;

    // batch < nb.
    component batchBits = Num2Bits(nbLog);
    batchBits.in <== batch;

    // The step on the batch as the data root holds it now.
    component step = LogisticTraining(b, features, 1);
    step.live <== live;
    step.feature <== feature;
    step.label <== label;
    step.learningRate <== learningRate;
    step.l2 <== l2;
    step.initialWeights <== weights;

    component recordHash[B];
    component leaf[B];
    component batchTree = MerkleTreeRoot(b);
    for (var i = 0; i < B; i++) {
        recordHash[i] = RecordHash(features);
        recordHash[i].label <== label[i];
        recordHash[i].feature <== feature[i];
        leaf[i] = MaskedLeaf();
        leaf[i].live <== live[i];
        leaf[i].recordHash <== recordHash[i].out;
        leaf[i].salt <== salt[i];
        batchTree.leaves[i] <== leaf[i].leaf;
    }
    component dataPath = MerkleRoot(nbLog);
    dataPath.leaf <== batchTree.root;
    dataPath.siblings <== dataSiblings;
    dataPath.pathBits <== batchBits.out;
    dataPath.root === dataRoot;

    // The log: leaf t goes from a zero update to the repair's update.
    var t = (E - 1) * 2 ** nbLog;
    component oldLeaf = LogLeaf(W);
    oldLeaf.step <== t + batch;
    oldLeaf.salt <== oldLogSalt;
    for (var m = 0; m < W; m++) {
        oldLeaf.delta[m] <== 0;
    }
    component newLeaf = LogLeaf(W);
    newLeaf.step <== t + batch;
    newLeaf.salt <== newLogSalt;
    for (var m = 0; m < W; m++) {
        newLeaf.delta[m] <== step.weights[m] - weights[m];
    }
    component logPath = MerkleTwinRoots(L);
    logPath.oldNode <== oldLeaf.out;
    logPath.newNode <== newLeaf.out;
    logPath.siblings <== logSiblings;
    for (var i = 0; i < nbLog; i++) {
        logPath.pathBits[i] <== batchBits.out[i];
    }
    for (var i = 0; i < eBits; i++) {
        logPath.pathBits[nbLog + i] <== ((E - 1) >> i) & 1;
    }
    logPath.oldRoot === oldLogRoot;

    // Model commitments, config hash, states.
    component oldModel = AmnesiacModelCommitment(W);
    oldModel.weights <== weights;
    oldModel.salt <== oldModelSalt;
    component newModel = AmnesiacModelCommitment(W);
    newModel.weights <== step.weights;
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
    oldStateHash.stepCount <== total;
    oldStateHash.configHash <== cfg.out;
    oldState === oldStateHash.out;
    component newStateHash = AmnesiacState();
    newStateHash.dataRoot <== dataRoot;
    newStateHash.modelCommitment <== newModel.out;
    newStateHash.logRoot <== logPath.newRoot;
    newStateHash.stepCount <== total;
    newStateHash.configHash <== cfg.out;
    newState === newStateHash.out;
}
