pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "lib/merkle_tree.circom";
include "lib/ridge.circom";

// RidgeGenesis(depth, batchDepth, d, C) combines the N = 2^(depth - batchDepth) batch proofs
// of ridgeGenesisBatch.circom into the first ridge state. It constrains:
//   - batchesDigest = PoseidonSponge(p_0, ..., p_{N-1}) where p_k = Poseidon(k, subtreeRoot_k,
//     StatsCommitment(partialSalt_k, 0, partial_k)): the verifier checks that p_k is the public
//     input of a valid batch proof for every k, so partial_k is the statistics of exactly the
//     records under subtreeRoot_k. The position k is a constant here, so no batch can be used
//     twice (it would need two positions) and none skipped (every position is opened);
//   - dataRoot = the Merkle root over subtreeRoot_0..N-1: the batches tile the whole tree;
//   - the statistics are the sum of the partials, no class forgotten, and statsCommitment =
//     StatsCommitment(statsSalt, 0, sum);
//   - the model is the ridge solution of the sum within the stated bound (RidgeSolveCheck);
//   - configHash = RidgeConfigHash(lambda, testRoot) and
//     state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash).
// Public inputs, in this order: state, dataRoot, configHash, batchesDigest. Private:
// subtreeRoot[N], partialGram[N][C][T], partialMoments[N][C][m], partialSalt[N], statsSalt,
// weights[C][m], residual[C][m], modelSalt, lambda, testRoot.
// Cost: N x (the partial sponge + Poseidon(3)), the digest sponge, N - 1 Poseidon(2), one more
// statistics sponge, RidgeSolveCheck, the config sponge and Poseidon(4).
template RidgeGenesis(depth, batchDepth, d, C) {
    assert(batchDepth >= 1 && batchDepth < depth && depth <= 32);
    var N = 2 ** (depth - batchDepth);
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);

    signal input state;
    signal input dataRoot;
    signal input configHash;
    signal input batchesDigest;
    signal input subtreeRoot[N];
    signal input partialGram[N][C][T];
    signal input partialMoments[N][C][m];
    signal input partialSalt[N];
    signal input statsSalt;
    signal input weights[C][m];
    signal input residual[C][m];
    signal input modelSalt;
    signal input lambda;
    signal input testRoot;

    component partial[N];
    component batchCommitment[N];
    component digest = PoseidonSponge(N);
    component tree = MerkleTreeRoot(depth - batchDepth);
    for (var k = 0; k < N; k++) {
        partial[k] = StatsCommitment(d, C);
        partial[k].salt <== partialSalt[k];
        for (var c = 0; c < C; c++) {
            partial[k].forgotten[c] <== 0;
        }
        partial[k].gram <== partialGram[k];
        partial[k].moments <== partialMoments[k];
        batchCommitment[k] = Poseidon(3);
        batchCommitment[k].inputs[0] <== k;
        batchCommitment[k].inputs[1] <== subtreeRoot[k];
        batchCommitment[k].inputs[2] <== partial[k].out;
        digest.in[k] <== batchCommitment[k].out;
        tree.leaves[k] <== subtreeRoot[k];
    }
    batchesDigest === digest.out;
    dataRoot === tree.root;

    signal gram[C][T];
    signal moments[C][m];
    for (var c = 0; c < C; c++) {
        for (var t = 0; t < T; t++) {
            var sum = 0;
            for (var k = 0; k < N; k++) {
                sum += partialGram[k][c][t];
            }
            gram[c][t] <== sum;
        }
        for (var j = 0; j < m; j++) {
            var sum = 0;
            for (var k = 0; k < N; k++) {
                sum += partialMoments[k][c][j];
            }
            moments[c][j] <== sum;
        }
    }

    component next = RidgeState(depth, d, C);
    next.dataRoot <== dataRoot;
    for (var c = 0; c < C; c++) {
        next.forgotten[c] <== 0;
    }
    next.gram <== gram;
    next.moments <== moments;
    next.statsSalt <== statsSalt;
    next.weights <== weights;
    next.residual <== residual;
    next.modelSalt <== modelSalt;
    next.lambda <== lambda;
    next.testRoot <== testRoot;
    configHash === next.configHash;
    state === next.state;
}
