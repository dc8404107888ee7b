/**
 * Thrown for every problem found while reading a dataset file. The message always starts
 * with the location, e.g. `data.csv row 7, column "pixel3": value "abc" is not a number`,
 * so a user can go straight to the offending cell.
 */
export class DatasetError extends Error {
  override name = "DatasetError";
  /** The file as the caller named it (or a label such as `<input>` for in-memory text). */
  readonly file: string;
  /** 1-based line number in the file where the offending record starts, if known. */
  readonly row: number | undefined;
  /** Name of the offending column, if the problem is in one cell or column. */
  readonly column: string | undefined;
  /** The problem without the location prefix. */
  readonly detail: string;

  /**
   * @param file the file as the caller named it
   * @param row 1-based line number, or undefined for whole-file problems
   * @param column column name, or undefined for whole-row problems
   * @param detail what is wrong
   */
  constructor(file: string, row: number | undefined, column: string | undefined, detail: string) {
    super(`${formatLocation(file, row, column)}: ${detail}`);
    this.file = file;
    this.row = row;
    this.column = column;
    this.detail = detail;
  }
}

function formatLocation(file: string, row: number | undefined, column: string | undefined): string {
  let where = file;
  if (row !== undefined) where += ` row ${row}`;
  if (column !== undefined) where += `${row !== undefined ? "," : ""} column ${JSON.stringify(column)}`;
  return where;
}
