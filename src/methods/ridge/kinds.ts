/**
 * Ridge (model shifting), verifier side: the statement kinds of the genesis
 * (circuits/ridgeGenesis.circom with its embedded batch proofs), the deletion by model shift
 * (ridgeDeletion.circom), the class forgetting (ridgeClassForget.circom) and the accuracy
 * attestation (ridgeAccuracy.circom). Browser-safe: poseidon-lite only, no prover.
 *
 * A ridge state is Poseidon(dataRoot, statsCommitment, modelCommitment, configHash). Each
 * statement carries the four parts of its states in the clear — the statistics and model
 * commitments are salted hashes, so they reveal nothing — and the verifier hashes them to the
 * proved states, so every statement is pinned to its configHash, and hashes the published config
 * (λ, the test-set root, D, d, C) to that configHash. The untrained state a workspace commits is
 * Poseidon(dataRoot, 0, 0, configHash), recomputed by the verifier from the genesis proof's public
 * dataRoot and configHash: the chain's first state is not the controller's word.
 */
import type { KeyManifest } from "../../keys/manifest.ts";
import { parseDecimal, parseHex32, toHex32 } from "../../verifier/fieldText.ts";
import {
  accuracyCountProblems, deletedSlots, deletionDigestOf, hexFields, isObject, namedSignal, poseidonLite, short, signalFields, textField,
} from "../../verifier/statementFields.ts";
import { slotList } from "../deletion/statement.ts";
import { fieldTransition, type ModelRules, type StatementKind } from "../statementKind.ts";
import { weightErrorBound } from "./bounds.ts";
import { RIDGE_METHOD_NAME, ridgeConfigHash, validateRidgeConfig, type RidgeConfig } from "./config.ts";
import { genesisBatchProblems, genesisEmbeddedProofs } from "./genesisCheck.ts";
import { ridgeStateHash, untrainedRidgeState } from "./stateHash.ts";

/** The family name of the ridge statements (StatementKind.family): one chain mixes their profiles. */
export const RIDGE_FAMILY = "ridge";

/** The published ridge config of a statement: what the config hash is taken over. */
export interface RidgePublicConfig {
  method: typeof RIDGE_METHOD_NAME;
  depth: number;
  features: number;
  classes: number;
  /** λ in fixed point (scale 2^16), decimal. */
  lambda: string;
  /** 0x-hex root of the committed test set (0 when none). */
  testRoot: string;
}

/** The config as published in statements and receipts. */
export function ridgePublicConfig(config: RidgeConfig): RidgePublicConfig {
  return {
    method: RIDGE_METHOD_NAME, depth: config.depth, features: config.features, classes: config.classes,
    lambda: config.lambda.toString(), testRoot: toHex32(config.testRoot),
  };
}

/** Reads a published ridge config; the problems name the field. */
export function parseRidgePublicConfig(value: unknown, at = "bundle.statement.config"): { config: RidgeConfig } | { problems: string[] } {
  if (!isObject(value)) return { problems: [`${at} must be the published ridge config object`] };
  const problems: string[] = [];
  if (value.method !== RIDGE_METHOD_NAME) problems.push(`${at}.method must be ${JSON.stringify(RIDGE_METHOD_NAME)}`);
  const int = (field: string): number => {
    const v = value[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) problems.push(`${at}.${field} must be an integer`);
    return v as number;
  };
  const depth = int("depth"), features = int("features"), classes = int("classes");
  const lambda = typeof value.lambda === "string" && /^[0-9]+$/.test(value.lambda) ? parseDecimal(value.lambda) : undefined;
  if (lambda === undefined) problems.push(`${at}.lambda must be λ·2^16 as a decimal string`);
  const testRoot = parseHex32(value.testRoot);
  if (testRoot === undefined) problems.push(`${at}.testRoot must be a 0x-hex field element`);
  if (problems.length > 0) return { problems };
  const config: RidgeConfig = { depth, features, classes, lambda: lambda!, testRoot: testRoot! };
  try {
    validateRidgeConfig(config);
  } catch (error) {
    return { problems: [`${at}: ${(error as Error).message}`] };
  }
  return { config };
}

/**
 * The published config against the statement's configHash and the key's parameters: it must
 * parse, have the profile's D, d and C, and hash (poseidon-lite) to `claimedHash`.
 */
export function ridgeConfigProblems(value: unknown, claimedHash: bigint | undefined, shape: { depth: number; features: number; classes: number }, manifest: KeyManifest): string[] {
  const parsed = parseRidgePublicConfig(value);
  if ("problems" in parsed) return parsed.problems;
  const { config } = parsed;
  const problems: string[] = [];
  for (const field of ["depth", "features", "classes"] as const) {
    if (config[field] !== shape[field]) problems.push(`bundle.statement.config.${field} is ${config[field]}, but profile ${manifest.profile} proves ${field} ${shape[field]}`);
  }
  if (problems.length === 0 && claimedHash !== undefined && ridgeConfigHash(config, poseidonLite) !== claimedHash) {
    problems.push("bundle.statement.config does not hash to bundle.statement.configHash: the published λ, test root or shape is not the one proved");
  }
  return problems;
}

