import { BASE_FIELD, SNARK_FIELD } from "../field.ts";

export { BASE_FIELD };

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const HEX32 = /^0x[0-9a-f]{64}$/;

/** Parses a canonical decimal string (no sign, no leading zeros); undefined if it is not one. */
export function parseDecimal(text: unknown): bigint | undefined {
  return typeof text === "string" && DECIMAL.test(text) ? BigInt(text) : undefined;
}

/** Parses a 0x-prefixed 64-digit lowercase hex string; undefined if it is not one. */
export function parseHex32(text: unknown): bigint | undefined {
  return typeof text === "string" && HEX32.test(text) ? BigInt(text) : undefined;
}

/** Formats a field element as 0x-prefixed 64-digit lowercase hex, the statement format. */
export function toHex32(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

/** Describes why `text` is not a canonical scalar-field element, or returns undefined if it is. */
export function scalarProblem(text: unknown): string | undefined {
  const value = parseDecimal(text);
  if (value === undefined) return `${JSON.stringify(text)} is not a canonical decimal integer`;
  if (value >= SNARK_FIELD) return `${text} is outside the BN254 scalar field (≥ p)`;
  return undefined;
}
