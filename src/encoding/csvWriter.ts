/**
 * Writes a {@link Dataset} as CSV in the layout the CSV reader expects:
 * `id,<feature names…>,label`, LF line endings, RFC 4180 quoting where needed.
 */
import type { Dataset } from "./dataset.ts";

/** Quotes a field only when it contains a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Formats a dataset as CSV text (with a final line break). Numbers are written with
 * JavaScript's shortest round-trip formatting, so reading the file back gives the same
 * numbers.
 *
 * @throws RangeError if a feature is named `id` or `label`, or a record's feature count
 *   differs from the header's
 */
export function formatCsvDataset(dataset: Dataset): string {
  for (const reserved of ["id", "label"]) {
    if (dataset.featureNames.includes(reserved)) throw new RangeError(`a feature cannot be named ${JSON.stringify(reserved)}`);
  }
  const lines = [["id", ...dataset.featureNames, "label"].map(csvField).join(",")];
  for (const r of dataset.records) {
    if (r.features.length !== dataset.featureNames.length) {
      throw new RangeError(`record ${JSON.stringify(r.id)} has ${r.features.length} features, expected ${dataset.featureNames.length}`);
    }
    lines.push([csvField(r.id), ...r.features.map(String), String(r.label)].join(","));
  }
  return `${lines.join("\n")}\n`;
}
