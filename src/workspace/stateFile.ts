import { readFile } from "node:fs/promises";
import type { CommittedSlot, DatasetSnapshot, DeletedSlotRecord } from "../dataset/commitment.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { writeFileAtomically } from "../fsAtomic.ts";

/**
 * The controller's state file: the committed dataset (private: records and salts) and the
 * profile it is proved under. Written atomically; read with validation that names the file
 * and the JSON path of anything wrong.
 */

/** Format tag of state files. */
export const STATE_FORMAT = "zkforget-state";

/** Contents of a state file. */
export interface ControllerState {
  /** Deletion profile the dataset tree is sized for. */
  profile: string;
  dataset: DatasetSnapshot;
  /** Proof bundles written so far, oldest first (paths relative to the workspace). */
  bundles: string[];
}

/** Raised for an unreadable or invalid state file. */
export class StateFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "StateFileError";
  }
}

/** Writes `state` to `path` atomically. */
export async function saveState(path: string, state: ControllerState, dataRoot: bigint): Promise<void> {
  const d = state.dataset;
  const json = {
    format: STATE_FORMAT,
    version: 1,
    profile: state.profile,
    dataRoot: toHex32(dataRoot),
    depth: d.depth,
    featureNames: d.featureNames,
    live: d.live.map((s) => ({
      id: s.id, index: s.index, salt: toHex32(s.salt), recordHash: toHex32(s.recordHash), leaf: toHex32(s.leaf),
      label: s.label.toString(), features: s.features.map(String),
    })),
    deleted: d.deleted.map((s) => ({ id: s.id, index: s.index, leaf: toHex32(s.leaf) })),
    bundles: state.bundles,
  };
  await writeFileAtomically(path, `${JSON.stringify(json, null, 1)}\n`);
}

/**
 * Reads and validates a state file. The data root it records is returned for the caller to
 * compare with the root recomputed from the records.
 * @throws StateFileError naming the file and what is wrong.
 */
export async function loadState(path: string): Promise<{ state: ControllerState; dataRoot: bigint }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateFileError(path, code === "ENOENT" ? "no state file here (run `zkforget commit` first)" : `cannot read: ${code}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(path, `not valid JSON (truncated or corrupted?): ${(error as Error).message}`);
  }
  const r = new Reader(path);
  const o = r.object(raw, "$");
  if (o.format !== STATE_FORMAT || o.version !== 1) throw new StateFileError(path, `not a version-1 ${STATE_FORMAT} file`);
  const live = r.array(o.live, "$.live").map((v, i): CommittedSlot => {
    const at = `$.live[${i}]`;
    const s = r.object(v, at);
    return {
      id: r.string(s.id, `${at}.id`), index: r.index(s.index, `${at}.index`),
      salt: r.hex(s.salt, `${at}.salt`), recordHash: r.hex(s.recordHash, `${at}.recordHash`), leaf: r.hex(s.leaf, `${at}.leaf`),
      label: r.integer(s.label, `${at}.label`),
      features: r.array(s.features, `${at}.features`).map((f, j) => r.integer(f, `${at}.features[${j}]`)),
    };
  });
  const deleted = r.array(o.deleted, "$.deleted").map((v, i): DeletedSlotRecord => {
    const at = `$.deleted[${i}]`;
    const s = r.object(v, at);
    return { id: r.string(s.id, `${at}.id`), index: r.index(s.index, `${at}.index`), leaf: r.hex(s.leaf, `${at}.leaf`) };
  });
  const state: ControllerState = {
    profile: r.string(o.profile, "$.profile"),
    dataset: {
      depth: r.index(o.depth, "$.depth"),
      featureNames: r.array(o.featureNames, "$.featureNames").map((n, i) => r.string(n, `$.featureNames[${i}]`)),
      live,
      deleted,
    },
    bundles: r.array(o.bundles, "$.bundles").map((b, i) => r.string(b, `$.bundles[${i}]`)),
  };
  return { state, dataRoot: r.hex(o.dataRoot, "$.dataRoot") };
}

/** Typed access to untrusted JSON, with errors that name the file and JSON path. */
class Reader {
  constructor(private readonly file: string) {}
  private fail(at: string, what: string): never {
    throw new StateFileError(this.file, `${at} ${what}`);
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
}
