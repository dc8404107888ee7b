pragma circom 2.1.0;

// Templates of the ridge genesis by fingerprints (ridgeGenesisBatch.circom, ridgeGenesis.circom).
// The TypeScript oracle, and the argument, are src/methods/ridge/genesis.ts; in short:
//   word_{c,w} = sum_{l<4} v_{c,4w+l} 2^(63 l)   over class c's block [gram_c (T), moments_c (m)],
//   F_rho(S)  = sum_c alpha_c sum_w eps_w word_{c,w},   eps_w = rho^(w+1), alpha_c = rho^(c W),
// so each word has its own power rho^(cW + w + 1) and F is a function of the packed words that
// statsCommitment binds; a record x~ of class c contributes alpha_c V(x~) with
//   V(x~) = sum_{j<=k} q_tri(j,k) x~_j x~_k + sum_j q_(T+j) x~_j,   q_e = eps_(e\4) 2^(63 (e%4)).

include "circomlib/circuits/poseidon.circom";
include "ridge.circom";

// Lanes per packed statistics word and the shift between lanes (genesis.ts: STATS_LANES_PER_WORD,
// STATS_LANE_SHIFT; the packing of statsCommitment).
function STATS_LANES_PER_WORD() { return 4; }
function STATS_LANE_SHIFT() { return 63; }

// W: words per class block of T + m values (genesis.ts: statsWordsPerClass).
function STATS_WORDS_PER_CLASS(d) {
    var m = d + 1;
    return (TRIANGLE_SIZE(m) + m + STATS_LANES_PER_WORD() - 1) \ STATS_LANES_PER_WORD();
}

// 2^(63 l) for the lane of block index e.
function STATS_LANE_WEIGHT(e) { return 2 ** (STATS_LANE_SHIFT() * (e % STATS_LANES_PER_WORD())); }

// Number of (row j, word) groups among the feature-feature entries tri(j, k), j <= k < d, of one
// row (RecordFingerprint multiplies each group's linear combination by its word's eps once).
function RECORD_FINGERPRINT_GROUPS(d) {
    var m = d + 1;
    var groups = 0;
    for (var j = 0; j < d; j++) {
        var last = -1;
        for (var k = j; k < d; k++) {
            var w = TRIANGLE_INDEX(m, j, k) \ STATS_LANES_PER_WORD();
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
    var sum = 0;
    for (var w = 0; w < W; w++) {
        var across = 0;
        for (var c = 0; c < C; c++) {
            var word = 0;
            for (var l = 0; l < STATS_LANES_PER_WORD(); l++) {
                var e = w * STATS_LANES_PER_WORD() + l;
                if (e < T) {
                    word += gram[c][e] * STATS_LANE_WEIGHT(e);
                } else if (e < T + m) {
                    word += moments[c][e - T] * STATS_LANE_WEIGHT(e);
                }
            }
            classWord[c][w] <== alpha[c] * word;
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
    var LANES = STATS_LANES_PER_WORD();
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
        var z = eps[eBias \ LANES] * (STATS_LANE_WEIGHT(eBias) * 65536) + eps[(T + j) \ LANES] * STATS_LANE_WEIGHT(T + j);
        var last = -1;
        var acc = 0;
        for (var k = j; k < d; k++) {
            var e = TRIANGLE_INDEX(m, j, k);
            if (e \ LANES != last && last != -1) {
                group[g] <== eps[last] * acc;
                z += group[g];
                g++;
                acc = 0;
            }
            acc += STATS_LANE_WEIGHT(e) * x[k];
            last = e \ LANES;
        }
        group[g] <== eps[last] * acc;
        z += group[g];
        g++;
        zx[j] <== z * x[j];
        v += zx[j];
    }
    var eBB = TRIANGLE_INDEX(m, d, d);
    v += eps[eBB \ LANES] * (STATS_LANE_WEIGHT(eBB) * 65536 * 65536) + eps[(T + d) \ LANES] * (STATS_LANE_WEIGHT(T + d) * 65536);

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

    component c = Poseidon(1);
    c.inputs[0] <== seed;
    commitment <== c.out;
    component a = Poseidon(2);
    a.inputs[0] <== seed;
    a.inputs[1] <== from;
    component b = Poseidon(2);
    b.inputs[0] <== seed;
    b.inputs[1] <== to;
    tau <== a.out - b.out;
}
