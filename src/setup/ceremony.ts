/**
 * The production phase-2 (circuit-specific) Groth16 ceremony, wrapping snarkjs 0.7.6:
 *
 *   init (r1cs + published prepared ptau → zkey with no contributions)
 *   → contribute × n (each participant, OS entropy)
 *   → beacon (public randomness closes the ceremony)
 *   → verify (anyone: recomputes everything from the r1cs and the ptau)
 *   → export (verification key + manifest into keys/)
 *
 * Each step checks its inputs first (file kinds, truncation, ptau size) and names the file and
 * the problem, because snarkjs's own failures are often a bare -1 or an unrelated exception.
 * Outputs are written atomically and never overwrite an existing file unless `force` is set.
 * Callers should `releaseCurve()` (./curve.ts) before exiting: snarkjs leaves worker threads.
 */
import { randomBytes } from "node:crypto";
import { basename, join } from "node:path";
import * as snarkjs from "snarkjs";
import type { KeyContribution, KeyManifest } from "../keys/manifest.ts";
import { verificationKeyHash } from "../verifier/vkeyHash.ts";
import {
  checkCircuitHash,
  checkContributionName,
  checkIterationsExp,
  checkManifestStatement,
  checkProfileName,
  parseBeaconHex,
} from "./ceremonyParams.ts";
import { blake2b512File } from "./fileHash.ts";
import { checkHermezPtau, describeHermezCheck, type HermezCheck } from "./hermez.ts";
import { assertWritable, writeFileAtomic, writeViaTemp } from "./outputFile.ts";
import { assertPreparedPtau, assertPtauBigEnough, readPtauInfo, requiredPtauPower, type PtauInfo } from "./ptauInfo.ts";
import { readR1csInfo, type R1csInfo } from "./r1csInfo.ts";
import { capturingLogger, type CeremonyLog } from "./snarkLogger.ts";
import { readZkeyInfo } from "./zkeyInfo.ts";

export type { CeremonyLog } from "./snarkLogger.ts";

/** Options every step takes. */
export interface CeremonyCommonOptions {
  /** Progress and results; nothing is printed when absent. */
  log?: CeremonyLog;
}

/** The ptau file as checked by `init` and `export`. */
export interface PtauReport {
  path: string;
  power: number;
  /** blake2b-512 hex of the whole file. */
  hash: string;
  /** Comparison with the published Hermez hashes (a mismatch is an error, so never "mismatch" here). */
  hermez: HermezCheck;
}

/** Options of `ceremonyInit`. */
export interface CeremonyInitOptions extends CeremonyCommonOptions {
  r1csPath: string;
  /** A prepared phase-2 ptau, ideally a published one (`powersOfTau28_hez_final_NN.ptau`). */
  ptauPath: string;
  zkeyOut: string;
  force?: boolean;
}

/** What `ceremonyInit` produced. */
export interface CeremonyInitResult {
  zkeyPath: string;
  /** snarkjs's circuit hash (blake2b-512 hex), printed again by `verify`. */
  circuitHash: string;
  constraints: number;
  /** Public signals: outputs + public inputs. */
  nPublic: number;
  /** Smallest ptau power this circuit needs. */
  requiredPower: number;
  ptau: PtauReport;
}

/**
 * Start the ceremony: check the r1cs and the ptau (prepared, big enough, hash against the
 * published Hermez table when named like a Hermez file), then run `snarkjs zkey new`.
 * The result has no contributions yet: its toxic waste is known (delta = 1), so it must not be
 * used for proving; `export` refuses it.
 * @throws Error naming the file and problem: missing or wrong kind of file, truncated file,
 *   unprepared or too small ptau (with the power needed), a Hermez-named ptau whose hash is not
 *   the published one, an existing output without `force`, or a snarkjs failure.
 */
