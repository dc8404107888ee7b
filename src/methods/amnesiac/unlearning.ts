/**
 * Amnesiac unlearning (the oracle of the AmnesiacUnlearn circuit): for deleted slots S,
 *
 *   T  = every step whose batch held a slot of S (schedule.ts: affectedSteps)
 *   w' = w − Σ_{t ∈ T} Δ_t
 *
 * where Δ_t is read from the update log and counts as 0 when an earlier unlearning already
 * subtracted it; the log's leaves of T become zero-update leaves (updateLog.ts). Approximate:
 * the steps after an affected one were computed from a model that had seen the records, and
 * those effects stay.
 */
import type { Weights } from "../../ml/weights.ts";
import { checkWeights } from "../../ml/weights.ts";
import { affectedSteps } from "./schedule.ts";
import type { UpdateLog } from "./updateLog.ts";

/** The result of subtracting the updates of deleted slots. */
export interface Unlearned {
  /** w − Σ_{t∈T} Δ_t. */
  weights: bigint[];
  /** T, increasing. */
  steps: number[];
  /** Steps of T whose update was not already subtracted (what this unlearning removed). */
  newlySubtracted: number[];
  /** The log with T's leaves zeroed. */
  log: UpdateLog;
}

/**
 * Subtracts the logged updates of every step that used one of `deletedSlots`.
 * @throws RangeError when the training is not complete, for a slot outside the tree, or when the
 *   result leaves the weight bound (impossible for a validated config)
 */
export function unlearnSlots(weights: Weights, log: UpdateLog, deletedSlots: readonly number[]): Unlearned {
  if (!log.complete) throw new RangeError(`unlearning needs the complete training in the log; ${log.length} steps are logged`);
  const steps = affectedSteps(deletedSlots, log.shape);
  const w = [...weights];
  const newlySubtracted: number[] = [];
  for (const t of steps) {
    const delta = log.pendingDelta(t);
    if (!log.step(t).subtracted) newlySubtracted.push(t);
    delta.forEach((d, j) => (w[j] = w[j]! - d));
  }
  checkWeights(w, log.shape.features, "unlearned weight");
  return { weights: w, steps, newlySubtracted, log: log.subtract(steps) };
}
