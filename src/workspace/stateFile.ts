import type { CommittedSlot, DatasetSnapshot, DeletedSlotRecord } from "../dataset/commitment.ts";
import type { TrainingConfig } from "../ml/config.ts";
import { parsePublicTrainingConfig, publicTrainingConfig } from "../ml/publicConfig.ts";
import type { ShardModel } from "../sisa/model.ts";
import { toHex32 } from "../verifier/fieldText.ts";

/**
 * The controller's private state as JSON: the committed dataset (records and salts) and, for a
 * SISA workspace, the training config, the shard models (weights and salts) and the committed
 * held-out test set. It is stored as the ledger's snapshot (see ledger/ledger.ts), replaced in
 * the same transaction as each appended entry. Parsing validates everything and names the
 * source and the JSON path of anything wrong.
 */

/** Format tag and version of a state document. Version 1 was the old `state.json` file. */
export const STATE_FORMAT = "zkforget-state";
export const STATE_VERSION = 2;

/** State of a dataset-deletion workspace. */
export interface DeletionState {
  kind: "deletion";
  /** Deletion profile the dataset tree is sized for. */
  profile: string;
  dataset: DatasetSnapshot;
}

/** State of a SISA workspace. */
export interface SisaState {
  kind: "sisa";
  /** ShardRetrain profile. */
  profile: string;
  dataset: DatasetSnapshot;
  config: TrainingConfig;
  /** Trained shards, in shard order. */
  models: { shard: number; model: ShardModel }[];
  /** The committed held-out test set (its root is the config's testRoot), if any. */
  testSet?: DatasetSnapshot;
}

/** Contents of a state document. */
export type ControllerState = DeletionState | SisaState;

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

/** Serialises `state` (bigints as 0x-hex or decimal strings). */
export function serialiseState(state: ControllerState, roots: RecordedRoots): string {
  const json: Record<string, unknown> = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    kind: state.kind,
    profile: state.profile,
    state: toHex32(roots.state),
    dataRoot: toHex32(roots.dataRoot),
    dataset: datasetJson(state.dataset),
  };
  if (state.kind === "sisa") {
    const c = state.config;
    json.config = publicTrainingConfig(c);
    json.models = state.models.map(({ shard, model }) => ({ shard, salt: toHex32(model.salt), weights: model.weights.map(String) }));
    if (state.testSet) json.testSet = datasetJson(state.testSet);
  }
  return JSON.stringify(json);
}

function datasetJson(d: DatasetSnapshot): object {
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
 * Parses and validates a state document. The hashes it records are returned for the caller
 * to compare with those recomputed from the contents.
 * @throws StateFileError naming `source` and what is wrong.
 */
export function parseState(text: string, source: string): { state: ControllerState; recorded: RecordedRoots } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(source, `not valid JSON (truncated or corrupted?): ${(error as Error).message}`);
  }
  const r = new Reader(source);
  const o = r.object(raw, "$");
  if (o.format !== STATE_FORMAT || o.version !== STATE_VERSION) throw new StateFileError(source, `not a version-${STATE_VERSION} ${STATE_FORMAT} document`);
  const recorded = { state: r.hex(o.state, "$.state"), dataRoot: r.hex(o.dataRoot, "$.dataRoot") };
  const profile = r.string(o.profile, "$.profile");
  const dataset = r.dataset(o.dataset, "$.dataset");
  if (o.kind === "deletion") return { state: { kind: "deletion", profile, dataset }, recorded };
  if (o.kind !== "sisa") throw new StateFileError(source, `$.kind must be "deletion" or "sisa"`);
  const parsed = parsePublicTrainingConfig(o.config, "$.config");
  if ("problems" in parsed) throw new StateFileError(source, parsed.problems.join("; "));
  const config: TrainingConfig = parsed.config;
  const models = r.array(o.models, "$.models").map((v, i) => {
    const at = `$.models[${i}]`;
    const m = r.object(v, at);
    return {
      shard: r.index(m.shard, `${at}.shard`),
      model: { salt: r.hex(m.salt, `${at}.salt`), weights: r.array(m.weights, `${at}.weights`).map((w, j) => r.integer(w, `${at}.weights[${j}]`)) },
    };
  });
  const state: SisaState = { kind: "sisa", profile, dataset, config, models };
  if (o.testSet !== undefined) state.testSet = r.dataset(o.testSet, "$.testSet");
  return { state, recorded };
}

/** Typed access to untrusted JSON, with errors that name the source and JSON path. */
class Reader {
  constructor(private readonly source: string) {}
  private fail(at: string, what: string): never {
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