export async function ceremonyInit(opts: CeremonyInitOptions): Promise<CeremonyInitResult> {
  const { log } = opts;
  const { r1cs, ptau } = await checkCircuitAndPtau(opts.r1csPath, opts.ptauPath);
  await assertWritable(opts.zkeyOut, opts.force, "zkey");
  const requiredPower = requiredPtauPower(r1cs);
  log?.info(
    `circuit ${opts.r1csPath}: ${r1cs.nConstraints} constraints, ${r1cs.nPubInputs + r1cs.nOutputs} public signals, needs ptau power ${requiredPower}`,
  );
  const ptauReport = await hashAndCheckPtau(ptau, log);

  log?.info(`creating the initial zkey ${opts.zkeyOut} (snarkjs zkey new; minutes for large circuits)`);
  const started = Date.now();
  const { logger, errors } = capturingLogger(log);
  const csHash = await writeViaTemp(opts.zkeyOut, opts.force, "zkey", async (temp) => {
    const res = await snarkjs.zKey.newZKey(opts.r1csPath, opts.ptauPath, temp, logger);
    if (!(res instanceof Uint8Array)) {
      throw new Error(`snarkjs zkey new failed for ${opts.r1csPath} with ${opts.ptauPath}: ${reason(errors)}`);
    }
    return res;
  });
  log?.info(`wrote ${opts.zkeyOut} in ${seconds(started)} s; it has no contributions yet`);
  return {
    zkeyPath: opts.zkeyOut,
    circuitHash: Buffer.from(csHash).toString("hex"),
    constraints: r1cs.nConstraints,
    nPublic: r1cs.nPubInputs + r1cs.nOutputs,
    requiredPower,
    ptau: ptauReport,
  };
}

/** Options of `ceremonyContribute`. */
export interface CeremonyContributeOptions extends CeremonyCommonOptions {
  zkeyIn: string;
  zkeyOut: string;
  /** Public label of the contributor (at most 64 characters); unnamed when absent. */
  name?: string;
  force?: boolean;
}

/**
 * Add one contribution. The secret comes from the OS RNG (64 bytes; snarkjs mixes in 64 more of
 * its own) and is never typed, printed or stored; it is forgotten when the call returns.
 * Returns the contribution as it will be listed by `verify`: the contributor should publish the
 * hash, so anyone can see their contribution is in the final key.
 * @throws Error naming the file if `zkeyIn` is missing, not a Groth16 BN254 zkey, or truncated,
 *   if `zkeyOut` exists without `force`, or if the name is invalid.
 */
export async function ceremonyContribute(opts: CeremonyContributeOptions): Promise<KeyContribution> {
  const { log } = opts;
  const name = checkContributionName(opts.name ?? "");
  const before = await readZkeyInfo(opts.zkeyIn);
  await assertWritable(opts.zkeyOut, opts.force, "zkey");
  log?.info(`contributing to ${opts.zkeyIn} (${before.contributions.length} contributions so far)`);
  const entropy = randomBytes(64).toString("hex");
  const { logger, errors } = capturingLogger(log);
  const hash = await writeViaTemp(opts.zkeyOut, opts.force, "zkey", async (temp) => {
    const res = await snarkjs.zKey.contribute(opts.zkeyIn, temp, name, entropy, logger);
    if (!(res instanceof Uint8Array)) throw new Error(`snarkjs zkey contribute failed for ${opts.zkeyIn}: ${reason(errors)}`);
    return Buffer.from(res).toString("hex");
  });
  log?.info(`wrote ${opts.zkeyOut}; contribution hash (publish it): ${hash}`);
  return { type: "contribution", name, hash };
}

/** Options of `ceremonyBeacon`. */
export interface CeremonyBeaconOptions extends CeremonyCommonOptions {
  zkeyIn: string;
  zkeyOut: string;
  /** The public random value, hex (optional 0x), 1..255 bytes: announce its source beforehand. */
  beaconHex: string;
  /** 2^iterationsExp sha256 rounds are applied to the beacon (10..63). */
  iterationsExp: number;
  name?: string;
  force?: boolean;
}

