import { open } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2.js";
import type { BnCurve } from "ffjavascript";
import { readR1cs, type R1csConstraint } from "../circuits/r1cs.ts";
import { BinFileWriter, concatBytes, u32LE } from "./binFile.ts";
import { DEV_BEACON_ITERATIONS_EXP, devBeaconHash, geometricScalars } from "./devPtau.ts";
import { fixedBaseBatch, fixedBaseTable, withFixedBaseCurve, type GroupName } from "./fixedBase.ts";
import { drawPtauSecrets, rngFromBeacon } from "./ptauBeacon.ts";
import { requiredPtauPower } from "./ptauInfo.ts";
import { zkeyBeaconKey, zkeyBeaconRecord, zkeyMpcSection } from "./zkeyBeacon.ts";

/**
 * A dev Groth16 zkey computed straight from its known secrets.
 *
 * Today's reference route is: dev powers of tau of the circuit's power (secrets τ, α, β from the
 * seed's beacon), stock `snarkjs groth16 setup` (zkey_new.js, delta = 1), then `zkey beacon`
 * (delta from the zkey beacon, C and H divided by it). Every point that route writes is a known
 * scalar times a generator, so this module computes the scalars in the field and turns them into
 * points with fixed-base multiplications, and writes the file that route would write, byte for
 * byte (a test compares them):
 *
 * - the QAP at τ: with L_c(τ) the Lagrange basis of the 2^power domain at τ (an inverse FFT of
 *   τ's powers, as the ptau's Lagrange section holds it), u_s(τ) = Σ_c A[c][s]·L_c(τ), likewise
 *   v_s, w_s; snarkjs adds one row per public signal and the constant (A[nConstraints + s][s] = 1);
 * - A = u·G1, B1 = v·G1, B2 = v·G2, IC = (β·u + α·v + w)·G1 for the public wires and
 *   C = (β·u + α·v + w)/δ·G1 for the others;
 * - H: zkey_new.js copies the odd entries of the ptau's Lagrange section of the doubled domain
 *   (the odd coset of the domain, which is what the prover evaluates h on). For a ptau of exactly
 *   the circuit's power that section is the inverse FFT of (τ^0, …, τ^(2n−2), 0): the file has
 *   no τ^(2n−1). So H_i = IFFT(…)[2i+1]/δ·G1;
 * - the circuit hash (csHash, which zkey verify recomputes) over the points before the beacon,
 *   including zkey_new.js's H points τ^i·(τ^n − 1)·G1 with its chunking quirk (see hPointsHash);
 * - the beacon's delta and its contribution record (zkeyBeacon.ts).
 *
 * What is skipped: the ptau file (its Lagrange sections in particular), zkey_new.js's multi-
 * exponentiations over the ptau points, and the beacon's second pass over C and H.
 */

/** Options for {@link writeDirectDevZkey}. */
export interface DirectZkeyOptions {
  r1csPath: string;
  /** Seed of the dev powers of tau: τ, α, β are those of `generateDevPtau({ seed })`. */
  ptauSeed: string;
  /** The zkey beacon that closes the key (as given to `snarkjs zkey beacon`). */
  beacon: { name: string; hashHex: string; iterationsExp: number };
  /** Where the zkey is written (not atomically: callers write to a temporary name and rename). */
  outFile: string;
  /** One line per step. */
  onProgress?: (message: string) => void;
}

/** What {@link writeDirectDevZkey} wrote. */
export interface DirectZkeyResult {
  outFile: string;
  /** Power of the domain (and of the dev ptau the reference route uses). */
  power: number;
  nConstraints: number;
  /** blake2b-512 hex circuit hash, as snarkjs prints it. */
  circuitHash: string;
  seconds: number;
}

/** Bytes of a G1 / G2 point in affine LEM form. */
const G1_SIZE = 64;
const G2_SIZE = 128;
const SCALAR_SIZE = 32;
/** zkey_new.js hashes the H points in chunks of this many points. */
const H_HASH_CHUNK = 1 << 14;

/**
 * Writes the dev zkey of the circuit at `r1csPath`: the file `groth16 setup` on the dev ptau of
 * `ptauSeed` followed by the zkey beacon `beacon` would write.
 * @throws Error naming the r1cs when it is not over BN254's scalar field or its domain would
 *   exceed 2^24 (the largest dev ptau).
 */
