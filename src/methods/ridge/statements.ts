/**
 * TypeScript models of the ridge transition and accuracy statements (circuits/ridgeDeletion.circom,
 * ridgeClassForget.circom, ridgeAccuracy.circom; the genesis statements are genesis.ts): each builds the circuit
 * input and the public signals the circuit must accept, and the state it leads to, and rejects
 * what the circuit would reject with an error naming the slot, class or value.
 */
import type { CommittedDataset, CommittedSlot } from "../../dataset/commitment.ts";
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import { toField } from "../../field.ts";
import { buildDeletionWitness, type DeletedSlot, type DeletionTree } from "../../statements/deletion.ts";
import type { RidgeConfig } from "./config.ts";
import { predict } from "./model.ts";
import { residualHash, solveRidge, type RidgeSolution } from "./solve.ts";
import { ridgeCommitments, ridgeCommitmentsAt, type RidgeCommitments, type RidgeStateCore, type RidgeSystemState } from "./state.ts";
import {
  classOf, emptyStatistics, withRecord, withoutClass, type RidgeStatistics,
} from "./statistics.ts";

/** Circuit input: signal name → decimal string, or nested arrays of them (up to three levels). */
export type CircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

const str = (v: bigint): string => toField(v).toString();
const strs = (vs: readonly bigint[]): string[] => vs.map(str);

/** The statistics as circuit inputs: forgotten[C], gram[C][T], moments[C][m]. */
export function statsInput(stats: RidgeStatistics): { forgotten: string[]; gram: string[][]; moments: string[][] } {
  return {
    forgotten: stats.forgotten.map((f) => (f ? "1" : "0")),
    gram: stats.blocks.map((b) => strs(b.gram)),
    moments: stats.blocks.map((b) => strs(b.moments)),
  };
}

/** The model part of a statement's input: weights, residual, modelSalt, lambda, testRoot. */
export function solveInput(solution: RidgeSolution, modelSalt: bigint, config: RidgeConfig): CircuitInput {
  return {
    weights: solution.model.weights.map(strs),
    residual: solution.residual.map(strs),
    modelSalt: str(modelSalt),
    lambda: str(config.lambda),
    testRoot: str(config.testRoot),
  };
}

/** A record checked against the ridge bounds, with errors naming its slot. */
export function withSlotContext(slot: CommittedSlot, config: RidgeConfig): CommittedSlot {
  try {
    withRecord(emptyStatistics(config.features, config.classes), slot, 1);
  } catch (err) {
    throw new RangeError(`record ${JSON.stringify(slot.id)} (slot ${slot.index}): ${(err as Error).message}`);
  }
  return slot;
}

/** Public signals of a transition (deletion: the digest; class forgetting: the class). */
export interface TransitionPublicSignals {
  oldState: bigint;
  newState: bigint;
}

/** A ridge deletion: input, public signals, the new state and what was deleted. */
export interface RidgeDeletionWitness {
  input: CircuitInput;
  publicSignals: TransitionPublicSignals & { deletionDigest: bigint };
  deleted: DeletedSlot[];
  state: RidgeSystemState;
}

/**
 * The input of RidgeDeletion(depth, d, C, K) deleting the records `ids` from `before`.
 * @throws UnknownRecordError / RangeError as CommittedDataset and buildDeletionWitness do
 */
export function buildRidgeDeletionWitness(
  before: RidgeSystemState, ids: readonly string[], K: number,
  salts: { statsSalt: bigint; modelSalt: bigint }, poseidon: PoseidonHasher,
): RidgeDeletionWitness {
  const slots = before.dataset.slotsOf(ids);
  const t = ridgeDeletionTransition(before, before.dataset.tree(), slots, K, salts, poseidon);
  const dataset = before.dataset.withoutRecords(ids);
  if (dataset.root !== t.publicSignals.newDataRoot) throw new Error("internal: the deletion witness and the dataset disagree on the new data root");
  const { oldState, newState, deletionDigest } = t.publicSignals;
  return { input: t.input, publicSignals: { oldState, newState, deletionDigest }, deleted: t.deleted, state: { ...t.state, dataset } };
}