/**
 * Close the ceremony with a public beacon: a last contribution whose secret is derived from a
 * public random value that nobody could predict when the previous contributions were made.
 * @throws Error for an invalid beacon value or exponent (before any file is read), and as
 *   `ceremonyContribute` for the files.
 */
export async function ceremonyBeacon(opts: CeremonyBeaconOptions): Promise<KeyContribution> {
  const { log } = opts;
  const beaconHex = parseBeaconHex(opts.beaconHex);
  const iterationsExp = checkIterationsExp(opts.iterationsExp);
  const name = checkContributionName(opts.name ?? "");
  const before = await readZkeyInfo(opts.zkeyIn);
  if (!before.contributions.some((c) => c.type === "contribution")) {
    log?.info(`warning: ${opts.zkeyIn} has no secret contribution yet; a beacon alone is public and gives no security`);
  }
  await assertWritable(opts.zkeyOut, opts.force, "zkey");
  log?.info(`applying beacon ${beaconHex} with 2^${iterationsExp} iterations to ${opts.zkeyIn}`);
  const { logger, errors } = capturingLogger(log);
  const hash = await writeViaTemp(opts.zkeyOut, opts.force, "zkey", async (temp) => {
    const res = await snarkjs.zKey.beacon(opts.zkeyIn, temp, name, beaconHex, iterationsExp, logger);
    if (!(res instanceof Uint8Array)) throw new Error(`snarkjs zkey beacon failed for ${opts.zkeyIn}: ${reason(errors)}`);
    return Buffer.from(res).toString("hex");
  });
  log?.info(`wrote ${opts.zkeyOut}; beacon contribution hash: ${hash}`);
  return { type: "beacon", name, hash, beacon: { value: beaconHex, iterationsExp } };
}

/** Options of `ceremonyVerify`. */
export interface CeremonyVerifyOptions extends CeremonyCommonOptions {
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
}

/** Outcome of `ceremonyVerify`. */
export interface CeremonyVerifyResult {
  /** True when snarkjs recomputed the zkey from the r1cs and ptau and every contribution checks. */
  valid: boolean;
  /** Contributions recorded in the zkey, oldest first (listed even when invalid, as claims). */
  contributions: KeyContribution[];
  /** Why it is invalid, as far as known (snarkjs prints some reasons only to the console). */
  problems: string[];
  /** snarkjs's circuit hash recorded in the zkey (blake2b-512 hex). */
  circuitHash: string;
}

/**
 * Verify a zkey against the circuit and the ptau (`snarkjs zkey verify`): the zkey must be the
 * one `init` makes from these files, changed only by the listed, well-formed contributions.
 * A zkey with no contributions verifies (it is what `init` makes) but is not safe to use;
 * `ceremonyExport` applies that policy.
 * @throws Error only for unusable inputs (missing, wrong kind, truncated, ptau too small or
 *   unprepared); a zkey that does not match gives `valid: false` with `problems`.
 */
export async function ceremonyVerify(opts: CeremonyVerifyOptions): Promise<CeremonyVerifyResult> {
  const { log } = opts;
  const { r1cs } = await checkCircuitAndPtau(opts.r1csPath, opts.ptauPath);
  const zkey = await readZkeyInfo(opts.zkeyPath);
  const base = { contributions: zkey.contributions, circuitHash: zkey.circuitHash };

  // Cheap shape check first: the full check rebuilds the initial zkey, which takes minutes.
  const nPublic = r1cs.nPubInputs + r1cs.nOutputs;
  if (zkey.nVars !== r1cs.nWires || zkey.nPublic !== nPublic) {
    const problem =
      `${opts.zkeyPath} was made for a different circuit than ${opts.r1csPath}: ` +
      `zkey has ${zkey.nVars} variables and ${zkey.nPublic} public signals, the r1cs ${r1cs.nWires} and ${nPublic}`;
    log?.info(problem);
    return { valid: false, problems: [problem], ...base };
  }

  log?.info(`verifying ${opts.zkeyPath} against ${opts.r1csPath} and ${opts.ptauPath} (rebuilds the initial zkey)`);
  const started = Date.now();
  const { logger, errors } = capturingLogger(log);
  const valid = (await snarkjs.zKey.verifyFromR1cs(opts.r1csPath, opts.ptauPath, opts.zkeyPath, logger)) === true;
  const problems = valid ? [] : errors.length > 0 ? [...errors] : ["snarkjs rejected the zkey (its reason, if any, was printed to the console)"];
  log?.info(`${opts.zkeyPath} is ${valid ? "VALID" : "INVALID"} (${seconds(started)} s); ${zkey.contributions.length} contributions:`);
  zkey.contributions.forEach((c, i) => log?.info(`  #${i + 1} ${describeContribution(c)}`));
  return { valid, problems, ...base };
}

