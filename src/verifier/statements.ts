import { SNARK_FIELD } from "../field.ts";
import type { KeyManifest } from "../keys/manifest.ts";
import { DEFAULT_TRAINING_POLICY, publicConfigProblems, type TrainingPolicy } from "../ml/publicConfig.ts";
import { parseDecimal, parseHex32 } from "./fieldText.ts";
import { shardDeletionDigest } from "../sisa/digest.ts";
import { stateHash } from "../sisa/model.ts";
import { slotDigest } from "../statements/slotDigest.ts";
import { poseidonOfArity } from "./poseidonTable.ts";
import type { AccuracyStatement, DeletionStatement, ShardRetrainStatement, Statement } from "./types.ts";

/**
 * What the verifier knows about each statement: which template proves it, and how its
 * readable form must agree with the public signals. Poseidon here is poseidon-lite, an
 * implementation independent of the prover's circomlibjs, so the verifier shares no hashing
 * code with the prover and runs in a browser.
 */

/** Poseidon with circomlib parameters for 1..16 inputs (poseidon-lite; in a page, src/verifier/poseidonGrain.ts). */
export function poseidonLite(inputs: readonly bigint[]): bigint {
  const fn = poseidonOfArity(inputs.length);
  if (!fn) throw new RangeError(`Poseidon takes 1 to 16 inputs, got ${inputs.length}`);
  return fn([...inputs]);
}

/**
 * The dataset-deletion digest (statements/slotDigest.ts, no prefix), with poseidon-lite.
 * @throws RangeError for a list the digest does not accept (unsorted, zero leaf, more than K)
 */
export function deletionDigestOf(deleted: readonly { index: number; leaf: bigint }[], maxDeletions: number): bigint {
  return slotDigest([], deleted, maxDeletions, poseidonLite);
}

/** Statement type a template proves. */
export const STATEMENT_OF_TEMPLATE: Readonly<Record<string, Statement["type"]>> = {
  DatasetDeletion: "dataset-deletion",
  ShardRetrain: "shard-retrain",
  ModelAccuracy: "model-accuracy",
};

/**
 * Checks that a statement agrees with the public signals and the key's parameters.
 * Returns the problems found (empty if none). Never throws.
 */
export function checkStatement(
  statement: unknown,
  signals: readonly string[],
  manifest: KeyManifest,
  policy: TrainingPolicy = DEFAULT_TRAINING_POLICY,
): string[] {
  const expected = STATEMENT_OF_TEMPLATE[manifest.template];
  if (!expected) return [`the key for profile ${manifest.profile} proves template ${manifest.template}, which this verifier does not know`];
  if (!isObject(statement)) return ["bundle.statement is not an object"];
  if (statement.type !== expected) {
    return [`bundle.statement.type is ${JSON.stringify(statement.type)} but profile ${manifest.profile} proves "${expected}"`];
  }
  switch (expected) {
    case "dataset-deletion":
      return checkDeletion(statement as Partial<DeletionStatement>, signals, manifest);
    case "shard-retrain":
      return checkShardRetrain(statement as Partial<ShardRetrainStatement>, signals, manifest, policy);
    case "model-accuracy":
      return checkAccuracy(statement as Partial<AccuracyStatement>, signals, manifest, policy);
  }
}

/**
 * The readable config of a model-bearing statement: it must hash to the statement's configHash
 * (with poseidon-lite), fit the key's template parameters (`fixed`: config field → the value the
 * profile fixes) and pass the verifier's policy.
 */
function checkConfig(
  config: unknown,
  claimedHash: bigint | undefined,
  fixed: Partial<Record<"shardDepth" | "dataDepth" | "features" | "epochs" | "maxDeletions", number>>,
  manifest: KeyManifest,
  policy: TrainingPolicy,
): string[] {
  const result = publicConfigProblems(config, claimedHash, poseidonLite, policy, "bundle.statement.config");
  const problems = [...result.problems];
  if (result.config) {
    for (const [field, value] of Object.entries(fixed)) {
      const actual = result.config[field as keyof typeof fixed];
      if (actual !== value) problems.push(`bundle.statement.config.${field} is ${actual}, but profile ${manifest.profile} is built for ${value}`);
    }
  }
  return problems;
}

