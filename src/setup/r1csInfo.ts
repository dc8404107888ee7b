/**
 * Header counts of a compiled circuit (.r1cs), read without loading its constraints.
 */
import { SNARK_FIELD } from "../field.ts";
import { readBigIntLE, readBinFileHeader, readSection } from "./binFile.ts";

/** The r1cs header: sizes that decide the setup, and the field the circuit is over. */
export interface R1csInfo {
  path: string;
  nConstraints: number;
  /** Wires, including the constant 1. */
  nWires: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
}

/**
 * Read the header section of the r1cs file at `path`.
 * @throws Error naming the file if it is missing, not an r1cs file, truncated, or over a field
 *   other than the BN254 scalar field.
 */
export async function readR1csInfo(path: string): Promise<R1csInfo> {
  const header = await readBinFileHeader(path, "r1cs", 1);
  const data = await readSection(header, 1, "header");
  // Section 1: n8 u32 | prime (n8 bytes LE) | nWires u32 | nOutputs u32 | nPubInputs u32 |
  // nPrvInputs u32 | nLabels u64 | nConstraints u32.
  const n8 = data.length >= 4 ? data.readUInt32LE(0) : 0;
  if (n8 === 0 || data.length < 4 + n8 + 28) {
    throw new Error(`${path}: the r1cs header section is malformed (${data.length} bytes, field size ${n8})`);
  }
  if (readBigIntLE(data.subarray(4, 4 + n8)) !== SNARK_FIELD) {
    throw new Error(`${path}: the circuit was compiled for a field other than BN254's scalar field (compile with circom -p bn128)`);
  }
  const at = 4 + n8;
  return {
    path,
    nWires: data.readUInt32LE(at),
    nOutputs: data.readUInt32LE(at + 4),
    nPubInputs: data.readUInt32LE(at + 8),
    nPrvInputs: data.readUInt32LE(at + 12),
    nLabels: Number(data.readBigUInt64LE(at + 16)),
    nConstraints: data.readUInt32LE(at + 24),
  };
}