/** Options of `ceremonyExport`. */
export interface CeremonyExportOptions extends CeremonyCommonOptions {
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
  /** Profile name; the files are `<keysDir>/<profile>.vkey.json` and `<profile>.manifest.json`. */
  profile: string;
  /** Hex hash of the circuit sources and parameters (the build cache key). */
  circuitHash: string;
  /** Circom template the key proves (e.g. `DatasetDeletion`), recorded in the manifest. */
  template: string;
  /** Template parameters in the template's order, recorded in the manifest. */
  params: number[];
  /** Names of the public signals in circuit order; their count must match the circuit. */
  publicSignals: string[];
  keysDir: string;
  force?: boolean;
  /** Accept a zkey whose last contribution is not a beacon (DESIGN asks for one). Default false. */
  allowNoBeacon?: boolean;
}

/** What `ceremonyExport` wrote. */
export interface CeremonyExportResult {
  vkeyPath: string;
  manifestPath: string;
  manifest: KeyManifest;
}

/**
 * Verify the zkey, then write its verification key and a `security: "ceremony"` manifest
 * (hashes of r1cs, zkey and ptau, the contributions, the vkey hash) into `keysDir`.
 * @throws Error if the zkey does not verify, has no secret contribution (anyone could forge
 *   proofs), does not end with a beacon (unless `allowNoBeacon`), if an output exists without
 *   `force`, or for any input problem `ceremonyVerify` reports.
 */
export async function ceremonyExport(opts: CeremonyExportOptions): Promise<CeremonyExportResult> {
  const { log } = opts;
  const profile = checkProfileName(opts.profile);
  const circuitHash = checkCircuitHash(opts.circuitHash);
  checkManifestStatement(opts.template, opts.params);
  const vkeyPath = join(opts.keysDir, `${profile}.vkey.json`);
  const manifestPath = join(opts.keysDir, `${profile}.manifest.json`);
  await assertWritable(vkeyPath, opts.force, "verification key");
  await assertWritable(manifestPath, opts.force, "manifest");
  const r1cs = await readR1csInfo(opts.r1csPath);
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  if (opts.publicSignals.length !== nPublic) {
    throw new Error(
      `${opts.r1csPath} has ${nPublic} public signals, but ${opts.publicSignals.length} public signal names were given for profile ${profile}`,
    );
  }
  // Before the slow verification: a wrong ptau makes it pointless.
  const ptau = await hashAndCheckPtau(await readPtauInfo(opts.ptauPath), log);

  const verified = await ceremonyVerify(opts);
  if (!verified.valid) {
    throw new Error(`refusing to export ${opts.zkeyPath}: it does not verify against ${opts.r1csPath} and ${opts.ptauPath}: ${verified.problems.join("; ")}`);
  }
  assertCeremonyComplete(opts.zkeyPath, verified.contributions, opts.allowNoBeacon ?? false);

  log?.info("hashing the r1cs and the zkey");
  const r1csHash = await blake2b512File(opts.r1csPath);
  const zkeyHash = await blake2b512File(opts.zkeyPath);
  const vkey = await snarkjs.zKey.exportVerificationKey(opts.zkeyPath);
  const manifest: KeyManifest = {
    version: 1,
    profile,
    template: opts.template,
    params: [...opts.params],
    publicSignals: [...opts.publicSignals],
    security: "ceremony",
    constraints: r1cs.nConstraints,
    circuitHash,
    r1csHash,
    zkeyHash,
    ptau: { file: basename(opts.ptauPath), power: ptau.power, hash: ptau.hash },
    contributions: verified.contributions,
    vkeyHash: verificationKeyHash(vkey),
    createdAt: new Date().toISOString(),
  };
  // The manifest is written last: a manifest on disk means its verification key is complete.
  await writeFileAtomic(vkeyPath, `${JSON.stringify(vkey, null, 2)}\n`, opts.force, "verification key");
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, opts.force, "manifest");
  log?.info(`wrote ${vkeyPath} and ${manifestPath} (vkey hash ${manifest.vkeyHash})`);
  return { vkeyPath, manifestPath, manifest };
}

