pragma circom 2.1.0;

// Templates of the ridge genesis by fingerprints (ridgeGenesisBatch.circom, ridgeGenesis.circom).
// The TypeScript oracle, and the argument, are src/methods/ridge/genesis.ts; in short:
//   word_{c,w}: class c's packed words, [PackLanes(gram_c), PackLanes(moments_c)] (StatsCommitment),
//   F_rho(S)  = sum_c alpha_c sum_w eps_w word_{c,w},   eps_w = rho^(w+1), alpha_c = rho^(c W),
// so each word has its own power rho^(cW + w + 1) and F is a function of the packed words that
// statsCommitment binds; a record x~ of class c contributes alpha_c V(x~) with
//   V(x~) = sum_{j<=k} q_tri(j,k) x~_j x~_k + sum_j q_(T+j) x~_j,   q_e = eps_word(e) 2^(63 lane(e)).

include "poseidon.circom";
include "ridge.circom";

// Where entry e of a class block [gram (T values), moments (m values)] sits among the class's
// packed words: gram and moments are packed separately (ridge.circom: StatsCommitment, PackLanes),
// so gram entry e is lane e % 4 of word e \ 4 and moment j is lane j % 4 of word
// STATS_WORDS(T) + j \ 4 (genesis.ts / statistics.ts: entryPosition).
function STATS_ENTRY_WORD(m, e) {
    var T = TRIANGLE_SIZE(m);
    if (e < T) {
        return e \ STATS_LANES();
    }
    return STATS_WORDS(T) + (e - T) \ STATS_LANES();
}

// 2^(63 l) for the lane l of block entry e (see STATS_ENTRY_WORD).
function STATS_ENTRY_WEIGHT(m, e) {
    var T = TRIANGLE_SIZE(m);
    if (e < T) {
        return STATS_LANE_WEIGHT(e % STATS_LANES());
    }
    return STATS_LANE_WEIGHT((e - T) % STATS_LANES());
}

// W: words per class block (genesis.ts: statsWordsPerClass).
function STATS_WORDS_PER_CLASS(d) {
    var m = d + 1;
    return STATS_WORDS(TRIANGLE_SIZE(m)) + STATS_WORDS(m);
}

// Number of (row j, word) groups among the feature-feature entries tri(j, k), j <= k < d, of one
// row (RecordFingerprint multiplies each group's linear combination by its word's eps once).
function RECORD_FINGERPRINT_GROUPS(d) {
    var m = d + 1;
    var groups = 0;
    for (var j = 0; j < d; j++) {
        var last = -1;
        for (var k = j; k < d; k++) {
            var w = STATS_ENTRY_WORD(m, TRIANGLE_INDEX(m, j, k));
            if (w != last) {
                groups++;
                last = w;
            }
        }
    }
    return groups;
}

// FingerprintPowers(d, C) constrains eps[w] = rho^(w+1) (w < W) and alpha[c] = rho^(c W) (c < C)
// (genesis.ts: fingerprintPowers). Cost: W - 1 + C - 1 products.
template FingerprintPowers(d, C) {
    var W = STATS_WORDS_PER_CLASS(d);
    signal input rho;
    signal output eps[W];
    signal output alpha[C];

    eps[0] <== rho;
    for (var w = 1; w < W; w++) {
        eps[w] <== eps[w - 1] * rho;
    }
    alpha[0] <== 1;
    for (var c = 1; c < C; c++) {
        alpha[c] <== alpha[c - 1] * eps[W - 1];
    }
}

// StatsFingerprint(d, C) constrains out = F_rho(S) = sum_w eps_w sum_c alpha_c word_{c,w}
// (genesis.ts: statisticsFingerprint) for the statistics gram[C][T], moments[C][m]. The words are
// linear in the values; only the words enter, so any lane split with the same words gives the same
// out. Cost: C x W + W products.
template StatsFingerprint(d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    var W = STATS_WORDS_PER_CLASS(d);
    signal input gram[C][T];
    signal input moments[C][m];
    signal input alpha[C];
    signal input eps[W];
    signal output out;

    signal classWord[C][W];
    signal term[W];
    var word[C][W];
    for (var c = 0; c < C; c++) {
        for (var w = 0; w < W; w++) {
            word[c][w] = 0;
        }
        for (var e = 0; e < T; e++) {
            word[c][STATS_ENTRY_WORD(m, e)] += gram[c][e] * STATS_ENTRY_WEIGHT(m, e);
        }
        for (var j = 0; j < m; j++) {
            word[c][STATS_ENTRY_WORD(m, T + j)] += moments[c][j] * STATS_ENTRY_WEIGHT(m, T + j);
        }
    }
    var sum = 0;
    for (var w = 0; w < W; w++) {
        var across = 0;
        for (var c = 0; c < C; c++) {
            classWord[c][w] <== alpha[c] * word[c][w];
            across += classWord[c][w];
        }
        term[w] <== eps[w] * across;
        sum += term[w];
    }
    out <== sum;
}

