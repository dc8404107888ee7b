/**
 * TypeScript models of the AmnesiacTrain and AmnesiacUnlearn circuits: from the controller's
 * system they compute the circuit input, the public signals the circuit must accept, the
 * statement in readable form and the next system, and they reject what the circuits would
 * reject with an error naming the step or slot.
 */
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import { toFieldSigned } from "../../encoding/fixedPoint.ts";
import { scalingHash } from "../../ml/featureScaling.ts";
import { weightsHash } from "../../ml/weights.ts";
import { buildDeletionWitness, type DeletedSlot } from "../../statements/deletion.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { amnesiacConfigHash, batchesPerEpoch, logDepth, totalSteps, type AmnesiacConfig } from "./config.ts";
import { publicAmnesiacConfig } from "./publicConfig.ts";
import { modelCommitment } from "./state.ts";
import type { AmnesiacTrainStatement, AmnesiacTransitionParts, AmnesiacUnlearnStatement } from "./statements.ts";
import { stepsOfSlot } from "./schedule.ts";
import { openSlots, systemState, type AmnesiacSystem } from "./system.ts";
import { runSteps } from "./training.ts";
import { amnesiacUnlearningLabel } from "./label.ts";
import { unlearnSlots } from "./unlearning.ts";

/** Circuit input: signal name → decimal string or (nested, up to three levels) arrays of them. */
export type AmnesiacCircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

/** A circuit input value: a decimal string. */
export const str = (v: bigint | number): string => v.toString();
/** A signed fixed-point value as a circuit input: its field element, in decimal. */
export const signed = (v: bigint): string => toFieldSigned(v).toString();

/** The config values every amnesiac circuit takes as private inputs (their hash is in every state). */
export function configInput(config: AmnesiacConfig, poseidon: PoseidonHasher): AmnesiacCircuitInput {
  return {
    learningRate: str(config.learningRate),
    l2: str(config.l2),
    initialWeightsHash: str(weightsHash(config.initialWeights, poseidon.hash)),
    testRoot: str(config.testRoot),
    scalingHash: str(scalingHash(config.featureScaling, poseidon.hash)),
  };
}

/**
 * The circuit inputs live, feature, label and salt of opened slots (system.ts: openSlots); an
 * empty slot is live 0 with zeros (its values are masked in the step).
 */
export function slotInput(opened: ReturnType<typeof openSlots>, features: number): AmnesiacCircuitInput {
  return {
    live: opened.slots.map((s) => (s === undefined ? "0" : "1")),
    feature: opened.slots.map((s) => (s === undefined ? new Array<string>(features).fill("0") : s.features.map(signed))),
    label: opened.slots.map((s) => (s === undefined ? "0" : signed(s.label))),
    salt: opened.salts.map(str),
  };
}

/** One training proof: its input, public signals (oldState, newState, firstStep) and the next system. */
export interface AmnesiacTrainWitness {
  input: AmnesiacCircuitInput;
  publicSignals: { oldState: bigint; newState: bigint; firstStep: number };
  /** Weights before each step and after the last, and each step's update. */
  weights: bigint[][];
  deltas: bigint[][];
  next: AmnesiacSystem;
}

/** Salts of one training proof: one per logged step, and the new model commitment's. */
export interface TrainSalts {
  logSalts: readonly bigint[];
  newModelSalt: bigint;
}

/**
 * The next 2^stepsLog2 steps of training (from the system's step count), for an
 * AmnesiacTrain(D, b, F, E, stepsLog2) profile.
 * @throws RangeError when the training is complete, stepsLog2 does not fit the config, or the
 *   salts do not match; Error / TrainingInputError for records that do not open their leaves or
 *   leave the bounds
 */
