/**
 * A small, strict RFC 4180 CSV tokenizer. It only splits text into records and fields;
 * what the fields mean is decided by the dataset reader.
 *
 * Accepted: comma separators; records ending in CRLF, LF or CR; fields in double quotes
 * that may contain commas, line breaks and doubled quotes (`""` → `"`); a UTF-8 byte
 * order mark at the start; a missing final line break. Rejected (as {@link CsvSyntaxError}):
 * a quote inside an unquoted field, text after a closing quote, an unterminated quote —
 * each is a sign that the file is not what the user thinks it is.
 */

/** One CSV record and where it starts, so errors can name the line the user sees. */
export interface CsvRecord {
  /** 1-based line number of the record's first character. */
  line: number;
  /** The fields, unquoted and unescaped. */
  fields: string[];
  /** True when the record is an empty or whitespace-only line (one unquoted blank field). */
  blank: boolean;
}

/** Malformed CSV; `line` is the 1-based line where the problem was found. */
export class CsvSyntaxError extends Error {
  override name = "CsvSyntaxError";
  /** 1-based line number of the problem. */
  readonly line: number;

  /** @param line 1-based line number of the problem @param message what is wrong */
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/**
 * Splits CSV text into records. Blank lines are returned (flagged `blank`) rather than
 * dropped, so the caller decides; a final line break does not produce an extra record.
 *
 * @throws CsvSyntaxError on malformed quoting
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let anyQuoted = false;
    // One iteration per field; the record ends at a line break or end of input.
    for (;;) {
      let value = "";
      if (src[i] === '"') {
        anyQuoted = true;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(quoteLine, "unterminated quoted field");
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\r" || c === "\n") {
            // A line break inside quotes is data, but still advances the line count.
            if (c === "\r" && src[i + 1] === "\n") {
              value += "\r\n";
              i += 2;
            } else {
              value += c;
              i++;
            }
            line++;
            continue;
          }
          value += c;
          i++;
        }
        const next = src[i];
        if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
          throw new CsvSyntaxError(line, "unexpected text after a closing quote");
        }
      } else {
        const start = i;
        while (i < n && src[i] !== "," && src[i] !== "\r" && src[i] !== "\n") {
          if (src[i] === '"') throw new CsvSyntaxError(line, "quote inside an unquoted field");
          i++;
        }
        value = src.slice(start, i);
      }
      fields.push(value);
      if (i < n && src[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    // Consume the record terminator (CRLF, LF or CR).
    if (i < n) {
      if (src[i] === "\r" && src[i + 1] === "\n") i += 2;
      else i++;
      line++;
    }
    const blank = !anyQuoted && fields.length === 1 && fields[0]!.trim() === "";
    records.push({ line: startLine, fields, blank });
  }
  return records;
}
