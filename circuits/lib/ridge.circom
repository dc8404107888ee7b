pragma circom 2.1.0;

// Templates of the ridge (model-shifting) statements. The TypeScript oracle is
// src/methods/ridge/ (statistics.ts: the per-class statistics and their commitment; model.ts:
// the model commitment; solve.ts: the residual identity; packing.ts: packed hashing). Signed
// values are field elements (negative v -> p - |v|); the bounds of bounds.ts keep every integer
// below 2^130, so field arithmetic equals integer arithmetic.
//
// Notation: d features, m = d + 1 (x~ = (x, 2^16), the bias input), T = m(m+1)/2 (the upper
// triangle of an m x m matrix, row-major), C classes.

include "circomlib/circuits/bitify.circom";
include "poseidon.circom";
include "record.circom";
include "ridge_params.circom";
include "sponge.circom";
include "training.circom";

function TRIANGLE_SIZE(m) { return m * (m + 1) \ 2; }

// Index of (j, k), j <= k, in the row-major upper triangle (statistics.ts: triangleIndex).
function TRIANGLE_INDEX(m, j, k) { return j * m - j * (j - 1) \ 2 + (k - j); }

// RidgeRecordOpen(d, C) constrains, for one slot that is `active` (boolean, CALLER):
//   - feature[j] in [-2^17, 2^17) (the ridge feature bound; also what makes RecordHash's
//     packing injective, so the leaf opens to exactly these values);
//   - onehot[c] boolean with sum = active, and label = sum_c c * 2^16 * onehot[c]: an active
//     slot's label is a class 0..C-1 and onehot is its indicator; an inactive slot has label 0
//     and onehot 0, so it contributes nothing;
//   - leaf = active ? Poseidon(recordHash(label, feature), salt) : 0 (src/dataset/leaf.ts).
// Cost: d x 18 bits, C + 1, RecordHash (Poseidon over ceil((d + 1) / 7) limbs), Poseidon(2) + 1.
template RidgeRecordOpen(d, C) {
    signal input active;
    signal input feature[d];
    signal input label;
    signal input salt;
    signal output onehot[C];
    signal output leaf;

    component range[d];
    for (var j = 0; j < d; j++) {
        range[j] = SignedRange(16 + RIDGE_FEATURE_BOUND_BITS());
        range[j].in <== feature[j];
    }
    // onehot is the witness's reading of the label, pinned by the three constraints below: the
    // values c * 2^16 are distinct, so at most one boolean vector with sum <= 1 matches a label.
    var sum = 0;
    var value = 0;
    for (var c = 0; c < C; c++) {
        onehot[c] <-- label == c * 65536 ? active : 0;
        onehot[c] * (onehot[c] - 1) === 0;
        sum += onehot[c];
        value += onehot[c] * c * 65536;
    }
    sum === active;
    label === value;

    component recordHash = RecordHash(d);
    recordHash.label <== label;
    recordHash.feature <== feature;
    component masked = MaskedLeaf();
    masked.live <== active;
    masked.recordHash <== recordHash.out;
    masked.salt <== salt;
    leaf <== masked.leaf;
}

function STATS_WORDS(n) { return (n + STATS_LANES() - 1) \ STATS_LANES(); }

// The coefficient of lane l of a packed statistics word: 2^(63 l).
function STATS_LANE_WEIGHT(l) { return 2 ** (STATS_LANE_BITS() * l); }

// PackLanes(n) constrains words = packLanes(in) of packing.ts: word_w = sum_l in[4w + l] *
// 2^(63 l), balanced (signed) lanes, no offsets. Linear: no constraints of its own, and
// PackLanes(a) - PackLanes(b) = PackLanes(a - b) exactly (field arithmetic, no carries).
template PackLanes(n) {
    var W = STATS_WORDS(n);
    signal input in[n];
    signal output words[W];

    for (var w = 0; w < W; w++) {
        var word = 0;
        for (var l = 0; l < STATS_LANES(); l++) {
            if (w * STATS_LANES() + l < n) {
                word += in[w * STATS_LANES() + l] * STATS_LANE_WEIGHT(l);
            }
        }
        words[w] <== word;
    }
}

