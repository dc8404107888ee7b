import { groth16, wtns, type CircuitInput } from "snarkjs";
import type { CircuitProfile } from "../circuits/profiles.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type Groth16Proof, type ProofBundle, type Statement } from "../verifier/types.ts";
import { loadNativeProver, nativeLoadError } from "./native.ts";

/** The two Groth16 provers: the native addon (native/) and snarkjs. Same keys, same proofs. */
export type ProverName = "native" | "snarkjs";

/** Options of every proving call. */
export interface ProveOptions {
  /**
   * Prover to use. Default: the native prover when its addon loaded, else snarkjs (with one
   * notice on stderr). `ZKFORGET_PROVER=snarkjs` in the environment forces snarkjs whatever
   * this says; asking for "native" when the addon did not load is an error.
   */
  prover?: ProverName;
}

/** A proof and the public signals the circuit produced, checked against what we expected. */
export interface ProvedSignals {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Wall-clock seconds of witness generation plus proving. */
  seconds: number;
  /** The prover that made the proof. */
  prover: ProverName;
}

let fallbackNoticeShown = false;

/**
 * The prover `ZKFORGET_PROVER` forces, if any. "snarkjs" keeps every step off native code (the
 * dev keys' fixed-base loop too, src/setup/fixedBase.ts).
 *
 * @throws Error for a value other than "native", "snarkjs" or empty.
 */
export function forcedProver(): ProverName | undefined {
  const forced = process.env.ZKFORGET_PROVER;
  if (forced === undefined || forced === "") return undefined;
  if (forced !== "snarkjs" && forced !== "native") {
    throw new Error(`ZKFORGET_PROVER must be "native" or "snarkjs", not ${JSON.stringify(forced)}`);
  }
  return forced;
}

/**
 * The prover a proof will use, following {@link ProveOptions.prover} and `ZKFORGET_PROVER`.
 *
 * @throws Error for an unknown `ZKFORGET_PROVER` value, or "native" asked for and not loadable.
 */
export function selectProver(requested?: ProverName): ProverName {
  const forced = forcedProver();
  if (forced === "snarkjs") return "snarkjs";
  const wanted = requested ?? (forced === "native" ? "native" : undefined);
  if (wanted === "snarkjs") return "snarkjs";
  if (loadNativeProver()) return "native";
  if (wanted === "native") throw new Error(`the native prover was requested but is not available: ${nativeLoadError()} (rebuild it with npm rebuild zkforget, or use prover "snarkjs")`);
  if (!fallbackNoticeShown) {
    fallbackNoticeShown = true;
    process.stderr.write(`zkforget: native prover not available, proving with snarkjs (${nativeLoadError()})\n`);
  }
  return "snarkjs";
}

/**
 * Circom's witness calculator (the circuit's wasm) on `input`: the bytes of a .wtns file.
 * Throws when the input violates an assertion of the circuit.
 */
export async function calculateWitness(key: ProvingKey, input: CircuitInput): Promise<Uint8Array> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await wtns.calculate(input, key.circuit.wasmPath, out);
  if (!out.data) throw new Error(`the witness calculator of ${key.manifest.profile} returned no witness`);
  return out.data;
}

/** Proves a computed witness (.wtns bytes) under `key` with the selected prover. */
export async function proveWitness(
  key: ProvingKey,
  witness: Uint8Array,
  options: ProveOptions = {},
): Promise<{ proof: Groth16Proof; publicSignals: string[]; prover: ProverName }> {
  const prover = selectProver(options.prover);
  if (prover === "native") {
    const r = await loadNativeProver()!.prove(key.zkeyPath, key.circuit.r1csPath, witness);
    return { proof: r.proof, publicSignals: r.publicSignals, prover };
  }
  const r = await groth16.prove(key.zkeyPath, witness);
  return { proof: r.proof as Groth16Proof, publicSignals: r.publicSignals.map(String), prover };
}

/**
 * Computes the witness of `input`, proves it (native prover or snarkjs, see
 * {@link ProveOptions}) and checks that the circuit's public signals are the ones the
 * TypeScript model of the statement predicted. A mismatch means the model and the circuit
 * disagree, which must never be turned into a bundle.
 */
export async function proveWithKey(key: ProvingKey, input: CircuitInput, expected: readonly bigint[], options: ProveOptions = {}): Promise<ProvedSignals> {
  const started = performance.now();
  let result: Awaited<ReturnType<typeof proveWitness>>;
  try {
    result = await proveWitness(key, await calculateWitness(key, input), options);
  } catch (error) {
    throw new Error(`proving under ${key.manifest.profile} failed (the witness violates a circuit constraint): ${(error as Error).message}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const got = result.publicSignals;
  const want = expected.map(String);
  if (got.length !== want.length || got.some((s, i) => s !== want[i])) {
    throw new Error(`circuit ${key.manifest.profile} produced public signals [${got.join(", ")}], expected [${want.join(", ")}]`);
  }
  return { proof: result.proof, publicSignals: got, seconds, prover: result.prover };
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
  options: ProveOptions = {},
): Promise<{ bundle: ProofBundle<S>; seconds: number }> {
  const { proof, publicSignals, seconds } = await proveWithKey(key, input, expected, options);
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

/** The public signals of `profile` in its order, from a witness's named signals. */
export function signalsInOrder(profile: CircuitProfile, named: Record<string, bigint>): bigint[] {
  return profile.publicSignals.map((name) => {
    const value = named[name];
    if (value === undefined) throw new Error(`profile ${profile.name} lists an unknown public signal ${name}`);
    return value;
  });
}
