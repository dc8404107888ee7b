pragma circom 2.1.0;

// Templates of the proved-accuracy statement (circuits/accuracy.circom): the committed SISA
// ensemble, the committed test set, and one test prediction. The TypeScript model is
// src/statements/accuracy.ts; the prediction is src/sisa/ensemble.ts's.

include "poseidon.circom";
include "accuracy_params.circom";
include "merkle_tree.circom";
include "record.circom";
include "sponge.circom";
include "training.circom";

// EnsembleModel(shardDepth, features) constrains, for the 2^S shard models of a SISA system:
//   - trained[k] boolean; leaf k = trained[k] ? Poseidon(weightsHash(weights[k]), salt[k]) : 0
//     (src/sisa/model.ts: modelLeaf; an untrained shard's leaf is 0) and root = the Merkle root of
//     the 2^S leaves (MerkleTreeRoot), i.e. the model root of the state;
//   - every weight in [-2^23, 2^23) (the training bound, so the sums below are the integer sums:
//     nothing wraps modulo p), and an untrained shard's weights are 0, so it adds nothing to the
//     ensemble, which averages the TRAINED shards (ensemble.ts);
//   - at least one shard is trained (ensemble.ts has no prediction for an empty ensemble): the
//     number of trained shards has an inverse;
//   - weightSum[j] = sum_k weights[k][j], each in [-2^b, 2^b), b = ENSEMBLE_WEIGHT_SUM_BITS(S)
//     (the mean weights in [-2, 2)): this bound is what ModelAccuracy's sign checks rely on.
// Cost, once per proof (W = F + 1, 2^S shards): per shard W x 24 (weight bits) + W (untrained
// weights zero) + 1 + PoseidonSponge(W) + Poseidon(2) + 1; the tree 2^S - 1 Poseidon(2); the sums
// W x (b + 1) bits; 1 for the inverse. Measured: 14,166 for S = 3, F = 16 (1,454 for S = 1, F = 2).
template EnsembleModel(shardDepth, features) {
    var shards = 2 ** shardDepth;
    var W = features + 1;
    signal input trained[shards];
    signal input weights[shards][W];
    signal input salt[shards];
    signal output root;
    signal output weightSum[W];

    component weightRange[shards][W];
    component weightsHash[shards];
    component leaf[shards];
    component tree = MerkleTreeRoot(shardDepth);
    var trainedCount = 0;
    for (var k = 0; k < shards; k++) {
        trained[k] * (trained[k] - 1) === 0;
        for (var j = 0; j < W; j++) {
            weightRange[k][j] = SignedRange(FRACTION_BITS() + WEIGHT_BOUND_BITS());
            weightRange[k][j].in <== weights[k][j];
            (1 - trained[k]) * weights[k][j] === 0;
        }
        weightsHash[k] = PoseidonSponge(W);
        weightsHash[k].in <== weights[k];
        // MaskedLeaf is the dataset's leaf function; a model leaf is the same function of
        // (weightsHash, salt), masked by `trained` instead of `live`.
        leaf[k] = MaskedLeaf();
        leaf[k].live <== trained[k];
        leaf[k].recordHash <== weightsHash[k].out;
        leaf[k].salt <== salt[k];
        tree.leaves[k] <== leaf[k].leaf;
        trainedCount += trained[k];
    }
    // trainedCount is in [0, 2^S], so it is non-zero in the field iff some shard is trained; the
    // inverse is unique when it exists.
    signal trainedInverse <-- trainedCount != 0 ? 1 / trainedCount : 0;
    trainedInverse * trainedCount === 1;
    root <== tree.root;

    component sumRange[W];
    for (var j = 0; j < W; j++) {
        var sum = 0;
        for (var k = 0; k < shards; k++) {
            sum += weights[k][j];
        }
        sumRange[j] = SignedRange(ENSEMBLE_WEIGHT_SUM_BITS(shardDepth));
        sumRange[j].in <== sum;
        weightSum[j] <== sum;
    }
}

