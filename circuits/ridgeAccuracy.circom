pragma circom 2.1.0;

include "lib/poseidon.circom";
include "lib/merkle_tree.circom";
include "lib/ridge.circom";

// RidgePredictionCorrect(d, C) constrains, for a record with features x (in [-2^17, 2^17),
// CALLER) and class indicator onehot (boolean, sum = active, CALLER), and weights in
// [-2^56, 2^56) (CALLER) with live classes live[c] (boolean, CALLER):
//   correct = active AND live[y] AND for every live c != y: s_y > s_c (c < y) or s_y >= s_c
//   (c > y), where s_c = sum_j W[c][j] x_j + W[c][d] 2^16;
// i.e. the record's class is model.ts's prediction: argmax over live classes, the lowest class
// on a tie. |s| < (d + 1) 2^73, so each difference (minus [c < y]) has L + 1 = 75 +
// ceil(log2(d + 1)) signed bits and its sign bit is [difference >= 0].
// Cost: C x d + C (true score) + C x (L + 2) + C (live true class) + 2C products.
template RidgePredictionCorrect(d, C) {
    var m = d + 1;
    var L = 75 + RIDGE_CEIL_LOG2(m);
    signal input weights[C][m];
    signal input live[C];
    signal input feature[d];
    signal input onehot[C];
    signal output correct;

    signal wx[C][d];
    signal score[C];
    for (var c = 0; c < C; c++) {
        var s = weights[c][d] * 65536;
        for (var j = 0; j < d; j++) {
            wx[c][j] <== weights[c][j] * feature[j];
            s += wx[c][j];
        }
        score[c] <== s;
    }
    signal pick[C];
    signal pickLive[C];
    var trueScore = 0;
    var trueLive = 0;
    for (var c = 0; c < C; c++) {
        pick[c] <== onehot[c] * score[c];
        trueScore += pick[c];
        pickLive[c] <== onehot[c] * live[c];
        trueLive += pickLive[c];
    }

    component sign[C];
    signal fine[C];
    signal chain[C + 1];
    chain[0] <== trueLive;
    for (var c = 0; c < C; c++) {
        // [c < y] = sum of onehot above c: a strict win is needed over a lower class.
        var below = 0;
        for (var k = c + 1; k < C; k++) {
            below += onehot[k];
        }
        sign[c] = SignedRange(L);
        sign[c].in <== trueScore - score[c] - below;
        // fine_c = not live_c or (s_y - s_c - [c < y] >= 0).
        fine[c] <== 1 - live[c] * (1 - sign[c].out[L]);
        chain[c + 1] <== chain[c] * fine[c];
    }
    correct <== chain[C];
}

// RidgeAccuracy(depth, d, C, testDepth) constrains, for the committed ridge model of a state and
// a test set of n = 2^testDepth slots:
//   state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash) with
//   modelCommitment = PoseidonSponge([modelSalt, live_0..live_{C-1}, packed weights]) (weights
//   range-checked to [-2^56, 2^56), live boolean) and configHash = RidgeConfigHash(lambda,
//   testRoot): the state pins the test set, committed before training;
//   - testRoot is the Merkle root of the test slots, live slots opening to their records
//     (RidgeRecordOpen: features in [-2, 2), labels classes 0..C-1);
//   - total = the live test slots; correct = those whose class the model predicts
//     (RidgePredictionCorrect: argmax over live classes, the lowest on a tie, model.ts).
// Public inputs, in this order: state, testRoot, correct, total. Private: dataRoot,
// statsCommitment, live[C], weights[C][m], modelSalt, lambda; per test slot: testLive[n],
// feature[n][d], label[n], salt[n].
template RidgeAccuracy(depth, d, C, testDepth) {
    var m = d + 1;
    var n = 2 ** testDepth;

    signal input state;
    signal input testRoot;
    signal input correct;
    signal input total;

    signal input dataRoot;
    signal input statsCommitment;
    signal input live[C];
    signal input weights[C][m];
    signal input modelSalt;
    signal input lambda;
    signal input testLive[n];
    signal input feature[n][d];
    signal input label[n];
    signal input salt[n];

    for (var c = 0; c < C; c++) {
        live[c] * (live[c] - 1) === 0;
    }
    component model = RidgeModelCommitment(d, C);
    model.weights <== weights;
    model.live <== live;
    model.salt <== modelSalt;

    component config = RidgeConfigHash(depth, d, C);
    config.lambda <== lambda;
    config.testRoot <== testRoot;

    component stateHash = PoseidonHash(4);
    stateHash.inputs[0] <== dataRoot;
    stateHash.inputs[1] <== statsCommitment;
    stateHash.inputs[2] <== model.out;
    stateHash.inputs[3] <== config.out;
    state === stateHash.out;

    component open[n];
    component predicted[n];
    component tree = MerkleTreeRoot(testDepth);
    var right = 0;
    var count = 0;
    for (var i = 0; i < n; i++) {
        testLive[i] * (testLive[i] - 1) === 0;
        open[i] = RidgeRecordOpen(d, C);
        open[i].active <== testLive[i];
        open[i].feature <== feature[i];
        open[i].label <== label[i];
        open[i].salt <== salt[i];
        tree.leaves[i] <== open[i].leaf;
        predicted[i] = RidgePredictionCorrect(d, C);
        predicted[i].weights <== weights;
        predicted[i].live <== live;
        predicted[i].feature <== feature[i];
        predicted[i].onehot <== open[i].onehot;
        right += predicted[i].correct;
        count += testLive[i];
    }
    testRoot === tree.root;
    correct === right;
    total === count;
}
