/**
 * Reader for the section container shared by the iden3 binary formats (ptau, zkey, r1cs, wtns):
 *
 *   magic (4 ASCII bytes) | version u32 | nSections u32 | nSections × (id u32 | size u64 | data)
 *
 * all little-endian. snarkjs reads the same container, but when a file is of the wrong kind or
 * truncated it fails with "Invalid File format" or much later with an unrelated error. This
 * reader checks the magic and that every section lies inside the file, and says which file is
 * wrong and how, before snarkjs touches it.
 */
import { open, type FileHandle } from "node:fs/promises";

/** The container kinds zkforget reads; the value is the file's magic. */
export type BinFileKind = "ptau" | "zkey" | "r1cs" | "wtns";

const KINDS: readonly BinFileKind[] = ["ptau", "zkey", "r1cs", "wtns"];

/** One section of a container: where its data starts and how long it is, in bytes. */
export interface BinSection {
  id: number;
  offset: number;
  size: number;
}

/** The parsed container header of one file. */
export interface BinFileHeader {
  path: string;
  kind: BinFileKind;
  version: number;
  fileSize: number;
  /** Sections by id, in file order (ids can repeat in principle; callers decide). */
  sections: Map<number, BinSection[]>;
}

/**
 * Read and check the container header of `path`, which must be a `kind` file.
 * @throws Error naming the file when it is missing, not a `kind` file (wrong magic, with the
 *   kind it looks like instead), newer than `maxVersion`, or truncated (a section runs past
 *   the end of the file).
 */
export async function readBinFileHeader(path: string, kind: BinFileKind, maxVersion = 2): Promise<BinFileHeader> {
  const fh = await openForReading(path, kind);
  try {
    const fileSize = (await fh.stat()).size;
    if (fileSize < 12) {
      throw new Error(`${path} is not a ${kind} file: it is only ${fileSize} bytes long (empty or truncated)`);
    }
    const head = await readAt(fh, 0, 12);
    const magic = head.subarray(0, 4).toString("latin1");
    if (magic !== kind) throw new Error(wrongMagicMessage(path, kind, head.subarray(0, 4)));
    const version = head.readUInt32LE(4);
    if (version < 1 || version > maxVersion) {
      throw new Error(`${path}: ${kind} format version ${version} is not supported (expected 1..${maxVersion})`);
    }
    const nSections = head.readUInt32LE(8);
    const sections = new Map<number, BinSection[]>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      if (pos + 12 > fileSize) {
        throw new Error(
          `${path} is truncated: the header announces ${nSections} sections but the file ends ` +
            `(at ${fileSize} bytes) before section ${i + 1}`,
        );
      }
      const sh = await readAt(fh, pos, 12);
      const id = sh.readUInt32LE(0);
      const size = Number(sh.readBigUInt64LE(4));
      const offset = pos + 12;
      if (offset + size > fileSize) {
        throw new Error(
          `${path} is truncated: section ${id} needs ${size} bytes from offset ${offset}, ` +
            `but the file is only ${fileSize} bytes long`,
        );
      }
      const list = sections.get(id) ?? [];
      list.push({ id, offset, size });
      sections.set(id, list);
      pos = offset + size;
    }
    return { path, kind, version, fileSize, sections };
  } finally {
    await fh.close();
  }
}

/**
 * The single section `id` of a checked file.
 * @throws Error naming the file and `what` (a human name for the section) if it is missing or repeated.
 */
export function uniqueSection(header: BinFileHeader, id: number, what: string): BinSection {
  const list = header.sections.get(id);
  if (!list || list.length === 0) {
    throw new Error(`${header.path}: ${header.kind} section ${id} (${what}) is missing`);
  }
  if (list.length > 1) {
    throw new Error(`${header.path}: ${header.kind} section ${id} (${what}) appears ${list.length} times`);
  }
  return list[0]!;
}

/**
 * Read the whole data of section `id` (meant for small header-like sections, not for the
 * point tables, which can be gigabytes).
 */
export async function readSection(header: BinFileHeader, id: number, what: string): Promise<Buffer> {
  const section = uniqueSection(header, id, what);
  const fh = await openForReading(header.path, header.kind);
  try {
    return await readAt(fh, section.offset, section.size);
  } finally {
    await fh.close();
  }
}

/** Little-endian unsigned integer of any width (field elements in headers are stored this way). */
export function readBigIntLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

async function openForReading(path: string, kind: BinFileKind): Promise<FileHandle> {
  try {
    const fh = await open(path, "r");
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new Error(`${path} is not a ${kind} file: it is not a regular file`);
    }
    return fh;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${kind} file not found: ${path}`);
    if (code === "EISDIR") throw new Error(`${path} is not a ${kind} file: it is a directory`);
    if (code === "EACCES") throw new Error(`cannot read ${kind} file ${path}: permission denied`);
    throw err;
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new Error(`short read: ${bytesRead} of ${length} bytes at offset ${position}`);
  return buf;
}

function wrongMagicMessage(path: string, kind: BinFileKind, magic: Buffer): string {
  const text = magic.toString("latin1");
  const other = KINDS.find((k) => k === text);
  const seen = other
    ? `it is a ${other} file`
    : /^[\x20-\x7e]{4}$/.test(text)
      ? `it starts with "${text}"`
      : `it starts with bytes ${magic.toString("hex")}`;
  return `${path} is not a ${kind} file: ${seen}, a ${kind} file starts with "${kind}"`;
}

/** A little-endian u32, as the containers store counts and ids. */
export function u32LE(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** The concatenation of `parts`. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.byteLength; }
  return out;
}

/**
 * Sequential writer for the same container: magic, version, then sections of (u32 id, u64 size,
 * data). Sections are written whole, so their sizes are known up front (no seek back).
 */
export class BinFileWriter {
  private pos = 0;
  constructor(private readonly file: FileHandle) {}

  async start(magic: string, version: number, nSections: number): Promise<void> {
    await this.write(new TextEncoder().encode(magic));
    await this.write(u32LE(version));
    await this.write(u32LE(nSections));
  }

  async section(id: number, chunks: Uint8Array[]): Promise<void> {
    const size = chunks.reduce((s, c) => s + c.byteLength, 0);
    const head = new Uint8Array(12);
    const view = new DataView(head.buffer);
    view.setUint32(0, id, true);
    view.setBigUint64(4, BigInt(size), true);
    await this.write(head);
    for (const chunk of chunks) await this.write(chunk);
  }

  async finish(): Promise<void> {
    await this.file.sync();
  }

  private async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.byteLength) {
      const { bytesWritten } = await this.file.write(data, off, data.byteLength - off, this.pos);
      off += bytesWritten;
      this.pos += bytesWritten;
    }
  }
}
