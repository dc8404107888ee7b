pragma circom 2.1.0;

// Shared templates of the amnesiac statements (circuits/amnesiacTrain.circom,
// circuits/amnesiacUnlearn.circom); the TypeScript definitions are in src/methods/amnesiac/.

include "poseidon.circom";
include "sponge.circom";
include "training_params.circom";

// "zkforget/logreg-hsig-sgd-log/v1" as a field element (src/methods/amnesiac/config.ts:
// AMNESIAC_ALGORITHM_ID; test/amnesiacCircuit.test.ts checks that both agree).
function AMNESIAC_ALGORITHM_ID() { return 216296590413356934447866915639805346723673980637133627576462635312520066609; }

// Constrains out = configHash of src/methods/amnesiac/config.ts: PoseidonSponge(13) over the
// algorithm id, the fixed-point format and bounds, the shape (template parameters, so a proof
// under a profile pins the schedule that profile derives steps with) and the private
// hyperparameters. No range checks: the callers that use learningRate and l2 check them
// (LogisticTraining), the others only carry the hash from the old state to the new one.
template AmnesiacConfigHash(dataDepth, batchLog2, features, epochs) {
    signal input learningRate;
    signal input l2;
    signal input initialWeightsHash;
    signal input testRoot;
    signal input scalingHash;
    signal output out;

    component h = PoseidonSponge(13);
    h.in[0] <== AMNESIAC_ALGORITHM_ID();
    h.in[1] <== FRACTION_BITS();
    h.in[2] <== FEATURE_BOUND_BITS();
    h.in[3] <== WEIGHT_BOUND_BITS();
    h.in[4] <== features;
    h.in[5] <== epochs;
    h.in[6] <== learningRate;
    h.in[7] <== l2;
    h.in[8] <== initialWeightsHash;
    h.in[9] <== dataDepth;
    h.in[10] <== batchLog2;
    h.in[11] <== testRoot;
    h.in[12] <== scalingHash;
    out <== h.out;
}

// Constrains out = Poseidon(weightsHash(weights), salt), the model commitment
// (src/methods/amnesiac/state.ts). No range check on the weights (CALLER).
template AmnesiacModelCommitment(W) {
    signal input weights[W];
    signal input salt;
    signal output out;

    component wh = PoseidonSponge(W);
    wh.in <== weights;
    component h = PoseidonHash(2);
    h.inputs[0] <== wh.out;
    h.inputs[1] <== salt;
    out <== h.out;
}

// Constrains out = Poseidon(dataRoot, modelCommitment, logRoot, stepCount, configHash), the
// state (src/methods/amnesiac/state.ts).
template AmnesiacState() {
    signal input dataRoot;
    signal input modelCommitment;
    signal input logRoot;
    signal input stepCount;
    signal input configHash;
    signal output out;

    component h = PoseidonHash(5);
    h.inputs[0] <== dataRoot;
    h.inputs[1] <== modelCommitment;
    h.inputs[2] <== logRoot;
    h.inputs[3] <== stepCount;
    h.inputs[4] <== configHash;
    out <== h.out;
}

// Constrains out = PoseidonSponge(step, salt, delta[0..W-1]), the update-log leaf
// (src/methods/amnesiac/updateLog.ts: logLeaf); delta field-signed, not range-checked (CALLER:
// in training it is the difference of two range-checked weight vectors).
template LogLeaf(W) {
    signal input step;
    signal input salt;
    signal input delta[W];
    signal output out;

    component h = PoseidonSponge(2 + W);
    h.in[0] <== step;
    h.in[1] <== salt;
    for (var j = 0; j < W; j++) {
        h.in[2 + j] <== delta[j];
    }
    out <== h.out;
}

// Constrains out = the root of an all-empty (all-0) subtree of the given height: 0 for height 0,
// then Poseidon(z, z) per level. `height` Poseidon(2) hashes of constants.
template ZeroSubtreeRoot(height) {
    signal output out;
    signal z[height + 1];
    component h[height];
    z[0] <== 0;
    for (var i = 0; i < height; i++) {
        h[i] = PoseidonHash(2);
        h[i].inputs[0] <== z[i];
        h[i].inputs[1] <== z[i];
        z[i + 1] <== h[i].out;
    }
    out <== z[height];
}
