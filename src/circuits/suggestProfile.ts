/**
 * Which profile fits a dataset: `zkforget commit` without `--profile` picks the smallest
 * built-in or project profile that takes the data's shape, and when none does, writes a
 * ready-to-paste zkforget.config.json entry for one that would. The fit rules are also what an
 * explicit `--profile` is checked against, so both say the same thing about a misfit. What fits
 * is each method's own rule (its ProfileFit, in src/methods/<method>/profileFit.ts, reached
 * through the method table); this module holds what is common.
 */
import { methodOfKind } from "../methods/workspaceMethods.ts";
import { MODEL_ACCURACY_TEMPLATE } from "../statements/accuracy.ts";
import { validateProfile, type CircuitProfile } from "./profiles.ts";

/** The shape of what is being committed. */
export interface DataShape {
  /** The method it is committed with: a workspace kind ("deletion", "sisa"; src/methods/workspaceMethods.ts). */
  kind: string;
  /** Training records (documents, for a corpus). */
  records: number;
  /** Features per record (0 for a text corpus). */
  features: number;
  /** Records of the held-out test set, committed to a tree of the same depth. */
  testRecords?: number;
  /** The number of shards asked for, if any (SISA). */
  shards?: number;
}

/** A method's rules for which of its profiles take a dataset (beyond the template, which the method fixes). */
export interface ProfileFit {
  /** What the method needs when a profile of another template is given ("SISA training needs ShardRetrain"). */
  readonly needs: string;
  /** Slots of the profile's dataset tree (and of its test-set tree). */
  slots(profile: CircuitProfile): number;
  /** What else keeps the profile from taking the shape (features, shards), or undefined. */
  misfit(profile: CircuitProfile, shape: DataShape): string | undefined;
  /** Sort key among fitting profiles, cheapest proofs first. */
  cost(profile: CircuitProfile): string;
  /** The parts of the shape's description beyond its records ("16 features"). */
  describe(shape: DataShape): string[];
  /** New profiles of the method (and the accuracy profile it needs) that would take the shape. @throws RangeError when none can */
  newProfiles(shape: DataShape, profiles: readonly CircuitProfile[]): CircuitProfile[];
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

/**
 * What keeps `profile` from taking data of `shape`, in words naming the numbers (for example
 * "data has 30 features; profile sisa-d8-s3-f16-e10-k3 takes 16"), or undefined when it fits.
 */
export function profileMisfit(profile: CircuitProfile, shape: DataShape): string | undefined {
  const method = methodOfKind(shape.kind);
  if (profile.template !== method.template) return `profile ${profile.name} is a ${profile.template} profile; ${method.profileFit.needs}`;
  const why = method.profileFit.misfit(profile, shape);
  if (why !== undefined) return why;
  const slots = method.profileFit.slots(profile);
  if (shape.records > slots) return `data has ${shape.records} records; profile ${profile.name} holds ${slots}`;
  if ((shape.testRecords ?? 0) > slots) return `the test set has ${shape.testRecords} records; profile ${profile.name} holds ${slots} per set`;
  return undefined;
}

/**
 * The smallest profile among `profiles` that fits `shape`: fewest slots, then (SISA) fewest
 * epochs, then fewest deletions per proof — the cheapest proofs. When none fits, `entries` are
 * new profiles that would.
 */
export function suggestProfile(shape: DataShape, profiles: readonly CircuitProfile[]): ProfileSuggestion {
  const method = methodOfKind(shape.kind);
  const fit = method.profileFit;
  const template = method.template;
  const candidates = profiles.filter((p) => p.template === template);
  const misfits: string[] = [];
  const fitting: CircuitProfile[] = [];
  for (const p of candidates) {
    const why = profileMisfit(p, shape);
    if (why === undefined) fitting.push(p);
    else misfits.push(why);
  }
  fitting.sort((a, b) => fit.cost(a).localeCompare(fit.cost(b)));
  const what = describeShape(shape);
  const best = fitting[0];
  if (best !== undefined) {
    const slots = fit.slots(best);
    return { profile: best, misfits, reason: `the smallest ${template} profile for ${what}: ${slots} slots${fitting.length > 1 ? ` (${fitting.length - 1} larger one(s) fit too)` : ""}` };
  }
  return { misfits, reason: `no ${template} profile fits ${what}`, entries: fit.newProfiles(shape, profiles) };
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

/** The first of `profiles` with `template`, which a new profile copies its source and signals from. */
export function modelProfile(template: string, profiles: readonly CircuitProfile[]): CircuitProfile {
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
  const parts = [`${shape.records} records`, ...methodOfKind(shape.kind).profileFit.describe(shape)];
  if (shape.testRecords !== undefined) parts.push(`${shape.testRecords} test records`);
  if (shape.shards !== undefined) parts.push(`${shape.shards} shards`);
  return parts.join(", ");
}

/** A number zero-padded for a sort key. */
export function pad(n: number): string {
  return String(n).padStart(4, "0");
}