export async function writeDirectDevZkey(options: DirectZkeyOptions): Promise<DirectZkeyResult> {
  const started = performance.now();
  const log = options.onProgress ?? (() => {});
  const { header, constraints } = await readR1cs(options.r1csPath);
  const power = requiredPtauPower(header);
  if (power > 24) throw new Error(`${options.r1csPath}: the circuit needs a 2^${power} domain, dev keys go up to 2^24`);
  const n = 2 ** power;
  const nPublic = header.nOutputs + header.nPubInputs;
  const nVars = header.nWires;
  const label = `direct dev zkey 2^${power}`;

  const circuitHash = await withFixedBaseCurve(async (curve) => {
    if (header.prime !== curve.r) {
      throw new Error(`${options.r1csPath}: the circuit is not over BN254's scalar field (compile with circom -p bn128)`);
    }
    const Fr = curve.Fr;
    const r = curve.r;
    const toBig = async (montgomery: Uint8Array) => bigintsLE(await Fr.batchFromMontgomery(montgomery));
    const tables = { G1: fixedBaseTable(curve, "G1"), G2: fixedBaseTable(curve, "G2") };
    const points = (group: GroupName, scalars: Uint8Array) => fixedBaseBatch(curve, group, tables[group], scalars);

    const secrets = drawPtauSecrets(curve, rngFromBeacon(devBeaconHash(options.ptauSeed), DEV_BEACON_ITERATIONS_EXP));
    const [tau, alpha, beta] = [secrets.tau, secrets.alpha, secrets.beta].map((x) => Fr.toObject(x)) as [bigint, bigint, bigint];
    const beaconHash = hexBytes(options.beacon.hashHex);
    const beaconKey = zkeyBeaconKey(curve, beaconHash, options.beacon.iterationsExp);
    const invDelta = modInverse(Fr.toObject(beaconKey.delta), r);

    log(`${label}: Lagrange basis at tau`);
    // τ^0 … τ^(2n−2): all the powers a 2^power ptau holds.
    const tauPowers = await geometricScalars(curve, 2 * n - 1, Fr.one, secrets.tau);
    const lagrange = await toBig(await Fr.ifft(tauPowers.slice(0, n * SCALAR_SIZE)));
    const doubled = new Uint8Array(2 * n * SCALAR_SIZE);
    doubled.set(tauPowers);
    const lagrangeDoubled = await Fr.ifft(doubled);
    const oddEntries = new Uint8Array(n * SCALAR_SIZE);
    for (let i = 0; i < n; i++) {
      oddEntries.set(lagrangeDoubled.subarray((2 * i + 1) * SCALAR_SIZE, (2 * i + 2) * SCALAR_SIZE), i * SCALAR_SIZE);
    }

    log(`${label}: QAP at tau (${header.nConstraints} constraints, ${nVars} wires)`);
    const qap = evaluateQap(constraints, lagrange, nVars, nPublic, r);
    const ic: bigint[] = [];
    const cInitial: bigint[] = [];
    for (let s = 0; s < nVars; s++) {
      const k = (beta * qap.u[s]! + alpha * qap.v[s]! + qap.w[s]!) % r;
      (s <= nPublic ? ic : cInitial).push(k);
    }

    log(`${label}: points (fixed-base multiplications)`);
    const vkPoints = await points("G1", scalarBytes([alpha, beta]));
    const alpha1 = vkPoints.subarray(0, G1_SIZE);
    const beta1 = vkPoints.subarray(G1_SIZE);
    const beta2 = await points("G2", scalarBytes([beta]));
    const sections = {
      ic: await points("G1", scalarBytes(ic)),
      a: await points("G1", scalarBytes(qap.u)),
      b1: await points("G1", scalarBytes(qap.v)),
      b2: await points("G2", scalarBytes(qap.v)),
      cInitial: await points("G1", scalarBytes(cInitial)),
      c: await points("G1", scalarBytes(cInitial, invDelta, r)),
      h: await points("G1", await Fr.batchFromMontgomery(await Fr.batchApplyKey(oddEntries, Fr.fromObject(invDelta), Fr.one))),
    };

    log(`${label}: circuit hash`);
    const cs = blake2b.create({ dkLen: 64 });
    const g1 = lem(curve, "G1", curve.G1.g);
    const g2 = lem(curve, "G2", curve.G2.g);
    const hashPoints = async (group: GroupName, lemPoints: Uint8Array, count = lemPoints.byteLength / pointSize(group)) => {
      cs.update(u32BE(count));
      cs.update(await curve[group].batchLEMtoU(lemPoints));
    };
    for (const [group, p] of [["G1", alpha1], ["G1", beta1], ["G2", beta2], ["G2", g2], ["G1", g1], ["G2", g2]] as const) {
      cs.update(await curve[group].batchLEMtoU(p));
    }
    await hashPoints("G1", sections.ic);
    cs.update(await hPointsHash(curve, tau, n, points));
    await hashPoints("G1", sections.cInitial);
    await hashPoints("G1", sections.a);
    await hashPoints("G1", sections.b1);
    await hashPoints("G2", sections.b2);
    const csHash = cs.digest();

    const record = zkeyBeaconRecord(curve, beaconKey, csHash, {
      name: options.beacon.name, hash: beaconHash, iterationsExp: options.beacon.iterationsExp,
    });
    const grothHeader = concatBytes([
      u32LE(32), bigintLE(curve.q), u32LE(32), bigintLE(r), u32LE(nVars), u32LE(nPublic), u32LE(n),
      alpha1, beta1, beta2, g2, lem(curve, "G1", record.deltaAfter), lem(curve, "G2", record.delta2),
    ]);

    log(`${label}: writing ${options.outFile}`);
    const file = await open(options.outFile, "w");
    try {
      const writer = new BinFileWriter(file);
      // `zkey beacon` writes the sections in id order, whatever order zkey_new.js used.
      await writer.start("zkey", 1, 10);
      await writer.section(1, [u32LE(1)]); // Groth16
      await writer.section(2, [grothHeader]);
      await writer.section(3, [sections.ic]);
      await writer.section(4, [coefficientSection(constraints, header.nConstraints, nPublic, r)]);
      await writer.section(5, [sections.a]);
      await writer.section(6, [sections.b1]);
      await writer.section(7, [sections.b2]);
      await writer.section(8, [sections.c]);
      await writer.section(9, [sections.h]);
      await writer.section(10, [zkeyMpcSection(curve, csHash, record)]);
      await writer.finish();
    } finally {
      await file.close();
    }
    return Buffer.from(csHash).toString("hex");
  });
  const seconds = (performance.now() - started) / 1000;
  log(`${label}: done in ${seconds.toFixed(1)} s`);
  return { outFile: options.outFile, power, nConstraints: header.nConstraints, circuitHash, seconds };
}

