/**
 * The record hash of a text document (a record of a text corpus, `zkforget commit corpus.jsonl
 * --text-field text`): a Poseidon sponge over the document's UTF-8 bytes packed into field
 * elements,
 *
 *   recordHash = PoseidonSponge([DOCUMENT_TAG, byteLength, chunk_0, chunk_1, …])
 *
 * where chunk_m is bytes [31m, 31m + 31) read big-endian (the last one shorter; 31 bytes < 2^248
 * always fit the field). DOCUMENT_TAG (the bytes of "zkforget/document/v1") keeps a document's
 * hash apart from a numeric record's; the byte length makes the packing injective (trailing
 * zero bytes would otherwise vanish). The text is hashed exactly as given: no Unicode
 * normalisation, no trimming.
 *
 * Why Poseidon over the bytes rather than sha256 reduced into the field: the receipt checker
 * (src/verifier/receiptCheck.ts, in browsers too) already recomputes a record hash as a Poseidon
 * sponge over the field elements the subject supplies, so these elements are all a subject's
 * checker needs, with no second hash function; and a circuit could open a document later.
 * Browser-safe: TextEncoder only.
 */

/** Bytes per packed field element. */
export const DOCUMENT_CHUNK_BYTES = 31;

/** "zkforget/document/v1" as a field element (its UTF-8 bytes, big-endian). */
export const DOCUMENT_TAG = bytesToBigInt(new TextEncoder().encode("zkforget/document/v1"));

/**
 * The field elements a document's record hash is taken over (see the module comment); pass them
 * as `recordFieldElements` to checkReceipt, or hash them with a Poseidon sponge.
 * @throws RangeError for an empty document
 */
export function documentFieldElements(text: string): bigint[] {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length === 0) throw new RangeError("a document must not be empty");
  const out = [DOCUMENT_TAG, BigInt(bytes.length)];
  for (let i = 0; i < bytes.length; i += DOCUMENT_CHUNK_BYTES) out.push(bytesToBigInt(bytes.subarray(i, i + DOCUMENT_CHUNK_BYTES)));
  return out;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let acc = 0n;
  for (const b of bytes) acc = (acc << 8n) | BigInt(b);
  return acc;
}