// RecordFingerprint(d, C) constrains out = sum_c onehot[c] alpha[c] V(x~) for one slot with
// features x (x~ = (x, 2^16)) and class selector onehot (boolean, at most one set: CALLER), so an
// empty slot (onehot = 0) contributes 0 (genesis.ts: recordContribution). With
// z_j = sum_{k=j}^{d-1} q_tri(j,k) x_k + q_tri(j,d) 2^16 + q_(T+j), V = sum_{j<d} z_j x_j
// + q_tri(d,d) 2^32 + q_(T+d) 2^16; the terms of z_j that share a word share its eps, so each
// (row, word) group costs one product. Cost: RECORD_FINGERPRINT_GROUPS(d) + d + C + 1 products
// (156 + 43 = 199 at d = 32, C = 10).
template RecordFingerprint(d, C) {
    var m = d + 1;
    var T = TRIANGLE_SIZE(m);
    var W = STATS_WORDS_PER_CLASS(d);
    var G = RECORD_FINGERPRINT_GROUPS(d);
    signal input x[d];
    signal input onehot[C];
    signal input alpha[C];
    signal input eps[W];
    signal output out;

    signal group[G];
    signal zx[d];
    signal sel[C];
    var g = 0;
    var v = 0;
    for (var j = 0; j < d; j++) {
        var eBias = TRIANGLE_INDEX(m, j, d);
        var z = eps[STATS_ENTRY_WORD(m, eBias)] * (STATS_ENTRY_WEIGHT(m, eBias) * 65536) + eps[STATS_ENTRY_WORD(m, T + j)] * STATS_ENTRY_WEIGHT(m, T + j);
        var last = -1;
        var acc = 0;
        for (var k = j; k < d; k++) {
            var e = TRIANGLE_INDEX(m, j, k);
            if (STATS_ENTRY_WORD(m, e) != last && last != -1) {
                group[g] <== eps[last] * acc;
                z += group[g];
                g++;
                acc = 0;
            }
            acc += STATS_ENTRY_WEIGHT(m, e) * x[k];
            last = STATS_ENTRY_WORD(m, e);
        }
        group[g] <== eps[last] * acc;
        z += group[g];
        g++;
        zx[j] <== z * x[j];
        v += zx[j];
    }
    var eBB = TRIANGLE_INDEX(m, d, d);
    v += eps[STATS_ENTRY_WORD(m, eBB)] * (STATS_ENTRY_WEIGHT(m, eBB) * 65536 * 65536) + eps[STATS_ENTRY_WORD(m, T + d)] * (STATS_ENTRY_WEIGHT(m, T + d) * 65536);

    var a = 0;
    for (var c = 0; c < C; c++) {
        sel[c] <== onehot[c] * alpha[c];
        a += sel[c];
    }
    out <== a * v;
}

// GenesisMask() constrains commitment = Poseidon(seed) and tau = Poseidon(seed, from) -
// Poseidon(seed, to) (genesis.ts: maskCommitment, maskTelescope): a batch k uses (k, k + 1), the
// genesis (0, N), so the batches' masks add up to the genesis'.
template GenesisMask() {
    signal input seed;
    signal input from;
    signal input to;
    signal output commitment;
    signal output tau;

    component c = PoseidonHash(1);
    c.inputs[0] <== seed;
    commitment <== c.out;
    component a = PoseidonHash(2);
    a.inputs[0] <== seed;
    a.inputs[1] <== from;
    component b = PoseidonHash(2);
    b.inputs[0] <== seed;
    b.inputs[1] <== to;
    tau <== a.out - b.out;
}
