/**
 * The bit-exact fixed-point trainer of a SISA shard: binary logistic regression with the hard
 * sigmoid, deterministic full-batch gradient descent. This is the test oracle of the circuit
 * template `LogisticTraining` (circuits/lib/training.circom): for the same inputs both produce
 * the same weights to the last bit.
 *
 * Algorithm (all values integers; "scale 2^16" is the fixed-point format of fixedPoint.ts).
 * Inputs: the shard's n = 2^(D−S) slots in slot order, each a live record (features x_i, label
 * y_i ∈ {0, 2^16}) or empty; weights w_0 (F + 1, bias last); η, λ (scale 2^16); E epochs.
 * a_i = 1 for a live slot, 0 otherwise; c = D − S (log2 of the shard capacity); s = 32 + c.
 *
 * Each epoch, for every slot i (live or not, the arithmetic is the same; a_i masks the result):
 *   z_i   = Σ_{j<F} w_j · x_ij + w_F · 2^16                        logit, scale 2^32
 *   σ_i   = clamp(floor((z_i + 2^33) / 2^18), 0, 2^16)             hard sigmoid, scale 2^16
 *   err_i = a_i · (σ_i − y_i)                                       scale 2^16, |err_i| ≤ 2^16
 * then for every weight (j < F feature weights, j = F the bias with "feature" 2^16):
 *   G_j   = Σ_i err_i · x_ij        (G_F = Σ_i err_i · 2^16)       scale 2^32
 *   N_j   = η · (G_j + 2^c · λ · w_j)   (N_F = η · G_F)             scale 2^(48 + c)
 *   w_j  ← floor((w_j · 2^s − N_j + 2^(s−1)) / 2^s)
 * i.e. w ← w − η · (G / 2^c + λ·w) rounded to the nearest unit (halves up): plain gradient
 * descent on the summed per-record gradients divided by the shard CAPACITY 2^c (a power of two,
 * so no division by the live count is needed; for a full shard it is the mean gradient).
 *
 * Masked (empty or deleted) slots contribute nothing: their err is 0, so whatever (in-range)
 * values the circuit receives for them do not matter; the statement oracle passes zeros. Because
 * the gradient sums are exact integers, the result does not depend on the order of the slots.
 *
 * Bounds (bounds.ts): features in [−2, 2), labels 0/1, |weights| < 128 after every epoch
 * (guaranteed by validateTrainingConfig), η in [0, 16), λ in [0, 1). Then |z| < 2^45 and every
 * other intermediate is far below the field size, so the circuit's field arithmetic equals this
 * integer arithmetic exactly.
 */
import { SCALE } from "../encoding/fixedPoint.ts";
import { WEIGHT_LIMIT } from "./bounds.ts";
import { shardCapacity, validateTrainingConfig, type TrainingConfig } from "./config.ts";
import { floorDivPow2, hardSigmoidFixed } from "./fixedMath.ts";
import { checkTrainingSlots, type TrainingRecord, type TrainingSlot } from "./trainingInput.ts";
import { checkWeights, describeWeight, type Weights } from "./weights.ts";

/** Trained weights and the weights after every epoch. */
export interface TrainingResult {
  /** Final weights, F + 1 (bias last). */
  weights: bigint[];
  /** epochWeights[e] = weights before epoch e; epochWeights[E] = the final weights. */
  epochWeights: bigint[][];
  /** Live slots trained on. */
  liveCount: number;
}

/**
 * Trains on one shard's slots (exactly 2^(D−S) of them, in slot order; undefined = empty or
 * deleted). Does not modify its arguments.
 * @param firstSlot number of the first slot in error messages (default 0: shard-local)
 * @throws RangeError for a wrong slot count or an invalid config; TrainingInputError for a record
 *   outside the input bounds
 */