// ClassContributions(n, d, C) constrains, for n records with features x[i] and class selectors
// sel[i][c] (boolean, at most one per record: CALLER), the packed words of the per-class
// statistics of the selected records (statistics.ts):
//   PackLanes(gram[c]) = PackLanes(sum_i sel[i][c] x~_i x~_i^T),  gram[c][tri(j, k)] lane = x~_ij x~_ik,
//   PackLanes(moments[c]) = PackLanes(sum_i sel[i][c] x~_i).
// The lanes gram[c][t], moments[c][j] themselves are witness values (<--) bound ONLY through
// their words: that is all a caller may rely on, and all the ridge statements need (see
// StatsCommitment: per-class statistics enter a statement linearly, and what the solve check
// uses non-linearly is range-checked there, which pins its lanes). Why: a record's words are a
// linear combination of its d(d+1)/2 feature products, so selecting them per class costs one
// product per word instead of one per entry.
// Cost: n x d(d+1)/2 products + n x C x (ceil(T/4) + ceil(m/4)) products (d = 32, C = 10:
// 528 + 1,500 per record).
template ClassContributions(n, d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    var WT = STATS_WORDS(T);
    var WM = STATS_WORDS(m);
    signal input x[n][d];
    signal input sel[n][C];
    signal output gram[C][T];
    signal output moments[C][m];

    // xx[i][tri(j, k)] = x~_ij x~_ik: a product for two features, linear when one is the bias.
    signal p[n][d][d];
    var xx[n][T];
    var xt[n][m];
    for (var i = 0; i < n; i++) {
        for (var j = 0; j < d; j++) {
            for (var k = j; k < d; k++) {
                p[i][j][k] <== x[i][j] * x[i][k];
                xx[i][TRIANGLE_INDEX(m, j, k)] = p[i][j][k];
            }
            xx[i][TRIANGLE_INDEX(m, j, d)] = x[i][j] * 65536;
            xt[i][j] = x[i][j];
        }
        xx[i][TRIANGLE_INDEX(m, d, d)] = 65536 * 65536;
        xt[i][d] = 65536;
    }

    signal gramWord[n][C][WT];
    signal momentWord[n][C][WM];
    component gramLanes[C];
    component momentLanes[C];
    for (var c = 0; c < C; c++) {
        gramLanes[c] = PackLanes(T);
        momentLanes[c] = PackLanes(m);
        for (var t = 0; t < T; t++) {
            var v = 0;
            for (var i = 0; i < n; i++) {
                v += sel[i][c] * xx[i][t];
            }
            gram[c][t] <-- v;
            gramLanes[c].in[t] <== gram[c][t];
        }
        for (var j = 0; j < m; j++) {
            var v = 0;
            for (var i = 0; i < n; i++) {
                v += sel[i][c] * xt[i][j];
            }
            moments[c][j] <-- v;
            momentLanes[c].in[j] <== moments[c][j];
        }
        for (var w = 0; w < WT; w++) {
            var total = 0;
            for (var i = 0; i < n; i++) {
                var word = 0;
                for (var l = 0; l < STATS_LANES(); l++) {
                    if (w * STATS_LANES() + l < T) {
                        word += xx[i][w * STATS_LANES() + l] * STATS_LANE_WEIGHT(l);
                    }
                }
                gramWord[i][c][w] <== sel[i][c] * word;
                total += gramWord[i][c][w];
            }
            gramLanes[c].words[w] === total;
        }
        for (var w = 0; w < WM; w++) {
            var total = 0;
            for (var i = 0; i < n; i++) {
                var word = 0;
                for (var l = 0; l < STATS_LANES(); l++) {
                    if (w * STATS_LANES() + l < m) {
                        word += xt[i][w * STATS_LANES() + l] * STATS_LANE_WEIGHT(l);
                    }
                }
                momentWord[i][c][w] <== sel[i][c] * word;
                total += momentWord[i][c][w];
            }
            momentLanes[c].words[w] === total;
        }
    }
}

