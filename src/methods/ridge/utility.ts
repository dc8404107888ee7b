/**
 * Controller-side measurements of a ridge model on committed records: accuracy and how often a
 * class is predicted, with the fixed-point model the proofs commit (model.ts). Measured, not
 * proved: only a ridge accuracy proof (RidgeAccuracy) proves an accuracy.
 */
import type { RidgeModel } from "./model.ts";
import { predict } from "./model.ts";
import { classOf, type RidgeRecord } from "./statistics.ts";

/** Accuracy of `model` on `records` (argmax over the live classes), in [0, 1]; 0 for no records. */
export function ridgeAccuracyOn(model: RidgeModel, records: readonly RidgeRecord[], classes: number): number {
  if (records.length === 0) return 0;
  return records.filter((r) => predict(model, r.features) === classOf(r.label, classes)).length / records.length;
}

/** How many of `records` the model predicts as class `cls`. */
export function predictionsOfClass(model: RidgeModel, records: readonly RidgeRecord[], cls: number): number {
  return records.filter((r) => predict(model, r.features) === cls).length;
}
