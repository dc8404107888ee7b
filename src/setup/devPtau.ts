import { open, rename, rm } from "node:fs/promises";
import { BinFileWriter, concatBytes, u32LE } from "./binFile.ts";
import { blake2b } from "@noble/hashes/blake2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { BnCurve } from "ffjavascript";
import { fixedBaseBatch, fixedBaseTable, withFixedBaseCurve, type GroupName } from "./fixedBase.ts";
import { ptauKeyFromBeacon, serializePtauPubKey, type PtauKey } from "./ptauBeacon.ts";

/**
 * Insecure development powers of tau, generated directly from known secrets.
 *
 * The file is exactly what `snarkjs powersoftau new` + `powersoftau beacon` (with the beacon
 * below) + `powersoftau prepare phase2` would write, byte for byte, so `snarkjs powersoftau
 * verify` accepts it and `groth16 setup` reads it. The difference is speed: with tau known,
 * every point is a scalar multiple of a generator, so we never run the group FFT that makes
 * `prepare phase2` slow; Lagrange coefficients are computed as field elements (a scalar
 * FFT) and turned into points with a fixed-base multiplication.
 *
 * The secrets come from a public beacon (SHA-256 of the seed): anyone can recompute them and
 * forge proofs under keys built on this file. That is the point of a dev key: reproducible,
 * and labelled insecure in its contribution record and in the key manifest.
 */

/** Beacon iteration exponent used for dev files (snarkjs's minimum: 2^10 SHA-256 rounds). */
export const DEV_BEACON_ITERATIONS_EXP = 10;

/** Options for {@link generateDevPtau}. */
export interface DevPtauOptions {
  /** The file supports circuits of up to 2^power constraints (power 1..24). */
  power: number;
  /** Public seed the beacon, and so every secret, is derived from. */
  seed: string;
  /** Output path; written to a temporary file first and renamed into place. */
  outFile: string;
  /** Receives one line per step. */
  onProgress?: (message: string) => void;
}

/** What {@link generateDevPtau} produced. */
export interface DevPtauResult {
  outFile: string;
  power: number;
  /** Hex beacon hash recorded in the contribution (sha256 of the seed). */
  beaconHash: string;
  /** Contribution name recorded in the file. */
  contributionName: string;
  seconds: number;
}

/** The beacon hash a dev seed stands for: SHA-256 of its UTF-8 bytes. */
export function devBeaconHash(seed: string): Uint8Array {
  return sha256(new TextEncoder().encode(seed));
}

/** Name written into the contribution record, so the file says what it is. */
export function devContributionName(seed: string): string {
  return `zkforget INSECURE dev beacon, seed ${seed}`.slice(0, 64);
}

/**
 * Writes a complete prepared (phase 2 ready) `.ptau` file for `power` from the dev seed.
 * @throws RangeError for a power outside 1..24.
 */
