import { readFile } from "node:fs/promises";
import { UsageError } from "./command.ts";

/**
 * The record ids a command names: those given on the command line, then those of `idsFile`
 * (one per line; blank lines and surrounding spaces ignored), in that order.
 * @throws UsageError naming the file when it cannot be read
 */
export async function collectRecordIds(given: readonly string[], idsFile: string | undefined): Promise<string[]> {
  const ids = [...given];
  if (idsFile === undefined) return ids;
  let text: string;
  try {
    text = await readFile(idsFile, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --ids-file ${idsFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  ids.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ""));
  return ids;
}
