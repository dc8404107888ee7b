pragma circom 2.1.0;

include "lib/poseidon.circom";
include "lib/accuracy.circom";
include "lib/sponge.circom";
include "lib/training_params.circom";

// ModelAccuracy(shardDepth, features, testDepth) constrains, for a SISA system with 2^shardDepth
// shard models over `features` features and a test set of n = 2^testDepth slots:
//
//   state = Poseidon(dataRoot, modelRoot, configHash)               (src/sisa/model.ts)
//   - modelRoot is the Merkle root of the shard models' leaves, each Poseidon(weightsHash(w_k),
//     salt_k) for a trained shard and 0 for an untrained one (EnsembleModel); at least one shard
//     is trained;
//   - configHash = PoseidonSponge(ALGORITHM_ID, FRACTION_BITS, FEATURE_BOUND_BITS,
//     WEIGHT_BOUND_BITS, features, epochs, learningRate, l2, initialWeightsHash, dataDepth,
//     shardDepth, maxDeletions, testRoot, scalingHash) (src/ml/config.ts): the algorithm, the fixed-point
//     format, the bounds, the feature count and the shard count are this circuit's, the test
//     set is the public testRoot, the rest (which training does not need here) are private
//     inputs. So the state the proof names pins the test set, committed before training;
//   - testRoot is the Merkle root of the test set, committed like a dataset (CommittedTestSet):
//     live slots open to records (label, features, salt), the others are 0;
//   - total = the number of live test slots;
//   - correct = the number of live test slots whose label the ensemble predicts: class 1 iff
//     the sum over the trained shards of z_k = sum_j w_kj x_j + w_kF 2^16 is >= 0, exactly
//     src/sisa/ensemble.ts (PredictionCorrect, on the shards' summed weights).
//   correct <= total <= n follow (each record counts at most once in each).
// Completeness limits (never soundness): test features must be in the training bound [-2, 2),
// and the ensemble's mean weights in [-2, 2) (ENSEMBLE_MEAN_WEIGHT_BOUND_BITS), which bounds the
// logits and so the sign check; the prover refuses other inputs with an error.
//
// Public inputs, in this order: state, testRoot, correct, total.
// Private inputs: dataRoot; per shard k < 2^S: trained[k], weights[k][F + 1] (bias last),
// modelSalt[k] (zeros for an untrained shard); config: epochs, learningRate, l2,
// initialWeightsHash, dataDepth, maxDeletions, scalingHash; per test slot i < n: live[i], feature[i][F],
// label[i], salt[i] (zeros for empty slots).
//
// Cost with --O2 (n test slots, F features, L = ENSEMBLE_LOGIT_BOUND_BITS(S, F)), per test slot:
//   prediction and count (PredictionCorrect): F + (L + 1) + 1 = 60 for S = 3, F = 16;
//   commitment (CommittedTestSet): F x 18 bits + 2 + RecordHash + Poseidon(2) + 1, plus one
//   Poseidon(2) of the tree per slot;
// once: EnsembleModel (see there), configHash, state.
// Measured (r1cs; per record = the difference between testDepth and testDepth - 1, divided by the
// slots added; prediction = PredictionCorrect compiled alone, commitment = CommittedTestSet the
// same way, and the two add up to the per-record total):
//   accuracy-s3-f16-t8 (256 slots): 294,264 = 256 x 1,092 (60 prediction and count + 1,032
//   commitment: 288 feature bits, record hash, leaf, tree) + 14,712 once. It needs a 2^19 powers
//   of tau. accuracy-s1-f2-t4 (16 slots): 14,368 = 16 x 773 (41 + 732) + 2,000 once.
template ModelAccuracy(shardDepth, features, testDepth) {
    var shards = 2 ** shardDepth;
    var W = features + 1;
    var n = 2 ** testDepth;
    assert(shardDepth >= 1 && testDepth >= 1);

    signal input state;
    signal input testRoot;
    signal input correct;
    signal input total;

    signal input dataRoot;
    signal input trained[shards];
    signal input weights[shards][W];
    signal input modelSalt[shards];
    signal input epochs;
    signal input learningRate;
    signal input l2;
    signal input initialWeightsHash;
    signal input dataDepth;
    signal input maxDeletions;
    signal input scalingHash;
    signal input live[n];
    signal input feature[n][features];
    signal input label[n];
    signal input salt[n];

    component model = EnsembleModel(shardDepth, features);
    model.trained <== trained;
    model.weights <== weights;
    model.salt <== modelSalt;

    component testSet = CommittedTestSet(testDepth, features);
    testSet.live <== live;
    testSet.feature <== feature;
    testSet.label <== label;
    testSet.salt <== salt;
    testRoot === testSet.root;

    component prediction[n];
    var correctSum = 0;
    var liveSum = 0;
    for (var i = 0; i < n; i++) {
        prediction[i] = PredictionCorrect(shardDepth, features);
        prediction[i].weightSum <== model.weightSum;
        prediction[i].feature <== feature[i];
        prediction[i].label <== label[i];
        prediction[i].live <== live[i];
        correctSum += prediction[i].correct;
        liveSum += live[i];
    }
    correct === correctSum;
    total === liveSum;

    component configHash = PoseidonSponge(14);
    configHash.in[0] <== ALGORITHM_ID();
    configHash.in[1] <== FRACTION_BITS();
    configHash.in[2] <== FEATURE_BOUND_BITS();
    configHash.in[3] <== WEIGHT_BOUND_BITS();
    configHash.in[4] <== features;
    configHash.in[5] <== epochs;
    configHash.in[6] <== learningRate;
    configHash.in[7] <== l2;
    configHash.in[8] <== initialWeightsHash;
    configHash.in[9] <== dataDepth;
    configHash.in[10] <== shardDepth;
    configHash.in[11] <== maxDeletions;
    configHash.in[12] <== testRoot;
    configHash.in[13] <== scalingHash;

    component stateHash = PoseidonHash(3);
    stateHash.inputs[0] <== dataRoot;
    stateHash.inputs[1] <== model.root;
    stateHash.inputs[2] <== configHash.out;
    state === stateHash.out;
}
