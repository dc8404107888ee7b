/**
 * The amnesiac trainer (the oracle of the AmnesiacTrain circuit): mini-batch SGD for logistic
 * regression over the schedule of schedule.ts, each step the shard trainer's own gradient step
 * (src/ml/trainer.ts: gradientStep, hard sigmoid included) over the batch's 2^b slots. It
 * returns the weights before and after every step and each step's update Δ_t = w_{t+1} − w_t,
 * the values the update log commits. Bit-exact with the circuit.
 */
import { gradientStep } from "../../ml/trainer.ts";
import { checkTrainingSlots, type TrainingRecord, type TrainingSlot } from "../../ml/trainingInput.ts";
import type { Weights } from "../../ml/weights.ts";
import { totalSteps, validateAmnesiacConfig, type AmnesiacConfig } from "./config.ts";
import { batchOfStep } from "./schedule.ts";

/** The weights around a run of steps and their updates. */
export interface StepRun {
  /** weights[k] = the weights before step first + k; weights[n] = after the last. */
  weights: bigint[][];
  /** deltas[k] = weights[k + 1] − weights[k], entry by entry. */
  deltas: bigint[][];
}

/**
 * Runs steps `first` … `first + count − 1` from `start` on the 2^D slots (slot order; undefined =
 * empty or deleted). Does not modify its arguments.
 * @throws RangeError for an invalid config, a wrong slot count or a step outside the training;
 *   TrainingInputError for a record outside the bounds (naming the slot)
 */
export function runSteps(slots: readonly TrainingSlot[], config: AmnesiacConfig, start: Weights, first: number, count: number): StepRun {
  validateAmnesiacConfig(config);
  if (slots.length !== 2 ** config.dataDepth) throw new RangeError(`the dataset tree has ${2 ** config.dataDepth} slots, got ${slots.length}`);
  checkTrainingSlots(slots, config.features);
  const weights: bigint[][] = [[...start]];
  const deltas: bigint[][] = [];
  for (let t = first; t < first + count; t++) {
    const { first: slot0, count: size } = batchOfStep(t, config);
    const batch = slots.slice(slot0, slot0 + size).filter((r): r is TrainingRecord => r !== undefined);
    const w = weights[weights.length - 1]!;
    const next = gradientStep(w, batch, config, config.batchLog2, `in step ${t}`);
    deltas.push(next.map((v, j) => v - w[j]!));
    weights.push(next);
  }
  return { weights, deltas };
}

/** The whole training from the initial weights: every step's weights and update. */
export function trainAmnesiac(slots: readonly TrainingSlot[], config: AmnesiacConfig): StepRun {
  return runSteps(slots, config, config.initialWeights, 0, totalSteps(config));
}
