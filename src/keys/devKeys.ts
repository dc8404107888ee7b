import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { pathExists, writeFileAtomically } from "../fsAtomic.ts";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { zKey } from "snarkjs";
import { buildCircuit, type BuiltCircuit, type BuildOptions } from "../circuits/build.ts";
import { projectProfileSource, type CircuitProfile } from "../circuits/profiles.ts";
import { activeProjectConfig } from "../circuits/projectProfiles.ts";
import { generateDevPtau } from "../setup/devPtau.ts";
import { blake2b512File } from "../setup/fileHash.ts";
import { requiredPtauPower } from "../setup/ptauInfo.ts";
import { readR1csInfo } from "../setup/r1csInfo.ts";
import { capturingLogger } from "../setup/snarkLogger.ts";
import { readZkeyInfo } from "../setup/zkeyInfo.ts";
import { verificationKeyHash } from "../verifier/vkeyHash.ts";
import { isVerificationKey } from "../verifier/verify.ts";
import type { VerificationKey } from "../verifier/types.ts";
import type { KeyManifest } from "./manifest.ts";

/**
 * Insecure, reproducible development keys: dev powers of tau from a public seed, stock
 * `snarkjs groth16 setup` on it, then a zkey beacon derived from the same seed. The same
 * seed and circuit always give the same zkey and verification key, so the committed keys
 * in `keys/` can be rebuilt and checked on any machine. Anyone can forge proofs under them.
 */

/** Seed of the dev keys committed in `keys/`. */
export const DEFAULT_DEV_SEED = "zkforget-dev-v1";

/** Everything needed to prove under a profile, and to publish its verification key. */
export interface ProvingKey {
  circuit: BuiltCircuit;
  zkeyPath: string;
  /** The powers-of-tau file the zkey was made from (in the cache). */
  ptauPath: string;
  vkey: VerificationKey;
  manifest: KeyManifest;
}

/** Options for {@link ensureDevKey}. */
export interface DevKeyOptions extends BuildOptions {
  /** Public seed every secret is derived from (default {@link DEFAULT_DEV_SEED}). */
  seed?: string;
}

/**
 * Returns the dev proving key of `profile`, building whatever is missing (circuit, ptau,
 * zkey) into the cache. Cached keys are reused; a first build of a ~80k-constraint circuit
 * takes a few minutes, dominated by `groth16 setup`. For a profile of the active project
 * config (src/circuits/projectProfiles.ts) the verification key and manifest are also
 * published to the project's key directory.
 */
export async function ensureDevKey(profile: CircuitProfile, options: DevKeyOptions = {}): Promise<ProvingKey> {
  const key = await buildDevKey(profile, options);
  // A project profile's verification key goes to the project's key directory, never the package's.
  const project = activeProjectConfig();
  if (project !== undefined && projectProfileSource(profile.name) !== undefined) await publishKey(key, project.keysDir);
  return key;
}

