pragma circom 2.1.0;

include "lib/poseidon.circom";
include "lib/ridge.circom";

// RidgeClassForget(depth, d, C) constrains the forgetting of class `forgottenClass` (public):
//   oldState = Poseidon(dataRoot, oldStats, oldModelCommitment, configHash)
//   newState = Poseidon(dataRoot, newStats, newModelCommitment, configHash)
//   - forgottenClass = c is a class 0..C-1 not forgotten before (e = its indicator);
//   - newStats has class c's flag set and its block zeroed — every record of class c leaves the
//     statistics at once, whatever their number — and every other class's flag and block
//     unchanged (new block = old block * (1 - e_c), value by value);
//   - the new model is the ridge solution of the new statistics within the stated bound, with
//     class c's weights 0 and c no longer live, so the model never predicts c
//     (RidgeSolveCheck);
//   - the data root and configHash are unchanged.
// What a verifier learns: which class was forgotten, nothing else: no slot index (the records
// stay committed in the data tree, whose layout does not depend on labels; ordinary deletions
// can still empty their slots, and then subtract nothing), no class count.
//
// Public inputs, in this order: oldState, newState, forgottenClass. Private: dataRoot,
// forgotten[C], gram[C][T], moments[C][m] (old), oldStatsSalt, newStatsSalt, oldModelCommitment,
// weights[C][m], residual[C][m], modelSalt, lambda, testRoot.
// Cost: C x (T + m) products (the zeroing, lane by lane: the new G is formed from the lanes and
// range-checked in RidgeSolveCheck), two packed statistics sponges, RidgeSolveCheck, the config
// sponge and 2 Poseidon(4): independent of the class size and of the dataset.
template RidgeClassForget(depth, d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);

    signal input oldState;
    signal input newState;
    signal input forgottenClass;

    signal input dataRoot;
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

    // e = the indicator of forgottenClass: boolean, one 1, at position forgottenClass (so the
    // class is in 0..C-1); the witness's reading is pinned by these constraints.
    signal e[C];
    var count = 0;
    var position = 0;
    for (var c = 0; c < C; c++) {
        e[c] <-- forgottenClass == c ? 1 : 0;
        e[c] * (e[c] - 1) === 0;
        count += e[c];
        position += c * e[c];
    }
    count === 1;
    forgottenClass === position;

    signal newForgotten[C];
    signal newGram[C][T];
    signal newMoments[C][m];
    for (var c = 0; c < C; c++) {
        // Not forgotten before (forgotten[c] is boolean: RidgeSolveCheck checks the new flags,
        // and a flag that is 0 or 1 after adding e_c with e_c * forgotten_c = 0 was 0 or 1).
        e[c] * forgotten[c] === 0;
        newForgotten[c] <== forgotten[c] + e[c];
        for (var t = 0; t < T; t++) {
            newGram[c][t] <== gram[c][t] * (1 - e[c]);
        }
        for (var i = 0; i < m; i++) {
            newMoments[c][i] <== moments[c][i] * (1 - e[c]);
        }
    }

    component next = RidgeState(depth, d, C);
    next.dataRoot <== dataRoot;
    next.forgotten <== newForgotten;
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
    prior.dataRoot <== dataRoot;
    prior.forgotten <== forgotten;
    prior.gram <== gram;
    prior.moments <== moments;
    prior.statsSalt <== oldStatsSalt;
    prior.modelCommitment <== oldModelCommitment;
    prior.configHash <== next.configHash;
    oldState === prior.state;
}
