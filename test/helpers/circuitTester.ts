import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { buildCircuit, type BuildOptions, type BuiltCircuit } from "../../src/circuits/build.ts";
import type { CircuitProfile } from "../../src/circuits/profiles.ts";
import { readR1cs, type LinearCombination, type R1csConstraint, type R1csHeader } from "../../src/circuits/r1cs.ts";
import { readSym, type SymbolEntry } from "../../src/circuits/sym.ts";
import { toField } from "../../src/field.ts";

/** Circuit input as snarkjs takes it. */
export type TesterInput = Record<string, unknown>;

/** Expected values: the public signals in order, or named signals (with or without `main.`). */
export type Expected = readonly bigint[] | Readonly<Record<string, bigint>>;

/**
 * Witness-level tester for a compiled profile, modelled on circomkit's WitnessTester:
 * `expectPass` / `expectFail` on inputs, plus `expectConstraintFail`, which forges a witness by
 * overriding named signals and shows that the R1CS rejects it. That last check is what proves a
 * `<--` assignment is constrained: the witness generator is bypassed, only the constraints count.
 */
export class CircuitTester {
  readonly circuit: BuiltCircuit;
  readonly #sym: Map<string, SymbolEntry>;
  #r1cs?: { header: R1csHeader; constraints: R1csConstraint[] };

  private constructor(circuit: BuiltCircuit, sym: Map<string, SymbolEntry>) {
    this.circuit = circuit;
    this.#sym = sym;
  }

  /** Compiles (or takes from the cache) the profile and loads its symbols. */
  static async build(profile: CircuitProfile, options: BuildOptions = {}): Promise<CircuitTester> {
    const circuit = await buildCircuit(profile, options);
    return new CircuitTester(circuit, await readSym(circuit.symPath));
  }

  /** Runs the witness generator; rejects when an assertion or `===` fails during generation. */
  async calculateWitness(input: TesterInput): Promise<bigint[]> {
    const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
    await snarkjs.wtns.calculate(input, this.circuit.wasmPath, wtns);
    return snarkjs.wtns.exportJson(wtns);
  }

  /**
   * Asserts the input yields a witness satisfying every constraint and, if given, the expected
   * public signals or named signal values. Returns the witness.
   */
  async expectPass(input: TesterInput, expected?: Expected): Promise<bigint[]> {
    const witness = await this.calculateWitness(input);
    const failing = await this.firstFailingConstraint(witness);
    assert.equal(failing, -1, `constraint ${failing} fails on a witness the generator accepted`);
    if (expected !== undefined) {
      if (Array.isArray(expected)) {
        assert.deepEqual(this.publicSignals(witness), expected, "public signals");
      } else {
        for (const [name, value] of Object.entries(expected as Record<string, bigint>)) {
          assert.equal(this.readSignal(witness, name), value, `signal ${name}`);
        }
      }
    }
    return witness;
  }

  /**
   * Asserts that witness generation fails. By default only an assertion failure counts, so an
   * input that is malformed for another reason (a misspelt signal name) does not pass silently.
   */
  async expectFail(input: TesterInput, pattern: RegExp = /Assert Failed/): Promise<void> {
    // The runtime prints the failure to stderr before throwing; keep test output readable.
    const original = console.error;
    console.error = () => {};
    try {
      await assert.rejects(this.calculateWitness(input), pattern);
    } finally {
      console.error = original;
    }
  }

  /**
   * Computes a valid witness for `input`, overrides the named signals with the given values and
   * asserts that some R1CS constraint is then violated. Every overridden signal must exist in the
   * optimised witness and its new value must differ from the honest one.
   */
  async expectConstraintFail(input: TesterInput, tamper: Readonly<Record<string, bigint>>): Promise<void> {
    const witness = await this.expectPass(input);
    const forged = this.tamper(witness, tamper);
    const failing = await this.firstFailingConstraint(forged);
    assert.notEqual(failing, -1, `the constraints accept a witness with ${Object.keys(tamper).join(", ")} overridden`);
  }

  /**
   * Copy of `witness` with named signals replaced (values reduced into the field); each new value
   * must differ from the honest one, otherwise the tampering would prove nothing.
   */
  tamper(witness: readonly bigint[], values: Readonly<Record<string, bigint>>): bigint[] {
    for (const [name, value] of Object.entries(values)) {
      assert.notEqual(toField(value), witness[this.wireOf(name)], `tampering ${name} with its honest value proves nothing`);
    }
    return this.withSignals(witness, values);
  }

