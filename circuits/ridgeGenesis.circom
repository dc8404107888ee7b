pragma circom 2.1.0;

include "lib/poseidon.circom";
include "lib/ridge.circom";
include "lib/ridge_genesis.circom";

// RidgeGenesis(depth, batchDepth, d, C) proves the first ridge state from statistics S that the
// N = 2^(depth - batchDepth) batch proofs (ridgeGenesisBatch.circom) fingerprint. It constrains:
//   - statsCommitment = StatsCommitment(statsSalt, forgotten = 0, S) (no class forgotten);
//   - configHash = RidgeConfigHash(lambda, testRoot);
//   - the model is the ridge solution of S within the stated bound (RidgeSolveCheck);
//   - state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash);
//   - maskCommitment = Poseidon(maskSeed) and rho = Poseidon(statsCommitment, dataRoot,
//     configHash, maskCommitment): the challenge is fixed only after S, the data and the mask;
//   - fingerprintSum = F_rho(S) + Poseidon(maskSeed, 0) - Poseidon(maskSeed, N)
//     (StatsFingerprint, GenesisMask; genesis.ts).
// It opens no batch: the verifier checks Σ_k fingerprint_k = fingerprintSum, one batch per k and
// the subtree roots against dataRoot (genesisCheck.ts). Since every batch's fingerprint is a
// deterministic function of its committed records plus its mask, and F_rho(S) is a non-zero
// polynomial in rho of degree <= C x W for S different from the records' statistics, a wrong S
// passes with probability <= C x W / p.
//
// Public inputs, in this order: state, dataRoot, configHash, rho, maskCommitment, fingerprintSum.
// Private: gram[C][T], moments[C][m], statsSalt, weights[C][m], residual[C][m], modelSalt, lambda,
// testRoot, maskSeed.
// Cost: no per-batch part: the statistics sponge, RidgeSolveCheck, the config sponge, 2 Poseidon(4),
// Poseidon(1) + 2 Poseidon(2), FingerprintPowers and StatsFingerprint (C x W + W products).
template RidgeGenesis(depth, batchDepth, d, C) {
    assert(batchDepth >= 1 && batchDepth < depth && depth <= 32);
    var N = 2 ** (depth - batchDepth);
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);

    signal input state;
    signal input dataRoot;
    signal input configHash;
    signal input rho;
    signal input maskCommitment;
    signal input fingerprintSum;
    signal input gram[C][T];
    signal input moments[C][m];
    signal input statsSalt;
    signal input weights[C][m];
    signal input residual[C][m];
    signal input modelSalt;
    signal input lambda;
    signal input testRoot;
    signal input maskSeed;

    component stats = StatsCommitment(d, C);
    stats.salt <== statsSalt;
    for (var c = 0; c < C; c++) {
        stats.forgotten[c] <== 0;
    }
    stats.gram <== gram;
    stats.moments <== moments;

    component config = RidgeConfigHash(depth, d, C);
    config.lambda <== lambda;
    config.testRoot <== testRoot;
    configHash === config.out;

    component solve = RidgeSolveCheck(depth, d, C);
    solve.gram <== gram;
    solve.moments <== moments;
    for (var c = 0; c < C; c++) {
        solve.forgotten[c] <== 0;
    }
    solve.lambda <== lambda;
    solve.weights <== weights;
    solve.residual <== residual;
    solve.modelSalt <== modelSalt;
    solve.configHash <== config.out;
    solve.statsCommitment <== stats.out;

    component next = PoseidonHash(4);
    next.inputs[0] <== dataRoot;
    next.inputs[1] <== stats.out;
    next.inputs[2] <== solve.modelCommitment;
    next.inputs[3] <== config.out;
    state === next.out;

    component mask = GenesisMask();
    mask.seed <== maskSeed;
    mask.from <== 0;
    mask.to <== N;
    maskCommitment === mask.commitment;

    component challenge = PoseidonHash(4);
    challenge.inputs[0] <== stats.out;
    challenge.inputs[1] <== dataRoot;
    challenge.inputs[2] <== config.out;
    challenge.inputs[3] <== maskCommitment;
    rho === challenge.out;

    component powers = FingerprintPowers(d, C);
    powers.rho <== rho;
    component fingerprint = StatsFingerprint(d, C);
    fingerprint.gram <== gram;
    fingerprint.moments <== moments;
    fingerprint.alpha <== powers.alpha;
    fingerprint.eps <== powers.eps;
    fingerprintSum === fingerprint.out + mask.tau;
}