/** Problems when the parts `prefix`DataRoot… do not hash to the proved state signal `signal`. */
function stateParts(s: Record<string, unknown>, parts: Record<string, bigint | undefined>, names: [string, string, string], signal: string, signals: readonly string[], manifest: KeyManifest): string[] {
  const [data, stats, model] = names.map((n) => parts[n]!) as [bigint, bigint, bigint];
  return ridgeStateHash(data, stats, model, parts.configHash!, poseidonLite) === namedSignal(signal, signals, manifest)
    ? []
    : [`bundle.statement.${names.join("/")}/configHash do not hash to the proved ${signal}`];
}

/** A transition's old and new parts against its proved states, and its published config against its configHash. */
function transitionProblems(
  s: Record<string, unknown>, parts: Record<string, bigint | undefined>, [oldNames, newNames]: [[string, string, string], [string, string, string]],
  signals: readonly string[], manifest: KeyManifest, shape: { depth: number; features: number; classes: number },
): string[] {
  return [
    ...stateParts(s, parts, oldNames, "oldState", signals, manifest),
    ...stateParts(s, parts, newNames, "newState", signals, manifest),
    ...ridgeConfigProblems(s.config, parts.configHash, shape, manifest),
  ];
}

/** The ‖W'−W*‖ bound of a published config, in words. */
function boundWords(config: unknown): string {
  const parsed = parseRidgePublicConfig(config);
  if ("problems" in parsed) return "within the proof's residual bound of the exact ridge solution";
  const { depth, features, lambda } = parsed.config;
  return `within ‖W'−W*‖ ≤ ${weightErrorBound(depth, features, lambda).toExponential(2)} (per class, λ = ${Number(lambda) / 65536}) of the exact ridge solution`;
}

/** The chain rules of every ridge statement: one config; the chain starts untrained; the genesis covers the model. */
function ridgeModelRules(carriesModel: boolean): ModelRules {
  return {
    carriesModel,
    configHash: (s) => textField(s, "configHash"),
    config: (s) => s.config,
    coverage: () => ({ count: 1, noun: "ridge genesis" }),
    covers: (s) => (s.type === "ridge-genesis" ? 0 : undefined),
    emptyModelProblem: (s) => (s.type === "ridge-genesis"
      ? undefined
      : `a ridge chain starts from its untrained state with the genesis proof, but at its starting state this ${String(s.type)} statement comes first`),
  };
}

