import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { groth16 } from "snarkjs";
import { isObject } from "../verifier/statements.ts";
import type { Groth16Proof, ProofBundle, TrustedKey } from "../verifier/types.ts";
import { verifyBundle } from "../verifier/verify.ts";

/**
 * Calls into the generated contracts, from a bundle: the `verifyProof(pA, pB, pC, pubSignals)`
 * arguments snarkjs prints, and ABI-encoded transaction data for the anchor's `advance` and
 * `register`. Every argument is a static uint256 word, so the ABI encoding is the 4-byte
 * selector followed by the words, each 32 bytes big-endian.
 */

/**
 * A verified bundle of `key`'s profile, or an error saying why it is not: calldata for a proof
 * the contract would reject helps nobody.
 * @throws Error naming the mismatch (profile, key hash) or listing why the bundle is invalid.
 */
export async function checkedBundle(bundle: unknown, key: TrustedKey, where = "bundle"): Promise<ProofBundle> {
  const { profile, vkeyHash } = key.manifest;
  if (!isObject(bundle)) throw new Error(`${where} is not a JSON object`);
  if (bundle.profile !== profile) {
    throw new Error(`${where} is for profile ${JSON.stringify(bundle.profile)}, not ${profile}: export the verifier of its own profile`);
  }
  if (bundle.vkeyHash !== vkeyHash) {
    throw new Error(`${where} was made for verification key ${JSON.stringify(bundle.vkeyHash)}, but the ${profile} key here is ${vkeyHash} (another seed or ceremony?)`);
  }
  const result = await verifyBundle(bundle, { keys: new Map([[profile, key]]), allowDev: true });
  if (!result.valid) throw new Error(`${where} does not verify under the ${profile} key:\n${result.reasons.map((r) => `  - ${r}`).join("\n")}`);
  return bundle as unknown as ProofBundle;
}

/** `verifyProof(...)` arguments for a bundle as snarkjs's `exportSolidityCallData` prints them, after {@link checkedBundle}. */
export async function solidityCallData(bundle: unknown, key: TrustedKey, where = "bundle"): Promise<string> {
  const valid = await checkedBundle(bundle, key, where);
  return groth16.exportSolidityCallData(valid.proof, valid.publicSignals);
}

/**
 * The words of `(pA, pB, pC, pubSignals)` in ABI order. snarkjs's Solidity verifier takes G2
 * coordinates as (imaginary, real), the reverse of the proof JSON; the projective z is dropped
 * (the verifier checks canonical affine points before this is ever called).
 */
export function proofWords(proof: Groth16Proof, publicSignals: readonly string[]): bigint[] {
  const b = proof.pi_b;
  return [
    proof.pi_a[0], proof.pi_a[1],
    b[0][1], b[0][0], b[1][1], b[1][0],
    proof.pi_c[0], proof.pi_c[1],
    ...publicSignals,
  ].map((v) => BigInt(v));
}

/** The Solidity signature of the anchor's `advance` for `signals` public signals. */
export function advanceSignature(signals: number): string {
  return `advance(uint256[2],uint256[2][2],uint256[2],uint256[${signals}])`;
}

/** The Solidity signature of the verifier's `verifyProof` for `signals` public signals. */
export function verifyProofSignature(signals: number): string {
  return `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${signals}])`;
}

/** The anchor's genesis registration. */
export const REGISTER_SIGNATURE = "register(uint256)";

/** ABI-encoded call data (0x-hex) of a function whose arguments are all static uint256 words. */
export function encodeCall(signature: string, words: readonly bigint[]): string {
  const selector = bytesToHex(keccak_256(utf8ToBytes(signature)).subarray(0, 4));
  return `0x${selector}${words.map(word32).join("")}`;
}

/** One ABI word: a uint256 as 64 hex digits. */
export function word32(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new Error(`${value} does not fit in a uint256`);
  return value.toString(16).padStart(64, "0");
}
