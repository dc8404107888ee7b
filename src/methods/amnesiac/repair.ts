/**
 * Repair steps after amnesiac unlearning (the oracle and witness of the AmnesiacRepair circuit):
 * once an unlearning subtracted the updates of batch j, one more SGD step on the batch's
 * REMAINING records (deleted slots are empty in the data tree now),
 *
 *   w' = gradientStep(w, live records of batch j)        (training.ts: runSteps, one step)
 *
 * logged in place of the batch's subtracted last-epoch update: leaf t_j = (E−1)·nb + j becomes
 * logLeaf(t_j, freshSalt, w' − w). Why that leaf: a later deletion of any record of batch j opens
 * all E steps of the batch, t_j among them, and subtracts the repair's update exactly as it
 * subtracts training updates; and weights = initial weights + Σ of the pending logged updates
 * still holds. Only a batch whose last-epoch update is subtracted is repaired (one repair per
 * unlearning of the batch). The data and the step count do not change.
 */
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { batchesPerEpoch, logDepth, type AmnesiacShape } from "./config.ts";
import type { AmnesiacRepairStatement } from "./repairKind.ts";
import { batchOfStep, stepsOfSlot } from "./schedule.ts";
import { openSlots, systemState, type AmnesiacSystem } from "./system.ts";
import { runSteps } from "./training.ts";
import { configInput, signed, slotInput, statementParts, str, type AmnesiacCircuitInput } from "./witness.ts";

/** Salts of one repair proof: the rewritten log leaf's (fresh) and the new model commitment's. */
export interface RepairSalts {
  logSalt: bigint;
  newModelSalt: bigint;
}

/** One repair proof: input, public signals (oldState, newState, batch), the step and the next system. */
export interface AmnesiacRepairWitness {
  input: AmnesiacCircuitInput;
  publicSignals: { oldState: bigint; newState: bigint; batch: number };
  /** t_j, the log position the repair's update is written to. */
  step: number;
  /** The repair's update w' − w. */
  delta: bigint[];
  /** w'. */
  newWeights: bigint[];
  next: AmnesiacSystem;
}

/** The step whose log leaf a repair of `batch` rewrites: its last-epoch step (E − 1)·nb + batch. */
export function repairStepOf(batch: number, shape: AmnesiacShape): number {
  const nb = batchesPerEpoch(shape);
  if (!Number.isInteger(batch) || batch < 0 || batch >= nb) throw new RangeError(`batch ${batch} is outside the schedule: it has batches 0..${nb - 1}`);
  return (shape.epochs - 1) * nb + batch;
}

/** The batches that held `deletedSlots` (the ones an unlearning of them leaves to repair), increasing, each once. */
export function touchedBatches(deletedSlots: readonly number[], shape: AmnesiacShape): number[] {
  return [...new Set(deletedSlots.map((slot) => batchOfStep(stepsOfSlot(slot, shape)[0]!, shape).batch))].sort((a, b) => a - b);
}

/**
 * The repair step of `batch` from `system` for an AmnesiacRepair(D, b, F, E) profile of the
 * system's shape: the circuit input, the public signals and the next system.
 * @throws RangeError when the training is incomplete, the batch is outside the schedule, or its
 *   last-epoch update is not subtracted; Error for records that do not open their leaves
 */
export function repairBatch(system: AmnesiacSystem, batch: number, salts: RepairSalts, poseidon: PoseidonHasher): AmnesiacRepairWitness {
  const { config, log } = system;
  if (!log.complete) throw new RangeError(`a repair step needs the complete training in the log; ${log.length} steps are logged`);
  const t = repairStepOf(batch, config);
  if (!log.step(t).subtracted) {
    throw new RangeError(`batch ${batch} has no subtracted updates to repair: only a batch an unlearning touched is repaired (its last-epoch step ${t} still holds its update)`);
  }
  const B = 2 ** config.batchLog2;
  const { slots } = openSlots(system, 0, 2 ** config.dataDepth, poseidon);
  const run = runSteps(slots, config, system.weights, t, 1);
  const delta = run.deltas[0]!;
  const newWeights = run.weights[1]!;
  const next: AmnesiacSystem = { ...system, weights: newWeights, modelSalt: salts.newModelSalt, log: log.repair(t, delta, salts.logSalt) };

  const opened = openSlots(system, batch * B, B, poseidon);
  const oldState = systemState(system, poseidon);
  const newState = systemState(next, poseidon);
  const siblings = log.siblings(t);
  if (siblings.length !== logDepth(config)) throw new Error("internal: log path length");
  const input: AmnesiacCircuitInput = {
    oldState: str(oldState),
    newState: str(newState),
    batch: str(batch),
    dataRoot: str(system.dataTree.root),
    dataSiblings: system.dataTree.proof(batch * B).siblings.slice(config.batchLog2).map(str),
    weights: system.weights.map(signed),
    oldModelSalt: str(system.modelSalt),
    newModelSalt: str(salts.newModelSalt),
    oldLogRoot: str(log.root),
    logSiblings: siblings.map(str),
    oldLogSalt: str(log.step(t).salt),
    newLogSalt: str(salts.logSalt),
    ...slotInput(opened, config.features),
    ...configInput(config, poseidon),
  };
  return { input, publicSignals: { oldState, newState, batch }, step: t, delta, newWeights, next };
}

/** The readable statement of a repair proof made from `before` (repairKind.ts checks it). */
export function amnesiacRepairStatementOf(before: AmnesiacSystem, witness: AmnesiacRepairWitness, poseidon: PoseidonHasher): AmnesiacRepairStatement {
  return {
    type: "amnesiac-repair",
    oldState: toHex32(witness.publicSignals.oldState),
    newState: toHex32(witness.publicSignals.newState),
    batch: witness.publicSignals.batch,
    dataRoot: toHex32(before.dataTree.root),
    ...statementParts(before, witness.next, poseidon),
  };
}