/** A ridge deletion over a data tree held outside a CommittedDataset: RidgeDeletionWitness without the dataset, plus both data roots. */
export interface RidgeDeletionTransition {
  input: CircuitInput;
  publicSignals: RidgeDeletionWitness["publicSignals"] & { oldDataRoot: bigint; newDataRoot: bigint };
  deleted: DeletedSlot[];
  state: RidgeStateCore;
}

/**
 * The input of RidgeDeletion(depth, d, C, K) emptying `slots` (their records as committed in
 * `tree`) from the state `before` whose data tree is `tree`: the statistics lose the slots'
 * contributions and the model is solved again. buildRidgeDeletionWitness is this over a
 * CommittedDataset; benchmarks use it with trees too large to hold as one.
 * @throws RangeError as buildDeletionWitness does, or for a record outside the ridge bounds
 */
export function ridgeDeletionTransition(
  before: RidgeStateCore, tree: DeletionTree, slots: readonly CommittedSlot[], K: number,
  salts: { statsSalt: bigint; modelSalt: bigint }, poseidon: PoseidonHasher,
): RidgeDeletionTransition {
  const { config } = before;
  const sorted = [...slots].sort((a, b) => a.index - b.index);
  const deletion = buildDeletionWitness(tree, sorted.map((s) => s.index), K, poseidon);
  sorted.forEach((s) => {
    if (tree.get(s.index) !== s.leaf) throw new RangeError(`record ${JSON.stringify(s.id)}: slot ${s.index} of the tree does not hold its leaf`);
  });
  const stats = sorted.reduce((acc, s) => withRecord(acc, withSlotContext(s, config), -1), before.stats);
  const solution = solveRidge(stats, config.lambda, config.depth);
  const state: RidgeStateCore = { config, stats, statsSalt: salts.statsSalt, model: solution.model, modelSalt: salts.modelSalt, residual: solution.residual };
  const { oldRoot, newRoot } = deletion.publicSignals;
  const old = ridgeCommitmentsAt(oldRoot, before, poseidon.hash);
  const next = ridgeCommitmentsAt(newRoot, state, poseidon.hash);
  const pad = K - sorted.length;
  const zeros = (n: number): string[] => new Array<string>(n).fill("0");
  const input: CircuitInput = {
    oldState: old.state.toString(),
    newState: next.state.toString(),
    deletionDigest: String(deletion.input.deletionDigest),
    oldDataRoot: oldRoot.toString(),
    newDataRoot: newRoot.toString(),
    active: deletion.input.active!,
    index: deletion.input.index!,
    leaf: deletion.input.leaf!,
    siblings: deletion.input.siblings!,
    feature: [...sorted.map((s) => strs(s.features)), ...Array.from({ length: pad }, () => zeros(config.features))],
    label: [...sorted.map((s) => str(s.label)), ...zeros(pad)],
    recordSalt: [...sorted.map((s) => str(s.salt)), ...zeros(pad)],
    ...statsInput(before.stats),
    oldStatsSalt: str(before.statsSalt),
    newStatsSalt: str(salts.statsSalt),
    oldModelCommitment: old.modelCommitment.toString(),
    ...solveInput(solution, salts.modelSalt, config),
  };
  return {
    input,
    publicSignals: { oldState: old.state, newState: next.state, deletionDigest: deletion.publicSignals.deletionDigest, oldDataRoot: oldRoot, newDataRoot: newRoot },
    deleted: deletion.deleted,
    state,
  };
}

/** A class forgetting: input, public signals and the new state. */
export interface ClassForgetWitness {
  input: CircuitInput;
  publicSignals: TransitionPublicSignals & { forgottenClass: bigint };
  state: RidgeSystemState;
}

/**
 * The input of RidgeClassForget(depth, d, C) forgetting class `cls` of `before`.
 * @throws RangeError for a class outside 0..C−1 or one already forgotten
 */
export function buildClassForgetWitness(
  before: RidgeSystemState, cls: number, salts: { statsSalt: bigint; modelSalt: bigint }, poseidon: PoseidonHasher,
): ClassForgetWitness {
  const t = classForgetTransition(before, before.dataset.root, cls, salts, poseidon);
  return { ...t, state: { ...t.state, dataset: before.dataset } };
}

/**
 * buildClassForgetWitness for a state whose data tree (root `dataRoot`, unchanged by the
 * forgetting) is held outside a CommittedDataset.
 * @throws RangeError for a class outside 0..C−1 or one already forgotten
 */
