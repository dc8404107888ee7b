/**
 * Prediction with a SISA ensemble: the MEAN OF LOGITS over the trained shards. The ensemble
 * predicts class 1 when Σ_k z_k ≥ 0 (the mean has the same sign as the sum, so no division is
 * needed and the result is exact in fixed point). Chosen over a majority vote because it has no
 * ties to break with an even number of shards and it lets a confident shard outweigh an unsure one.
 */
import { SCALE } from "../encoding/fixedPoint.ts";
import { logit } from "../ml/trainer.ts";
import type { Weights } from "../ml/weights.ts";

/** Sum of the models' logits (scale 2^32). @throws RangeError for an empty ensemble */
export function ensembleLogit(models: readonly Weights[], features: readonly bigint[]): bigint {
  if (models.length === 0) throw new RangeError("the ensemble has no trained shard");
  return models.reduce((sum, w) => sum + logit(w, features), 0n);
}

/** 1 when the mean logit is ≥ 0, else 0. */
export function ensemblePredict(models: readonly Weights[], features: readonly bigint[]): 0 | 1 {
  return ensembleLogit(models, features) >= 0n ? 1 : 0;
}

/** Fraction of records (labels 0 or 2^16) the ensemble classifies correctly. */
export function ensembleAccuracy(models: readonly Weights[], records: readonly { features: readonly bigint[]; label: bigint }[]): number {
  if (records.length === 0) throw new RangeError("accuracy of an empty record set is undefined");
  return records.filter((r) => BigInt(ensemblePredict(models, r.features)) * SCALE === r.label).length / records.length;
}
