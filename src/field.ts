import { utf8ToBytes } from "@noble/hashes/utils.js";

/** Order of the BN254 scalar field: every circuit signal and public input lives in [0, SNARK_FIELD). */
export const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** True when `value` is a canonical field element, i.e. an integer in [0, SNARK_FIELD). */
export function isFieldElement(value: bigint): boolean {
  return value >= 0n && value < SNARK_FIELD;
}

/** Reduces any integer (negative included) to its canonical representative mod SNARK_FIELD. */
export function toField(value: bigint): bigint {
  const r = value % SNARK_FIELD;
  return r < 0n ? r + SNARK_FIELD : r;
}

/** Order of the BN254 base field: coordinates of curve points (proofs, ptau and zkey files). */
export const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/**
 * A short name or domain tag ("zkforget/request/v1") as one field element: its UTF-8 bytes read
 * big-endian. How method, algorithm and domain identifiers enter hashes.
 * @throws RangeError for more than 31 bytes (it would not fit below the field order)
 */
export function textAsField(text: string): bigint {
  const bytes = utf8ToBytes(text);
  if (bytes.length > 31) throw new RangeError(`"${text}" is ${bytes.length} bytes: a field element holds 31`);
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}
