/**
 * The identity of an audit chain: one sha256 digest per prefix of its entries, so that a signed
 * head (see headLog.ts) names exactly which chain the controller stood behind at a seq.
 *
 *   entryDigest(e) = sha256(canonicalJson(e without bundle.proof))
 *   h_0            = sha256("zkforget/chain/v1")
 *   h_n            = sha256(h_{n-1} ‖ entryDigest(e_n))      (32 raw bytes each)
 *
 * The Groth16 proof is left out because proofs are malleable: negating A and B gives another
 * valid proof of the same statement, so two parties holding the same chain could hold
 * different proof bytes. Everything else in the entry, including fields this version does not
 * know, is part of the digest: the entry is untrusted JSON, and any difference in what the
 * controller wrote is a different chain.
 *
 * Browser-safe: only @noble/hashes and local pure code.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonicalJson.ts";
import { isObject } from "./statements.ts";

/** Domain tag hashed into h_0, so a chain digest can never be mistaken for another sha256. */
export const CHAIN_DIGEST_DOMAIN = "zkforget/chain/v1";

/** Hex (64 lowercase digits) of h_0, the digest of the empty chain. */
export const EMPTY_CHAIN_DIGEST = bytesToHex(sha256(utf8ToBytes(CHAIN_DIGEST_DOMAIN)));

/** Thrown by {@link entryDigest} and {@link chainDigests} for an entry that is not a JSON object. */
export class ChainDigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainDigestError";
  }
}

/**
 * sha256 hex of the canonical JSON of `entry` with `bundle.proof` removed (the rest of the
 * bundle, the statement and public signals included, stays in). `entry` is not modified.
 * @throws ChainDigestError when `entry` is not a plain JSON object, or holds a value with no
 *   JSON form (the message names where)
 */
export function entryDigest(entry: unknown): string {
  if (!isObject(entry)) throw new ChainDigestError(`the entry is ${describeJson(entry)}, not a JSON object`);
  let identity = entry;
  if (isObject(entry.bundle) && "proof" in entry.bundle) {
    const { proof: _proof, ...withoutProof } = entry.bundle;
    identity = { ...entry, bundle: withoutProof };
  }
  try {
    return bytesToHex(sha256(utf8ToBytes(canonicalJson(identity))));
  } catch (error) {
    throw new ChainDigestError((error as Error).message);
  }
}

/**
 * The digest of every prefix of `entries`: result[0] is h_0 (the empty chain), result[n] the
 * digest of the first n entries. Entries are taken in array order; that `entries[i].seq` is
 * i + 1 is checked by whoever compares a head with them ({@link headMatchesChain}).
 * @throws ChainDigestError naming the entry (by array position) that is not a JSON object
 */
export function chainDigests(entries: readonly unknown[]): string[] {
  const digests = [EMPTY_CHAIN_DIGEST];
  let previous = hexToBytes(EMPTY_CHAIN_DIGEST);
  entries.forEach((entry, i) => {
    let digest: string;
    try {
      digest = entryDigest(entry);
    } catch (error) {
      throw new ChainDigestError(`entry ${i + 1} (position ${i} of the list): ${(error as Error).message}`);
    }
    previous = sha256(concatBytes(previous, hexToBytes(digest)));
    digests.push(bytesToHex(previous));
  });
  return digests;
}

/** "null", "an array", "a string", ... for messages about untrusted JSON. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