function checkDeletion(s: Partial<DeletionStatement>, signals: readonly string[], manifest: KeyManifest): string[] {
  const [depth, maxDeletions] = manifest.params as [number, number];
  const problems = signalFields(s, ["oldRoot", "newRoot", "deletionDigest"], signals, manifest);
  const slots = deletedSlots(s.deleted, { first: 0, count: 2 ** depth }, maxDeletions, manifest, problems);
  if (slots && slots.length === 0) problems.push("bundle.statement.deleted is empty: a deletion proof deletes at least one slot");
  if (problems.length === 0 && deletionDigestOf(slots!, maxDeletions) !== namedSignal("deletionDigest", signals, manifest)) {
    problems.push("bundle.statement.deleted does not hash to the proved deletionDigest");
  }
  return problems;
}

function checkShardRetrain(s: Partial<ShardRetrainStatement>, signals: readonly string[], manifest: KeyManifest, policy: TrainingPolicy): string[] {
  const [shardDepth, dataDepth, features, epochs, maxDeletions] = manifest.params as [number, number, number, number, number];
  const problems = signalFields(s, ["oldState", "newState", "deletionDigest"], signals, manifest);
  const parts = hexFields(s, ["oldDataRoot", "newDataRoot", "oldModelRoot", "newModelRoot", "configHash"], problems);
  const shard = s.shard;
  if (typeof shard !== "number" || !Number.isInteger(shard) || shard < 0 || shard >= 2 ** shardDepth) {
    problems.push(`bundle.statement.shard must be an integer in [0, 2^${shardDepth})`);
    return problems;
  }
  const size = 2 ** (dataDepth - shardDepth);
  const slots = deletedSlots(s.deleted, { first: shard * size, count: size }, maxDeletions, manifest, problems);
  if (problems.length > 0) return problems;
  // state = Poseidon(dataRoot, modelRoot, configHash): the readable roots must be the proved states.
  if (stateHash(parts.oldDataRoot!, parts.oldModelRoot!, parts.configHash!, poseidonLite) !== namedSignal("oldState", signals, manifest)) {
    problems.push("bundle.statement.oldDataRoot/oldModelRoot/configHash do not hash to the proved oldState");
  }
  if (stateHash(parts.newDataRoot!, parts.newModelRoot!, parts.configHash!, poseidonLite) !== namedSignal("newState", signals, manifest)) {
    problems.push("bundle.statement.newDataRoot/newModelRoot/configHash do not hash to the proved newState");
  }
  if (shardDeletionDigest(shard, slots!, maxDeletions, poseidonLite) !== namedSignal("deletionDigest", signals, manifest)) {
    problems.push("bundle.statement.shard and deleted do not hash to the proved deletionDigest");
  }
  problems.push(...checkConfig(s.config, parts.configHash, { shardDepth, dataDepth, features, epochs, maxDeletions }, manifest, policy));
  return problems;
}

function checkAccuracy(s: Partial<AccuracyStatement>, signals: readonly string[], manifest: KeyManifest, policy: TrainingPolicy): string[] {
  const [shardDepth, features, testDepth] = manifest.params as [number, number, number];
  const slots = 2 ** testDepth;
  const problems = signalFields(s, ["state", "testRoot"], signals, manifest);
  const parts = hexFields(s, ["dataRoot", "modelRoot", "configHash"], problems);
  // correct and total are public signals too: readable integers that must equal them, with
  // correct ≤ total ≤ the profile's test slots (the circuit counts each slot at most once).
  const counts: Partial<Record<"correct" | "total", number>> = {};
  for (const field of ["correct", "total"] as const) {
    const value = s[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > slots) {
      problems.push(`bundle.statement.${field} must be an integer in [0, ${slots}] (profile ${manifest.profile} has ${slots} test slots)`);
    } else if (BigInt(value) !== namedSignal(field, signals, manifest)) {
      problems.push(`bundle.statement.${field} does not match public signal ${field}`);
    } else {
      counts[field] = value;
    }
  }
  if (counts.correct !== undefined && counts.total !== undefined && counts.correct > counts.total) {
    problems.push(`bundle.statement.correct (${counts.correct}) exceeds bundle.statement.total (${counts.total})`);
  }
  if (problems.length > 0) return problems;
  // state = Poseidon(dataRoot, modelRoot, configHash): the readable parts must be the proved state.
  if (stateHash(parts.dataRoot!, parts.modelRoot!, parts.configHash!, poseidonLite) !== namedSignal("state", signals, manifest)) {
    problems.push("bundle.statement.dataRoot/modelRoot/configHash do not hash to the proved state");
  }
  problems.push(...checkConfig(s.config, parts.configHash, { shardDepth, features }, manifest, policy));
  if (isObject(s.config) && s.config.testRoot !== s.testRoot) {
    problems.push("bundle.statement.testRoot is not the test root of bundle.statement.config: the accuracy would be on another test set than the one committed");
  }
  return problems;
}