/** u, v, w of every wire at τ (reduced), with snarkjs's extra A rows for the public wires. */
function evaluateQap(
  constraints: readonly R1csConstraint[],
  lagrange: readonly bigint[],
  nVars: number,
  nPublic: number,
  r: bigint,
): { u: bigint[]; v: bigint[]; w: bigint[] } {
  const u = new Array<bigint>(nVars).fill(0n);
  const v = new Array<bigint>(nVars).fill(0n);
  const w = new Array<bigint>(nVars).fill(0n);
  constraints.forEach((constraint, c) => {
    const l = lagrange[c]!;
    // Sums stay unreduced until the end: bigint addition is cheaper than a reduction per term.
    for (const [s, coef] of constraint.a) u[s]! += coef * l;
    for (const [s, coef] of constraint.b) v[s]! += coef * l;
    for (const [s, coef] of constraint.c) w[s]! += coef * l;
  });
  for (let s = 0; s <= nPublic; s++) u[s]! += lagrange[constraints.length + s]!;
  for (const poly of [u, v, w]) for (let s = 0; s < nVars; s++) poly[s] = poly[s]! % r;
  return { u, v, w };
}

/**
 * Section 4, exactly as zkey_new.js writes it: the A and B coefficients in r1cs order (per
 * constraint, A's terms then B's), then A[nConstraints + s][s] = 1 for s = 0..nPublic; each as
 * (matrix, constraint, signal, coefficient·R² mod r), R = 2^256 mod r.
 */
function coefficientSection(constraints: readonly R1csConstraint[], nConstraints: number, nPublic: number, r: bigint): Uint8Array {
  const rr = (1n << 256n) % r;
  const r2 = (rr * rr) % r;
  const count = constraints.reduce((sum, c) => sum + c.a.size + c.b.size, 0) + nPublic + 1;
  const out = new Uint8Array(4 + count * (12 + SCALAR_SIZE));
  const view = new DataView(out.buffer);
  view.setUint32(0, count, true);
  let pos = 4;
  const put = (matrix: number, constraint: number, signal: number, value: bigint) => {
    view.setUint32(pos, matrix, true);
    view.setUint32(pos + 4, constraint, true);
    view.setUint32(pos + 8, signal, true);
    writeScalar(view, pos + 12, (value * r2) % r);
    pos += 12 + SCALAR_SIZE;
  };
  constraints.forEach((constraint, c) => {
    for (const [s, coef] of constraint.a) put(0, c, s, coef);
    for (const [s, coef] of constraint.b) put(1, c, s, coef);
  });
  for (let s = 0; s <= nPublic; s++) put(0, nConstraints + s, s, 1n);
  return out;
}

