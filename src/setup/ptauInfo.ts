/**
 * What zkforget needs to know about a powers-of-tau file before handing it to snarkjs: its
 * power, whether it is prepared for phase 2, and whether it is big enough for a circuit.
 */
import { readBigIntLE, readBinFileHeader, readSection } from "./binFile.ts";
import { BASE_FIELD } from "../field.ts";

/** Header facts of a ptau file. */
export interface PtauInfo {
  path: string;
  /** The file holds 2^power powers: circuits need `requiredPtauPower(...) <= power`. */
  power: number;
  /** Power of the ceremony the file was cut from (28 for the Hermez files). */
  ceremonyPower: number;
  /** True when sections 12..15 (the Lagrange-basis points `prepare phase2` adds) are present. */
  prepared: boolean;
  fileSize: number;
}

/** Sections `snarkjs powersoftau prepare phase2` adds: tau, tau·G2, alpha·tau, beta·tau in Lagrange basis. */
const PHASE2_SECTIONS = [12, 13, 14, 15] as const;

/**
 * Read the header of the ptau file at `path`.
 * @throws Error naming the file if it is missing, not a ptau file, truncated, or not on BN254.
 */
export async function readPtauInfo(path: string): Promise<PtauInfo> {
  const header = await readBinFileHeader(path, "ptau", 1);
  const data = await readSection(header, 1, "header");
  // Section 1: n8 u32 | q (n8 bytes LE) | power u32 | ceremonyPower u32.
  const n8 = data.length >= 4 ? data.readUInt32LE(0) : 0;
  if (n8 === 0 || data.length !== 4 + n8 + 8) {
    throw new Error(`${path}: the ptau header section is malformed (${data.length} bytes, field size ${n8})`);
  }
  const q = readBigIntLE(data.subarray(4, 4 + n8));
  if (q !== BASE_FIELD) {
    throw new Error(`${path}: the ptau file is for a curve other than BN254 (bn128), zkforget needs BN254`);
  }
  const power = data.readUInt32LE(4 + n8);
  const ceremonyPower = data.readUInt32LE(8 + n8);
  const prepared = PHASE2_SECTIONS.every((id) => (header.sections.get(id)?.length ?? 0) > 0);
  return { path, power, ceremonyPower, prepared, fileSize: header.fileSize };
}

/**
 * Throw unless `info` is a prepared phase-2 file: `zkey new` needs the Lagrange sections.
 */
export function assertPreparedPtau(info: PtauInfo): void {
  if (!info.prepared) {
    throw new Error(
      `${info.path} is a powers-of-tau file that is not prepared for phase 2 (sections 12..15 are missing); ` +
        `run \`snarkjs powersoftau prepare phase2 <in.ptau> <out.ptau>\` first, or use a published ` +
        `prepared file such as powersOfTau28_hez_final_NN.ptau`,
    );
  }
}

/** The r1cs counts that decide the domain size. */
export interface DomainCounts {
  nConstraints: number;
  nPubInputs: number;
  nOutputs: number;
}

/**
 * The smallest ptau power snarkjs accepts for a circuit. Mirrors zkey_new.js exactly:
 * `cirPower = log2(nConstraints + nPubInputs + nOutputs + 1 - 1) + 1`, with snarkjs's integer
 * log2 (floor; 0 for 0). Why the extra rows: Groth16 adds one constraint per public signal and
 * one for the constant 1, so the domain must hold nConstraints + nPubInputs + nOutputs + 1 rows,
 * i.e. 2^cirPower > nConstraints + nPubInputs + nOutputs.
 */
export function requiredPtauPower(counts: DomainCounts): number {
  const n = counts.nConstraints + counts.nPubInputs + counts.nOutputs;
  return n === 0 ? 1 : n.toString(2).length; // bit length = floor(log2 n) + 1
}

/**
 * Throw unless the ptau holds enough powers for the circuit, naming the power that is needed.
 */
export function assertPtauBigEnough(info: PtauInfo, counts: DomainCounts, r1csPath: string): void {
  const needed = requiredPtauPower(counts);
  if (needed <= info.power) return;
  const n = counts.nConstraints + counts.nPubInputs + counts.nOutputs;
  const suggestion = `powersOfTau28_hez_final_${String(Math.max(needed, 8)).padStart(2, "0")}.ptau`;
  throw new Error(
    `${info.path} is too small for ${r1csPath}: the circuit has ${counts.nConstraints} constraints + ` +
      `${counts.nPubInputs} public inputs + ${counts.nOutputs} outputs = ${n}, so snarkjs needs a ptau of ` +
      `power ${needed} (2^${needed} = ${2 ** needed} > ${n}), but this file has power ${info.power}; ` +
      `use a prepared ptau of power >= ${needed}, e.g. ${suggestion}`,
  );
}