export async function generateDevPtau(options: DevPtauOptions): Promise<DevPtauResult> {
  const { power, seed, outFile } = options;
  if (!Number.isInteger(power) || power < 1 || power > 24) {
    throw new RangeError(`ptau power must be an integer in [1, 24], got ${power}`);
  }
  const log = options.onProgress ?? (() => {});
  const started = performance.now();
  const beaconHash = devBeaconHash(seed);
  const contributionName = devContributionName(seed);
  const tmpFile = `${outFile}.${process.pid}.tmp`;

  await withFixedBaseCurve(async (curve) => {
    const Fr = curve.Fr;
    const n = 2 ** power;
    const challengeHash = firstChallengeHash(curve, power);
    const key = ptauKeyFromBeacon(curve, challengeHash, beaconHash, DEV_BEACON_ITERATIONS_EXP);
    const tables = { G1: fixedBaseTable(curve, "G1"), G2: fixedBaseTable(curve, "G2") };
    const points = async (group: GroupName, scalarsMontgomery: Uint8Array) =>
      fixedBaseBatch(curve, group, tables[group], await Fr.batchFromMontgomery(scalarsMontgomery));
    const geometric = (count: number, first: Uint8Array, ratio: Uint8Array) => geometricScalars(curve, count, first, ratio);

    log(`dev ptau 2^${power}: powers of tau`);
    const tauPowers = await geometric(2 * n - 1, Fr.one, key.tau.prvKey);
    const tauG1 = await points("G1", tauPowers);
    const tauG2 = await points("G2", tauPowers.subarray(0, n * 32));
    log(`dev ptau 2^${power}: alpha and beta powers`);
    const alphaTauG1 = await points("G1", await geometric(n, key.alpha.prvKey, key.tau.prvKey));
    const betaTauG1 = await points("G1", await geometric(n, key.beta.prvKey, key.tau.prvKey));
    const betaG2 = await points("G2", key.beta.prvKey);
    const phase1 = [tauG1, tauG2, alphaTauG1, betaTauG1, betaG2] as const;
    const phase1Groups: GroupName[] = ["G1", "G2", "G1", "G1", "G2"];

    log(`dev ptau 2^${power}: contribution record`);
    const contribution = await contributionRecord(curve, {
      challengeHash, key, beaconHash, name: contributionName, phase1: [...phase1], groups: phase1Groups,
    });

    const file = await open(tmpFile, "w");
    try {
      const writer = new BinFileWriter(file);
      await writer.start("ptau", 1, 11);
      await writer.section(1, [ptauHeader(curve, power)]);
      for (let i = 0; i < phase1.length; i++) await writer.section(2 + i, [phase1[i]!]);
      await writer.section(7, [contribution]);

      // Lagrange sections: for each domain size 2^p, the IFFT of the tau powers, which are
      // the Lagrange basis polynomials evaluated at tau. Section 12 also has p = power + 1,
      // built from the 2n-1 available powers with a 0 in the missing last place, exactly as
      // `prepare phase2` does (groth16 setup reads it for the H query).
      const lagrangeScalars: Uint8Array[] = [];
      for (let p = 0; p <= power + 1; p++) {
        const size = 2 ** p;
        const coefficients = new Uint8Array(size * 32);
        coefficients.set(tauPowers.subarray(0, Math.min(size, 2 * n - 1) * 32));
        lagrangeScalars.push(size === 1 ? coefficients : await Fr.ifft(coefficients));
      }
      log(`dev ptau 2^${power}: Lagrange basis, tau·G1`);
      await writer.section(12, await mapSerial(lagrangeScalars, (s) => points("G1", s)));
      log(`dev ptau 2^${power}: Lagrange basis, tau·G2`);
      await writer.section(13, await mapSerial(lagrangeScalars.slice(0, power + 1), (s) => points("G2", s)));
      for (const [sectionId, secret, label] of [[14, key.alpha.prvKey, "alpha"], [15, key.beta.prvKey, "beta"]] as const) {
        log(`dev ptau 2^${power}: Lagrange basis, ${label}·tau·G1`);
        await writer.section(sectionId, await mapSerial(lagrangeScalars.slice(0, power + 1), async (s) =>
          points("G1", await Fr.batchApplyKey(s, secret, Fr.one))));
      }
      await writer.finish();
    } finally {
      await file.close();
    }
  }).catch(async (error: unknown) => {
    await rm(tmpFile, { force: true });
    throw error;
  });
  await rename(tmpFile, outFile);
  const seconds = (performance.now() - started) / 1000;
  log(`dev ptau 2^${power}: written ${outFile} in ${seconds.toFixed(1)} s`);
  return { outFile, power, beaconHash: Buffer.from(beaconHash).toString("hex"), contributionName, seconds };
}

