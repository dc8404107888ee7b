pragma circom 2.1.0;

// Constants of the SISA shard trainer, mirrored from TypeScript (the circuit cannot import it):
//   FRACTION_BITS                  src/encoding/fixedPoint.ts
//   *_BOUND_BITS                   src/ml/bounds.ts
//   ALGORITHM_ID                   src/ml/config.ts (ALGORITHM_NAME's UTF-8 bytes, big-endian)
// test/trainer.test.ts reads this file and checks that every value agrees.

// Fixed-point fractional bits: a value v stands for v / 2^16.
function FRACTION_BITS() { return 16; }

// Features lie in [-2^1, 2^1) (encoded [-2^17, 2^17)).
function FEATURE_BOUND_BITS() { return 1; }

// Weights, bias included, lie in [-2^7, 2^7) (encoded [-2^23, 2^23)).
function WEIGHT_BOUND_BITS() { return 7; }

// The learning rate lies in [0, 2^4) (encoded [0, 2^20)).
function LEARNING_RATE_BOUND_BITS() { return 4; }

// The L2 coefficient lies in [0, 2^0) (encoded [0, 2^16)).
function L2_BOUND_BITS() { return 0; }

// "zkforget/logreg-hsig-gd/v1" as a field element.
function ALGORITHM_ID() { return 196720602992497273997166226435915947807801767919166714681456177; }

// ceil(log2(n)) for n >= 1.
function CEIL_LOG2(n) {
    var bits = 0;
    while ((1 << bits) < n) {
        bits++;
    }
    return bits;
}

// L such that every logit satisfies |z| < 2^L (z at scale 2^32), given the feature and weight
// bounds: |z| <= F * 2^23 * 2^17 + 2^23 * 2^16 < 2^(32 + 7 + 1) * (F + 1). (bounds.ts:
// logitBoundBits.) 45 for 16 features.
function LOGIT_BOUND_BITS(features) {
    return 2 * FRACTION_BITS() + WEIGHT_BOUND_BITS() + FEATURE_BOUND_BITS() + CEIL_LOG2(features + 1);
}
