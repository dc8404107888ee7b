/**
 * Writing ceremony outputs safely: never clobber an existing file unless asked, and never leave
 * a half-written file under the final name (a crash during a long `zkey new` must not leave a
 * truncated zkey that looks finished). Everything is written to a temporary file in the same
 * directory, then renamed, which is atomic on one file system.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { pathExists } from "../fsAtomic.ts";
import { basename, dirname, join } from "node:path";

/**
 * Throw if `path` exists and `force` is not set; create its parent directory otherwise.
 * `what` names the output in the message ("zkey", "verification key").
 */
export async function assertWritable(path: string, force: boolean | undefined, what: string): Promise<void> {
  if (!force && (await pathExists(path))) {
    throw new Error(`${what} ${path} already exists; refusing to overwrite it (use force to replace it)`);
  }
  await mkdir(dirname(path), { recursive: true });
}

/**
 * Run `produce(tempPath)`, which must write the output to `tempPath`, then move it to `path`.
 * On failure the temporary file is removed and `path` is left untouched.
 */
export async function writeViaTemp<T>(
  path: string,
  force: boolean | undefined,
  what: string,
  produce: (tempPath: string) => Promise<T>,
): Promise<T> {
  await assertWritable(path, force, what);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const result = await produce(temp);
    // Checked again: the step may have run for minutes, and something else may have written it.
    await assertWritable(path, force, what);
    await rename(temp, path);
    return result;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Write `data` to `path` atomically (temp file + rename), refusing to overwrite unless `force`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, force: boolean | undefined, what: string): Promise<void> {
  await writeViaTemp(path, force, what, (temp) => writeFile(temp, data));
}
