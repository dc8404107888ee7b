import type { CircuitInput } from "../../src/statements/deletion.ts";

/** A deep copy of a circuit input with some entries replaced (for tampering tests). */
export function withInput(input: CircuitInput | Readonly<Record<string, unknown>>, changes: Record<string, unknown>): Record<string, unknown> {
  return { ...(JSON.parse(JSON.stringify(input)) as Record<string, unknown>), ...changes };
}

/** Copy of a string[][] input entry with one cell replaced. */
export function setCell(rows: unknown, i: number, j: number, value: string): string[][] {
  const copy = (rows as string[][]).map((r) => [...r]);
  copy[i]![j] = value;
  return copy;
}

/** Copy of a string[] input entry with one entry replaced. */
export function setEntry(list: unknown, i: number, value: string): string[] {
  const copy = [...(list as string[])];
  copy[i] = value;
  return copy;
}
