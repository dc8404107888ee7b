/**
 * Amnesiac, verifier side: the training statement (template AmnesiacTrain) and the unlearning
 * statement (template AmnesiacUnlearn). Both carry the parts of their states in the clear (data
 * root, salted model commitments, log roots, the config and its hash); the verifier rehashes them
 * into the proved states with poseidon-lite, with the step count the statement implies (the
 * training's firstStep, or the complete training for an unlearning), so no count is taken from
 * the controller. The unlearning's description counts the subtracted steps from the deleted
 * slots and the published schedule (label.ts). Browser-safe.
 */
import type { KeyManifest } from "../../keys/manifest.ts";
import { DEFAULT_TRAINING_POLICY, type TrainingPolicy } from "../../ml/publicConfig.ts";
import { parseHex32, toHex32 } from "../../verifier/fieldText.ts";
import {
  deletedSlots, deletionDigestOf, hexFields, isObject, namedSignal, poseidonLite, short, signalFields, textField,
} from "../../verifier/statementFields.ts";
import { slotList } from "../deletion/statement.ts";
import { fieldTransition, type ModelRules, type StatementKind } from "../statementKind.ts";
import { amnesiacConfigHash, checkAmnesiacShape, totalSteps, type AmnesiacShape } from "./config.ts";
import { amnesiacUnlearningLabel } from "./label.ts";
import { amnesiacConfigProblems, type PublicAmnesiacConfig } from "./publicConfig.ts";
import { amnesiacGenesisState, amnesiacStateHash, modelCommitment } from "./state.ts";
import { UpdateLog } from "./updateLog.ts";

/** The family name of the amnesiac statements (StatementKind.family): one chain mixes their profiles. */
export const AMNESIAC_FAMILY = "amnesiac";

/** The readable parts every amnesiac statement carries (hex: 0x-prefixed 64-digit field elements). */
export interface AmnesiacTransitionParts {
  oldState: string;
  newState: string;
  oldModelCommitment: string;
  newModelCommitment: string;
  oldLogRoot: string;
  newLogRoot: string;
  configHash: string;
  config: PublicAmnesiacConfig;
}

/** What an AmnesiacTrain bundle states. */
export interface AmnesiacTrainStatement extends AmnesiacTransitionParts {
  type: "amnesiac-train";
  /** First step proved (a public signal); the proof covers steps firstStep … firstStep + steps − 1. */
  firstStep: number;
  /** Steps per proof, 2^p of the profile. */
  steps: number;
  /** The data root (training does not change it). */
  dataRoot: string;
}

/** What an AmnesiacUnlearn bundle states. */
export interface AmnesiacUnlearnStatement extends AmnesiacTransitionParts {
  type: "amnesiac-unlearn";
  deletionDigest: string;
  oldDataRoot: string;
  newDataRoot: string;
  /** Deleted slots (index, 0x-hex leaf before), increasing. */
  deleted: { index: number; leaf: string }[];
  /**
   * The honest label in the bundle itself ("approximate unlearning: the updates of N steps that
   * used the deleted records were subtracted"). The verifier recomputes it from the deleted slots
   * and the published schedule and refuses a bundle whose label differs, so the file cannot
   * claim more than the proof shows.
   */
  label: string;
}

/** The shape of an untrusted statement's config, or undefined when it has none that is valid. */
export function shapeOf(s: Record<string, unknown>): AmnesiacShape | undefined {
  if (!isObject(s.config)) return undefined;
  const c = s.config;
  const shape = { dataDepth: c.dataDepth as number, batchLog2: c.batchLog2 as number, features: c.features as number, epochs: c.epochs as number };
  try {
    checkAmnesiacShape(shape);
    return shape;
  } catch {
    return undefined;
  }
}

/** Problems of the config against the hash, the key's shape and the policy. */
export function configProblems(s: Record<string, unknown>, configHash: bigint | undefined, manifest: KeyManifest, policy: TrainingPolicy): string[] {
  const result = amnesiacConfigProblems(s.config, configHash, poseidonLite, policy);
  const problems = [...result.problems];
  if (result.config) {
    const [D, b, F, E] = manifest.params as [number, number, number, number];
    const c = result.config;
    if (c.dataDepth !== D || c.batchLog2 !== b || c.features !== F || c.epochs !== E) {
      problems.push(`bundle.statement.config has shape (D ${c.dataDepth}, b ${c.batchLog2}, F ${c.features}, E ${c.epochs}), but profile ${manifest.profile} is built for (${D}, ${b}, ${F}, ${E})`);
    }
  }
  return problems;
}

