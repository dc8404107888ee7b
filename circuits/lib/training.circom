pragma circom 2.1.0;

// Fixed-point logistic-regression training, exactly as src/ml/trainer.ts computes it (that file's
// header states the algorithm). Signed values are field elements (negative v -> p - |v|); every
// bound below keeps |values| far below p/2, so field arithmetic equals integer arithmetic.

include "circomlib/circuits/bitify.circom";
include "nonzero.circom";
include "training_params.circom";

// Constrains -2^bits <= in < 2^bits (signed, as a field element) by decomposing in + 2^bits into
// bits + 1 bits; out[] are those bits (out[bits] = 1 iff in >= 0).
template SignedRange(bits) {
    signal input in;
    signal output out[bits + 1];

    component decomposition = Num2Bits(bits + 1);
    decomposition.in <== in + 2 ** bits;
    out <== decomposition.out;
}

// Constrains out = clamp(floor((z + 2^33) / 2^18), 0, 2^16): the hard sigmoid clamp(1/2 + z/4,
// 0, 1) of a logit z at scale 2^32, at scale 2^16 (src/ml/fixedMath.ts: hardSigmoidFixed), and
// -2^zBits <= z < 2^zBits (no witness otherwise).
//
// One bit decomposition serves both comparisons of the clamp. With b = bits of z + 2^zBits,
// sign = b[zBits] (1 iff z >= 0) and low = the value of b[0..32]:
//   z >= 0: z = sum of b[0..zBits-1]; z < 2^33 (the linear part) iff b[33..zBits-1] are all 0,
//           and then z + 2^33 = 2^33 + low;
//   z < 0:  z = sum of b[0..zBits-1] - 2^zBits; z >= -2^33 iff b[33..zBits-1] are all 1, and
//           then z + 2^33 = low.
// So the linear part is "b[33..zBits-1] all equal to 1 - sign", i.e. e = (their sum) -
// count * (1 - sign) is 0; outside it, out is 2^16 for z >= 0 and 0 for z < 0. Inside,
// floor((2^33 * sign + low) / 2^18) = 2^15 * sign + hi with hi = the value of b[18..32]: the
// division by 2^18 is free, its remainder b[0..17] is already range-checked.
// Cost: zBits + 1 bits + 3 (IsNonZero) + 2 products.
template HardSigmoid(zBits) {
    var F = FRACTION_BITS();
    assert(zBits > 2 * F + 1);
    signal input z;
    signal output out;

    component bits = SignedRange(zBits);
    bits.in <== z;
    signal sign <== bits.out[zBits];

    var count = zBits - (2 * F + 1);
    var mid = 0;
    for (var i = 2 * F + 1; i < zBits; i++) {
        mid += bits.out[i];
    }
    component outside = IsNonZero();
    outside.in <== mid - count * (1 - sign);
    signal inside <== 1 - outside.out;

    var hi = 0;
    for (var i = F + 2; i <= 2 * F; i++) {
        hi += bits.out[i] * 2 ** (i - F - 2);
    }
    signal insideSign <== inside * sign;
    signal insideHi <== inside * hi;
    // inside: hi + 2^15 * sign; outside: 2^16 * sign.
    out <== insideHi + 2 ** F * sign - 2 ** (F - 1) * insideSign;
}

// Constrains out = floor((w * 2^shift - numerator + 2^(shift-1)) / 2^shift), i.e. w -
// numerator / 2^shift rounded to the nearest integer (halves up), and -2^23 <= out < 2^23 (the
// weight bound; no witness otherwise). The quotient and remainder are witness values pinned by
// t + 2^23 * 2^shift = q * 2^shift + r with q in [0, 2^24) and r in [0, 2^shift): since
// 2^(24 + shift) < p, at most one (q, r) satisfies it, so out is unique.
template WeightUpdate(shift) {
    var weightBits = FRACTION_BITS() + WEIGHT_BOUND_BITS();
    assert(shift >= 1 && weightBits + 1 + shift < 250);
    signal input w;
    signal input numerator;
    signal output out;

    // t + offset, a non-negative integer below 2^(24 + shift) for an in-range result, so that the
    // witness can use the field's unsigned integer division.
    var shifted = w * 2 ** shift - numerator + 2 ** (shift - 1) + 2 ** weightBits * 2 ** shift;
    signal q <-- shifted \ 2 ** shift;
    signal r <-- shifted % 2 ** shift;
    w * 2 ** shift - numerator + 2 ** (shift - 1) + 2 ** weightBits * 2 ** shift === q * 2 ** shift + r;

    component qRange = Num2Bits(weightBits + 1);
    qRange.in <== q;
    component rRange = Num2Bits(shift);
    rRange.in <== r;
    out <== q - 2 ** weightBits;
}