/**
 * The H part of zkey_new.js's circuit hash: u32 (n − 1), then τ^i·(τ^n − 1)·G1 uncompressed,
 * which it computes as tauG1[i + n] − tauG1[i] from the ptau. Its loop (hashHPoints) takes
 * min(n − 1, 2^14) points per chunk without subtracting what is done, so above 2^14 + 1 rows it
 * hashes n points, not n − 1, and the last "tauG1[2n − 1]" lies past the end of the ptau's
 * section 2 (a 2^power file holds 2n − 1 powers): it reads the next 64 bytes of the file, which
 * are section 3's header (id 3, size n·128) and the first 52 bytes of tauG2[0] = G2 in LEM form.
 * zkey verify recomputes the hash the same way, so to be accepted we hash what it hashes.
 */
async function hPointsHash(
  curve: BnCurve,
  tau: bigint,
  n: number,
  points: (group: GroupName, scalars: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const r = curve.r;
  const Fr = curve.Fr;
  const tauN = Fr.fromObject(modPow(tau, BigInt(n), r));
  const first = Fr.sub(tauN, Fr.one);
  const scaled = await points("G1", await Fr.batchFromMontgomery(await geometricScalars(curve, n - 1, first, Fr.fromObject(tau))));
  const parts = [u32BE(n - 1), await curve.G1.batchLEMtoU(scaled)];
  if (n - 1 > H_HASH_CHUNK) {
    const pastEnd = new Uint8Array(G1_SIZE);
    pastEnd.set(u32LE(3), 0);
    new DataView(pastEnd.buffer).setBigUint64(4, BigInt(n * G2_SIZE), true);
    pastEnd.set(lem(curve, "G2", curve.G2.g).subarray(0, G1_SIZE - 12), 12);
    const lastTau = await points("G1", scalarBytes([modPow(tau, BigInt(n - 1), r)]));
    const [hashed] = await curve.tm.queueAction([
      { cmd: "ALLOCSET", var: 0, buff: pastEnd },
      { cmd: "ALLOCSET", var: 1, buff: lastTau },
      { cmd: "ALLOC", var: 2, len: 96 },
      { cmd: "CALL", fnName: "g1m_subAffine", params: [{ var: 0 }, { var: 1 }, { var: 2 }] },
      { cmd: "CALL", fnName: "g1m_batchToAffine", params: [{ var: 2 }, { val: 1 }, { var: 2 }] },
      { cmd: "CALL", fnName: "g1m_batchLEMtoU", params: [{ var: 2 }, { val: 1 }, { var: 2 }] },
      { cmd: "GET", out: 0, var: 2, len: G1_SIZE },
    ]);
    parts.push(hashed!);
  }
  return concatBytes(parts);
}

function pointSize(group: GroupName): number {
  return group === "G1" ? G1_SIZE : G2_SIZE;
}

function lem(curve: BnCurve, group: GroupName, p: Uint8Array): Uint8Array {
  const out = new Uint8Array(pointSize(group));
  curve[group].toRprLEM(out, 0, p);
  return out;
}

/** 32-byte little-endian scalars, optionally each multiplied by `factor` mod `r`. */
function scalarBytes(values: readonly bigint[], factor?: bigint, r?: bigint): Uint8Array {
  const out = new Uint8Array(values.length * SCALAR_SIZE);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => writeScalar(view, i * SCALAR_SIZE, factor === undefined ? value : (value * factor) % r!));
  return out;
}

function writeScalar(view: DataView, offset: number, value: bigint): void {
  const mask = (1n << 64n) - 1n;
  for (let limb = 0; limb < 4; limb++) view.setBigUint64(offset + 8 * limb, (value >> BigInt(64 * limb)) & mask, true);
}

function bigintLE(value: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_SIZE);
  writeScalar(new DataView(out.buffer), 0, value);
  return out;
}

function bigintsLE(bytes: Uint8Array): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < bytes.byteLength; i += SCALAR_SIZE) {
    let v = 0n;
    for (let limb = 3; limb >= 0; limb--) v = (v << 64n) | view.getBigUint64(i + 8 * limb, true);
    out.push(v);
  }
  return out;
}

function u32BE(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

function hexBytes(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) {
    throw new Error(`zkey beacon hash must be a non-empty even-length hex string, got "${hex}"`);
  }
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function modInverse(value: bigint, prime: bigint): bigint {
  return modPow(value, prime - 2n, prime);
}
