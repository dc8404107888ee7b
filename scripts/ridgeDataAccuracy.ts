/**
 * The accuracy evidence for a ridge dataset: the FIXED-POINT ridge model of src/methods/ridge
 * (statisticsOf, solveRidge, predict — exactly the model the ridge circuits check) and the
 * float64 reference (floatReference.ts), both trained on the same records with the same λ and
 * scored on the same test records. Shared by scripts/make-ridge-data.ts and
 * test/ridgeData.test.ts, so the figures the README quotes and the test asserts come from one
 * computation.
 */
import type { Dataset } from "../src/encoding/dataset.ts";
import { encodeFixed } from "../src/encoding/fixedPoint.ts";
import { encodeRecord } from "../src/encoding/records.ts";
import { ceilLog2 } from "../src/methods/ridge/bounds.ts";
import { predictFloat, trainFloatRidge } from "../src/methods/ridge/floatReference.ts";
import { predict } from "../src/methods/ridge/model.ts";
import { solveRidge } from "../src/methods/ridge/solve.ts";
import { statisticsOf, type RidgeRecord } from "../src/methods/ridge/statistics.ts";

/** Test accuracies of both models, as fractions in [0, 1]. */
export interface RidgeAccuracy {
  /** The fixed-point model (what a proof commits). */
  fixed: number;
  /** The float64 reference. */
  float: number;
}

/** Options of {@link ridgeAccuracy}. */
export interface RidgeAccuracyOptions {
  /** λ in real units (encoded at 2^16 for the fixed-point model). */
  lambda: number;
  /** Classes C; labels are 0 … C − 1. */
  classes: number;
  /** Data-tree depth of the proofs (sets the residual bound solveRidge checks). Default ⌈log2(training records)⌉. */
  depth?: number;
}

/** The records as the ridge method commits them: encoded features, label c · 2^16. */
export function ridgeRecords(dataset: Dataset): RidgeRecord[] {
  return dataset.records.map((r) => {
    const { features, label } = encodeRecord(r);
    return { features, label };
  });
}

/**
 * Trains both models on `train` and scores them on `test` (argmax over the classes).
 * @throws RangeError (from the ridge oracle) when a feature is outside [−2, 2), a label is not a
 *   class, or a weight leaves its bound
 */
export function ridgeAccuracy(train: Dataset, test: Dataset, options: RidgeAccuracyOptions): RidgeAccuracy {
  const d = train.featureNames.length;
  const { classes, lambda } = options;
  const depth = options.depth ?? Math.max(1, ceilLog2(train.records.length));
  const { model } = solveRidge(statisticsOf(ridgeRecords(train), d, classes), encodeFixed(lambda), depth);
  const float = trainFloatRidge(train.records.map((r) => ({ features: r.features, cls: r.label })), d, classes, lambda);
  const encodedTest = ridgeRecords(test);
  let fixedCorrect = 0, floatCorrect = 0;
  test.records.forEach((r, i) => {
    if (predict(model, encodedTest[i]!.features) === r.label) fixedCorrect++;
    if (predictFloat(float, r.features) === r.label) floatCorrect++;
  });
  return { fixed: fixedCorrect / test.records.length, float: floatCorrect / test.records.length };
}
