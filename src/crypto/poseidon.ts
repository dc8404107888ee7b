import { buildPoseidon } from "circomlibjs";
import { POSEIDON_MAX_INPUTS, spongeWith } from "./sponge.ts";

export { POSEIDON_MAX_INPUTS, spongeWith };

/**
 * Poseidon over BN254 with circomlib's parameters: the same function as circomlib's
 * `Poseidon(n)` template, so every hash computed here can be recomputed in a circuit.
 */
export interface PoseidonHasher {
  /** Poseidon(inputs) for 1 to 16 inputs, as a canonical field element. */
  hash(inputs: readonly bigint[]): bigint;
  /**
   * Hash of an arbitrary-length list: a single Poseidon for up to 16 values, otherwise
   * Poseidon(first 16) and then h = Poseidon(h, next ≤15 values) chained. The circuit
   * template `PoseidonSponge(n)` computes the same function for a fixed n.
   */
  sponge(values: readonly bigint[]): bigint;
}

let cached: Promise<PoseidonHasher> | undefined;

/** Returns the process-wide Poseidon hasher (built once: the wasm build takes ~100 ms). */
export function getPoseidon(): Promise<PoseidonHasher> {
  cached ??= buildHasher();
  return cached;
}

async function buildHasher(): Promise<PoseidonHasher> {
  const poseidon = await buildPoseidon();
  const F = poseidon.F;
  const hash = (inputs: readonly bigint[]): bigint => {
    if (inputs.length < 1 || inputs.length > POSEIDON_MAX_INPUTS) {
      throw new RangeError(`Poseidon takes 1 to ${POSEIDON_MAX_INPUTS} inputs, got ${inputs.length}`);
    }
    return F.toObject(poseidon(inputs as bigint[])) as bigint;
  };
  return { hash, sponge: (values) => spongeWith(hash, values) };
}