/**
 * Problems when the readable parts (model commitments, log roots and configHash of `parts`, the
 * given data roots and step counts) do not hash (poseidon-lite) to the proved old and new states.
 */
export function stateProblems(
  parts: Record<string, bigint | undefined>, dataRoot: { old: bigint; new: bigint }, stepCount: { old: number; new: number },
  signals: readonly string[], manifest: KeyManifest,
): string[] {
  return (["old", "new"] as const).flatMap((side) => {
    const state = amnesiacStateHash(
      { dataRoot: dataRoot[side], modelCommitment: parts[`${side}ModelCommitment`]!, logRoot: parts[`${side}LogRoot`]!, stepCount: stepCount[side] },
      parts.configHash!, poseidonLite,
    );
    return state === namedSignal(`${side}State`, signals, manifest)
      ? []
      : [`bundle.statement's ${side} data root, ${side}ModelCommitment, ${side}LogRoot, step count ${stepCount[side]} and configHash do not hash to the proved ${side}State`];
  });
}

/**
 * The chain rules: one config; the chain starts at the public genesis (the first training proof
 * from step 0, the initial weights committed with salt 0, the empty log); the unit to cover is
 * the complete training, covered by the training proof that reaches the last step. With the
 * chain's state continuity from genesis that proof implies every step before it was proved.
 */
export const amnesiacModelRules: ModelRules = {
  carriesModel: true,
  configHash: (s) => textField(s, "configHash"),
  config: (s) => s.config,
  coverage: () => ({ count: 1, noun: "complete training" }),
  covers(s) {
    const shape = shapeOf(s);
    return s.type === "amnesiac-train" && shape !== undefined && (s.firstStep as number) + (s.steps as number) === totalSteps(shape) ? 0 : undefined;
  },
  emptyModelProblem(s, config) {
    if (s.type !== "amnesiac-train" || s.firstStep !== 0) return "the chain must start with the training from step 0, but its first model statement does not";
    const c = config as PublicAmnesiacConfig;
    const initial = toHex32(modelCommitment(c.initialWeights.map(BigInt), 0n, poseidonLite));
    const emptyLog = toHex32(UpdateLog.empty(c, poseidonLite).root);
    if (s.oldModelCommitment !== initial) return `the chain must start from the public initial weights (commitment ${short(initial)} with salt 0), not ${short(String(s.oldModelCommitment))}`;
    if (s.oldLogRoot !== emptyLog) return `the chain must start from the empty update log (root ${short(emptyLog)}), not ${short(String(s.oldLogRoot))}`;
    return undefined;
  },
};

