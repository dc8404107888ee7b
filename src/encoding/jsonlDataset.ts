/**
 * Reads a dataset from JSON Lines text: one JSON object per line, blank lines skipped.
 *
 * Two shapes are accepted, but one file must use one shape throughout:
 * - structured: `{ "id"?: string, "features": number[], "label": number }`; the features
 *   are named `f0`, `f1`, …;
 * - flat: `{ "id"?: …, "label": …, "<feature name>": number, … }`, following the same
 *   column rules as CSV (`labelColumn`, `idColumn`); feature order and names come from the
 *   first line, and every later line must have exactly the same keys (in any order).
 *
 * Values must be JSON numbers (a quoted "1.5" is rejected, to keep both shapes strict);
 * ids may be strings or integers (integers are turned into their decimal string).
 * Records without an id get their 1-based record number. Row numbers in errors are
 * 1-based line numbers in the file.
 */
import { DatasetError } from "./datasetError.ts";
import {
  DEFAULT_ID_COLUMN,
  DEFAULT_LABEL_COLUMN,
  IdRegistry,
  checkEncodable,
  resolveColumns,
  type ColumnLayout,
  type Dataset,
  type DatasetOptions,
  type RawRecord,
} from "./dataset.ts";

/** One non-blank line, parsed. */
export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Parses JSON Lines text into a {@link Dataset}.
 *
 * @param text the file contents
 * @param file how to name the file in error messages
 * @throws DatasetError on invalid JSON, a line that is not an object, mixed shapes,
 *   missing or extra keys, an inconsistent feature count, non-numeric, non-finite or
 *   out-of-range values, bad or duplicate ids, or an empty file
 */
export function parseJsonlDataset(text: string, file: string, options: DatasetOptions = {}): Dataset {
  const lines = readJsonLines(text, file);
  const first = lines[0];
  if (first === undefined) throw new DatasetError(file, 1, undefined, "file is empty (expected one JSON object per line)");
  return Array.isArray(first.value.features)
    ? readStructured(lines, file)
    : readFlat(lines, file, options);
}

/**
 * The non-blank lines of JSON Lines text, each parsed and required to be a JSON object (a
 * leading BOM is skipped). Shared with the text-corpus reader.
 * @throws DatasetError naming the line for invalid JSON or a value that is not an object
 */
export function readJsonLines(text: string, file: string): JsonLine[] {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const out: JsonLine[] = [];
  src.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new DatasetError(file, line, undefined, `invalid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DatasetError(file, line, undefined, "expected a JSON object");
    }
    out.push({ line, value: value as Record<string, unknown> });
  });
  return out;
}

function readStructured(lines: readonly JsonLine[], file: string): Dataset {
  const ids = new IdRegistry();
  const records: RawRecord[] = [];
  let featureCount: number | undefined;
  for (const { line, value } of lines) {
    const { features } = value;
    if (!Array.isArray(features)) {
      throw new DatasetError(file, line, "features", "expected a \"features\" array (the first line used that shape)");
    }
    for (const key of Object.keys(value)) {
      if (key !== "features" && key !== DEFAULT_LABEL_COLUMN && key !== DEFAULT_ID_COLUMN) {
        throw new DatasetError(file, line, key, "unexpected key (allowed: id, features, label)");
      }
    }
    if (features.length === 0) throw new DatasetError(file, line, "features", "no features");
    featureCount ??= features.length;
    if (features.length !== featureCount) {
      throw new DatasetError(file, line, "features", `expected ${featureCount} features, found ${features.length}`);
    }
    const values = features.map((v: unknown, i: number) => jsonNumber(v, false, file, line, `features[${i}]`));
    const label = jsonNumber(value[DEFAULT_LABEL_COLUMN], true, file, line, DEFAULT_LABEL_COLUMN);
    const id = ids.claim(jsonId(value[DEFAULT_ID_COLUMN], file, line, DEFAULT_ID_COLUMN), records.length + 1, file, line, DEFAULT_ID_COLUMN);
    records.push({ id, features: values, label });
  }
  const names = Array.from({ length: featureCount ?? 0 }, (_, i) => `f${i}`);
  return { featureNames: names, records };
}

function readFlat(lines: readonly JsonLine[], file: string, options: DatasetOptions): Dataset {
  const first = lines[0]!;
  const names = Object.keys(first.value);
  const layout: ColumnLayout = resolveColumns(names, options, file, first.line);
  const expected = new Set(names);
  const ids = new IdRegistry();
  const records: RawRecord[] = [];
  for (const { line, value } of lines) {
    if ("features" in value && Array.isArray(value.features) && !expected.has("features")) {
      throw new DatasetError(file, line, "features", "structured line in a file whose first line is flat");
    }
    const keys = Object.keys(value);
    for (const key of keys) {
      if (!expected.has(key)) throw new DatasetError(file, line, key, "unexpected column (not on the first line)");
    }
    for (const name of names) {
      if (!(name in value)) {
        if (name === layout.labelColumn) throw new DatasetError(file, line, name, "label is missing");
        throw new DatasetError(file, line, name, `column is missing (expected ${layout.featureNames.length} features)`);
      }
    }
    const features = layout.featureNames.map((name) => jsonNumber(value[name], false, file, line, name));
    const label = jsonNumber(value[layout.labelColumn], true, file, line, layout.labelColumn);
    const idColumn = layout.idColumn ?? DEFAULT_ID_COLUMN;
    const rawId = layout.idColumn === undefined ? undefined : jsonId(value[layout.idColumn], file, line, idColumn);
    const id = ids.claim(rawId, records.length + 1, file, line, idColumn);
    records.push({ id, features, label });
  }
  return { featureNames: layout.featureNames, records };
}

/** A JSON value that must be an encodable number. */
function jsonNumber(v: unknown, isLabel: boolean, file: string, line: number, column: string): number {
  if (v === undefined || v === null) {
    throw new DatasetError(file, line, column, isLabel ? "label is missing" : "value is missing");
  }
  if (typeof v !== "number") throw new DatasetError(file, line, column, `value ${JSON.stringify(v)} is not a number`);
  // JSON cannot spell NaN or Infinity, but 1e999 parses to Infinity: checkEncodable catches it.
  return checkEncodable(v, String(v), file, line, column);
}

/** An optional id: a string, or an integer turned into its decimal string. @throws DatasetError otherwise */
export function jsonId(v: unknown, file: string, line: number, column: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  throw new DatasetError(file, line, column, `id ${JSON.stringify(v)} must be a string or an integer`);
}