async function buildDevKey(profile: CircuitProfile, options: DevKeyOptions): Promise<ProvingKey> {
  const seed = options.seed ?? DEFAULT_DEV_SEED;
  const log = options.onProgress ?? (() => {});
  const circuit = await buildCircuit(profile, options);
  const seedTag = bytesToHex(sha256(utf8ToBytes(seed))).slice(0, 12);
  // Keyed by the compiled constraint system, not the sources: a source edit that leaves the
  // r1cs unchanged reuses the (expensive) zkey, and its verification key stays the same.
  const r1csHash = await blake2b512File(circuit.r1csPath);
  const dir = join(circuit.cacheDir, "keys", `${profile.name}-r1cs-${r1csHash.slice(0, 16)}-${seedTag}`);
  const zkeyPath = join(dir, "final.zkey");
  const cached = await readCachedKey(dir);
  if (cached) return { circuit, zkeyPath, ptauPath: join(circuit.cacheDir, "ptau", cached.manifest.ptau.file), ...cached };

  const r1cs = await readR1csInfo(circuit.r1csPath);
  const power = requiredPtauPower(r1cs);
  const ptauName = `dev-${seedTag}-${String(power).padStart(2, "0")}.ptau`;
  const ptauPath = join(circuit.cacheDir, "ptau", ptauName);
  if (!(await pathExists(ptauPath))) {
    await mkdir(join(circuit.cacheDir, "ptau"), { recursive: true });
    await generateDevPtau({ power, seed, outFile: ptauPath, onProgress: log });
  }

  await mkdir(dir, { recursive: true });
  const initialPath = join(dir, `initial.${process.pid}.zkey`);
  const finalTmp = join(dir, `final.${process.pid}.zkey`);
  try {
    log(`${profile.name}: groth16 setup (${r1cs.nConstraints} constraints, ptau 2^${power})…`);
    const setup = capturingLogger({ info: () => {}, debug: () => {} });
    const done = await withTicker(log, `${profile.name}: groth16 setup`, () =>
      zKey.newZKey(circuit.r1csPath, ptauPath, initialPath, setup.logger));
    if (done === -1 || setup.errors.length > 0) throw new Error(`groth16 setup failed for ${profile.name}: ${setup.errors.join("; ")}`);

    const beaconHex = devZkeyBeacon(seed, r1csHash);
    const beaconName = `zkforget INSECURE dev beacon, seed ${seed}`.slice(0, 64);
    const beacon = capturingLogger();
    const hash = await zKey.beacon(initialPath, finalTmp, beaconName, beaconHex, 10, beacon.logger);
    if (!hash) throw new Error(`zkey beacon failed for ${profile.name}: ${beacon.errors.join("; ")}`);

    const vkey = await zKey.exportVerificationKey(finalTmp) as unknown;
    if (!isVerificationKey(vkey)) throw new Error(`snarkjs exported an unexpected verification key for ${profile.name}`);
    const manifest: KeyManifest = {
      version: 1,
      profile: profile.name,
      template: profile.template,
      params: [...profile.params],
      publicSignals: [...profile.publicSignals],
      security: "insecure-dev",
      constraints: r1cs.nConstraints,
      circuitHash: circuit.circuitHash,
      r1csHash,
      zkeyHash: await blake2b512File(finalTmp),
      ptau: { file: ptauName, power, hash: await blake2b512File(ptauPath) },
      contributions: (await readZkeyInfo(finalTmp)).contributions,
      vkeyHash: verificationKeyHash(vkey),
      devSeed: seed,
    };
    await writeFile(join(dir, "vkey.json"), `${JSON.stringify(vkey, null, 1)}\n`);
    await writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    // The zkey is renamed last: its presence marks a complete cache entry.
    await rename(finalTmp, zkeyPath);
    log(`${profile.name}: dev key ready (vkey ${manifest.vkeyHash.slice(0, 16)}…, INSECURE: secrets are public)`);
    return { circuit, zkeyPath, ptauPath, vkey, manifest };
  } finally {
    await rm(initialPath, { force: true });
    await rm(finalTmp, { force: true });
  }
}

/**
 * Hex beacon for the dev zkey of one circuit. It binds the seed and the compiled constraint
 * system (the r1cs hash), not the source text, so that editing an unrelated Circom file or a
 * comment leaves every dev verification key unchanged.
 */
export function devZkeyBeacon(seed: string, r1csHash: string): string {
  return bytesToHex(sha256(utf8ToBytes(`zkforget-dev-zkey:${seed}:${r1csHash}`)));
}

/**
 * Writes `<profile>.vkey.json` and `<profile>.manifest.json` into `keysDir` (atomically),
 * the files a verifier loads with `loadKeyRing`.
 */
export async function publishKey(key: ProvingKey, keysDir: string): Promise<{ vkeyPath: string; manifestPath: string }> {
  await mkdir(keysDir, { recursive: true });
  const vkeyPath = join(keysDir, `${key.manifest.profile}.vkey.json`);
  const manifestPath = join(keysDir, `${key.manifest.profile}.manifest.json`);
  await writeFileAtomically(vkeyPath, `${JSON.stringify(key.vkey, null, 1)}\n`);
  await writeFileAtomically(manifestPath, `${JSON.stringify(key.manifest, null, 2)}\n`);
  return { vkeyPath, manifestPath };
}

async function readCachedKey(dir: string): Promise<{ vkey: VerificationKey; manifest: KeyManifest } | undefined> {
  if (!(await pathExists(join(dir, "final.zkey")))) return undefined;
  const vkey = JSON.parse(await readFile(join(dir, "vkey.json"), "utf8")) as unknown;
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as KeyManifest;
  if (!isVerificationKey(vkey)) throw new Error(`cached verification key in ${dir} is corrupted; delete the directory`);
  return { vkey, manifest };
}

/** Runs a long step, reporting elapsed seconds every 10 s so the user sees it is alive. */
export async function withTicker<T>(log: (message: string) => void, label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => log(`${label}: ${Math.round((Date.now() - started) / 1000)} s…`), 10_000);
  try {
    const result = await step();
    log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearInterval(timer);
  }
}
