/**
 * The verifier's Poseidon (circomlib parameters) by input count, 1..16, in Node: poseidon-lite,
 * whose per-arity entry points carry their round constants as data (610 KB for the 16 arities).
 * That is too big for a page, so package.json's "browser" map puts src/verifier/poseidonGrain.ts
 * (and its dist/ build) in place of this module for bundlers (esbuild in scripts/build-web.ts,
 * webpack, …): the same Poseidon with the constants computed on first use. A test checks that
 * both give the same hashes for every arity.
 */
import { poseidon1 } from "poseidon-lite/poseidon1";
import { poseidon2 } from "poseidon-lite/poseidon2";
import { poseidon3 } from "poseidon-lite/poseidon3";
import { poseidon4 } from "poseidon-lite/poseidon4";
import { poseidon5 } from "poseidon-lite/poseidon5";
import { poseidon6 } from "poseidon-lite/poseidon6";
import { poseidon7 } from "poseidon-lite/poseidon7";
import { poseidon8 } from "poseidon-lite/poseidon8";
import { poseidon9 } from "poseidon-lite/poseidon9";
import { poseidon10 } from "poseidon-lite/poseidon10";
import { poseidon11 } from "poseidon-lite/poseidon11";
import { poseidon12 } from "poseidon-lite/poseidon12";
import { poseidon13 } from "poseidon-lite/poseidon13";
import { poseidon14 } from "poseidon-lite/poseidon14";
import { poseidon15 } from "poseidon-lite/poseidon15";
import { poseidon16 } from "poseidon-lite/poseidon16";

/** A Poseidon hash of a fixed number of field elements. */
export type PoseidonOfArity = (inputs: bigint[]) => bigint;

const TABLE: ReadonlyMap<number, PoseidonOfArity> = new Map<number, PoseidonOfArity>([
  [1, poseidon1], [2, poseidon2], [3, poseidon3], [4, poseidon4], [5, poseidon5], [6, poseidon6], [7, poseidon7], [8, poseidon8],
  [9, poseidon9], [10, poseidon10], [11, poseidon11], [12, poseidon12], [13, poseidon13], [14, poseidon14], [15, poseidon15], [16, poseidon16],
]);

/** Poseidon of `arity` inputs, or undefined outside 1..16. */
export function poseidonOfArity(arity: number): PoseidonOfArity | undefined {
  return TABLE.get(arity);
}