/** AmnesiacTrain: 2^p mini-batch steps from firstStep on the schedule's batches, appended to the update log. */
export const amnesiacTrainStatement: StatementKind = {
  type: "amnesiac-train",
  template: "AmnesiacTrain",
  family: AMNESIAC_FAMILY,
  check(s, signals, manifest, policy) {
    const problems = signalFields(s, ["oldState", "newState"], signals, manifest);
    const parts = hexFields(s, ["dataRoot", "oldModelCommitment", "newModelCommitment", "oldLogRoot", "newLogRoot", "configHash"], problems);
    const steps = 2 ** (manifest.params[4] as number);
    const first = s.firstStep;
    if (typeof first !== "number" || !Number.isSafeInteger(first) || first < 0 || BigInt(first) !== namedSignal("firstStep", signals, manifest)) {
      problems.push("bundle.statement.firstStep must be the integer public signal firstStep");
    }
    if (s.steps !== steps) problems.push(`bundle.statement.steps must be ${steps}: profile ${manifest.profile} proves ${steps} steps`);
    problems.push(...configProblems(s, parts.configHash, manifest, policy));
    if (problems.length > 0) return problems;
    const f = first as number;
    return stateProblems(parts, { old: parts.dataRoot!, new: parts.dataRoot! }, { old: f, new: f + steps }, signals, manifest);
  },
  transition: (s) => fieldTransition(s, "genesis", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe(statement) {
    const s = statement as unknown as AmnesiacTrainStatement;
    const shape = shapeOf(statement);
    const of = shape ? ` of ${totalSteps(shape)}` : "";
    return `amnesiac training: mini-batch steps ${s.firstStep}–${s.firstStep + s.steps - 1}${of}, updates logged: state ${short(s.oldState)} → ${short(s.newState)}`;
  },
  deletedWording: () => "trained on (a training statement deletes nothing)",
  fileTag: (s) => `-step${String(s.firstStep)}`,
  model: amnesiacModelRules,
};

/** AmnesiacUnlearn: records removed, the logged updates of the steps their batches were in subtracted. */
export const amnesiacUnlearnStatement: StatementKind = {
  type: "amnesiac-unlearn",
  template: "AmnesiacUnlearn",
  family: AMNESIAC_FAMILY,
  check(s, signals, manifest, policy) {
    const [D, , , , K] = manifest.params as [number, number, number, number, number];
    const problems = signalFields(s, ["oldState", "newState", "deletionDigest"], signals, manifest);
    const parts = hexFields(s, ["oldDataRoot", "newDataRoot", "oldModelCommitment", "newModelCommitment", "oldLogRoot", "newLogRoot", "configHash"], problems);
    const slots = deletedSlots(s.deleted, { first: 0, count: 2 ** D }, K, manifest, problems);
    if (slots && slots.length === 0) problems.push("bundle.statement.deleted is empty: an unlearning deletes at least one slot");
    problems.push(...configProblems(s, parts.configHash, manifest, policy));
    if (problems.length > 0) return problems;
    if (deletionDigestOf(slots!, K) !== namedSignal("deletionDigest", signals, manifest)) problems.push("bundle.statement.deleted does not hash to the proved deletionDigest");
    const shape = shapeOf(s)!;
    const total = totalSteps(shape);
    problems.push(...stateProblems(parts, { old: parts.oldDataRoot!, new: parts.newDataRoot! }, { old: total, new: total }, signals, manifest));
    const label = amnesiacUnlearningLabel(slots!.map((d) => d.index), shape);
    if (s.label !== label) problems.push(`bundle.statement.label must say what the proof shows, ${JSON.stringify(label)}; it says ${JSON.stringify(s.label)}`);
    return problems;
  },
  transition: (s) => fieldTransition(s, "deletion", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "newDataRoot"),
  describe(statement) {
    const s = statement as unknown as AmnesiacUnlearnStatement;
    const shape = shapeOf(statement);
    let label = "approximate unlearning (the statement has no valid config or slot list to count the steps)";
    try {
      if (shape && Array.isArray(s.deleted)) label = amnesiacUnlearningLabel(s.deleted.map((d) => d.index), shape);
    } catch {
      // A slot outside the tree: keep the fallback (describe never throws).
    }
    return `${label}: state ${short(s.oldState)} → ${short(s.newState)}, ${slotList(s.deleted)}`;
  },
  deletedWording: () => "deleted, and the logged updates of the training steps whose batches held it were subtracted from the model (approximate unlearning, not a retraining)",
  fileTag: () => "",
  model: amnesiacModelRules,
  committedState(dataRoot, receipt) {
    const configHash = parseHex32(receipt.configHash);
    if (configHash === undefined) return "the receipt names no configHash, which an amnesiac workspace's state is pinned to";
    // The genesis state binds the initial weights and the log's shape: read them from the published config, checked against configHash.
    // (The training policy is the chain's concern, not the receipt's: only the hash is checked here.)
    const { config, problems } = amnesiacConfigProblems(receipt.methodConfig, undefined, poseidonLite, DEFAULT_TRAINING_POLICY, "receipt.methodConfig");
    if (!config) return problems.join("; ");
    if (amnesiacConfigHash(config, poseidonLite) !== configHash) return "the receipt's methodConfig does not hash to its configHash: it is not the config the committed state is pinned to";
    return amnesiacGenesisState(dataRoot, config, poseidonLite);
  },
};
