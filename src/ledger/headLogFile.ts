import { readFile } from "node:fs/promises";
import { canonicalJson } from "../verifier/canonicalJson.ts";
import type { SignedHead } from "../verifier/headLog.ts";

/**
 * Node-only: the head log as a file, `heads.jsonl`: one signed head per line, as canonical
 * JSON, in publication order. Reading does not judge the heads (verifyHeadLog does); it only
 * turns the file into untrusted JSON values.
 */

/** The head log file could not be used at all (missing, unreadable, a line that is not JSON). */
export class HeadLogFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HeadLogFileError";
  }
}

/**
 * Reads a head log file into its parsed lines (untrusted). A final newline is expected and
 * ignored; any other empty line, or a line that is not JSON, is an error naming the line.
 * @throws HeadLogFileError naming the file (and line) and what is wrong
 */
export async function readHeadLogFile(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new HeadLogFileError(`cannot read head log ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseHeadLogText(text, path);
}

/** {@link readHeadLogFile} on text already read; `path` only names it in errors. */
export function parseHeadLogText(text: string, path: string): unknown[] {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  if (text === "") return [];
  return lines.map((line, i) => {
    if (line.trim() === "") throw new HeadLogFileError(`head log ${path} line ${i + 1} is empty (one signed head per line)`);
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new HeadLogFileError(`head log ${path} line ${i + 1} is not valid JSON (truncated or corrupted?): ${(error as Error).message}`);
    }
  });
}

/** One line of a head log: the head's canonical JSON and a newline. */
export function headLogLine(head: SignedHead): string {
  return `${canonicalJson(head)}\n`;
}
