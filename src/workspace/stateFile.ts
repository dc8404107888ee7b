import { CommittedDataset, type CommittedSlot, type DatasetSnapshot, type DeletedSlotRecord } from "../dataset/commitment.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { toHex32 } from "../verifier/fieldText.ts";

/**
 * The controller's private state as JSON: an envelope (the method, the profile, the state and
 * data root it is at), the committed dataset (records and salts), and the method's own fields
 * (for SISA: the training config, the shard models with their salts and the committed held-out
 * test set; see src/methods/<method>/workspace.ts). It is stored as the ledger's snapshot (see ledger/ledger.ts), replaced in
 * the same transaction as each appended entry. Parsing validates everything and names the
 * source and the JSON path of anything wrong.
 */

/** Format tag and version of a state document. Version 1 was the old `state.json` file. */
export const STATE_FORMAT = "zkforget-state";
export const STATE_VERSION = 2;

/**
 * What every state document holds, whatever the method: its kind (the method), the profile and
 * the committed dataset. `fields` are the method's own (see WorkspaceMethod.serialise/restore).
 */
export interface StateEnvelope {
  /** The workspace kind (the method), as registered in src/methods/workspaceMethods.ts. */
  kind: string;
  /** Profile the workspace proves under. */
  profile: string;
  dataset: DatasetSnapshot;
  /** The method's own fields, as JSON. */
  fields: Record<string, unknown>;
}

/** Hashes a state document records, for the reader to compare with what it recomputes. */
export interface RecordedRoots {
  /** The state the document is at: the data root (deletion) or Poseidon(dataRoot, modelRoot, configHash). */
  state: bigint;
  dataRoot: bigint;
}

/** Raised for an unreadable or invalid state document. */
export class StateFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "StateFileError";
  }
}

/** Fields of the envelope; a method's fields may not use these names. */
const ENVELOPE_FIELDS = ["format", "version", "kind", "profile", "state", "dataRoot", "dataset"];

/** Serialises a state document (bigints as 0x-hex or decimal strings). */
export function serialiseState(state: StateEnvelope, roots: RecordedRoots): string {
  const clash = Object.keys(state.fields).find((f) => ENVELOPE_FIELDS.includes(f));
  if (clash !== undefined) throw new Error(`internal error: the ${state.kind} method's state field ${clash} is an envelope field`);
  return JSON.stringify({
    format: STATE_FORMAT,
    version: STATE_VERSION,
    kind: state.kind,
    profile: state.profile,
    state: toHex32(roots.state),
    dataRoot: toHex32(roots.dataRoot),
    dataset: datasetJson(state.dataset),
    ...state.fields,
  });
}

/** A committed dataset's snapshot as JSON (the form StateReader.dataset reads). */
export function datasetJson(d: DatasetSnapshot): object {
  return {
    depth: d.depth,
    featureNames: d.featureNames,
    live: d.live.map((s) => ({
      id: s.id, index: s.index, salt: toHex32(s.salt), recordHash: toHex32(s.recordHash), leaf: toHex32(s.leaf),
      label: s.label.toString(), features: s.features.map(String), ...(s.text !== undefined ? { text: s.text } : {}),
    })),
    deleted: d.deleted.map((s) => ({ id: s.id, index: s.index, leaf: toHex32(s.leaf) })),
  };
}

/**
 * Parses and validates a state document's envelope; the method's fields are returned for the
 * method to read with `reader`. The hashes it records are returned for the caller to compare
 * with those recomputed from the contents.
 * @throws StateFileError naming `source` and what is wrong.
 */
export function parseState(text: string, source: string): { state: StateEnvelope; recorded: RecordedRoots; reader: StateReader } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(source, `not valid JSON (truncated or corrupted?): ${(error as Error).message}`);
  }
  const r = new StateReader(source);
  const o = r.object(raw, "$");
  if (o.format !== STATE_FORMAT || o.version !== STATE_VERSION) throw new StateFileError(source, `not a version-${STATE_VERSION} ${STATE_FORMAT} document`);
  const recorded = { state: r.hex(o.state, "$.state"), dataRoot: r.hex(o.dataRoot, "$.dataRoot") };
  const kind = r.string(o.kind, "$.kind");
  const profile = r.string(o.profile, "$.profile");
  const dataset = r.dataset(o.dataset, "$.dataset");
  const fields = Object.fromEntries(Object.entries(o).filter(([field]) => !ENVELOPE_FIELDS.includes(field)));
  return { state: { kind, profile, dataset, fields }, recorded, reader: r };
}

