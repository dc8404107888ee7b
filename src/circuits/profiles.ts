import { readFileSync } from "node:fs";
import { join } from "node:path";
import { circuitsDir } from "./paths.ts";

/**
 * A circuit instantiated at fixed parameters: what `circuits/profiles.json` lists and what
 * {@link buildCircuit} compiles. The main component is generated from it, never written by hand.
 */
export interface CircuitProfile {
  /** Unique name, lower-case words and digits joined by dashes (e.g. `deletion-d20-k8`). */
  name: string;
  /** One-line human description. */
  description?: string;
  /** Circom template instantiated as main (e.g. `DatasetDeletion`). */
  template: string;
  /** File under `circuits/` defining the template (e.g. `deletion.circom`). */
  source: string;
  /** Template parameters, non-negative integers, in declaration order. */
  params: number[];
  /**
   * Public inputs of main, in the order the template DECLARES them: circom orders public signals
   * by declaration (outputs first), not by the `public [...]` list, and the build checks that the
   * compiled order matches this list.
   */
  publicSignals: string[];
  /**
   * The other profiles a workspace of this profile proves with, by role (e.g. a ridge deletion
   * profile names its `batch`, `genesis`, `classForget` and `accuracy` profiles). A workspace is
   * committed under one profile, its ledger is labelled with it, and its method finds the keys of
   * its other statements here; the ledger accepts transitions proved under any of them.
   */
  companions?: Record<string, string>;
}

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks one profile object and returns it typed; errors name the profile and the field. */
export function validateProfile(value: unknown): CircuitProfile {
  const where = (field: string): string => `circuit profile ${describeName(value)}: ${field}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("circuit profile must be an object");
  const p = value as Record<string, unknown>;
  if (typeof p.name !== "string" || !NAME.test(p.name)) throw new Error(where(`name must match ${NAME}`));
  if (p.description !== undefined && typeof p.description !== "string") throw new Error(where("description must be a string"));
  if (typeof p.template !== "string" || !IDENT.test(p.template)) throw new Error(where("template must be a Circom identifier"));
  if (typeof p.source !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_/.-]*\.circom$/.test(p.source) || p.source.split("/").includes("..")) {
    throw new Error(where("source must be a .circom path inside circuits/ (no '..')"));
  }
  if (!Array.isArray(p.params) || !p.params.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) {
    throw new Error(where("params must be an array of non-negative integers"));
  }
  if (!Array.isArray(p.publicSignals) || !p.publicSignals.every((s) => typeof s === "string" && IDENT.test(s))) {
    throw new Error(where("publicSignals must be an array of signal names"));
  }
  if (new Set(p.publicSignals).size !== p.publicSignals.length) throw new Error(where("publicSignals has duplicates"));
  const profile: CircuitProfile = {
    name: p.name,
    template: p.template,
    source: p.source,
    params: [...(p.params as number[])],
    publicSignals: [...(p.publicSignals as string[])],
  };
  if (p.description !== undefined) profile.description = p.description as string;
  if (p.companions !== undefined) {
    const c = p.companions;
    if (typeof c !== "object" || c === null || Array.isArray(c)) throw new Error(where("companions must be an object of role → profile name"));
    for (const [role, name] of Object.entries(c)) {
      if (!IDENT.test(role)) throw new Error(where(`companions: role ${JSON.stringify(role)} must be an identifier`));
      if (typeof name !== "string" || !NAME.test(name)) throw new Error(where(`companions.${role} must be a profile name matching ${NAME}`));
    }
    profile.companions = { ...(c as Record<string, string>) };
  }
  return profile;
}

/** Parses and validates a whole profiles config (`{ "profiles": [...] }`), rejecting duplicate names. */
export function parseProfiles(config: unknown): CircuitProfile[] {
  const list = (config as { profiles?: unknown } | null)?.profiles;
  if (!Array.isArray(list)) throw new Error('profiles config must be an object with a "profiles" array');
  const profiles = list.map(validateProfile);
  const seen = new Set<string>();
  for (const { name } of profiles) {
    if (seen.has(name)) throw new Error(`circuit profile "${name}" is defined twice`);
    seen.add(name);
  }
  return profiles;
}

let loaded: CircuitProfile[] | undefined;
/** Profiles a project added (src/circuits/projectProfiles.ts), with the file they came from. */
let added: { profiles: CircuitProfile[]; file: string } | undefined;

/** The package's own profiles, from `circuits/profiles.json` (read once). */
export function builtinProfiles(): CircuitProfile[] {
  loaded ??= parseProfiles(JSON.parse(readFileSync(join(circuitsDir(), "profiles.json"), "utf8")));
  return loaded.map(copyProfile);
}

/**
 * Adds a project's profiles beside the built-in ones, for {@link listProfiles} and
 * {@link getProfile}; replaces those added before. `file` names where they came from.
 * @throws Error when one has a built-in profile's name
 */
export function addProjectProfiles(profiles: readonly CircuitProfile[], file: string): void {
  const builtin = new Set(builtinProfiles().map((p) => p.name));
  const clash = profiles.find((p) => builtin.has(p.name));
  if (clash) throw new Error(`${file}: ${builtinNameClash(clash.name)}`);
  added = { profiles: profiles.map(copyProfile), file };
}

/** Why a project profile may not be called `name`: a built-in profile is. */
export function builtinNameClash(name: string): string {
  return `circuit profile "${name}" has the name of a built-in profile (a project profile may not shadow one); give it another name`;
}

/** Forgets the profiles {@link addProjectProfiles} added. */
export function clearProjectProfiles(): void {
  added = undefined;
}

/** The file a project profile came from, or undefined for a built-in (or unknown) profile. */
export function projectProfileSource(name: string): string | undefined {
  return added?.profiles.some((p) => p.name === name) ? added.file : undefined;
}

/** All profiles: the package's `circuits/profiles.json`, then those a project added. */
export function listProfiles(): CircuitProfile[] {
  return [...builtinProfiles(), ...(added?.profiles ?? []).map(copyProfile)];
}

/** The profile called `name`; the error lists the known names. */
export function getProfile(name: string): CircuitProfile {
  const all = listProfiles();
  const found = all.find((p) => p.name === name);
  if (found === undefined) {
    const where = added ? ` (built-in and ${added.file})` : "";
    const hint = added ? "" : " (a project profile? run where its zkforget.config.json is, or give --profiles FILE)";
    throw new Error(`unknown circuit profile "${name}"; known profiles${where}: ${all.map((p) => p.name).join(", ")}${hint}`);
  }
  return found;
}

function copyProfile(p: CircuitProfile): CircuitProfile {
  return { ...p, params: [...p.params], publicSignals: [...p.publicSignals], ...(p.companions ? { companions: { ...p.companions } } : {}) };
}

/**
 * The companion profile of `profile` for `role` (see {@link CircuitProfile.companions}).
 * @throws Error naming the profile and the role when it names none, or an unknown profile
 */
export function companionProfile(profile: CircuitProfile, role: string): CircuitProfile {
  const name = profile.companions?.[role];
  if (name === undefined) {
    throw new Error(`profile ${profile.name} names no ${role} profile (its "companions" in profiles.json: ${JSON.stringify(profile.companions ?? {})})`);
  }
  return getProfile(name);
}

/** The profiles a workspace committed under `name` proves with: that profile and its companions. */
export function profileFamily(name: string): string[] {
  const profile = listProfiles().find((p) => p.name === name);
  return [name, ...Object.values(profile?.companions ?? {})];
}

function describeName(value: unknown): string {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === "string" ? `"${name}"` : "(unnamed)";
}
