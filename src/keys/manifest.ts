/**
 * The manifest committed next to each verification key in `keys/`. It records where the key
 * came from, so a verifier can decide whether to trust it: dev keys are reproducible from a
 * public seed (anyone can forge proofs under them), ceremony keys are as good as their
 * contributions and the powers-of-tau file they were built from.
 */
export interface KeyManifest {
  /** Manifest format version. */
  version: 1;
  /** Profile name, as in `circuits/profiles.json`. */
  profile: string;
  /** Circom template the key proves, e.g. `DatasetDeletion`; tells the verifier what statement it is. */
  template: string;
  /** Template parameters, in the template's order (e.g. `[depth, maxDeletions]`). */
  params: number[];
  /** Names of the public signals, in circuit order. */
  publicSignals: string[];
  /** Trust level. `insecure-dev`: secrets are public; `ceremony`: phase-2 contributions below. */
  security: "insecure-dev" | "ceremony";
  /** Number of R1CS constraints of the compiled circuit. */
  constraints: number;
  /** Hex hash of the circuit sources and parameters (the build cache key). */
  circuitHash: string;
  /** blake2b-512 hex of the r1cs file the key was made for. */
  r1csHash: string;
  /** blake2b-512 hex of the final zkey (not committed: it lives in the cache). */
  zkeyHash: string;
  /**
   * The powers-of-tau file: name, power, and its blake2b-512 hex (the hash published for Hermez
   * files). Dev keys are computed directly from the dev ptau's secrets without writing the file,
   * so theirs names the dev ptau the key is equivalent to and has no hash.
   */
  ptau: { file: string; power: number; hash?: string };
  /** Phase-2 contributions in order, as snarkjs reports them. */
  contributions: KeyContribution[];
  /** sha256 hex of the canonical verification key JSON (see `verificationKeyHash`). */
  vkeyHash: string;
  /** For dev keys: the public seed every secret was derived from. */
  devSeed?: string;
  /** ISO time the key was made; absent for dev keys, so that they reproduce byte for byte. */
  createdAt?: string;
}

/** One phase-2 contribution to a zkey. */
export interface KeyContribution {
  type: "contribution" | "beacon";
  name: string;
  /** blake2b-512 hex contribution hash, as snarkjs prints it. */
  hash: string;
  /**
   * For `type: "beacon"`: the public beacon value (hex) and the iteration exponent (2^exp
   * sha256 rounds). A verifier checks that the value is the announced public randomness
   * (for example a named drand round or block hash); without it the beacon proves nothing.
   */
  beacon?: { value: string; iterationsExp: number };
}
