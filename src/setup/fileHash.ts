/**
 * blake2b-512 of a file, streamed: ptau files run to gigabytes, so they are never read whole.
 * This is the hash the Hermez / perpetual-powers-of-tau tables publish (`b2sum` gives the same).
 */
import { createHash, getHashes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** Called after each chunk with the bytes hashed so far and the file size. */
export type HashProgress = (bytesDone: number, totalBytes: number) => void;

const CHUNK = 4 << 20;

/**
 * Lowercase hex blake2b-512 (128 hex chars) of the file at `path`.
 *
 * Uses Node's OpenSSL blake2b512 when present (about 20x faster than pure JS: a 2^20 Hermez
 * ptau is 1.2 GB) and @noble/hashes otherwise; both give the same digest.
 * @throws Error naming the file when it is missing or not a regular file.
 */
export async function blake2b512File(path: string, onProgress?: HashProgress): Promise<string> {
  const total = await fileSize(path);
  const hasher = newHasher();
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    hasher.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done, total);
  }
  return hasher.hex();
}

interface Hasher {
  update(data: Uint8Array): void;
  hex(): string;
}

function newHasher(): Hasher {
  if (getHashes().includes("blake2b512")) {
    const h = createHash("blake2b512");
    return { update: (d) => void h.update(d), hex: () => h.digest("hex") };
  }
  const h = blake2b.create({ dkLen: 64 });
  return { update: (d) => void h.update(d), hex: () => bytesToHex(h.digest()) };
}

async function fileSize(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error(`cannot hash ${path}: it is not a regular file`);
    return st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`cannot hash ${path}: file not found`);
    throw err;
  }
}