// StatsCommitment(d, C) constrains out = PoseidonSponge([salt, forgotten[0..C-1], words_0, ...,
// words_{C-1}]) with words_c = [PackLanes(gram[c]), PackLanes(moments[c])] (statistics.ts:
// statisticsCommitment): 4 values per word in balanced 63-bit lanes, gram and moments packed
// separately so that lane positions agree across classes.
//
// What it binds (the argument every caller relies on). The sponge binds the words, not the
// lanes: a witness may replace gram[c][t] by gram[c][t] + k 2^63 and gram[c][t+1] by
// gram[c][t+1] - k (same word). So:
//   (1) A value that a statement uses only LINEARLY (subtracting contributions, zeroing a
//       class, summing classes into G) needs no more: the words of the result are the same
//       linear function of the committed words, whichever lanes the witness chose.
//   (2) A value used NON-LINEARLY must be range-checked to |v| < 2^62 after it is formed. Then
//       its lanes are the unique balanced base-2^63 digits of its word's integer (|word| <
//       2^252 < p / 2, so field equality of words is integer equality), i.e. the honest values.
//       RidgeSolveCheck does this for what it consumes: every entry of G = sum_c gram_c to
//       GRAM_BOUND_BITS(depth) (G's words are sum_c words_c, by (1)) and every moment/count of
//       every class to MOMENT_BOUND_BITS(depth) — both <= 62 for depth <= 27.
//   (3) Per-class gram lanes are never used non-linearly by the deletion, class-forgetting or
//       solve checks. A statement that weights per-class lanes with lane-dependent
//       coefficients (e.g. a random fingerprint of S at genesis) must either range-check those
//       lanes or use coefficients of the form beta_w * 2^(63 l) (a function of the words),
//       otherwise the witness can shift value between lanes after the challenge is known.
// Cost: the sponge over 1 + C + C (ceil(T/4) + ceil(m/4)) values (d = 32, C = 10: 1,511).
template StatsCommitment(d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    var WT = STATS_WORDS(T);
    var WM = STATS_WORDS(m);
    signal input salt;
    signal input forgotten[C];
    signal input gram[C][T];
    signal input moments[C][m];
    signal output out;

    component gramLanes[C];
    component momentLanes[C];
    component sponge = PoseidonSponge(1 + C + C * (WT + WM));
    sponge.in[0] <== salt;
    for (var c = 0; c < C; c++) {
        sponge.in[1 + c] <== forgotten[c];
        gramLanes[c] = PackLanes(T);
        gramLanes[c].in <== gram[c];
        momentLanes[c] = PackLanes(m);
        momentLanes[c].in <== moments[c];
        for (var w = 0; w < WT; w++) {
            sponge.in[1 + C + c * (WT + WM) + w] <== gramLanes[c].words[w];
        }
        for (var w = 0; w < WM; w++) {
            sponge.in[1 + C + c * (WT + WM) + WT + w] <== momentLanes[c].words[w];
        }
    }
    out <== sponge.out;
}

function PACKED_LIMBS(n, bits) { return (n + PACK_PER_LIMB(bits) - 1) \ PACK_PER_LIMB(bits); }

// PackLimbs(n, bits) constrains limbs = the packing of packing.ts of n values, each in
// [-2^bits, 2^bits) (range-checked by the CALLER): slot = v + 2^bits, PACK_PER_LIMB(bits) slots
// of bits + 1 bits per limb. Linear: no constraints of its own.
template PackLimbs(n, bits) {
    var per = PACK_PER_LIMB(bits);
    var count = PACKED_LIMBS(n, bits);
    signal input in[n];
    signal output limbs[count];

    for (var l = 0; l < count; l++) {
        var limb = 0;
        for (var t = 0; t < per; t++) {
            var i = l * per + t;
            if (i < n) {
                limb += (in[i] + 2 ** bits) * 2 ** ((bits + 1) * t);
            }
        }
        limbs[l] <== limb;
    }
}

// RidgeConfigHash(depth, d, C) constrains out = configHash of src/methods/ridge/config.ts from
// the constants, the template parameters and lambda, testRoot.
template RidgeConfigHash(depth, d, C) {
    signal input lambda;
    signal input testRoot;
    signal output out;

    component sponge = PoseidonSponge(11);
    sponge.in[0] <== RIDGE_METHOD_ID();
    sponge.in[1] <== 16;
    sponge.in[2] <== RIDGE_FEATURE_BOUND_BITS();
    sponge.in[3] <== WEIGHT_FRACTION_BITS();
    sponge.in[4] <== RIDGE_WEIGHT_BOUND_BITS();
    sponge.in[5] <== RESIDUAL_BOUND_BITS(depth, d);
    sponge.in[6] <== depth;
    sponge.in[7] <== d;
    sponge.in[8] <== C;
    sponge.in[9] <== lambda;
    sponge.in[10] <== testRoot;
    out <== sponge.out;
}

// RidgeModelCommitment(d, C) constrains every weight to [-2^56, 2^56) and out =
// PoseidonSponge([salt, live_0..live_{C-1}, packed weights]) (model.ts: modelCommitment); live
// must be boolean (CALLER). Cost: C x m x 57 bits and the sponge.
template RidgeModelCommitment(d, C) {
    var m = d + 1;
    var WB = WEIGHT_FRACTION_BITS() + RIDGE_WEIGHT_BOUND_BITS();
    var WL = PACKED_LIMBS(C * m, WB);
    signal input weights[C][m];
    signal input live[C];
    signal input salt;
    signal output out;

    component range[C][m];
    component limbs = PackLimbs(C * m, WB);
    for (var c = 0; c < C; c++) {
        for (var j = 0; j < m; j++) {
            range[c][j] = SignedRange(WB);
            range[c][j].in <== weights[c][j];
            limbs.in[c * m + j] <== weights[c][j];
        }
    }
    component sponge = PoseidonSponge(1 + C + WL);
    sponge.in[0] <== salt;
    for (var c = 0; c < C; c++) {
        sponge.in[1 + c] <== live[c];
    }
    for (var l = 0; l < WL; l++) {
        sponge.in[1 + C + l] <== limbs.limbs[l];
    }
    out <== sponge.out;
}

