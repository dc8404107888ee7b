/**
 * Dataset input: load a CSV or JSON Lines file into raw records, and encode records in
 * fixed point. The entry point for everything that reads training data.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseCsvDataset } from "./csvDataset.ts";
import type { Dataset, DatasetOptions } from "./dataset.ts";
import { DatasetError } from "./datasetError.ts";
import { parseJsonlDataset } from "./jsonlDataset.ts";

export type { Dataset, DatasetOptions, RawRecord } from "./dataset.ts";
export { DatasetError } from "./datasetError.ts";
export { encodeRecord, type EncodedRecord } from "./encodeRecord.ts";
export { parseCsvDataset } from "./csvDataset.ts";
export { parseJsonlDataset } from "./jsonlDataset.ts";

/** File extensions {@link loadDataset} understands, and the reader for each. */
const READERS: Readonly<Record<string, (text: string, file: string, options: DatasetOptions) => Dataset>> = {
  ".csv": parseCsvDataset,
  ".jsonl": parseJsonlDataset,
  ".ndjson": parseJsonlDataset,
};

/**
 * Reads a dataset file, choosing the reader by extension (case-insensitive): `.csv`,
 * `.jsonl` or `.ndjson`.
 *
 * @throws DatasetError for an unknown extension, an unreadable file, or any problem the
 *   reader finds (see parseCsvDataset / parseJsonlDataset)
 */
export async function loadDataset(path: string, options: DatasetOptions = {}): Promise<Dataset> {
  const ext = extname(path).toLowerCase();
  const reader = READERS[ext];
  if (reader === undefined) {
    throw new DatasetError(path, undefined, undefined, `unsupported file type ${JSON.stringify(ext)} (expected .csv, .jsonl or .ndjson)`);
  }
  return reader(await readDataFile(path), path, options);
}

/**
 * A data file's text. @throws DatasetError naming the file when it cannot be read
 */
export async function readDataFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new DatasetError(path, undefined, undefined, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
