/**
 * The Poseidon sponge zkforget uses for lists longer than one Poseidon call takes: a single
 * Poseidon for up to 16 values, otherwise Poseidon(first 16) then h = Poseidon(h, next ≤ 15)
 * chained. The circuit template `PoseidonSponge(n)` computes the same function for a fixed n.
 *
 * Dependency-free (the 1..16-input hash is passed in) so that the prover, with circomlibjs,
 * and the verifier, with an independent Poseidon, share one definition.
 */

/** Largest number of inputs circomlib's Poseidon template accepts. */
export const POSEIDON_MAX_INPUTS = 16;

/** Sponge over `values` built from `hash`, a Poseidon taking 1..16 inputs. */
export function spongeWith(hash: (inputs: readonly bigint[]) => bigint, values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError("Poseidon sponge needs at least one value");
  let acc = hash(values.slice(0, POSEIDON_MAX_INPUTS));
  for (let i = POSEIDON_MAX_INPUTS; i < values.length; i += POSEIDON_MAX_INPUTS - 1) {
    acc = hash([acc, ...values.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  }
  return acc;
}