// RidgeSolveCheck(depth, d, C) constrains, for statistics (gram, moments, forgotten) that the
// CALLER binds to statsCommitment, and lambda bound by configHash (CALLER):
//   - every entry of G = sum_c gram[c] in [-2^GB, 2^GB), GB = GRAM_BOUND_BITS(depth), and every
//     moments[c][j] in [-2^MB, 2^MB), MB = MOMENT_BOUND_BITS(depth): what makes the packed
//     commitment bind the values used below (StatsCommitment, (2)); it also keeps every integer
//     of the identity below 2^130;
//   - lambda in [1, 2^24); forgotten[c] boolean;
//   - weights[c][j] in [-2^56, 2^56) and 0 for a forgotten class (RidgeModelCommitment);
//   - residual[c][j] in [-2^RB, 2^RB), RB = RESIDUAL_BOUND_BITS(depth, d);
//   - modelCommitment = PoseidonSponge([modelSalt, live_0..live_{C-1}, packed weights]) with
//     live_c = 1 - forgotten_c (model.ts);
//   - Freivalds: with residualHash = PoseidonSponge(PackLimbs(residual)), rho = Poseidon(configHash,
//     statsCommitment, modelCommitment, residualHash) and r = (1, rho, ..., rho^d), for every c:
//       sum_k u_k W[c][k] = sum_j r_j (moments[c][j] * 2^56 + residual[c][j]),
//     u = r^T A, A = sum_c gram_c + lambda * 2^16 * I (solve.ts). This holds for the integer
//     identity A W_c = b_c 2^56 + R_c (all its integers are < 2^130, so nothing wraps) and fails,
//     for any other, except with probability <= d / p per class, since rho is fixed only after
//     every value in the identity is committed. So ||W_c - W*_c|| <= ||R_c|| / lambda.
// Cost: T x (GB + 1) + C x m x (MB + 1) + C x m x 57 + C x m x (RB + 1) bits, C x m (forgotten
// weights), the two packed sponges,
// Poseidon(4), d (powers) + d x m (u) + C x (m + d) products.
template RidgeSolveCheck(depth, d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    var RB = RESIDUAL_BOUND_BITS(depth, d);
    signal input gram[C][T];
    signal input moments[C][m];
    signal input forgotten[C];
    signal input lambda;
    signal input weights[C][m];
    signal input residual[C][m];
    signal input modelSalt;
    signal input configHash;
    signal input statsCommitment;
    signal output modelCommitment;

    component lambdaRange = Num2Bits(LAMBDA_BOUND_BITS());
    lambdaRange.in <== lambda - 1;

    // G and B range-checked where they are consumed (StatsCommitment, (2)).
    component gramRange[T];
    for (var t = 0; t < T; t++) {
        var total = 0;
        for (var c = 0; c < C; c++) {
            total += gram[c][t];
        }
        gramRange[t] = SignedRange(GRAM_BOUND_BITS(depth));
        gramRange[t].in <== total;
    }
    component momentRange[C][m];
    for (var c = 0; c < C; c++) {
        for (var j = 0; j < m; j++) {
            momentRange[c][j] = SignedRange(MOMENT_BOUND_BITS(depth));
            momentRange[c][j].in <== moments[c][j];
        }
    }

    component model = RidgeModelCommitment(d, C);
    component residualRange[C][m];
    component residualLimbs = PackLimbs(C * m, RB);
    for (var c = 0; c < C; c++) {
        forgotten[c] * (forgotten[c] - 1) === 0;
        model.live[c] <== 1 - forgotten[c];
        for (var j = 0; j < m; j++) {
            forgotten[c] * weights[c][j] === 0;
            residualRange[c][j] = SignedRange(RB);
            residualRange[c][j].in <== residual[c][j];
            residualLimbs.in[c * m + j] <== residual[c][j];
        }
    }
    model.weights <== weights;
    model.salt <== modelSalt;
    modelCommitment <== model.out;

    component residualHash = PoseidonSponge(PACKED_LIMBS(C * m, RB));
    residualHash.in <== residualLimbs.limbs;

    component challenge = PoseidonHash(4);
    challenge.inputs[0] <== configHash;
    challenge.inputs[1] <== statsCommitment;
    challenge.inputs[2] <== modelCommitment;
    challenge.inputs[3] <== residualHash.out;

    signal r[m];
    r[0] <== 1;
    for (var j = 1; j < m; j++) {
        r[j] <== r[j - 1] * challenge.out;
    }

    // u_k = sum_j r_j A_jk; A's entries are linear in the statistics and lambda.
    signal rA[m - 1][m];
    signal u[m];
    for (var k = 0; k < m; k++) {
        var acc = 0;
        for (var j = 0; j < m; j++) {
            var a = 0;
            for (var c = 0; c < C; c++) {
                a += gram[c][TRIANGLE_INDEX(m, j < k ? j : k, j < k ? k : j)];
            }
            if (j == k) {
                a += lambda * 65536;
            }
            if (j == 0) {
                acc += a;
            } else {
                rA[j - 1][k] <== r[j] * a;
                acc += rA[j - 1][k];
            }
        }
        u[k] <== acc;
    }

    signal uW[C][m];
    signal rb[C][m - 1];
    for (var c = 0; c < C; c++) {
        var lhs = 0;
        var rhs = 0;
        for (var k = 0; k < m; k++) {
            uW[c][k] <== u[k] * weights[c][k];
            lhs += uW[c][k];
            var target = moments[c][k] * 2 ** (16 + WEIGHT_FRACTION_BITS()) + residual[c][k];
            if (k == 0) {
                rhs += target;
            } else {
                rb[c][k - 1] <== r[k] * target;
                rhs += rb[c][k - 1];
            }
        }
        lhs === rhs;
    }
}

