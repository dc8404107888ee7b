/**
 * Profiles in the user's project, as circomkit's `circuits.json` adds circuits: a
 * `zkforget.config.json` in the working directory (or a file named with `--profiles`) lists more
 * profiles beside the built-in ones of `circuits/profiles.json`, in the same schema:
 *
 *   { "profiles": [ { "name": "sisa-d6-s1-f30-e10-k3", "template": "ShardRetrain",
 *                     "source": "shardRetrain.circom", "params": [1, 6, 30, 10, 3],
 *                     "publicSignals": ["oldState", "newState", "deletionDigest"] } ],
 *     "keys": "keys" }
 *
 * A project profile instantiates one of the package's statements (the same template, source
 * and public signals as a built-in profile of that template) at other parameters; it may not
 * take a built-in profile's name. Its keys are built on demand into the build cache and its
 * verification key and manifest are published to the project's key directory (`keys`, relative
 * to the config file; default `keys/` beside it), never into the package.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readJsonFile } from "../fsAtomic.ts";
import { shardProfileParams } from "../ml/config.ts";
import { accuracyProfileParams } from "../statements/accuracy.ts";
import { packageRoot } from "./paths.ts";
import { addProjectProfiles, builtinNameClash, builtinProfiles, projectProfileSource, validateProfile, type CircuitProfile } from "./profiles.ts";

/** The project config file looked for in the working directory. */
export const PROJECT_CONFIG_FILE = "zkforget.config.json";

/** A project's config, validated. */
export interface ProjectConfig {
  /** The file it was read from. */
  file: string;
  /** Its profiles, in file order. */
  profiles: CircuitProfile[];
  /** Where the keys of its profiles are published (absolute). */
  keysDir: string;
}

/** Checks of the template parameters, per template a project profile may use; each throws a RangeError naming the parameter. */
const PARAM_CHECKS: Readonly<Record<string, (params: readonly number[]) => void>> = {
  DatasetDeletion: (params) => {
    if (params.length !== 2) throw new RangeError(`DatasetDeletion takes 2 parameters (depth, K), got ${params.length}`);
    const [depth, k] = params as [number, number];
    if (depth < 1 || depth > 32) throw new RangeError(`depth must be an integer from 1 to 32, got ${depth}`);
    if (k < 1 || k > 64) throw new RangeError(`K must be an integer from 1 to 64, got ${k}`);
  },
  ShardRetrain: (params) => void shardProfileParams(params),
  ModelAccuracy: (params) => void accuracyProfileParams(params),
};

/**
 * Reads and validates a project config. Errors name the file, the profile and the field.
 * @throws Error for an unreadable file, invalid JSON, a bad profile, a duplicate name, or a
 *   built-in profile's name
 */
export async function readProjectConfig(file: string): Promise<ProjectConfig> {
  const raw = await readJsonFile(file, "zkforget config");
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${file}: must be a JSON object with a "profiles" array`);
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== "profiles" && key !== "keys") throw new Error(`${file}: unknown field "${key}" (allowed: profiles, keys)`);
  }
  if (!Array.isArray(o.profiles)) throw new Error(`${file}: "profiles" must be an array of profiles`);
  if (o.keys !== undefined && (typeof o.keys !== "string" || o.keys === "")) throw new Error(`${file}: "keys" must be a directory path`);
  const builtin = builtinProfiles();
  const seen = new Set<string>();
  const profiles = o.profiles.map((entry, i) => {
    let profile: CircuitProfile;
    try {
      profile = validateProfile(entry);
      checkAgainstBuiltins(profile, builtin);
    } catch (error) {
      throw new Error(`${file}: profiles[${i}]: ${(error as Error).message}`);
    }
    if (seen.has(profile.name)) throw new Error(`${file}: profiles[${i}]: circuit profile "${profile.name}" is defined twice`);
    seen.add(profile.name);
    return profile;
  });
  const keysDir = resolve(dirname(file), (o.keys as string | undefined) ?? "keys");
  return { file, profiles, keysDir };
}

/**
 * Loads the project config (`explicit`, else {@link PROJECT_CONFIG_FILE} in `cwd` when present)
 * and adds its profiles beside the built-in ones. Resolves to undefined when there is none.
 */
export async function useProjectConfig(explicit: string | undefined, cwd = process.cwd()): Promise<ProjectConfig | undefined> {
  const file = explicit ?? join(cwd, PROJECT_CONFIG_FILE);
  if (explicit === undefined && !existsSync(file)) return undefined;
  const config = await readProjectConfig(file);
  addProjectProfiles(config.profiles, file);
  active = config;
  return config;
}

let active: ProjectConfig | undefined;

/** The project config {@link useProjectConfig} loaded, if any. */
export function activeProjectConfig(): ProjectConfig | undefined {
  return active;
}

/**
 * A project profile must be one of the package's statements: a template some built-in profile
 * uses, with that profile's source and public signals, and parameters the statement accepts.
 */
function checkAgainstBuiltins(profile: CircuitProfile, builtin: readonly CircuitProfile[]): void {
  if (builtin.some((p) => p.name === profile.name)) throw new Error(builtinNameClash(profile.name));
  const model = builtin.find((p) => p.template === profile.template);
  const check = PARAM_CHECKS[profile.template];
  if (model === undefined || check === undefined) {
    throw new Error(`circuit profile "${profile.name}": template "${profile.template}" is not one of zkforget's statements (${Object.keys(PARAM_CHECKS).join(", ")})`);
  }
  if (profile.source !== model.source) throw new Error(`circuit profile "${profile.name}": source must be "${model.source}" for template ${profile.template}, got "${profile.source}"`);
  if (profile.publicSignals.join() !== model.publicSignals.join()) {
    throw new Error(`circuit profile "${profile.name}": publicSignals must be ${JSON.stringify(model.publicSignals)} for template ${profile.template}`);
  }
  try {
    check(profile.params);
  } catch (error) {
    throw new Error(`circuit profile "${profile.name}": params: ${(error as Error).message}`);
  }
}

/** Where the keys of profile `name` are published: the project's key directory for a project profile, else the package's `keys/`. */
export function defaultKeysDir(name: string): string {
  return active !== undefined && projectProfileSource(name) !== undefined ? active.keysDir : join(packageRoot(), "keys");
}

/**
 * The key directories a verifier reads by default: the package's `keys/`, then the project's key
 * directory when a project config is active and the directory exists.
 */
export function defaultKeyDirs(): string[] {
  const dirs = [join(packageRoot(), "keys")];
  if (active !== undefined && existsSync(active.keysDir)) dirs.push(active.keysDir);
  return dirs;
}