export function buildAmnesiacTrainWitness(system: AmnesiacSystem, stepsLog2: number, salts: TrainSalts, poseidon: PoseidonHasher): AmnesiacTrainWitness {
  const { config, log } = system;
  const b = config.batchLog2;
  const P = 2 ** stepsLog2;
  if (!Number.isInteger(stepsLog2) || stepsLog2 < 0 || b + stepsLog2 >= config.dataDepth) {
    throw new RangeError(`2^${stepsLog2} steps per proof do not fit ${batchesPerEpoch(config)} batches per epoch (b + p must stay below D = ${config.dataDepth})`);
  }
  const first = log.length;
  if (first >= totalSteps(config)) throw new RangeError(`training is complete: all ${totalSteps(config)} steps are logged`);
  if (salts.logSalts.length !== P) throw new RangeError(`a proof of ${P} steps needs ${P} log salts, got ${salts.logSalts.length}`);

  const { slots } = openSlots(system, 0, 2 ** config.dataDepth, poseidon);
  const run = runSteps(slots, config, system.weights, first, P);
  const newLog = log.append(run.deltas.map((delta, s) => ({ delta, salt: salts.logSalts[s]! })));
  const next: AmnesiacSystem = { ...system, weights: run.weights[P]!, modelSalt: salts.newModelSalt, log: newLog };

  const chunkSize = P * 2 ** b;
  const chunkFirst = ((first % batchesPerEpoch(config)) / P) * chunkSize;
  const chunk = openSlots(system, chunkFirst, chunkSize, poseidon);
  const oldState = systemState(system, poseidon);
  const newState = systemState(next, poseidon);
  const input: AmnesiacCircuitInput = {
    oldState: str(oldState),
    newState: str(newState),
    firstStep: str(first),
    dataRoot: str(system.dataTree.root),
    dataSiblings: system.dataTree.proof(chunkFirst).siblings.slice(b + stepsLog2).map(str),
    weights: system.weights.map(signed),
    oldModelSalt: str(system.modelSalt),
    newModelSalt: str(salts.newModelSalt),
    oldLogRoot: str(log.root),
    logSiblings: log.siblings(first).slice(stepsLog2).map(str),
    logSalt: salts.logSalts.map(str),
    ...slotInput(chunk, config.features),
    ...configInput(config, poseidon),
  };
  return { input, publicSignals: { oldState, newState, firstStep: first }, weights: run.weights, deltas: run.deltas, next };
}

/** The unlearning a proof establishes, in the oracle's own terms (bigints; the bundle form is statements.ts). */
export interface UnlearningSummary {
  oldState: bigint;
  newState: bigint;
  deletionDigest: bigint;
  /** Deleted slots (index, leaf before), increasing. */
  deleted: DeletedSlot[];
  /** T: every step whose batch held a deleted slot, increasing (derived from the slots and the schedule). */
  steps: number[];
  /** The steps of T whose update this proof subtracted (the others were subtracted before). */
  newlySubtracted: number[];
}

/** One unlearning proof: input, public signals, statement and the next system. */
export interface AmnesiacUnlearnWitness {
  input: AmnesiacCircuitInput;
  publicSignals: { oldState: bigint; newState: bigint; deletionDigest: bigint };
  statement: UnlearningSummary;
  /** w' = w − Σ_{t∈T} Δ_t. */
  newWeights: bigint[];
  next: AmnesiacSystem;
}

/**
 * Unlearning of `deleteSlots` (any order) for an AmnesiacUnlearn(D, b, F, E, K) profile.
 * @throws RangeError when training is incomplete, or for a slot that is empty, repeated, outside
 *   the tree or beyond K
 */
