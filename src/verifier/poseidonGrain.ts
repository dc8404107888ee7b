/**
 * The verifier's Poseidon for browsers (package.json's "browser" map puts it in place of
 * src/verifier/poseidonTable.ts for bundlers): the same function as poseidon-lite, circomlib's parameters,
 * but the round constants and MDS matrix are generated on first use of each arity with the
 * Grain LFSR of the Poseidon paper, as circomlib's constants were, by @noble/curves
 * (`grainGenConstants`, with its permutation `poseidon`). The page then carries a few hundred
 * bytes instead of 610 KB of constants for all 16 arities. Generating one arity takes tens of
 * milliseconds, once per page.
 */
import { grainGenConstants, poseidon } from "@noble/curves/abstract/poseidon.js";
import { bn254_Fr } from "@noble/curves/bn254.js";
import type { PoseidonOfArity } from "./poseidonTable.ts";

/** circomlib's partial-round counts for 1..16 inputs (N_ROUNDS_P in circomlib's circuits/poseidon.circom). */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
const FULL_ROUNDS = 8;

const cache = new Map<number, PoseidonOfArity>();

/** Poseidon of `arity` inputs (state width arity + 1, capacity element 0, output the first element), or undefined outside 1..16. */
export function poseidonOfArity(arity: number): PoseidonOfArity | undefined {
  const roundsPartial = PARTIAL_ROUNDS[arity - 1];
  if (!Number.isInteger(arity) || roundsPartial === undefined) return undefined;
  let fn = cache.get(arity);
  if (!fn) {
    const t = arity + 1;
    const shape = { Fp: bn254_Fr, t, roundsFull: FULL_ROUNDS, roundsPartial };
    const permutation = poseidon({ ...shape, sboxPower: 5, ...grainGenConstants(shape) });
    fn = (inputs) => permutation([0n, ...inputs])[0]!;
    cache.set(arity, fn);
  }
  return fn;
}
