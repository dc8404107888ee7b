/**
 * Fixed-point encoding of one record: browser-safe (no node:*), so the verification page
 * encodes a data subject's own record exactly as the controller's commit did.
 */
import type { RawRecord } from "./dataset.ts";
import { FixedPointError, encodeFixed } from "./fixedPoint.ts";

/** A record with features and label in signed fixed point (see fixedPoint.ts). */
export interface EncodedRecord {
  /** The record's id, unchanged. */
  id: string;
  /** Fixed-point features, in the dataset's feature order. */
  features: bigint[];
  /** Fixed-point label. */
  label: bigint;
}

/**
 * Encodes a record's features and label in fixed point.
 *
 * @throws FixedPointError (naming the record and feature) if a value is not finite or out
 *   of range — impossible for records produced by the readers, which check this already
 */
export function encodeRecord(record: RawRecord): EncodedRecord {
  const encode = (x: number, what: string): bigint => {
    try {
      return encodeFixed(x);
    } catch (err) {
      if (err instanceof FixedPointError) throw new FixedPointError(x, err.problem, `record ${JSON.stringify(record.id)}, ${what}`);
      throw err;
    }
  };
  return {
    id: record.id,
    features: record.features.map((x, i) => encode(x, `feature ${i}`)),
    label: encode(record.label, "label"),
  };
}