function namedSignal(name: string, signals: readonly string[], manifest: KeyManifest): bigint | undefined {
  return parseDecimal(signals[manifest.publicSignals.indexOf(name)]);
}

/** Checks 0x-hex statement fields that are also public signals; returns the problems. */
function signalFields(s: Record<string, unknown>, fields: readonly string[], signals: readonly string[], manifest: KeyManifest): string[] {
  const problems: string[] = [];
  const values = hexFields(s, fields, problems);
  for (const field of fields) {
    if (values[field] !== undefined && values[field] !== namedSignal(field, signals, manifest)) {
      problems.push(`bundle.statement.${field} does not match public signal ${field}`);
    }
  }
  return problems;
}

/** Parses 0x-hex field elements of a statement, adding a problem for each bad one. */
function hexFields(s: Record<string, unknown>, fields: readonly string[], problems: string[]): Record<string, bigint | undefined> {
  const out: Record<string, bigint | undefined> = {};
  for (const field of fields) {
    const value = parseHex32(s[field]);
    if (value === undefined) problems.push(`bundle.statement.${field} is not a 0x-prefixed 64-digit hex field element`);
    else if (value >= SNARK_FIELD) problems.push(`bundle.statement.${field} is outside the BN254 scalar field`);
    else out[field] = value;
  }
  return out;
}

/**
 * Parses the deleted-slot list: at most K entries, indices strictly increasing inside
 * `range`, non-zero leaves. Adds problems and returns undefined when it is unusable.
 */
function deletedSlots(
  deleted: unknown,
  range: { first: number; count: number },
  maxDeletions: number,
  manifest: KeyManifest,
  problems: string[],
): { index: number; leaf: bigint }[] | undefined {
  if (!Array.isArray(deleted)) {
    problems.push("bundle.statement.deleted is not a list");
    return undefined;
  }
  if (deleted.length > maxDeletions) {
    problems.push(`bundle.statement.deleted lists ${deleted.length} slots; profile ${manifest.profile} proves at most ${maxDeletions}`);
    return undefined;
  }
  const before = problems.length;
  const slots: { index: number; leaf: bigint }[] = [];
  deleted.forEach((slot: unknown, i: number) => {
    const where = `bundle.statement.deleted[${i}]`;
    if (!isObject(slot)) { problems.push(`${where} is not an object`); return; }
    const index = slot.index;
    const leaf = parseHex32(slot.leaf);
    const last = range.first + range.count;
    if (typeof index !== "number" || !Number.isInteger(index) || index < range.first || index >= last) {
      problems.push(`${where}.index must be an integer slot index in [${range.first}, ${last})`);
    } else if (slots.length > 0 && index <= slots[slots.length - 1]!.index) {
      problems.push(`${where}.index ${index} is not greater than the previous index: slots must be distinct and sorted`);
    }
    if (leaf === undefined || leaf === 0n || leaf >= SNARK_FIELD) problems.push(`${where}.leaf must be a non-zero 0x-hex field element`);
    if (problems.length === before) slots.push({ index: index as number, leaf: leaf! });
  });
  return problems.length === before ? slots : undefined;
}

/** Narrowing helper for untrusted JSON. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One line saying what a statement claims, for reports and the CLI. */
export function describeStatement(s: Statement): string {
  const short = (hex: string) => `${hex.slice(0, 10)}…`;
  if (s.type === "model-accuracy") {
    const percent = s.total === 0 ? "no live test records" : `${((100 * s.correct) / s.total).toFixed(1)} %`;
    return `accuracy ≥ ${s.correct}/${s.total}, proved for state ${short(s.state)} on the committed test set ${short(s.testRoot)} (${percent})`;
  }
  const slots = s.deleted.length === 0 ? "no slots deleted" : `deleted slots ${s.deleted.map((d) => d.index).join(", ")}`;
  switch (s.type) {
    case "dataset-deletion":
      return `dataset deletion: dataRoot ${short(s.oldRoot)} → ${short(s.newRoot)}, ${slots}`;
    case "shard-retrain":
      return `shard ${s.shard} ${s.deleted.length === 0 ? "genesis training" : "retrained without the deleted records"}: ` +
        `state ${short(s.oldState)} → ${short(s.newState)}, ${slots}`;
  }
}
