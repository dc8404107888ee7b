/**
 * Training inputs of a shard and their bounds: features in [−2, 2), labels 0 or 1 (see
 * bounds.ts). Values outside are rejected with an error naming the record and the feature;
 * nothing is clipped, because the circuit would reject the same record.
 */
import { decodeFixed } from "../encoding/fixedPoint.ts";
import { FEATURE_LIMIT, LABEL_ONE } from "./bounds.ts";

/** A live record: fixed-point features (scale 2^16) and label (0 or 2^16 = 1.0). */
export interface TrainingRecord {
  /** Record id, for error messages only. */
  id?: string;
  features: readonly bigint[];
  label: bigint;
}

/** A shard's slot in slot order: its live record, or undefined when it is empty or deleted. */
export type TrainingSlot = TrainingRecord | undefined;

/** A training input outside its bound. */
export class TrainingInputError extends RangeError {
  override name = "TrainingInputError";

  /**
   * @param slot the record's slot
   * @param recordId the record's id, when known
   * @param field `feature j` or `label`
   */
  constructor(
    /** Slot number as the caller counts it (see checkTrainingSlots' firstSlot). */
    readonly slot: number,
    readonly recordId: string | undefined,
    readonly field: string,
    problem: string,
  ) {
    super(`${recordId === undefined ? "record" : `record ${JSON.stringify(recordId)}`} (slot ${slot}), ${field}: ${problem}`);
  }
}

/**
 * Checks every live record of a shard: `features` values each in [−2, 2) (encoded [−2^17, 2^17)),
 * label 0 or 1.
 * @param firstSlot number of the first slot in error messages (the global index of the shard's
 *   first slot, or 0 for shard-local numbering)
 * @throws TrainingInputError naming the first offending record and feature
 */
export function checkTrainingSlots(slots: readonly TrainingSlot[], features: number, firstSlot = 0): void {
  slots.forEach((record, i) => {
    const slot = firstSlot + i;
    if (record === undefined) return;
    if (record.features.length !== features) {
      throw new TrainingInputError(slot, record.id, "features", `has ${record.features.length} features, the model has ${features}`);
    }
    record.features.forEach((x, j) => {
      if (typeof x !== "bigint" || x < -FEATURE_LIMIT || x >= FEATURE_LIMIT) {
        throw new TrainingInputError(slot, record.id, `feature ${j}`, `value ${show(x)} is outside the training bound [−2, 2)`);
      }
    });
    if (record.label !== 0n && record.label !== LABEL_ONE) {
      throw new TrainingInputError(slot, record.id, "label", `value ${show(record.label)} is not 0 or 1`);
    }
  });
}

function show(v: unknown): string {
  return typeof v === "bigint" ? String(decodeFixed(v)) : String(v);
}
