/**
 * Header facts and the phase-2 contribution list of a Groth16 zkey, read from the file itself.
 *
 * Why not parse snarkjs's `zkey verify` log instead: the log prints the contribution hashes as
 * wrapped hex blocks, in reverse order, mixed with other lines, and only when verification
 * succeeds. Reading section 10 gives the same hashes (the test checks them against the values
 * `zkey contribute`/`beacon` return), structured, with the beacon parameters, and works on any
 * zkey, which also lets `contribute` show what it is building on.
 */
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { BnCurve } from "ffjavascript";
import type { KeyContribution } from "../keys/manifest.ts";
import { readBigIntLE, readBinFileHeader, readSection, type BinFileHeader } from "./binFile.ts";
import { BASE_FIELD } from "../field.ts";
import { singleThreadCurve } from "./curve.ts";

/** What a zkey says about itself. */
export interface ZkeyInfo {
  path: string;
  nVars: number;
  /** Public signals (outputs + public inputs), not counting the constant 1. */
  nPublic: number;
  /** 2^power rows; a ptau of at least this power was used. */
  domainSize: number;
  /** blake2b-512 hex of the circuit as snarkjs hashes it ("Circuit Hash" in its logs). */
  circuitHash: string;
  /** Phase-2 contributions, oldest first. Empty for a freshly initialised zkey. */
  contributions: KeyContribution[];
}

const GROTH16 = 1;
const G1_BYTES = 64; // two 32-byte coordinates
const G2_BYTES = 128; // two Fq2 coordinates

/**
 * Read `path`'s header (sections 1, 2) and MPC section (10).
 * @throws Error naming the file if it is missing, not a zkey, truncated, not Groth16 on BN254,
 *   or its contribution section is malformed.
 */
export async function readZkeyInfo(path: string): Promise<ZkeyInfo> {
  const header = await readZkeyHeader(path);
  const groth = await readSection(header, 2, "Groth16 header");
  const n8q = groth.readUInt32LE(0);
  if (n8q !== 32 || readBigIntLE(groth.subarray(4, 4 + n8q)) !== BASE_FIELD) {
    throw new Error(`${path}: the zkey is for a curve other than BN254 (bn128)`);
  }
  const n8r = groth.readUInt32LE(4 + n8q);
  const at = 8 + n8q + n8r;
  const nVars = groth.readUInt32LE(at);
  const nPublic = groth.readUInt32LE(at + 4);
  const domainSize = groth.readUInt32LE(at + 8);
  const mpc = await readSection(header, 10, "phase-2 contributions");
  const { circuitHash, contributions } = parseMpcSection(path, mpc, await singleThreadCurve());
  return { path, nVars, nPublic, domainSize, circuitHash, contributions };
}

/**
 * Check that `path` is a complete Groth16 zkey (magic, every section inside the file,
 * sections 1..10 present), without parsing the point tables.
 */
export async function readZkeyHeader(path: string): Promise<BinFileHeader> {
  const header = await readBinFileHeader(path, "zkey", 2);
  for (let id = 1; id <= 10; id++) {
    if (!header.sections.get(id)?.length) {
      throw new Error(`${path}: zkey section ${id} is missing; the file is incomplete or not a Groth16 zkey`);
    }
  }
  const protocol = (await readSection(header, 1, "protocol")).readUInt32LE(0);
  if (protocol !== GROTH16) {
    throw new Error(`${path}: the zkey is for protocol id ${protocol}, not Groth16 (id 1); zkforget uses Groth16`);
  }
  return header;
}

/**
 * Section 10: csHash (64) | n u32 | n × contribution, where a contribution is
 * deltaAfter G1 | g1_s G1 | g1_sx G1 | g2_spx G2 | transcript (64) | type u32 | paramLen u32 | params.
 * The contribution hash is blake2b-512 over the four points in uncompressed form plus the
 * transcript, as snarkjs's `hashPubKey` computes it.
 */
function parseMpcSection(path: string, data: Buffer, curve: BnCurve): { circuitHash: string; contributions: KeyContribution[] } {
  const fail = (what: string): never => {
    throw new Error(`${path}: the zkey's contribution section is malformed (${what})`);
  };
  if (data.length < 68) fail("too short");
  const circuitHash = bytesToHex(data.subarray(0, 64));
  const n = data.readUInt32LE(64);
  const contributions: KeyContribution[] = [];
  let pos = 68;
  const take = (len: number): Buffer => {
    if (pos + len > data.length) fail(`contribution ${contributions.length + 1} runs past the end`);
    const out = data.subarray(pos, pos + len);
    pos += len;
    return out;
  };
  for (let i = 0; i < n; i++) {
    const hasher = blake2b.create({ dkLen: 64 });
    for (const size of [G1_BYTES, G1_BYTES, G1_BYTES, G2_BYTES]) {
      hasher.update(uncompressed(curve, take(size)));
    }
    hasher.update(take(64)); // transcript
    const typeBuf = take(8);
    const type = typeBuf.readUInt32LE(0);
    if (type !== 0 && type !== 1) fail(`contribution ${i + 1} has unknown type ${type}`);
    const params = parseParams(take(typeBuf.readUInt32LE(4)), (what) => fail(`contribution ${i + 1}: ${what}`));
    const contribution: KeyContribution = {
      type: type === 1 ? "beacon" : "contribution",
      name: params.name ?? "",
      hash: bytesToHex(hasher.digest()),
    };
    if (type === 1) {
      if (params.beaconHash === undefined || params.iterationsExp === undefined) {
        fail(`beacon contribution ${i + 1} lacks its beacon parameters`);
      }
      contribution.beacon = { value: params.beaconHash!, iterationsExp: params.iterationsExp! };
    }
    contributions.push(contribution);
  }
  if (pos !== data.length) fail(`${data.length - pos} unexpected trailing bytes`);
  return { circuitHash, contributions };
}

/** Contribution parameters: (type u8, value) pairs in increasing type order. */
function parseParams(buf: Buffer, fail: (what: string) => never): { name?: string; iterationsExp?: number; beaconHash?: string } {
  const out: { name?: string; iterationsExp?: number; beaconHash?: string } = {};
  let pos = 0;
  let lastType = 0;
  const byte = (): number => {
    if (pos >= buf.length) fail("parameters run past their length");
    return buf[pos++]!;
  };
  const bytes = (len: number): Buffer => {
    if (pos + len > buf.length) fail("parameters run past their length");
    const b = buf.subarray(pos, pos + len);
    pos += len;
    return b;
  };
  while (pos < buf.length) {
    const t = byte();
    if (t <= lastType) fail("parameters are not sorted");
    lastType = t;
    if (t === 1) out.name = new TextDecoder().decode(bytes(byte()));
    else if (t === 2) out.iterationsExp = byte();
    else if (t === 3) out.beaconHash = bytes(byte()).toString("hex");
    else fail(`unknown parameter type ${t}`);
  }
  return out;
}

/** A point as stored in the zkey (Montgomery, little-endian) → snarkjs's hashing form (uncompressed, big-endian). */
function uncompressed(curve: BnCurve, stored: Buffer): Uint8Array {
  const group = stored.length === G1_BYTES ? curve.G1 : curve.G2;
  const out = new Uint8Array(stored.length);
  group.toRprUncompressed(out, 0, group.fromRprLEM(stored, 0));
  return out;
}
