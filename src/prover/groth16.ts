import { groth16, type CircuitInput } from "snarkjs";
import type { ProvingKey } from "../keys/devKeys.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type Groth16Proof, type ProofBundle, type Statement } from "../verifier/types.ts";

/** A proof and the public signals the circuit produced, checked against what we expected. */
export interface ProvedSignals {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Wall-clock seconds of witness generation plus proving. */
  seconds: number;
}

/**
 * Runs snarkjs `groth16.fullProve` and checks that the circuit's public signals are the
 * ones the TypeScript model of the statement predicted. A mismatch means the model and the
 * circuit disagree, which must never be turned into a bundle.
 */
export async function proveWithKey(key: ProvingKey, input: CircuitInput, expected: readonly bigint[]): Promise<ProvedSignals> {
  const started = performance.now();
  let result: { proof: unknown; publicSignals: string[] };
  try {
    result = await groth16.fullProve(input, key.circuit.wasmPath, key.zkeyPath);
  } catch (error) {
    throw new Error(`proving under ${key.manifest.profile} failed (the witness violates a circuit constraint): ${(error as Error).message}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const got = result.publicSignals.map(String);
  const want = expected.map(String);
  if (got.length !== want.length || got.some((s, i) => s !== want[i])) {
    throw new Error(`circuit ${key.manifest.profile} produced public signals [${got.join(", ")}], expected [${want.join(", ")}]`);
  }
  return { proof: result.proof as Groth16Proof, publicSignals: got, seconds };
}

/**
 * Proves `input` with {@link proveWithKey} and wraps the proof in a bundle for `statement`
 * (the readable form the verifier checks against the public signals).
 */
export async function proveBundle<S extends Statement>(
  key: ProvingKey,
  input: CircuitInput,
  expected: readonly bigint[],
  statement: S,
): Promise<{ bundle: ProofBundle<S>; seconds: number }> {
  const { proof, publicSignals, seconds } = await proveWithKey(key, input, expected);
  const bundle: ProofBundle<S> = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    profile: key.manifest.profile,
    vkeyHash: key.manifest.vkeyHash,
    statement,
    publicSignals,
    proof,
    createdAt: new Date().toISOString(),
  };
  return { bundle, seconds };
}