/** A one-line description of a contribution, as `verify` lists them. */
export function describeContribution(c: KeyContribution): string {
  const label = c.name ? ` "${c.name}"` : "";
  const beacon = c.beacon ? ` (beacon ${c.beacon.value}, 2^${c.beacon.iterationsExp} iterations)` : "";
  return `${c.type}${label}${beacon}: ${c.hash}`;
}

/** A zkey is fit for production only if someone contributed a secret, and (per DESIGN) a beacon closed it. */
function assertCeremonyComplete(zkeyPath: string, contributions: KeyContribution[], allowNoBeacon: boolean): void {
  if (!contributions.some((c) => c.type === "contribution")) {
    throw new Error(
      `refusing to export ${zkeyPath}: it has no secret contribution (only ${contributions.length} beacon(s)), ` +
        `so its toxic waste is public and anyone could forge proofs; run contribute first`,
    );
  }
  if (!allowNoBeacon && contributions[contributions.length - 1]!.type !== "beacon") {
    throw new Error(`refusing to export ${zkeyPath}: the ceremony is not closed with a beacon; run beacon first (or allow no beacon)`);
  }
}

/** Read and check the r1cs and ptau headers together: prepared ptau, big enough for the circuit. */
async function checkCircuitAndPtau(r1csPath: string, ptauPath: string): Promise<{ r1cs: R1csInfo; ptau: PtauInfo }> {
  const r1cs = await readR1csInfo(r1csPath);
  const ptau = await readPtauInfo(ptauPath);
  assertPreparedPtau(ptau);
  assertPtauBigEnough(ptau, r1cs, r1csPath);
  return { r1cs, ptau };
}

/** Hash the ptau and compare with the published table; a Hermez-named file with another hash is an error. */
async function hashAndCheckPtau(ptau: PtauInfo, log: CeremonyLog | undefined): Promise<PtauReport> {
  log?.info(`hashing ${ptau.path} (${(ptau.fileSize / 2 ** 20).toFixed(1)} MiB, blake2b-512)`);
  let nextReport = 0.1;
  const hash = await blake2b512File(ptau.path, (done, total) => {
    if (total > 0 && done / total >= nextReport) {
      log?.debug?.(`hashing ${basename(ptau.path)}: ${Math.floor((100 * done) / total)}%`);
      nextReport = Math.floor((10 * done) / total) / 10 + 0.1;
    }
  });
  log?.info(`ptau blake2b-512: ${hash}`);
  const hermez = checkHermezPtau(ptau.path, hash);
  if (hermez.status === "mismatch") {
    throw new Error(`${describeHermezCheck(ptau.path, hermez)}; the file is corrupt or not the published one`);
  }
  log?.info(describeHermezCheck(ptau.path, hermez));
  return { path: ptau.path, power: ptau.power, hash, hermez };
}

function reason(errors: string[]): string {
  return errors.length > 0 ? errors.join("; ") : "no reason given";
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