// CommittedTestSet(testDepth, features) constrains root = the Merkle root of the 2^testDepth
// slots of a test set committed like a dataset (src/dataset/commitment.ts): leaf_i =
// live[i] ? Poseidon(recordHash(label[i], feature[i]), salt[i]) : 0, and the input bounds that
// callers rely on:
//   - live[i] boolean;
//   - label[i] in {0, 2^16} when live[i] = 1 and label[i] = 0 when live[i] = 0, with ONE
//     constraint: label * (label - 2^16 * live) = 0 (PredictionCorrect relies on the zero label
//     of an empty slot);
//   - feature[i][j] in [-2^17, 2^17) (the training bound [-2, 2)), which also makes the record
//     hash's packing injective (RecordHash needs |value| <= 2^31).
// Cost per slot: F x 18 bits, 2, RecordHash (Poseidon over ceil((F + 1) / 7) limbs), Poseidon(2)
// + 1 (MaskedLeaf), and the tree's 2^testDepth - 1 Poseidon(2) (one per slot, amortised).
// Measured: 1,032 per slot for F = 16 (288 of them the feature bits), 732 for F = 2.
template CommittedTestSet(testDepth, features) {
    var n = 2 ** testDepth;
    signal input live[n];
    signal input feature[n][features];
    signal input label[n];
    signal input salt[n];
    signal output root;

    component featureRange[n][features];
    component recordHash[n];
    component leaf[n];
    component tree = MerkleTreeRoot(testDepth);
    for (var i = 0; i < n; i++) {
        live[i] * (live[i] - 1) === 0;
        label[i] * (label[i] - 2 ** FRACTION_BITS() * live[i]) === 0;
        for (var j = 0; j < features; j++) {
            featureRange[i][j] = SignedRange(FRACTION_BITS() + FEATURE_BOUND_BITS());
            featureRange[i][j].in <== feature[i][j];
        }
        recordHash[i] = RecordHash(features);
        recordHash[i].label <== label[i];
        recordHash[i].feature <== feature[i];
        leaf[i] = MaskedLeaf();
        leaf[i].live <== live[i];
        leaf[i].recordHash <== recordHash[i].out;
        leaf[i].salt <== salt[i];
        tree.leaves[i] <== leaf[i].leaf;
    }
    root <== tree.root;
}

// PredictionCorrect(shardDepth, features) constrains correct = live * [prediction == label / 2^16]
// where prediction = 1 iff z = sum_j weightSum[j] * feature[j] + weightSum[F] * 2^16 >= 0: the
// sum of the shards' logits (ensemble.ts predicts class 1 iff the sum of the trained shards'
// logits is >= 0; the sum is linear in the weights, so summing the weights first gives the same
// z with one dot product per record).
// The CALLER guarantees: weightSum[j] in [-2^b, 2^b) (EnsembleModel), feature[j] in [-2^17, 2^17),
// live boolean, label in {0, 2^16} when live and 0 otherwise (CommittedTestSet). Then
// |z| < 2^L, L = ENSEMBLE_LOGIT_BOUND_BITS(S, F), as an integer far below p, so the bits of
// z + 2^L (L + 1 of them, SignedRange) exist and are unique and the top one is [z >= 0].
// With y = label / 2^16 in {0, 1} (y = 0 when not live):
//   correct = live - y + prediction * (2y - live)
// is live * (prediction ? y : 1 - y): 1 for a live slot predicted right, 0 otherwise.
// Cost: F products, L + 1 bits (the decomposition's sum is linear, folded away by --O2), 1 for
// correct: 60 for 8 shards and 16 features (L = 42).
template PredictionCorrect(shardDepth, features) {
    var L = ENSEMBLE_LOGIT_BOUND_BITS(shardDepth, features);
    signal input weightSum[features + 1];
    signal input feature[features];
    signal input label;
    signal input live;
    signal output correct;

    signal product[features];
    var z = weightSum[features] * 2 ** FRACTION_BITS();
    for (var j = 0; j < features; j++) {
        product[j] <== weightSum[j] * feature[j];
        z += product[j];
    }
    component sign = SignedRange(L);
    sign.in <== z;
    var y = label * (1 / (2 ** FRACTION_BITS()));
    correct <== live - y + sign.out[L] * (2 * y - live);
}