/** Typed access to untrusted JSON, with errors that name the source and JSON path. */
export class StateReader {
  constructor(private readonly source: string) {}
  /** @throws StateFileError naming the source, `at` and `what` */
  fail(at: string, what: string): never {
    throw new StateFileError(this.source, `${at} ${what}`);
  }
  object(v: unknown, at: string): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(at, "must be an object");
    return v as Record<string, unknown>;
  }
  array(v: unknown, at: string): unknown[] {
    if (!Array.isArray(v)) this.fail(at, "must be a list");
    return v;
  }
  string(v: unknown, at: string): string {
    if (typeof v !== "string") this.fail(at, "must be a string");
    return v;
  }
  index(v: unknown, at: string): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) this.fail(at, "must be a non-negative integer");
    return v;
  }
  hex(v: unknown, at: string): bigint {
    if (typeof v !== "string" || !/^0x[0-9a-f]{64}$/.test(v)) this.fail(at, "must be a 0x-prefixed 64-digit hex field element");
    return BigInt(v);
  }
  integer(v: unknown, at: string): bigint {
    if (typeof v !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(v)) this.fail(at, "must be a decimal integer string");
    return BigInt(v);
  }
  dataset(v: unknown, at: string): DatasetSnapshot {
    const o = this.object(v, at);
    const live = this.array(o.live, `${at}.live`).map((x, i): CommittedSlot => {
      const where = `${at}.live[${i}]`;
      const s = this.object(x, where);
      return {
        id: this.string(s.id, `${where}.id`), index: this.index(s.index, `${where}.index`),
        salt: this.hex(s.salt, `${where}.salt`), recordHash: this.hex(s.recordHash, `${where}.recordHash`), leaf: this.hex(s.leaf, `${where}.leaf`),
        label: this.integer(s.label, `${where}.label`),
        features: this.array(s.features, `${where}.features`).map((f, j) => this.integer(f, `${where}.features[${j}]`)),
        ...(s.text !== undefined ? { text: this.string(s.text, `${where}.text`) } : {}),
      };
    });
    const deleted = this.array(o.deleted, `${at}.deleted`).map((x, i): DeletedSlotRecord => {
      const where = `${at}.deleted[${i}]`;
      const s = this.object(x, where);
      return { id: this.string(s.id, `${where}.id`), index: this.index(s.index, `${where}.index`), leaf: this.hex(s.leaf, `${where}.leaf`) };
    });
    return {
      depth: this.index(o.depth, `${at}.depth`),
      featureNames: this.array(o.featureNames, `${at}.featureNames`).map((n, i) => this.string(n, `${at}.featureNames[${i}]`)),
      live,
      deleted,
    };
  }
}

/**
 * The committed test set of a method's snapshot fields (`$.testSet`, absent when none), checked
 * to hash to the root the method's config pins (0 when none), so a snapshot cannot swap the test
 * set an accuracy or evaluation uses.
 * @throws StateFileError (through `reader` or `fail`) naming what is wrong
 */
export function restorePinnedTestSet(value: unknown, testRoot: bigint, poseidon: PoseidonHasher, reader: StateReader, fail: (detail: string) => never): CommittedDataset | undefined {
  let testSet: CommittedDataset | undefined;
  if (value !== undefined) {
    try {
      testSet = CommittedDataset.restore(reader.dataset(value, "$.testSet"), poseidon);
    } catch (error) {
      fail(`$.testSet: ${(error as Error).message}`);
    }
  }
  if ((testSet?.root ?? 0n) !== testRoot) fail(`the test set hashes to root ${toHex32(testSet?.root ?? 0n)}, not the config's testRoot ${toHex32(testRoot)}`);
  return testSet;
}