async function mapSerial<T, U>(items: readonly T[], fn: (item: T) => Promise<U>): Promise<U[]> {
  const out: U[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

/**
 * first, first·ratio, …, first·ratio^(count−1) as one buffer of Montgomery Fr elements, computed
 * on ffjavascript's threads (the dev ptau's power sequences, and the direct zkey's).
 */
export function geometricScalars(curve: BnCurve, count: number, first: Uint8Array, ratio: Uint8Array): Promise<Uint8Array> {
  return curve.Fr.batchApplyKey(filled(curve.Fr.one, count), first, ratio);
}

function filled(element: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * element.byteLength);
  for (let i = 0; i < count; i++) out.set(element, i * element.byteLength);
  return out;
}

/** Section 1: n8, the base-field prime q (little endian), power and ceremony power. */
function ptauHeader(curve: BnCurve, power: number): Uint8Array {
  const n8 = curve.F1.n8;
  const out = new Uint8Array(4 + n8 + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, n8, true);
  let q = curve.q;
  for (let i = 0; i < n8; i++, q >>= 8n) out[4 + i] = Number(q & 0xffn);
  view.setUint32(4 + n8, power, true);
  view.setUint32(8 + n8, power, true);
  return out;
}

/**
 * snarkjs `calculateFirstChallengeHash`: blake2b over the blank-response hash and the
 * uncompressed generators that `powersoftau new` writes in every slot.
 */
export function firstChallengeHash(curve: BnCurve, power: number): Uint8Array {
  const hasher = blake2b.create({ dkLen: 64 });
  hasher.update(blake2b.create({ dkLen: 64 }).digest());
  const g1 = curve.G1.toUncompressed(curve.G1.g);
  const g2 = curve.G2.toUncompressed(curve.G2.g);
  const n = 2 ** power;
  const repeatInto = (point: Uint8Array, count: number) => {
    const block = filled(point, Math.min(count, 1 << 14));
    for (let done = 0; done < count; done += block.byteLength / point.byteLength) {
      const take = Math.min(count - done, block.byteLength / point.byteLength);
      hasher.update(block.subarray(0, take * point.byteLength));
    }
  };
  repeatInto(g1, 2 * n - 1);
  repeatInto(g2, n);
  repeatInto(g1, n);
  repeatInto(g1, n);
  hasher.update(g2);
  return hasher.digest();
}

interface ContributionInputs {
  challengeHash: Uint8Array;
  key: PtauKey;
  beaconHash: Uint8Array;
  name: string;
  phase1: Uint8Array[];
  groups: GroupName[];
}

/**
 * Section 7 with one beacon contribution, laid out as snarkjs `writeContributions` does,
 * with the response and next-challenge hashes computed as `powersoftau beacon` computes them.
 */
async function contributionRecord(curve: BnCurve, c: ContributionInputs): Promise<Uint8Array> {
  const response = blake2b.create({ dkLen: 64 });
  response.update(c.challengeHash);
  for (let i = 0; i < c.phase1.length; i++) response.update(await curve[c.groups[i]!].batchLEMtoC(c.phase1[i]!));
  const partial = partialHashState(response);
  response.update(serializePtauPubKey(curve, c.key, false));
  const responseHash = response.digest();
  const next = blake2b.create({ dkLen: 64 });
  next.update(responseHash);
  for (let i = 0; i < c.phase1.length; i++) next.update(await curve[c.groups[i]!].batchLEMtoU(c.phase1[i]!));
  const nextChallenge = next.digest();

  const g1 = curve.G1.F.n8 * 2;
  const g2 = curve.G2.F.n8 * 2;
  const [tauG1, tauG2, alphaTauG1, betaTauG1, betaG2] = c.phase1 as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const name = new TextEncoder().encode(c.name);
  const params = [1, name.byteLength, ...name, 2, DEV_BEACON_ITERATIONS_EXP, 3, c.beaconHash.byteLength, ...c.beaconHash];
  const parts = [
    u32LE(1), // one contribution
    tauG1.subarray(g1, 2 * g1), tauG2.subarray(g2, 2 * g2), alphaTauG1.subarray(0, g1), betaTauG1.subarray(0, g1), betaG2.subarray(0, g2),
    serializePtauPubKey(curve, c.key, true), partial, nextChallenge,
    u32LE(1), // type: beacon
    u32LE(params.length), new Uint8Array(params),
  ];
  return concatBytes(parts);
}

/** The 216-byte blake2b midstate snarkjs stores as `partialHash` (see misc.toPartialHash). */
function partialHashState(hasher: ReturnType<typeof blake2b.create>): Uint8Array {
  // noble's BLAKE2b keeps its state in these fields; snarkjs reads the same ones.
  const h = hasher as unknown as Record<string, number> & { buffer: Uint8Array };
  const out = new Uint8Array(216);
  out.set(h.buffer);
  const words = new Uint32Array(out.buffer, 128, 22);
  const names = ["v0l", "v0h", "v1l", "v1h", "v2l", "v2h", "v3l", "v3h", "v4l", "v4h", "v5l", "v5h", "v6l", "v6h", "v7l", "v7h"];
  names.forEach((field, i) => { words[i] = h[field]! >>> 0; });
  words[16] = h.length! - h.pos!;
  words[18] = h.pos!;
  return out;
}
