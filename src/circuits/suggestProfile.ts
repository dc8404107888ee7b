/**
 * Which profile fits a dataset: `zkforget commit` without `--profile` picks the smallest
 * built-in or project profile that takes the data's shape, and when none does, writes a
 * ready-to-paste zkforget.config.json entry for one that would. The fit rules are also what an
 * explicit `--profile` is checked against, so both say the same thing about a misfit.
 */
import { ceilLog2 } from "../ml/bounds.ts";
import { shardProfileParams } from "../ml/config.ts";
import { MODEL_ACCURACY_TEMPLATE } from "../statements/accuracy.ts";
import { validateProfile, type CircuitProfile } from "./profiles.ts";

/** The shape of what is being committed. */
export interface DataShape {
  /** A deletion-only commitment (DatasetDeletion) or SISA training (ShardRetrain). */
  kind: "deletion" | "sisa";
  /** Training records (documents, for a corpus). */
  records: number;
  /** Features per record (0 for a text corpus). */
  features: number;
  /** SISA: records of the held-out test set, committed to a tree of the same depth. */
  testRecords?: number;
  /** SISA: the number of shards asked for, if any. */
  shards?: number;
}

/** What {@link suggestProfile} found. */
export interface ProfileSuggestion {
  /** The profile picked, when one fits. */
  profile?: CircuitProfile;
  /** Why it was picked, or why none was. */
  reason: string;
  /** Per candidate profile of the right kind that does not fit, what does not fit. */
  misfits: string[];
  /** When none fits: profiles (with an accuracy profile for a SISA test set) that would, for zkforget.config.json. */
  entries?: CircuitProfile[];
}

/** Epochs and deletions per proof of a suggested new SISA profile: the demo profile's. */
const SUGGESTED_EPOCHS = 10;
const SUGGESTED_SISA_K = 3;
/** Deletions per proof of a suggested new deletion profile: the CLI's former default's. */
const SUGGESTED_DELETION_K = 4;

/**
 * What keeps `profile` from taking data of `shape`, in words naming the numbers (for example
 * "data has 30 features; profile sisa-d8-s3-f16-e10-k3 takes 16"), or undefined when it fits.
 */
export function profileMisfit(profile: CircuitProfile, shape: DataShape): string | undefined {
  const template = shape.kind === "deletion" ? "DatasetDeletion" : "ShardRetrain";
  if (profile.template !== template) {
    return `profile ${profile.name} is a ${profile.template} profile; ${shape.kind === "deletion" ? "a deletion-only commitment needs DatasetDeletion" : "SISA training needs ShardRetrain"}`;
  }
  const depth = shape.kind === "deletion" ? profile.params[0]! : profile.params[1]!;
  if (shape.kind === "sisa") {
    const p = shardProfileParams(profile.params);
    if (p.features !== shape.features) return `data has ${shape.features} features; profile ${profile.name} takes ${p.features}`;
    if (shape.shards !== undefined && 2 ** p.shardDepth !== shape.shards) return `${shape.shards} shards asked for; profile ${profile.name} has ${2 ** p.shardDepth}`;
  }
  if (shape.records > 2 ** depth) return `data has ${shape.records} records; profile ${profile.name} holds ${2 ** depth}`;
  if ((shape.testRecords ?? 0) > 2 ** depth) return `the test set has ${shape.testRecords} records; profile ${profile.name} holds ${2 ** depth} per set`;
  return undefined;
}

/**
 * The smallest profile among `profiles` that fits `shape`: fewest slots, then (SISA) fewest
 * epochs, then fewest deletions per proof — the cheapest proofs. When none fits, `entries` are
 * new profiles that would.
 */
export function suggestProfile(shape: DataShape, profiles: readonly CircuitProfile[]): ProfileSuggestion {
  const template = shape.kind === "deletion" ? "DatasetDeletion" : "ShardRetrain";
  const candidates = profiles.filter((p) => p.template === template);
  const misfits: string[] = [];
  const fitting: CircuitProfile[] = [];
  for (const p of candidates) {
    const why = profileMisfit(p, shape);
    if (why === undefined) fitting.push(p);
    else misfits.push(why);
  }
  fitting.sort((a, b) => cost(a).localeCompare(cost(b)));
  const what = describeShape(shape);
  const best = fitting[0];
  if (best !== undefined) {
    const slots = 2 ** (shape.kind === "deletion" ? best.params[0]! : best.params[1]!);
    return { profile: best, misfits, reason: `the smallest ${template} profile for ${what}: ${slots} slots${fitting.length > 1 ? ` (${fitting.length - 1} larger one(s) fit too)` : ""}` };
  }
  return { misfits, reason: `no ${template} profile fits ${what}`, entries: newProfilesFor(shape, profiles) };
}