export function trainShard(slots: readonly TrainingSlot[], config: TrainingConfig, firstSlot = 0): TrainingResult {
  validateTrainingConfig(config);
  const n = shardCapacity(config);
  if (slots.length !== n) throw new RangeError(`a shard of this profile has ${n} slots, got ${slots.length}`);
  const F = config.features;
  checkTrainingSlots(slots, F, firstSlot);

  const c = config.dataDepth - config.shardDepth;
  const live = slots.filter((r) => r !== undefined);
  let w = [...config.initialWeights];
  const epochWeights: bigint[][] = [[...w]];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    w = gradientStep(w, live, config, c, `in epoch ${epoch}`);
    epochWeights.push([...w]);
  }
  return { weights: w, epochWeights, liveCount: live.length };
}

/** The hyperparameters one gradient step reads (a TrainingConfig fits). */
export type StepHyperparameters = Pick<TrainingConfig, "features" | "learningRate" | "l2">;

/**
 * One gradient step of the module comment's algorithm over `records` (the live records of a set
 * of 2^capacityLog2 slots: a SISA shard's epoch, or an amnesiac mini-batch):
 * w ← w − η·(G / 2^capacityLog2 + λ·w), rounded half up. This is exactly one epoch of
 * `LogisticTraining(capacityLog2, F, ·)`. Records must already be checked (checkTrainingSlots).
 * @param where appended to the error message (e.g. "in epoch 3")
 * @throws RangeError when a weight leaves [−128, 128) (impossible for a validated config)
 */
export function gradientStep(w: Weights, records: readonly TrainingRecord[], hyper: StepHyperparameters, capacityLog2: number, where: string): bigint[] {
  const F = hyper.features;
  const s = 32 + capacityLog2;
  const grad = new Array<bigint>(F + 1).fill(0n);
  for (const record of records) {
    const z = logit(w, record.features);
    const err = hardSigmoidFixed(z) - record.label;
    for (let j = 0; j < F; j++) grad[j] += err * record.features[j]!;
    grad[F] += err * SCALE;
  }
  return w.map((wj, j) => {
    const numerator = hyper.learningRate * (j < F ? grad[j]! + (hyper.l2 * wj << BigInt(capacityLog2)) : grad[j]!);
    const next = floorDivPow2((wj << BigInt(s)) - numerator + (1n << BigInt(s - 1)), s);
    // Cannot fire for a validated config (maxWeightGrowth); kept because the circuit's range
    // check would reject the proof if it did.
    if (next < -WEIGHT_LIMIT || next >= WEIGHT_LIMIT) {
      throw new RangeError(`weight ${describeWeight(j, F)} left [−128, 128) ${where}`);
    }
    return next;
  });
}

/**
 * The logit z = Σ w_j·x_j + bias·2^16 at scale 2^32 (positive means class 1).
 * @throws RangeError when the feature count does not match the weights
 */
export function logit(weights: Weights, features: readonly bigint[]): bigint {
  if (weights.length !== features.length + 1) {
    throw new RangeError(`${features.length} features need ${features.length + 1} weights, got ${weights.length}`);
  }
  let z = weights[features.length]! * SCALE;
  features.forEach((x, j) => (z += weights[j]! * x));
  return z;
}

/** Class prediction of one model: 1 when the logit is ≥ 0 (σ ≥ 1/2), else 0. */
export function predict(weights: Weights, features: readonly bigint[]): 0 | 1 {
  return logit(weights, features) >= 0n ? 1 : 0;
}

/**
 * Fraction of records whose label (0 or 2^16) the model predicts. Features need not lie in the
 * training bound (prediction has no circuit), but weights must be a valid vector.
 */
export function accuracy(weights: Weights, records: readonly { features: readonly bigint[]; label: bigint }[]): number {
  if (records.length === 0) throw new RangeError("accuracy of an empty record set is undefined");
  checkWeights(weights, weights.length - 1);
  const hits = records.filter((r) => BigInt(predict(weights, r.features)) * SCALE === r.label).length;
  return hits / records.length;
}

