import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { pathExists, writeFileAtomically } from "../fsAtomic.ts";
import { dirname, join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { zKey } from "snarkjs";
import { buildCircuit, type BuiltCircuit, type BuildOptions } from "../circuits/build.ts";
import { projectProfileSource, type CircuitProfile } from "../circuits/profiles.ts";
import { activeProjectConfig } from "../circuits/projectProfiles.ts";
import { DEV_BEACON_ITERATIONS_EXP, devContributionName, generateDevPtau } from "../setup/devPtau.ts";
import { writeDirectDevZkey } from "../setup/directZkey.ts";
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
 * Insecure, reproducible development keys. The reference route is: dev powers of tau from a
 * public seed, stock `snarkjs groth16 setup` on it, then a zkey beacon derived from the same
 * seed. The keys are made directly from those known secrets instead (`writeDirectDevZkey`),
 * which writes the same zkey byte for byte without making the ptau or running the setup; the
 * reference route stays callable ({@link buildDevZkeyViaSetup}) for the tests that compare the
 * two and for the bench. The same seed and circuit always give the same zkey and verification
 * key, so the committed keys in `keys/` can be rebuilt and checked on any machine. Anyone can
 * forge proofs under them.
 */

/** Seed of the dev keys committed in `keys/`. */
export const DEFAULT_DEV_SEED = "zkforget-dev-v1";

/** Everything needed to prove under a profile, and to publish its verification key. */
export interface ProvingKey {
  circuit: BuiltCircuit;
  zkeyPath: string;
  vkey: VerificationKey;
  manifest: KeyManifest;
}

/** Options for {@link ensureDevKey}. */
export interface DevKeyOptions extends BuildOptions {
  /** Public seed every secret is derived from (default {@link DEFAULT_DEV_SEED}). */
  seed?: string;
}

/**
 * Returns the dev proving key of `profile`, building whatever is missing (circuit, zkey) into
 * the cache. Cached keys are reused; a first build of the demo's 84k-constraint key takes well
 * under a minute (the compile comes on top when the circuit is not cached either). For a profile
 * of the active project config (src/circuits/projectProfiles.ts) the verification key and
 * manifest are also published to the project's key directory.
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
  // Keyed by the compiled constraint system, not the sources: a source edit that leaves the
  // r1cs unchanged reuses the zkey, and its verification key stays the same.
  const r1csHash = await blake2b512File(circuit.r1csPath);
  // "-direct": entries of the former route carry a ptau hash in their manifest; not reused.
  const dir = join(circuit.cacheDir, "keys", `${profile.name}-r1cs-${r1csHash.slice(0, 16)}-${devSeedTag(seed)}-direct`);
  const zkeyPath = join(dir, "final.zkey");
  const cached = await readCachedKey(dir);
  if (cached) return { circuit, zkeyPath, ...cached };

  const r1cs = await readR1csInfo(circuit.r1csPath);
  const power = requiredPtauPower(r1cs);
  await mkdir(dir, { recursive: true });
  const finalTmp = join(dir, `final.${process.pid}.zkey`);
  try {
    log(`${profile.name}: dev zkey from its known secrets (${r1cs.nConstraints} constraints, domain 2^${power})…`);
    await withTicker(log, `${profile.name}: dev zkey`, () => writeDirectDevZkey({
      r1csPath: circuit.r1csPath, ptauSeed: seed, beacon: devZkeyBeaconParams(seed, r1csHash), outFile: finalTmp, onProgress: log,
    }));
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
      // The dev ptau this key equals the `groth16 setup` result of; it is never written, so it has no hash.
      ptau: { file: devPtauFileName(seed, power), power },
      contributions: (await readZkeyInfo(finalTmp)).contributions,
      vkeyHash: verificationKeyHash(vkey),
      devSeed: seed,
    };
    await writeFile(join(dir, "vkey.json"), `${JSON.stringify(vkey, null, 1)}\n`);
    await writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    // The zkey is renamed last: its presence marks a complete cache entry.
    await rename(finalTmp, zkeyPath);
    log(`${profile.name}: dev key ready (vkey ${manifest.vkeyHash.slice(0, 16)}…, INSECURE: secrets are public)`);
    return { circuit, zkeyPath, vkey, manifest };
  } finally {
    await rm(finalTmp, { force: true });
  }
}

/** Options for {@link buildDevZkeyViaSetup}. */
export interface SetupRouteOptions {
  r1csPath: string;
  seed: string;
  /** Where the dev ptau is (reused when present, generated otherwise). */
  ptauPath: string;
  outFile: string;
  /** Also keep `groth16 setup`'s zkey (before the beacon) here, e.g. for `zkey verify --init`. */
  initialOut?: string;
  onProgress?: (message: string) => void;
}

/**
 * The reference route to a dev zkey: dev ptau of the circuit's power (generated when `ptauPath`
 * does not exist), stock `snarkjs groth16 setup`, then the deterministic zkey beacon. Slow (about
 * four minutes for the demo's key); {@link ensureDevKey} makes the same file directly. Kept so
 * that tests and the bench can show the two routes agree.
 */
export async function buildDevZkeyViaSetup(options: SetupRouteOptions): Promise<void> {
  const log = options.onProgress ?? (() => {});
  const r1cs = await readR1csInfo(options.r1csPath);
  const power = requiredPtauPower(r1cs);
  if (!(await pathExists(options.ptauPath))) {
    await mkdir(dirname(options.ptauPath), { recursive: true });
    await generateDevPtau({ power, seed: options.seed, outFile: options.ptauPath, onProgress: log });
  }
  const initialPath = options.initialOut ?? `${options.outFile}.${process.pid}.initial`;
  try {
    const setup = capturingLogger({ info: () => {}, debug: () => {} });
    const done = await withTicker(log, `groth16 setup (${r1cs.nConstraints} constraints, ptau 2^${power})`, () =>
      zKey.newZKey(options.r1csPath, options.ptauPath, initialPath, setup.logger));
    if (done === -1 || setup.errors.length > 0) throw new Error(`groth16 setup failed for ${options.r1csPath}: ${setup.errors.join("; ")}`);
    const params = devZkeyBeaconParams(options.seed, await blake2b512File(options.r1csPath));
    const beacon = capturingLogger();
    const hash = await zKey.beacon(initialPath, options.outFile, params.name, params.hashHex, params.iterationsExp, beacon.logger);
    if (!hash) throw new Error(`zkey beacon failed for ${options.r1csPath}: ${beacon.errors.join("; ")}`);
  } finally {
    if (options.initialOut === undefined) await rm(initialPath, { force: true });
  }
}

/** File name of the dev ptau of `seed` and `power` (in the cache's `ptau/` directory). */
export function devPtauFileName(seed: string, power: number): string {
  return `dev-${devSeedTag(seed)}-${String(power).padStart(2, "0")}.ptau`;
}

/** The zkey beacon that closes a dev key: name, hex hash (see {@link devZkeyBeacon}), 2^10 rounds. */
export function devZkeyBeaconParams(seed: string, r1csHash: string): { name: string; hashHex: string; iterationsExp: number } {
  return { name: devContributionName(seed), hashHex: devZkeyBeacon(seed, r1csHash), iterationsExp: DEV_BEACON_ITERATIONS_EXP };
}

function devSeedTag(seed: string): string {
  return bytesToHex(sha256(utf8ToBytes(seed))).slice(0, 12);
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
