import assert from "node:assert/strict";
import type { CircuitTester } from "./circuitTester.ts";

/**
 * Witness overrides that turn a WeightUpdate's quotient from `honest` into `forged`: the
 * optimiser keeps the quotient only as the bit wires `<prefix>.qRange.out[i]` (the quotient
 * itself, the remainder's top bit and the new weight are linear combinations), so forging q ± 1
 * while the update's linear relation still holds pushes the remainder to r ∓ 2^shift, out of its
 * range. Only bits that differ are returned.
 */
export function quotientBits(tester: CircuitTester, prefix: string, forged: bigint, honest: bigint): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (let i = 0; i < 64; i++) {
    const name = `${prefix}.qRange.out[${i}]`;
    if (!tester.hasWire(name)) continue;
    const bit = (forged >> BigInt(i)) & 1n;
    if (bit !== ((honest >> BigInt(i)) & 1n)) out[name] = bit;
  }
  assert.ok(Object.keys(out).length > 0, `no surviving quotient bit of ${prefix} differs`);
  return out;
}