export function classForgetTransition(
  before: RidgeStateCore, dataRoot: bigint, cls: number, salts: { statsSalt: bigint; modelSalt: bigint }, poseidon: PoseidonHasher,
): Omit<ClassForgetWitness, "state"> & { state: RidgeStateCore } {
  const { config } = before;
  const stats = withoutClass(before.stats, cls);
  const solution = solveRidge(stats, config.lambda, config.depth);
  const state: RidgeStateCore = { ...before, stats, statsSalt: salts.statsSalt, model: solution.model, modelSalt: salts.modelSalt, residual: solution.residual };
  const old = ridgeCommitmentsAt(dataRoot, before, poseidon.hash);
  const next = ridgeCommitmentsAt(dataRoot, state, poseidon.hash);
  return {
    input: {
      oldState: old.state.toString(),
      newState: next.state.toString(),
      forgottenClass: String(cls),
      dataRoot: dataRoot.toString(),
      ...statsInput(before.stats),
      oldStatsSalt: str(before.statsSalt),
      newStatsSalt: str(salts.statsSalt),
      oldModelCommitment: old.modelCommitment.toString(),
      ...solveInput(solution, salts.modelSalt, config),
    },
    publicSignals: { oldState: old.state, newState: next.state, forgottenClass: BigInt(cls) },
    state,
  };
}

/** The Freivalds challenge ρ = Poseidon(configHash, statsCommitment, modelCommitment, residualHash) of a state (for tests and audits). */
export function solveChallenge(s: RidgeSystemState, poseidon: PoseidonHasher): bigint {
  const c: RidgeCommitments = ridgeCommitments(s, poseidon.hash);
  return poseidon.hash([c.configHash, c.statsCommitment, c.modelCommitment, residualHash(s.residual, s.config.depth, s.config.features, poseidon.hash)]);
}

/** The public signals of the accuracy statement. */
export interface RidgeAccuracyPublicSignals {
  state: bigint;
  testRoot: bigint;
  correct: bigint;
  total: bigint;
}

/**
 * The input of RidgeAccuracy(depth, d, C, testDepth): the committed model of `s` on the committed
 * test set `testSet` (its root must be the config's testRoot).
 * @throws RangeError when the test set is not the committed one or a test record is outside the bounds
 */
export function buildRidgeAccuracyWitness(
  s: RidgeSystemState, testSet: CommittedDataset, poseidon: PoseidonHasher,
): { input: CircuitInput; publicSignals: RidgeAccuracyPublicSignals } {
  const { config } = s;
  if (testSet.root !== config.testRoot) throw new RangeError("the test set's root is not the testRoot pinned in the ridge config");
  const c = ridgeCommitments(s, poseidon.hash);
  const n = 2 ** testSet.depth;
  const bySlot = new Map(testSet.liveSlots().map((t) => [t.index, withSlotContext(t, config)]));
  const slots = Array.from({ length: n }, (_, i) => bySlot.get(i));
  const correct = slots.filter((t) => t !== undefined && predictsLabel(s, t)).length;
  const publicSignals = { state: c.state, testRoot: testSet.root, correct: BigInt(correct), total: BigInt(bySlot.size) };
  const zeros = (): string[] => new Array<string>(config.features).fill("0");
  return {
    input: {
      state: c.state.toString(),
      testRoot: testSet.root.toString(),
      correct: String(correct),
      total: String(bySlot.size),
      dataRoot: c.dataRoot.toString(),
      statsCommitment: c.statsCommitment.toString(),
      live: s.model.live.map((l) => (l ? "1" : "0")),
      weights: s.model.weights.map(strs),
      modelSalt: str(s.modelSalt),
      lambda: str(config.lambda),
      testLive: slots.map((t) => (t ? "1" : "0")),
      feature: slots.map((t) => (t ? strs(t.features) : zeros())),
      label: slots.map((t) => (t ? str(t.label) : "0")),
      salt: slots.map((t) => (t ? str(t.salt) : "0")),
    },
    publicSignals,
  };
}

/** Whether the model of `s` predicts the test record's class (a forgotten class never is). */
function predictsLabel(s: RidgeSystemState, t: CommittedSlot): boolean {
  return s.model.live.some((l) => l) && predict(s.model, t.features) === classOf(t.label, s.config.classes);
}
