pragma circom 2.1.0;

// Bounds of the proved-accuracy statement, mirrored from src/statements/accuracy.ts (the circuit
// cannot import TypeScript); test/accuracyStatement.test.ts reads this file and checks that every
// value agrees.

include "training_params.circom";

// The ensemble's MEAN weight vector (the shards' weights summed, divided by 2^S) lies in
// [-2^1, 2^1) per coordinate: the summed weights lie in [-2^(16+1+S), 2^(16+1+S)). Every shard's
// own weights are in [-128, 128), so their sum could reach 2^(23+S); the tighter bound is what
// keeps the sign check of a test prediction short (ENSEMBLE_LOGIT_BOUND_BITS). A model whose mean
// weights leave it has no accuracy proof (the prover says so); it is never mis-proved.
function ENSEMBLE_MEAN_WEIGHT_BOUND_BITS() { return 1; }

// Bits b such that every summed weight s satisfies -2^b <= s < 2^b (encoded, scale 2^16).
function ENSEMBLE_WEIGHT_SUM_BITS(shardDepth) {
    return FRACTION_BITS() + ENSEMBLE_MEAN_WEIGHT_BOUND_BITS() + shardDepth;
}

// L such that every ensemble logit satisfies |z| < 2^L (z = sum_j s_j x_j + s_F 2^16, scale
// 2^32), given |s_j| <= 2^ENSEMBLE_WEIGHT_SUM_BITS and |x_j| <= 2^17:
// |z| <= F * 2^(b + 17) + 2^(b + 16) < (F + 1) * 2^(b + 17) <= 2^(b + 17 + CEIL_LOG2(F + 1)).
// 42 for 8 shards and 16 features, 37 for 2 shards and 2 features.
function ENSEMBLE_LOGIT_BOUND_BITS(shardDepth, features) {
    return ENSEMBLE_WEIGHT_SUM_BITS(shardDepth) + FRACTION_BITS() + FEATURE_BOUND_BITS() + CEIL_LOG2(features + 1);
}