/**
 * A new ModelAccuracy profile for `params` = [shardDepth, features, testDepth], modelled on a
 * built-in one (same source and public signals), for a config entry.
 */
export function newAccuracyProfile(params: readonly number[], profiles: readonly CircuitProfile[], of = ""): CircuitProfile {
  const a = modelProfile(MODEL_ACCURACY_TEMPLATE, profiles);
  return validateProfile({
    name: `accuracy-s${params[0]}-f${params[1]}-t${params[2]}`,
    description: `Proved accuracy ${of}on a committed test set of ${2 ** params[2]!} slots`,
    template: a.template, source: a.source, params: [...params], publicSignals: a.publicSignals,
  });
}

function modelProfile(template: string, profiles: readonly CircuitProfile[]): CircuitProfile {
  const found = profiles.find((p) => p.template === template);
  if (!found) throw new Error(`internal error: no built-in ${template} profile to model a new one on`);
  return found;
}

/** `{ "profiles": [...] }` text of `entries`, ready to paste into zkforget.config.json. */
export function configEntryText(entries: readonly CircuitProfile[]): string {
  const lines = entries.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "profiles": [\n${lines.join(",\n")}\n  ]\n}`;
}

function describeShape(shape: DataShape): string {
  const parts = [`${shape.records} records`];
  if (shape.kind === "sisa") parts.push(`${shape.features} features`);
  if (shape.testRecords !== undefined) parts.push(`${shape.testRecords} test records`);
  if (shape.shards !== undefined) parts.push(`${shape.shards} shards`);
  return parts.join(", ");
}

/** Sort key: zero-padded depth, then epochs and K for SISA. */
function cost(p: CircuitProfile): string {
  const pad = (n: number) => String(n).padStart(4, "0");
  return p.template === "ShardRetrain" ? [p.params[1]!, p.params[3]!, p.params[4]!].map(pad).join() : [p.params[0]!, p.params[1]!].map(pad).join();
}

/**
 * New profiles that take `shape`, modelled on the built-in ones (same template, source and public
 * signals). SISA: 2^S = the shards asked for, else up to 8 shards of at least 32 slots; depth
 * the smallest that holds the records and the test set; the demo's epochs and K; and, with a
 * test set, the matching accuracy profile unless one exists.
 * @throws RangeError when no profile can take the shape (e.g. more than 64 features)
 */
function newProfilesFor(shape: DataShape, profiles: readonly CircuitProfile[]): CircuitProfile[] {
  const model = (template: string) => modelProfile(template, profiles);
  const records = Math.max(shape.records, shape.testRecords ?? 0, 1);
  if (shape.kind === "deletion") {
    const depth = Math.max(1, ceilLog2(records));
    const m = model("DatasetDeletion");
    return [validateProfile({
      name: `deletion-d${depth}-k${SUGGESTED_DELETION_K}`, description: `Dataset deletion, ${2 ** depth} slots, up to ${SUGGESTED_DELETION_K} deletions`,
      template: m.template, source: m.source, params: [depth, SUGGESTED_DELETION_K], publicSignals: m.publicSignals,
    })];
  }
  let shardDepth: number;
  if (shape.shards !== undefined) {
    shardDepth = ceilLog2(shape.shards);
    if (2 ** shardDepth !== shape.shards || shardDepth < 1) throw new RangeError(`--shards ${shape.shards}: the shard count must be a power of two, at least 2`);
  } else {
    shardDepth = Math.min(3, Math.max(1, ceilLog2(records) - 5));
  }
  const dataDepth = Math.max(shardDepth + 1, ceilLog2(records));
  const params = [shardDepth, dataDepth, shape.features, SUGGESTED_EPOCHS, SUGGESTED_SISA_K];
  shardProfileParams(params); // names the parameter no profile can take (e.g. features > 64)
  const m = model("ShardRetrain");
  const sisa = validateProfile({
    name: `sisa-d${dataDepth}-s${shardDepth}-f${shape.features}-e${SUGGESTED_EPOCHS}-k${SUGGESTED_SISA_K}`,
    description: `SISA shard (re)training, ${2 ** dataDepth} slots in ${2 ** shardDepth} shards, ${shape.features} features, ${SUGGESTED_EPOCHS} epochs, up to ${SUGGESTED_SISA_K} deletions`,
    template: m.template, source: m.source, params, publicSignals: m.publicSignals,
  });
  const out = [sisa];
  const accuracyParams = [shardDepth, shape.features, dataDepth];
  const haveAccuracy = profiles.some((p) => p.template === MODEL_ACCURACY_TEMPLATE && p.params.join() === accuracyParams.join());
  if (shape.testRecords !== undefined && !haveAccuracy) out.push(newAccuracyProfile(accuracyParams, profiles, `of ${sisa.name} `));
  return out;
}
