import { open, readFile } from "node:fs/promises";

/** Header of a circom `.r1cs` file (iden3 binary format, version 1). */
export interface R1csHeader {
  /** Bytes per field element. */
  n8: number;
  /** The field's prime. */
  prime: bigint;
  /** Wires (witness length), including the constant wire 0. */
  nWires: number;
  /** Public outputs of main (wires 1..nOutputs). */
  nOutputs: number;
  /** Public inputs of main (the wires right after the outputs). */
  nPubInputs: number;
  /** Private inputs of main. */
  nPrvInputs: number;
  /** Labels (named signals before optimisation). */
  nLabels: number;
  /** Constraints. */
  nConstraints: number;
}

/** A linear combination: wire index → coefficient. */
export type LinearCombination = Map<number, bigint>;

/** One R1CS constraint A·w × B·w = C·w. */
export interface R1csConstraint {
  a: LinearCombination;
  b: LinearCombination;
  c: LinearCombination;
}

const HEADER_SECTION = 1;
const CONSTRAINTS_SECTION = 2;

/**
 * Reads only the header of an r1cs file. The file of a benchmark-size circuit is tens of MB, so
 * this reads the section table with positional reads instead of loading it all.
 */
export async function readR1csHeader(path: string): Promise<R1csHeader> {
  const fh = await open(path, "r");
  try {
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      if (bytesRead !== length) throw new Error(`${path}: truncated r1cs file`);
      return buf;
    };
    const nSections = checkMagic(await read(0, 12), path);
    let pos = 12;
    for (let s = 0; s < nSections; s++) {
      const sh = await read(pos, 12);
      const size = Number(sh.readBigUInt64LE(4));
      if (sh.readUInt32LE(0) === HEADER_SECTION) return parseHeader(await read(pos + 12, size));
      pos += 12 + size;
    }
  } finally {
    await fh.close();
  }
  throw new Error(`${path}: r1cs file has no header section`);
}

/** Reads the header and every constraint of an r1cs file (used to check witnesses in tests). */
export async function readR1cs(path: string): Promise<{ header: R1csHeader; constraints: R1csConstraint[] }> {
  const buf = await readFile(path);
  const nSections = checkMagic(buf, path);
  const sections = new Map<number, { start: number; size: number }>();
  let pos = 12;
  for (let s = 0; s < nSections; s++) {
    const size = Number(buf.readBigUInt64LE(pos + 4));
    sections.set(buf.readUInt32LE(pos), { start: pos + 12, size });
    pos += 12 + size;
  }
  const hs = sections.get(HEADER_SECTION);
  const cs = sections.get(CONSTRAINTS_SECTION);
  if (hs === undefined || cs === undefined) throw new Error(`${path}: r1cs file lacks a header or constraints section`);
  const header = parseHeader(buf.subarray(hs.start, hs.start + hs.size));
  const constraints: R1csConstraint[] = [];
  let p = cs.start;
  const readLc = (): LinearCombination => {
    const lc: LinearCombination = new Map();
    const n = buf.readUInt32LE(p);
    p += 4;
    for (let i = 0; i < n; i++) {
      const wire = buf.readUInt32LE(p);
      lc.set(wire, readLe(buf, p + 4, header.n8));
      p += 4 + header.n8;
    }
    return lc;
  };
  for (let i = 0; i < header.nConstraints; i++) {
    const a = readLc();
    const b = readLc();
    const c = readLc();
    constraints.push({ a, b, c });
  }
  return { header, constraints };
}

function checkMagic(buf: Buffer, path: string): number {
  if (buf.subarray(0, 4).toString("latin1") !== "r1cs") throw new Error(`${path}: not an r1cs file`);
  const version = buf.readUInt32LE(4);
  if (version !== 1) throw new Error(`${path}: unsupported r1cs version ${version}`);
  return buf.readUInt32LE(8);
}

function parseHeader(buf: Buffer): R1csHeader {
  const n8 = buf.readUInt32LE(0);
  let p = 4 + n8;
  const u32 = (): number => {
    const v = buf.readUInt32LE(p);
    p += 4;
    return v;
  };
  const nWires = u32();
  const nOutputs = u32();
  const nPubInputs = u32();
  const nPrvInputs = u32();
  const nLabels = Number(buf.readBigUInt64LE(p));
  p += 8;
  const nConstraints = u32();
  return { n8, prime: readLe(buf, 4, n8), nWires, nOutputs, nPubInputs, nPrvInputs, nLabels, nConstraints };
}

function readLe(buf: Buffer, offset: number, n8: number): bigint {
  let v = 0n;
  // 64-bit limbs when the width allows (it is 32 bytes for BN254): a large r1cs has millions
  // of coefficients, and a BigInt step per byte made reading it take seconds.
  if (n8 % 8 === 0) {
    for (let i = n8 - 8; i >= 0; i -= 8) v = (v << 64n) | buf.readBigUInt64LE(offset + i);
    return v;
  }
  for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[offset + i]);
  return v;
}
