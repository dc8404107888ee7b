import { readFile } from "node:fs/promises";

/** Where a named signal lives after compilation. */
export interface SymbolEntry {
  /** Index in the witness, or -1 when the optimiser replaced the signal by a linear combination. */
  wire: number;
  /** Label index (position among all signals before optimisation). */
  label: number;
  /** Component instance the signal belongs to. */
  component: number;
}

/**
 * Parses a circom `.sym` file (lines `label,wire,component,name`) into a map from the full
 * signal name (e.g. `main.leafInv[0]`) to its entry.
 */
export function parseSym(text: string): Map<string, SymbolEntry> {
  const out = new Map<string, SymbolEntry>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    // Names never contain commas, so the first three commas delimit the numeric fields.
    const m = /^(\d+),(-?\d+),(-?\d+),(.+)$/.exec(line);
    if (m === null) throw new Error(`malformed .sym line: ${line}`);
    out.set(m[4], { label: Number(m[1]), wire: Number(m[2]), component: Number(m[3]) });
  }
  return out;
}

/** Reads and parses a `.sym` file. */
export async function readSym(path: string): Promise<Map<string, SymbolEntry>> {
  return parseSym(await readFile(path, "utf8"));
}

/**
 * Names of the witness wires 1..count: with count = outputs + public inputs, these are the public
 * signals in the order proofs expose them.
 */
export function publicSignalNames(sym: Map<string, SymbolEntry>, count: number): string[] {
  const names: string[] = new Array<string>(count);
  for (const [name, entry] of sym) {
    // Keep the first name per wire: main's own signals have the lowest labels, aliases come later.
    if (entry.wire >= 1 && entry.wire <= count && names[entry.wire - 1] === undefined) names[entry.wire - 1] = name;
  }
  for (let i = 0; i < count; i++) {
    if (names[i] === undefined) throw new Error(`no signal is mapped to public wire ${i + 1}`);
  }
  return names;
}
