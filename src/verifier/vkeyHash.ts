/**
 * The identity of a verification key: sha256 over its canonical JSON. Manifests and bundles
 * carry this hash, so a verifier can check that a bundle was made for the key it holds.
 *
 * Imported by the verifier: only @noble/hashes and local pure code here (no snarkjs,
 * ffjavascript, circomlibjs or node:fs), so it also runs in a browser.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonicalJson.ts";

/**
 * sha256 hex (64 lowercase hex chars) of `canonicalJson(vkey)`.
 *
 * Takes the verification key as snarkjs exports it (or as parsed back from its JSON file: the
 * hash is the same, because the key holds only strings, numbers and arrays).
 * @throws Error if `vkey` is not a plain JSON object (see `canonicalJson` for what is refused).
 */
export function verificationKeyHash(vkey: object): string {
  if (vkey === null || Array.isArray(vkey)) {
    throw new Error("verificationKeyHash: the verification key must be a JSON object");
  }
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(vkey))));
}