  /** Copy of `witness` with named signals set to the given values (reduced into the field). */
  withSignals(witness: readonly bigint[], values: Readonly<Record<string, bigint>>): bigint[] {
    const forged = [...witness];
    for (const [name, value] of Object.entries(values)) forged[this.wireOf(name)] = toField(value);
    return forged;
  }

  /** Index of the first constraint A·w × B·w ≠ C·w (mod p), or -1 when all hold. */
  async firstFailingConstraint(witness: readonly bigint[]): Promise<number> {
    this.#r1cs ??= await readR1cs(this.circuit.r1csPath);
    const { header, constraints } = this.#r1cs;
    assert.equal(witness.length, header.nWires, "witness length");
    const p = header.prime;
    const evaluate = (lc: LinearCombination): bigint => {
      let acc = 0n;
      for (const [wire, coef] of lc) acc += coef * witness[wire];
      return acc % p;
    };
    for (let i = 0; i < constraints.length; i++) {
      const { a, b, c } = constraints[i];
      if ((evaluate(a) * evaluate(b) - evaluate(c)) % p !== 0n) return i;
    }
    return -1;
  }

  /** The public signals of a witness (wires 1..outputs+public inputs). */
  publicSignals(witness: readonly bigint[]): bigint[] {
    const n = this.circuit.publicSignals.length;
    return witness.slice(1, n + 1);
  }

  /** Value of a named signal (`leafInv[0]` or `main.leafInv[0]`). */
  readSignal(witness: readonly bigint[], name: string): bigint {
    return witness[this.wireOf(name)];
  }

  /** Witness index of a named signal; fails for unknown names and optimised-away signals. */
  wireOf(name: string): number {
    const full = name.startsWith("main.") ? name : `main.${name}`;
    const entry = this.#sym.get(full);
    assert.ok(entry !== undefined, `no signal named ${full}`);
    assert.ok(entry.wire >= 0, `signal ${full} was optimised away (it is a linear combination of other wires)`);
    return entry.wire;
  }

  /** True when the named signal exists and survived optimisation. */
  hasWire(name: string): boolean {
    const entry = this.#sym.get(name.startsWith("main.") ? name : `main.${name}`);
    return entry !== undefined && entry.wire >= 0;
  }

  /** Every signal name of the circuit (from the .sym file). */
  signalNames(): string[] {
    return [...this.#sym.keys()];
  }

  /** Writes a witness as a snarkjs .wtns file (format version 2), e.g. for `snarkjs.wtns.check`. */
  async writeWtns(path: string, witness: readonly bigint[]): Promise<void> {
    this.#r1cs ??= await readR1cs(this.circuit.r1csPath);
    const { n8, prime } = this.#r1cs.header;
    const buf = Buffer.alloc(12 + 12 + 4 + n8 + 4 + 12 + n8 * witness.length);
    let p = 0;
    buf.write("wtns", p, "latin1");
    buf.writeUInt32LE(2, 4);
    buf.writeUInt32LE(2, 8);
    p = 12;
    buf.writeUInt32LE(1, p);
    buf.writeBigUInt64LE(BigInt(4 + n8 + 4), p + 4);
    buf.writeUInt32LE(n8, p + 12);
    writeLe(buf, p + 16, prime, n8);
    buf.writeUInt32LE(witness.length, p + 16 + n8);
    p += 12 + 4 + n8 + 4;
    buf.writeUInt32LE(2, p);
    buf.writeBigUInt64LE(BigInt(n8 * witness.length), p + 4);
    p += 12;
    for (const w of witness) {
      writeLe(buf, p, w, n8);
      p += n8;
    }
    await writeFile(path, buf);
  }
}

function writeLe(buf: Buffer, offset: number, value: bigint, n8: number): void {
  let v = value;
  for (let i = 0; i < n8; i++) {
    buf[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** An ad-hoc profile for testing a library template (not listed in circuits/profiles.json). */
export function testProfile(template: string, source: string, params: number[], publicSignals: string[] = []): CircuitProfile {
  return { name: `test-${template.toLowerCase()}-${params.join("-") || "0"}`, template, source, params, publicSignals };
}