/** The ridge genesis: the statistics of every committed record (by its batch proofs), and the model solving them. */
export const ridgeGenesisStatement: StatementKind = {
  type: "ridge-genesis",
  template: "RidgeGenesis",
  family: RIDGE_FAMILY,
  check(s, signals, manifest) {
    const [depth, , features, classes] = manifest.params as [number, number, number, number];
    const problems = signalFields(s, ["dataRoot", "configHash"], signals, manifest);
    const parts = hexFields(s, ["oldState", "newState", "dataRoot", "statsCommitment", "modelCommitment", "configHash"], problems);
    if (problems.length > 0) return problems;
    if (parts.newState !== namedSignal("state", signals, manifest)) problems.push("bundle.statement.newState does not match public signal state");
    // The untrained state is recomputed from public values, never taken from the statement.
    if (parts.oldState !== untrainedRidgeState(parts.dataRoot!, parts.configHash!, poseidonLite)) {
      problems.push("bundle.statement.oldState is not the untrained ridge state Poseidon(dataRoot, 0, 0, configHash) of the proved dataRoot and configHash");
    }
    problems.push(...stateParts(s, parts, ["dataRoot", "statsCommitment", "modelCommitment"], "state", signals, manifest));
    problems.push(...ridgeConfigProblems(s.config, parts.configHash, { depth, features, classes }, manifest));
    problems.push(...genesisBatchProblems(s, signals, manifest));
    return problems;
  },
  embeddedProofs: genesisEmbeddedProofs,
  transition: (s) => fieldTransition(s, "genesis", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe: (s) => `ridge genesis: the statistics of every committed record, in ${Array.isArray(s.batches) ? s.batches.length : "?"} batch proofs, ` +
    `and a model ${boundWords(s.config)}: state ${short(String(s.oldState))} → ${short(String(s.newState))}`,
  deletedWording: () => "trained on (a genesis deletes nothing)",
  fileTag: () => "",
  model: ridgeModelRules(true),
};

/** The ridge deletion by model shift: up to K slots emptied, their contributions subtracted, the new model solving the new statistics. */
export const ridgeDeletionStatement: StatementKind = {
  type: "ridge-deletion",
  template: "RidgeDeletion",
  family: RIDGE_FAMILY,
  check(s, signals, manifest) {
    const [depth, features, classes, maxDeletions] = manifest.params as [number, number, number, number];
    const problems = signalFields(s, ["oldState", "newState", "deletionDigest"], signals, manifest);
    const parts = hexFields(s, ["oldDataRoot", "oldStatsCommitment", "oldModelCommitment", "newDataRoot", "newStatsCommitment", "newModelCommitment", "configHash"], problems);
    const slots = deletedSlots(s.deleted, { first: 0, count: 2 ** depth }, maxDeletions, manifest, problems);
    if (slots && slots.length === 0) problems.push("bundle.statement.deleted is empty: a deletion proof deletes at least one slot");
    if (problems.length > 0) return problems;
    if (deletionDigestOf(slots!, maxDeletions) !== namedSignal("deletionDigest", signals, manifest)) problems.push("bundle.statement.deleted does not hash to the proved deletionDigest");
    return [...problems, ...transitionProblems(s, parts, [["oldDataRoot", "oldStatsCommitment", "oldModelCommitment"], ["newDataRoot", "newStatsCommitment", "newModelCommitment"]], signals, manifest, { depth, features, classes })];
  },
  transition: (s) => fieldTransition(s, "retrain", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "newDataRoot"),
  describe: (s) => `ridge deletion by model shift: state ${short(String(s.oldState))} → ${short(String(s.newState))}, ` +
    `${slotList(Array.isArray(s.deleted) ? (s.deleted as { index: number }[]) : [])}; the new model is ${boundWords(s.config)} on the remaining records`,
  deletedWording: (s) => `deleted, and the ridge model was shifted to the solution without it, ${boundWords(s.config)}`,
  fileTag: () => "-ridge",
  model: ridgeModelRules(true),
  committedState(dataRoot, receipt) {
    const configHash = parseHex32(receipt.configHash);
    return configHash === undefined ? "the receipt names no configHash, which a ridge workspace's state is pinned to" : untrainedRidgeState(dataRoot, configHash, poseidonLite);
  },
};

/** The ridge class forgetting: class c's statistics zeroed, the others unchanged, c never predicted again. */
export const ridgeClassForgetStatement: StatementKind = {
  type: "ridge-class-forget",
  template: "RidgeClassForget",
  family: RIDGE_FAMILY,
  check(s, signals, manifest) {
    const [depth, features, classes] = manifest.params as [number, number, number];
    const problems = signalFields(s, ["oldState", "newState"], signals, manifest);
    const parts = hexFields(s, ["dataRoot", "oldStatsCommitment", "oldModelCommitment", "newStatsCommitment", "newModelCommitment", "configHash"], problems);
    const cls = s.forgottenClass;
    if (typeof cls !== "number" || !Number.isInteger(cls) || cls < 0 || cls >= classes) problems.push(`bundle.statement.forgottenClass must be a class 0..${classes - 1}`);
    else if (BigInt(cls) !== namedSignal("forgottenClass", signals, manifest)) problems.push("bundle.statement.forgottenClass does not match public signal forgottenClass: the proof forgot another class");
    if (problems.length > 0) return problems;
    return transitionProblems(s, parts, [["dataRoot", "oldStatsCommitment", "oldModelCommitment"], ["dataRoot", "newStatsCommitment", "newModelCommitment"]], signals, manifest, { depth, features, classes });
  },
  transition: (s) => fieldTransition(s, "retrain", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe: (s) => `ridge class forgetting: every record of class ${String(s.forgottenClass)} removed from the statistics in one proof, ` +
    `the model never predicts it again and is ${boundWords(s.config)} on the other classes: state ${short(String(s.oldState))} → ${short(String(s.newState))}`,
  deletedWording: (s) => `forgotten with its whole class ${String(s.forgottenClass)} (the record stays in the data tree)`,
  fileTag: (s) => `-class${String(s.forgottenClass)}`,
  model: ridgeModelRules(true),
};

/** The committed ridge model classifies exactly `correct` of the `total` live records of the committed test set. */
export const ridgeAccuracyStatement: StatementKind = {
  type: "ridge-accuracy",
  template: "RidgeAccuracy",
  family: RIDGE_FAMILY,
  check(s, signals, manifest) {
    const [depth, features, classes, testDepth] = manifest.params as [number, number, number, number];
    const problems = signalFields(s, ["state", "testRoot"], signals, manifest);
    const parts = hexFields(s, ["dataRoot", "statsCommitment", "modelCommitment", "configHash"], problems);
    problems.push(...accuracyCountProblems(s, signals, manifest, 2 ** testDepth));
    if (problems.length > 0) return problems;
    problems.push(...stateParts(s, parts, ["dataRoot", "statsCommitment", "modelCommitment"], "state", signals, manifest));
    problems.push(...ridgeConfigProblems(s.config, parts.configHash, { depth, features, classes }, manifest));
    if (isObject(s.config) && s.config.testRoot !== s.testRoot) problems.push("bundle.statement.testRoot is not the test root of bundle.statement.config: the accuracy would be on another test set than the one committed");
    return problems;
  },
  transition: (s) => fieldTransition(s, "accuracy", "state", "state"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe: (s) => `ridge accuracy ≥ ${String(s.correct)}/${String(s.total)}, proved for state ${short(String(s.state))} on the committed test set ${short(String(s.testRoot))}`,
  deletedWording: () => "attested (an accuracy statement deletes nothing)",
  fileTag: () => "",
  model: ridgeModelRules(false),
};
