pragma circom 2.1.0;

// Constants of the ridge method, mirrored from TypeScript (the circuit cannot import it):
//   *_BITS, residual bound      src/methods/ridge/bounds.ts
//   RIDGE_METHOD_ID             src/methods/ridge/config.ts (RIDGE_METHOD_NAME's UTF-8 bytes, big-endian)
// test/ridgeModel.test.ts reads this file and checks that every value agrees.

// Features (scale 2^16) lie in [-2^1, 2^1) (encoded [-2^17, 2^17)).
function RIDGE_FEATURE_BOUND_BITS() { return 1; }

// Weights: scale 2^40, real (-2^16, 2^16), so encoded in [-2^56, 2^56).
function WEIGHT_FRACTION_BITS() { return 40; }
function RIDGE_WEIGHT_BOUND_BITS() { return 16; }

// lambda (scale 2^16) lies in [1, 2^24).
function LAMBDA_BOUND_BITS() { return 24; }

// "zkforget/ridge-stats/v1" as a field element.
function RIDGE_METHOD_ID() { return 11725461661368445992301002749142019974135949276157539889; }

// ceil(log2(n)) for n >= 1.
function RIDGE_CEIL_LOG2(n) {
    var bits = 0;
    while ((1 << bits) < n) {
        bits++;
    }
    return bits;
}

// RB: every residual entry satisfies |R| < 2^RB (bounds.ts: residualBoundBits):
// max(depth, 6) + 36 + ceil(log2(features + 1)).
function RESIDUAL_BOUND_BITS(depth, features) {
    var d = depth < 6 ? 6 : depth;
    return d + 36 + RIDGE_CEIL_LOG2(features + 1);
}

// Values of `bits` signed bits packed per field element (packing.ts: valuesPerLimb).
function PACK_PER_LIMB(bits) {
    return 252 \ (bits + 1);
}

// Packed statistics (bounds.ts: STATS_LANE_BITS, STATS_LANES): values |v| < 2^62 in balanced
// 63-bit lanes, 4 per field element.
function STATS_LANE_BITS() { return 63; }
function STATS_LANES() { return 4; }

// GB: |G| < 2^GB for the total Gram matrix of a depth-D tree (bounds.ts: gramBoundBits), D + 35;
// it must fit a lane (GB <= 62), so D <= 27.
function GRAM_BOUND_BITS(depth) {
    assert(depth <= STATS_LANE_BITS() - 1 - 35);
    return depth + 35;
}

// MB: |b| < 2^MB for every moment and count entry (bounds.ts: momentBoundBits), D + 17.
function MOMENT_BOUND_BITS(depth) {
    assert(depth <= STATS_LANE_BITS() - 1 - 35);
    return depth + 17;
}