// LogisticTraining(slotsLog2, features, epochs) constrains:
//   weights = the result of `epochs` epochs of src/ml/trainer.ts's full-batch gradient descent
//   from initialWeights over the n = 2^slotsLog2 slots (live[i] = 1: the slot's record is
//   trained on; 0: masked), with learning rate `learningRate` and L2 coefficient `l2`; and the
//   input bounds: live[i] boolean, feature[i][j] in [-2^17, 2^17), label[i] in {0, 2^16},
//   learningRate in [0, 2^20), l2 in [0, 2^16), initialWeights in [-2^23, 2^23). Callers may rely
//   on these checks (ShardRetrain packs the range-checked features into record hashes).
//
// Per epoch and slot: F products for the logit z = sum w_j x_ij + w_F 2^16, HardSigmoid, 1
// product for the masked error err = live * (sigma - y), F products err * x_ij. Per epoch and
// weight: the gradient sum is linear, 1 product l2 * w (feature weights), 1 product
// learningRate * (G + 2^slotsLog2 * l2 * w) and WeightUpdate(32 + slotsLog2).
template LogisticTraining(slotsLog2, features, epochs) {
    var n = 2 ** slotsLog2;
    var F = FRACTION_BITS();
    var W = features + 1;
    var shift = 2 * F + slotsLog2;
    var zBits = LOGIT_BOUND_BITS(features);

    signal input live[n];
    signal input feature[n][features];
    signal input label[n];
    signal input learningRate;
    signal input l2;
    signal input initialWeights[W];
    signal output weights[W];

    // Input bounds, checked once (not per epoch).
    component featureRange[n][features];
    for (var i = 0; i < n; i++) {
        live[i] * (live[i] - 1) === 0;
        label[i] * (label[i] - 2 ** F) === 0;
        for (var j = 0; j < features; j++) {
            featureRange[i][j] = SignedRange(F + FEATURE_BOUND_BITS());
            featureRange[i][j].in <== feature[i][j];
        }
    }
    component lrRange = Num2Bits(F + LEARNING_RATE_BOUND_BITS());
    lrRange.in <== learningRate;
    component l2Range = Num2Bits(F + L2_BOUND_BITS());
    l2Range.in <== l2;
    component initRange[W];
    for (var j = 0; j < W; j++) {
        initRange[j] = SignedRange(F + WEIGHT_BOUND_BITS());
        initRange[j].in <== initialWeights[j];
    }

    signal w[epochs + 1][W];
    signal wx[epochs][n][features];
    signal err[epochs][n];
    signal errX[epochs][n][features];
    signal l2w[epochs][features];
    signal numerator[epochs][W];
    component sigmoid[epochs][n];
    component update[epochs][W];

    w[0] <== initialWeights;
    for (var e = 0; e < epochs; e++) {
        for (var i = 0; i < n; i++) {
            var z = w[e][features] * 2 ** F;
            for (var j = 0; j < features; j++) {
                wx[e][i][j] <== w[e][j] * feature[i][j];
                z += wx[e][i][j];
            }
            sigmoid[e][i] = HardSigmoid(zBits);
            sigmoid[e][i].z <== z;
            err[e][i] <== live[i] * (sigmoid[e][i].out - label[i]);
            for (var j = 0; j < features; j++) {
                errX[e][i][j] <== err[e][i] * feature[i][j];
            }
        }
        for (var j = 0; j < W; j++) {
            // G_j = sum_i err_i * x_ij; the bias's "feature" is the constant 2^16.
            var gradient = 0;
            for (var i = 0; i < n; i++) {
                if (j < features) {
                    gradient += errX[e][i][j];
                } else {
                    gradient += err[e][i] * 2 ** F;
                }
            }
            if (j < features) {
                l2w[e][j] <== l2 * w[e][j];
                numerator[e][j] <== learningRate * (gradient + 2 ** slotsLog2 * l2w[e][j]);
            } else {
                numerator[e][j] <== learningRate * gradient;
            }
            update[e][j] = WeightUpdate(shift);
            update[e][j].w <== w[e][j];
            update[e][j].numerator <== numerator[e][j];
            w[e + 1][j] <== update[e][j].out;
        }
    }
    weights <== w[epochs];
}
