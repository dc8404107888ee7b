import { SNARK_FIELD } from "../field.ts";
import type { KeyManifest } from "../keys/manifest.ts";
import { publicConfigProblems, type TrainingPolicy } from "../ml/publicConfig.ts";
import { slotDigest } from "../statements/slotDigest.ts";
import { parseDecimal, parseHex32 } from "./fieldText.ts";
import { poseidonOfArity } from "./poseidonTable.ts";

/**
 * The parsing helpers every method's statement checks share: public signals by name, 0x-hex
 * fields, deleted-slot lists, published configs. Each adds problems as sentences naming the
 * bundle field; none throws. Poseidon here is poseidon-lite, an implementation independent of
 * the prover's circomlibjs, so the verifier shares no hashing code with the prover and runs in
 * a browser. Imports no method, so method folders can import it without a cycle.
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

/** Narrowing helper for untrusted JSON. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The public signal called `name` in the key's signal order, as a field element. */
export function namedSignal(name: string, signals: readonly string[], manifest: KeyManifest): bigint | undefined {
  return parseDecimal(signals[manifest.publicSignals.indexOf(name)]);
}

/** Checks 0x-hex statement fields that are also public signals; returns the problems. */
export function signalFields(s: Record<string, unknown>, fields: readonly string[], signals: readonly string[], manifest: KeyManifest): string[] {
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
export function hexFields(s: Record<string, unknown>, fields: readonly string[], problems: string[]): Record<string, bigint | undefined> {
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
export function deletedSlots(
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

/**
 * The readable config of a model-bearing statement: it must hash to the statement's configHash
 * (with poseidon-lite), fit the key's template parameters (`fixed`: config field → the value the
 * profile fixes) and pass the verifier's policy.
 */
export function trainingConfigProblems(
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

/** A 0x-hex value shortened for messages: 0x12345678…. */
export function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 10)}…` : hex;
}

/** `field` of an untrusted statement when it is a string. */
export function textField(statement: Record<string, unknown>, field: string): string | undefined {
  return typeof statement[field] === "string" ? (statement[field] as string) : undefined;
}

/**
 * An accuracy statement's `correct` and `total`: public signals too, so readable integers that
 * must equal them, with correct ≤ total ≤ the profile's test slots (the circuit counts each slot
 * at most once). Returns the problems.
 */
export function accuracyCountProblems(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest, slots: number): string[] {
  const problems: string[] = [];
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
  return problems;
}
