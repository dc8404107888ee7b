import { buildPoseidon } from "circomlibjs";

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

/** Largest number of inputs circomlib's Poseidon template accepts. */
export const POSEIDON_MAX_INPUTS = 16;

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

/** The sponge construction, parameterised by the 1..16-input hash so that tests can cross-check it. */
export function spongeWith(hash: (inputs: readonly bigint[]) => bigint, values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError("Poseidon sponge needs at least one value");
  let acc = hash(values.slice(0, POSEIDON_MAX_INPUTS));
  for (let i = POSEIDON_MAX_INPUTS; i < values.length; i += POSEIDON_MAX_INPUTS - 1) {
    acc = hash([acc, ...values.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  }
  return acc;
}
