/**
 * The batch schedule of amnesiac training: a fixed public function of the slot order and the
 * config, so that the controller cannot choose which steps a record took part in.
 *
 * With 2^D slots, batches of B = 2^b slots and nb = 2^(D−b) batches per epoch:
 *
 *   step t (0 ≤ t < E·nb) is batch j = t mod nb of epoch e = ⌊t / nb⌋,
 *   and batch j is the slots j·B … (j+1)·B − 1 (the subtree of height b at position j).
 *
 * So slot i takes part in exactly the E steps e·nb + ⌊i / B⌋ (e < E), whatever its record,
 * and in binary t = (e, bits b..D−1 of i): the circuits derive a step's update-log position
 * from the slot index's bits, with no freedom. Proofs of training cover P = 2^p consecutive
 * steps starting at a multiple of P (P divides nb), i.e. the contiguous slots of P batches.
 * Dependency-free.
 */
import { batchesPerEpoch, totalSteps, type AmnesiacShape } from "./config.ts";

/** The slots of step t's batch: first slot and count (2^b). @throws RangeError for a step outside the training */
export function batchOfStep(t: number, shape: AmnesiacShape): { epoch: number; batch: number; first: number; count: number } {
  checkStep(t, shape);
  const nb = batchesPerEpoch(shape);
  const count = 2 ** shape.batchLog2;
  const batch = t % nb;
  return { epoch: Math.floor(t / nb), batch, first: batch * count, count };
}

/** The E steps slot i takes part in, increasing. @throws RangeError for a slot outside the tree */
export function stepsOfSlot(slot: number, shape: AmnesiacShape): number[] {
  if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** shape.dataDepth) {
    throw new RangeError(`slot ${slot} is outside the dataset tree (slots 0..${2 ** shape.dataDepth - 1})`);
  }
  const batch = Math.floor(slot / 2 ** shape.batchLog2);
  return Array.from({ length: shape.epochs }, (_, e) => e * batchesPerEpoch(shape) + batch);
}

/** T: every step whose batch held one of `slots`, increasing, each once. */
export function affectedSteps(slots: readonly number[], shape: AmnesiacShape): number[] {
  return [...new Set(slots.flatMap((s) => stepsOfSlot(s, shape)))].sort((a, b) => a - b);
}

/** @throws RangeError unless 0 ≤ t < E · 2^(D−b) */
export function checkStep(t: number, shape: AmnesiacShape): void {
  if (!Number.isInteger(t) || t < 0 || t >= totalSteps(shape)) {
    throw new RangeError(`step ${t} is outside the training: it has steps 0..${totalSteps(shape) - 1}`);
  }
}
