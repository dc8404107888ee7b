/**
 * The in-memory dataset shape and the column and value rules shared by the CSV and
 * JSON Lines readers, so that both formats accept and reject exactly the same things.
 */
import { DatasetError } from "./datasetError.ts";
import { describeProblem, fixedPointProblem } from "./fixedPoint.ts";

/** One training example as read from a file, before fixed-point encoding. */
export interface RawRecord {
  /** Stable identifier of the record (the data subject refers to it when asking for deletion). */
  id: string;
  /** Feature values, in the dataset's `featureNames` order. */
  features: number[];
  /** The label (0/1 for the current binary models, but any encodable number is accepted). */
  label: number;
  /**
   * A text corpus's document (src/encoding/corpus.ts): the record is the text, hashed by
   * src/dataset/document.ts; `features` is then empty and `label` 0.
   */
  text?: string;
}

/** A dataset as read from a file: every record has `featureNames.length` features. */
export interface Dataset {
  /** Feature names in column order (`f0`, `f1`, … when the file has no names). */
  featureNames: string[];
  /** The records in file order. */
  records: RawRecord[];
}

/** How to interpret columns (CSV header names, or keys of flat JSON Lines objects). */
export interface DatasetOptions {
  /** Name of the label column. Default `label`. */
  labelColumn?: string;
  /**
   * Name of the id column. Default: `id` when such a column exists. `null` means the file
   * has no id column (a column named `id` is then an ordinary feature). Records without
   * an id get their 1-based record number (`"1"` for the first data record) as id.
   */
  idColumn?: string | null;
}

/** The default label column name. */
export const DEFAULT_LABEL_COLUMN = "label";
/** The default id column name (used only when present). */
export const DEFAULT_ID_COLUMN = "id";

/** Which named column plays which role. */
export interface ColumnLayout {
  /** Index (into the names given to {@link resolveColumns}) of each feature, in order. */
  featureIndices: number[];
  /** Names of the features, in order. */
  featureNames: string[];
  /** Index of the label column. */
  labelIndex: number;
  /** Index of the id column, or undefined when ids are record numbers. */
  idIndex: number | undefined;
  /** The label column's name (for error messages). */
  labelColumn: string;
  /** The id column's name, if any. */
  idColumn: string | undefined;
}

/**
 * Assigns roles to named columns: the label column, the optional id column, and every
 * other column as a feature in the given order.
 *
 * @param names column names (CSV header, or keys of the first flat JSON object)
 * @param row line number where the names were read, for error messages
 * @throws DatasetError on empty or duplicate names, a missing label column, a requested
 *   id column that does not exist, or no feature columns at all
 */
export function resolveColumns(names: readonly string[], options: DatasetOptions, file: string, row: number): ColumnLayout {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === "") throw new DatasetError(file, row, undefined, `column ${i + 1} has an empty name`);
    if (seen.has(name)) throw new DatasetError(file, row, name, "column name appears more than once");
    seen.add(name);
  });
  const labelColumn = options.labelColumn ?? DEFAULT_LABEL_COLUMN;
  const labelIndex = names.indexOf(labelColumn);
  if (labelIndex < 0) throw new DatasetError(file, row, labelColumn, "label column is missing");

  let idColumn: string | undefined;
  if (options.idColumn === undefined) {
    idColumn = names.includes(DEFAULT_ID_COLUMN) ? DEFAULT_ID_COLUMN : undefined;
  } else if (options.idColumn !== null) {
    if (!names.includes(options.idColumn)) throw new DatasetError(file, row, options.idColumn, "id column is missing");
    idColumn = options.idColumn;
  }
  if (idColumn === labelColumn) throw new DatasetError(file, row, idColumn, "the same column cannot be both id and label");
  const idIndex = idColumn === undefined ? undefined : names.indexOf(idColumn);

  const featureIndices: number[] = [];
  names.forEach((_, i) => {
    if (i !== labelIndex && i !== idIndex) featureIndices.push(i);
  });
  if (featureIndices.length === 0) throw new DatasetError(file, row, undefined, "no feature columns");
  return {
    featureIndices,
    featureNames: featureIndices.map((i) => names[i]!),
    labelIndex,
    idIndex,
    labelColumn,
    idColumn,
  };
}

/** A plain decimal number: optional sign, digits with optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spellings of NaN and infinities that some tools write; reported as "not finite", not "not a number". */
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Parses a numeric cell (CSV text) strictly: surrounding spaces are ignored, anything but a
 * plain decimal number is rejected (no hex, no `1_000`, no empty cell read as 0), and the
 * value must be encodable in fixed point.
 *
 * @param isLabel true for the label column (an empty cell then reads "label is missing")
 * @throws DatasetError naming file, row and column
 */
export function parseNumericCell(raw: string, isLabel: boolean, file: string, row: number, column: string): number {
  const text = raw.trim();
  if (text === "") throw new DatasetError(file, row, column, isLabel ? "label is missing" : "value is missing");
  if (NON_FINITE.test(text)) {
    throw new DatasetError(file, row, column, describeProblem(JSON.stringify(raw), "not-finite"));
  }
  if (!DECIMAL.test(text)) throw new DatasetError(file, row, column, `value ${JSON.stringify(raw)} is not a number`);
  return checkEncodable(Number(text), JSON.stringify(raw), file, row, column);
}

/**
 * Checks that a number is finite and within the fixed-point bound; returns it unchanged.
 *
 * @param shown how the value appears in the file, for the message
 * @throws DatasetError naming file, row and column
 */
export function checkEncodable(x: number, shown: string, file: string, row: number, column: string): number {
  const problem = fixedPointProblem(x);
  if (problem) throw new DatasetError(file, row, column, describeProblem(shown, problem));
  return x;
}

/** Hands out record ids and rejects duplicates and empty ids. */
export class IdRegistry {
  private readonly firstRow = new Map<string, number>();

  /**
   * Registers `id` (or, when undefined, the 1-based record number `ordinal`) and returns it.
   *
   * @throws DatasetError on an empty id or an id seen before (naming the earlier row)
   */
  claim(id: string | undefined, ordinal: number, file: string, row: number, column: string): string {
    const value = id ?? String(ordinal);
    if (value === "") throw new DatasetError(file, row, column, "id is empty");
    const earlier = this.firstRow.get(value);
    if (earlier !== undefined) {
      throw new DatasetError(file, row, column, `duplicate id ${JSON.stringify(value)} (first seen at row ${earlier})`);
    }
    this.firstRow.set(value, row);
    return value;
  }
}
