/**
 * A data subject's own record, as they type or upload it to check an inclusion receipt:
 * `{"features": [x, …], "label": y}` in the dataset's column order (as committed, after any
 * `--scale`), or a corpus document `{"text": "…"}`. Encoded and packed exactly
 * as the controller's commit did (one encoder, one packing), so its hash can be compared with
 * the receipt's recordHash. Browser-safe: the CLI and the verification page both use it.
 */
import { encodeRecord } from "../encoding/encodeRecord.ts";
import { recordFieldElements } from "../dataset/recordPacking.ts";
import { documentFieldElements } from "../dataset/document.ts";

/**
 * The field elements the record hash is taken over, from the subject's record as JSON text or
 * parsed JSON.
 * @throws Error naming what is wrong: not JSON, the wrong shape, or a value that cannot be encoded
 */
export function subjectRecordElements(input: unknown): bigint[] {
  let raw = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw new Error(`the record is not valid JSON: ${(error as Error).message}`);
    }
  }
  const r = raw as { features?: unknown; label?: unknown; text?: unknown };
  if (typeof raw === "object" && raw !== null && typeof r.text === "string") {
    if (r.text === "") throw new Error("the document's text is empty");
    return documentFieldElements(r.text);
  }
  if (typeof raw !== "object" || raw === null || !Array.isArray(r.features) || !r.features.every((x) => typeof x === "number") || typeof r.label !== "number") {
    throw new Error('the record must be {"features": [numbers…], "label": number} or a document {"text": "…"}');
  }
  try {
    return recordFieldElements(encodeRecord({ id: "your record", features: r.features as number[], label: r.label }));
  } catch (error) {
    throw new Error(`the record: ${(error as Error).message}`);
  }
}