// RidgeState(depth, d, C) constrains, for statistics (forgotten, gram, moments) and a model
// (weights, residual, modelSalt) proved to be their ridge solution (RidgeSolveCheck):
//   configHash = RidgeConfigHash(lambda, testRoot), statsCommitment = StatsCommitment(statsSalt,
//   forgotten, gram, moments), modelCommitment, and
//   state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash) (state.ts).
// The state every ridge statement ends in.
template RidgeState(depth, d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    signal input dataRoot;
    signal input forgotten[C];
    signal input gram[C][T];
    signal input moments[C][m];
    signal input statsSalt;
    signal input weights[C][m];
    signal input residual[C][m];
    signal input modelSalt;
    signal input lambda;
    signal input testRoot;
    signal output configHash;
    signal output state;

    component stats = StatsCommitment(d, C);
    stats.salt <== statsSalt;
    stats.forgotten <== forgotten;
    stats.gram <== gram;
    stats.moments <== moments;

    component config = RidgeConfigHash(depth, d, C);
    config.lambda <== lambda;
    config.testRoot <== testRoot;
    configHash <== config.out;

    component solve = RidgeSolveCheck(depth, d, C);
    solve.gram <== gram;
    solve.moments <== moments;
    solve.forgotten <== forgotten;
    solve.lambda <== lambda;
    solve.weights <== weights;
    solve.residual <== residual;
    solve.modelSalt <== modelSalt;
    solve.configHash <== config.out;
    solve.statsCommitment <== stats.out;

    component hash = PoseidonHash(4);
    hash.inputs[0] <== dataRoot;
    hash.inputs[1] <== stats.out;
    hash.inputs[2] <== solve.modelCommitment;
    hash.inputs[3] <== config.out;
    state <== hash.out;
}

// RidgePriorState(d, C) constrains state = Poseidon(dataRoot, StatsCommitment(statsSalt,
// forgotten, gram, moments), modelCommitment, configHash): the state a transition starts from,
// opened to its statistics; the old model is only its commitment (a transition replaces it).
template RidgePriorState(d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    signal input dataRoot;
    signal input forgotten[C];
    signal input gram[C][T];
    signal input moments[C][m];
    signal input statsSalt;
    signal input modelCommitment;
    signal input configHash;
    signal output state;

    component stats = StatsCommitment(d, C);
    stats.salt <== statsSalt;
    stats.forgotten <== forgotten;
    stats.gram <== gram;
    stats.moments <== moments;

    component hash = PoseidonHash(4);
    hash.inputs[0] <== dataRoot;
    hash.inputs[1] <== stats.out;
    hash.inputs[2] <== modelCommitment;
    hash.inputs[3] <== configHash;
    state <== hash.out;
}
