/**
 * A data subject's own record, as they type or upload it to check an inclusion receipt:
 * `{"features": [x, …], "label": y}` with the RAW feature values, in the dataset's column order
 * (the values of their row of the data file, before any `--scale`), or a corpus document
 * `{"text": "…"}`. Encoded, scaled and packed exactly as the controller's commit did (one
 * encoder, one scaling, one packing), so its hash can be compared with the receipt's leaf.
 * Browser-safe: the CLI and the verification page both use it.
 */
import { encodeRecord } from "../encoding/encodeRecord.ts";
import { recordFieldElements } from "../dataset/recordPacking.ts";
import { documentFieldElements } from "../dataset/document.ts";
import { ScalingRangeError, scaleFeatures, type FeatureScaling } from "../ml/featureScaling.ts";

/** A subject's record, read but not yet encoded: raw features and label, or a document's text. */
export type SubjectRecord = { features: number[]; label: number } | { text: string };

/**
 * Reads the subject's record from JSON text or parsed JSON.
 * @throws Error naming what is wrong: not JSON, or the wrong shape
 */
export function parseSubjectRecord(input: unknown): SubjectRecord {
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
    return { text: r.text };
  }
  if (typeof raw !== "object" || raw === null || !Array.isArray(r.features) || !r.features.every((x) => typeof x === "number") || typeof r.label !== "number") {
    throw new Error('the record must be {"features": [numbers…], "label": number} or a document {"text": "…"}');
  }
  const record = { features: r.features as number[], label: r.label };
  encodeSubjectRecord(record); // a value fixed point cannot hold is an error of the input itself
  return record;
}

function encodeSubjectRecord(record: { features: number[]; label: number }) {
  try {
    return encodeRecord({ id: "your record", features: record.features, label: record.label });
  } catch (error) {
    throw new Error(`the record: ${(error as Error).message}`);
  }
}

/**
 * The field elements the record hash is taken over. A features record is encoded in fixed
 * point and, when the workspace was committed with a feature scaling, scaled by it first (the
 * committed record is the scaled one); a document is hashed over its exact UTF-8 bytes.
 * @param scaling the workspace's public scaling (from its training config), if any
 * @throws Error naming what is wrong: a value that cannot be encoded, the wrong feature count, or a value the scaling puts out of range
 */
export function subjectRecordElements(record: SubjectRecord, scaling?: FeatureScaling): bigint[] {
  if ("text" in record) return documentFieldElements(record.text);
  const encoded = encodeSubjectRecord(record);
  if (!scaling) return recordFieldElements(encoded);
  if (record.features.length !== scaling.offsets.length) {
    throw new Error(`your record has ${record.features.length} features; the committed dataset has ${scaling.offsets.length}`);
  }
  const names = record.features.map((_, j) => `feature ${j}`);
  try {
    return recordFieldElements({ ...encoded, features: scaleFeatures(scaling, encoded.features, { source: "your record", row: 1, id: "your record", featureNames: names }) });
  } catch (error) {
    if (error instanceof ScalingRangeError) throw new Error(`${error.column}: ${error.detail}`);
    throw error;
  }
}
