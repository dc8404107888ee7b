import { poseidon1, poseidon2, poseidon3, poseidon4, poseidon5, poseidon6, poseidon7, poseidon8, poseidon9,
  poseidon10, poseidon11, poseidon12, poseidon13, poseidon14, poseidon15, poseidon16 } from "poseidon-lite";
import { SNARK_FIELD } from "../field.ts";
import { spongeWith } from "../crypto/sponge.ts";
import type { KeyManifest } from "../keys/manifest.ts";
import { parseDecimal, parseHex32 } from "./fieldText.ts";
import type { DeletionStatement, Statement } from "./types.ts";

/**
 * What the verifier knows about each statement: which template proves it, and how its
 * readable form must agree with the public signals. Poseidon here is poseidon-lite, an
 * implementation independent of the prover's circomlibjs, so the verifier shares no hashing
 * code with the prover and runs in a browser.
 */

const POSEIDON_BY_ARITY = [poseidon1, poseidon2, poseidon3, poseidon4, poseidon5, poseidon6, poseidon7, poseidon8,
  poseidon9, poseidon10, poseidon11, poseidon12, poseidon13, poseidon14, poseidon15, poseidon16];

/** Poseidon with circomlib parameters for 1..16 inputs (poseidon-lite). */
export function poseidonLite(inputs: readonly bigint[]): bigint {
  const fn = POSEIDON_BY_ARITY[inputs.length - 1];
  if (!fn) throw new RangeError(`Poseidon takes 1 to 16 inputs, got ${inputs.length}`);
  return fn([...inputs]);
}

/**
 * The deletion digest: Poseidon sponge over (index_0, leaf_0, …, index_{K-1}, leaf_{K-1}),
 * deleted slots in increasing index order, padded with (0, 0) pairs up to K.
 */
export function deletionDigestOf(deleted: readonly { index: number; leaf: bigint }[], maxDeletions: number): bigint {
  const values: bigint[] = [];
  for (let j = 0; j < maxDeletions; j++) {
    const slot = deleted[j];
    values.push(slot ? BigInt(slot.index) : 0n, slot ? slot.leaf : 0n);
  }
  return spongeWith(poseidonLite, values);
}

/** Statement type a template proves. */
export const STATEMENT_OF_TEMPLATE: Readonly<Record<string, Statement["type"]>> = {
  DatasetDeletion: "dataset-deletion",
};

/**
 * Checks that a statement agrees with the public signals and the key's parameters.
 * Returns the problems found (empty if none). Never throws.
 */
export function checkStatement(statement: unknown, signals: readonly string[], manifest: KeyManifest): string[] {
  const expected = STATEMENT_OF_TEMPLATE[manifest.template];
  if (!expected) return [`the key for profile ${manifest.profile} proves template ${manifest.template}, which this verifier does not know`];
  if (!isObject(statement)) return ["bundle.statement is not an object"];
  if (statement.type !== expected) {
    return [`bundle.statement.type is ${JSON.stringify(statement.type)} but profile ${manifest.profile} proves "${expected}"`];
  }
  switch (expected) {
    case "dataset-deletion":
      return checkDeletion(statement as Partial<DeletionStatement>, signals, manifest);
  }
}

function checkDeletion(s: Partial<DeletionStatement>, signals: readonly string[], manifest: KeyManifest): string[] {
  const problems: string[] = [];
  const [depth, maxDeletions] = manifest.params as [number, number];
  const named = (name: string): bigint | undefined => parseDecimal(signals[manifest.publicSignals.indexOf(name)]);
  for (const field of ["oldRoot", "newRoot", "deletionDigest"] as const) {
    const value = parseHex32(s[field]);
    if (value === undefined) problems.push(`bundle.statement.${field} is not a 0x-prefixed 64-digit hex field element`);
    else if (value >= SNARK_FIELD) problems.push(`bundle.statement.${field} is outside the BN254 scalar field`);
    else if (value !== named(field)) problems.push(`bundle.statement.${field} does not match public signal ${field}`);
  }
  if (!Array.isArray(s.deleted)) return [...problems, "bundle.statement.deleted is not a list"];
  if (s.deleted.length === 0) problems.push("bundle.statement.deleted is empty: a deletion proof deletes at least one slot");
  if (s.deleted.length > maxDeletions) {
    problems.push(`bundle.statement.deleted lists ${s.deleted.length} slots; profile ${manifest.profile} proves at most ${maxDeletions}`);
    return problems;
  }
  const slots: { index: number; leaf: bigint }[] = [];
  s.deleted.forEach((slot: unknown, i: number) => {
    const where = `bundle.statement.deleted[${i}]`;
    if (!isObject(slot)) { problems.push(`${where} is not an object`); return; }
    const index = slot.index;
    const leaf = parseHex32(slot.leaf);
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= 2 ** depth) {
      problems.push(`${where}.index must be an integer slot index in [0, 2^${depth})`);
    } else if (slots.length > 0 && index <= slots[slots.length - 1]!.index) {
      problems.push(`${where}.index ${index} is not greater than the previous index: slots must be distinct and sorted`);
    }
    if (leaf === undefined || leaf === 0n || leaf >= SNARK_FIELD) problems.push(`${where}.leaf must be a non-zero 0x-hex field element`);
    if (problems.length === 0) slots.push({ index: index as number, leaf: leaf! });
  });
  if (problems.length === 0 && deletionDigestOf(slots, maxDeletions) !== named("deletionDigest")) {
    problems.push("bundle.statement.deleted does not hash to the proved deletionDigest");
  }
  return problems;
}

/** Narrowing helper for untrusted JSON. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