export function buildAmnesiacUnlearnWitness(
  system: AmnesiacSystem,
  deleteSlots: readonly number[],
  maxDeletions: number,
  newModelSalt: bigint,
  poseidon: PoseidonHasher,
): AmnesiacUnlearnWitness {
  const { config } = system;
  const E = config.epochs;
  const W = config.features + 1;
  const L = logDepth(config);
  const deletion = buildDeletionWitness(system.dataTree, deleteSlots, maxDeletions, poseidon);
  const unlearned = unlearnSlots(system.weights, system.log, deletion.deleted.map((d) => d.index));

  // The circuit's openings, entry by entry and epoch by epoch, each in the log as the previous
  // openings left it.
  let log = system.log;
  const logSalt: string[][] = [];
  const logDelta: string[][][] = [];
  const logSiblings: string[][][] = [];
  for (let j = 0; j < maxDeletions; j++) {
    const d = deletion.deleted[j];
    const steps = d === undefined ? [] : stepsOfSlot(d.index, config);
    logSalt.push([]);
    logDelta.push([]);
    logSiblings.push([]);
    for (let e = 0; e < E; e++) {
      const t = steps[e];
      if (t === undefined) {
        logSalt[j]!.push("0");
        logDelta[j]!.push(new Array<string>(W).fill("0"));
        logSiblings[j]!.push(new Array<string>(L).fill("0"));
        continue;
      }
      logSalt[j]!.push(str(log.step(t).salt));
      logDelta[j]!.push(log.pendingDelta(t).map(signed));
      logSiblings[j]!.push(log.siblings(t).map(str));
      log = log.subtract([t]);
    }
  }
  const dataTree = system.dataTree.clone();
  dataTree.setMany(deletion.updates);
  const records = new Map(system.records);
  for (const d of deletion.deleted) records.delete(d.index);
  const next: AmnesiacSystem = { ...system, dataTree, records, weights: unlearned.weights, modelSalt: newModelSalt, log: unlearned.log };
  if (log.root !== unlearned.log.root) throw new Error("internal: the sequential log openings do not end at the unlearned log");

  const oldState = systemState(system, poseidon);
  const newState = systemState(next, poseidon);
  const deletionDigest = deletion.publicSignals.deletionDigest;
  const entries = deletion.input;
  const input: AmnesiacCircuitInput = {
    oldState: str(oldState),
    newState: str(newState),
    deletionDigest: str(deletionDigest),
    oldDataRoot: str(system.dataTree.root),
    newDataRoot: str(dataTree.root),
    delActive: entries.active as string[],
    delIndex: entries.index as string[],
    delLeaf: entries.leaf as string[],
    delSiblings: entries.siblings as string[][],
    weights: system.weights.map(signed),
    oldModelSalt: str(system.modelSalt),
    newModelSalt: str(newModelSalt),
    oldLogRoot: str(system.log.root),
    logSalt,
    logDelta,
    logSiblings,
    ...configInput(config, poseidon),
  };
  return {
    input,
    publicSignals: { oldState, newState, deletionDigest },
    statement: { oldState, newState, deletionDigest, deleted: deletion.deleted, steps: unlearned.steps, newlySubtracted: unlearned.newlySubtracted },
    newWeights: unlearned.weights,
    next,
  };
}


/** The readable parts every amnesiac statement carries for a transition from `before` to `next` (0x-hex). */
export function statementParts(before: AmnesiacSystem, next: AmnesiacSystem, poseidon: PoseidonHasher): Omit<AmnesiacTransitionParts, "oldState" | "newState"> {
  const model = (s: AmnesiacSystem): string => toHex32(modelCommitment(s.weights, s.modelSalt, poseidon.hash));
  return {
    oldModelCommitment: model(before),
    newModelCommitment: model(next),
    oldLogRoot: toHex32(before.log.root),
    newLogRoot: toHex32(next.log.root),
    configHash: toHex32(amnesiacConfigHash(before.config, poseidon.hash)),
    config: publicAmnesiacConfig(before.config),
  };
}

/** The readable statement of a training proof made from `before` (see statements.ts). */
export function amnesiacTrainStatementOf(before: AmnesiacSystem, witness: AmnesiacTrainWitness, poseidon: PoseidonHasher): AmnesiacTrainStatement {
  return {
    type: "amnesiac-train",
    oldState: toHex32(witness.publicSignals.oldState),
    newState: toHex32(witness.publicSignals.newState),
    firstStep: witness.publicSignals.firstStep,
    steps: witness.deltas.length,
    dataRoot: toHex32(before.dataTree.root),
    ...statementParts(before, witness.next, poseidon),
  };
}

/** The readable statement of an unlearning proof made from `before`. */
export function amnesiacUnlearnStatementOf(before: AmnesiacSystem, witness: AmnesiacUnlearnWitness, poseidon: PoseidonHasher): AmnesiacUnlearnStatement {
  return {
    type: "amnesiac-unlearn",
    oldState: toHex32(witness.publicSignals.oldState),
    newState: toHex32(witness.publicSignals.newState),
    deletionDigest: toHex32(witness.publicSignals.deletionDigest),
    oldDataRoot: toHex32(before.dataTree.root),
    newDataRoot: toHex32(witness.next.dataTree.root),
    ...statementParts(before, witness.next, poseidon),
    deleted: witness.statement.deleted.map((d) => ({ index: d.index, leaf: toHex32(d.leaf) })),
    label: amnesiacUnlearningLabel(witness.statement.deleted.map((d) => d.index), before.config),
  };
}
