/**
 * Float64 reference of the shard trainer (trainer.ts): the same algorithm — hard sigmoid
 * clamp(1/2 + z/4, 0, 1), full-batch gradient descent on the gradient sum divided by the shard
 * capacity, L2 on the feature weights only — in floating point, without rounding. It exists to
 * measure what the fixed-point arithmetic costs in accuracy; it is not bit-exact with anything.
 */

/** A record in real numbers. */
export interface FloatRecord {
  features: readonly number[];
  /** 0 or 1. */
  label: number;
}

/** Float hyperparameters; same meaning as TrainingConfig's. */
export interface FloatTrainingConfig {
  features: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** Slots per shard (the gradient sum is divided by it). */
  capacity: number;
  /** F + 1 starting weights, bias last. */
  initialWeights: readonly number[];
}

/** clamp(1/2 + z/4, 0, 1). */
export function hardSigmoid(z: number): number {
  return Math.min(1, Math.max(0, 0.5 + z / 4));
}

/** Trains on the live records of a shard (order does not matter up to float rounding). */
export function trainFloat(records: readonly FloatRecord[], config: FloatTrainingConfig): number[] {
  const F = config.features;
  const w = [...config.initialWeights];
  if (w.length !== F + 1) throw new RangeError(`${F} features need ${F + 1} initial weights, got ${w.length}`);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const grad = new Array<number>(F + 1).fill(0);
    for (const r of records) {
      const err = hardSigmoid(logitFloat(w, r.features)) - r.label;
      for (let j = 0; j < F; j++) grad[j] += err * r.features[j]!;
      grad[F] += err;
    }
    for (let j = 0; j <= F; j++) {
      w[j] -= config.learningRate * (grad[j]! / config.capacity + (j < F ? config.l2 * w[j]! : 0));
    }
  }
  return w;
}

/** z = Σ w_j·x_j + bias. */
export function logitFloat(weights: readonly number[], features: readonly number[]): number {
  let z = weights[features.length]!;
  features.forEach((x, j) => (z += weights[j]! * x));
  return z;
}

/** Fraction of records classified correctly (class 1 when z ≥ 0). */
export function accuracyFloat(weights: readonly number[], records: readonly FloatRecord[]): number {
  if (records.length === 0) throw new RangeError("accuracy of an empty record set is undefined");
  return records.filter((r) => (logitFloat(weights, r.features) >= 0 ? 1 : 0) === r.label).length / records.length;
}
