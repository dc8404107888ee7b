/**
 * Reads a dataset from CSV text with a header row (RFC 4180 quoting).
 *
 * Columns: the label column (`label` unless `labelColumn` says otherwise), an optional id
 * column (`id` if present, or `idColumn`), and every other column is a feature, in header
 * order. Header names are trimmed of surrounding spaces; ids are kept verbatim. Blank
 * lines are skipped. Row numbers in errors are 1-based line numbers in the file (the
 * header is row 1), counted where the record starts.
 */
import { CsvSyntaxError, parseCsv, type CsvRecord } from "./csv.ts";
import { DatasetError } from "./datasetError.ts";
import { IdRegistry, parseNumericCell, resolveColumns, type Dataset, type DatasetOptions, type RawRecord } from "./dataset.ts";

/**
 * Parses CSV text into a {@link Dataset}.
 *
 * @param text the file contents
 * @param file how to name the file in error messages
 * @throws DatasetError on any malformed, missing, non-numeric, non-finite or out-of-range
 *   value, ragged row, duplicate id, or an empty file
 */
export function parseCsvDataset(text: string, file: string, options: DatasetOptions = {}): Dataset {
  let rows: CsvRecord[];
  try {
    rows = parseCsv(text).filter((r) => !r.blank);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new DatasetError(file, err.line, undefined, err.message);
    throw err;
  }
  const header = rows[0];
  if (header === undefined) throw new DatasetError(file, 1, undefined, "file is empty (expected a header row)");
  const names = header.fields.map((name) => name.trim());
  const layout = resolveColumns(names, options, file, header.line);
  if (rows.length === 1) throw new DatasetError(file, header.line, undefined, "no data rows after the header");

  const ids = new IdRegistry();
  const records: RawRecord[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== names.length) {
      throw new DatasetError(file, row.line, undefined, `expected ${names.length} fields, found ${row.fields.length}`);
    }
    const features = layout.featureIndices.map((i) => parseNumericCell(row.fields[i]!, false, file, row.line, names[i]!));
    const label = parseNumericCell(row.fields[layout.labelIndex]!, true, file, row.line, layout.labelColumn);
    const rawId = layout.idIndex === undefined ? undefined : row.fields[layout.idIndex]!;
    const id = ids.claim(rawId, records.length + 1, file, row.line, layout.idColumn ?? "id");
    records.push({ id, features, label });
  }
  return { featureNames: layout.featureNames, records };
}
