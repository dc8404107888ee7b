/**
 * How an evaluation splits the held-out test set between the attacker's calibration (known
 * non-members to tune a threshold on) and the non-members the forget set is compared with.
 */
import type { LabelledRecord } from "./scores.ts";

/** The held-out records split between the attacker's calibration and the evaluation. */
export interface NonMemberSplit<T> {
  /** Known non-members the attacker tunes its threshold on. */
  calibration: T[];
  /** Non-members the forget set is compared with. */
  heldOut: T[];
}

/** How {@link splitNonMembers} splits, as the report states it. */
export const SPLIT_DESCRIPTION =
  "known members = the retain set; the test set is split by label, alternately in file order, into calibration non-members " +
  "(1st, 3rd, … of each label) and held-out non-members (2nd, 4th, …); thresholds are tuned on members vs calibration " +
  "non-members and applied to the forget set vs the held-out non-members";

/**
 * Splits the test set in two halves with the same label mix: within each label, records go
 * alternately to calibration and held-out in the given order, so neither a sorted nor an
 * interleaved file gives one half a single class.
 * @throws RangeError when either half would be empty (fewer than 2 records)
 */
export function splitNonMembers<T extends LabelledRecord>(records: readonly T[]): NonMemberSplit<T> {
  const seen = new Map<bigint, number>();
  const split: NonMemberSplit<T> = { calibration: [], heldOut: [] };
  for (const r of records) {
    const n = seen.get(r.label) ?? 0;
    seen.set(r.label, n + 1);
    (n % 2 === 0 ? split.calibration : split.heldOut).push(r);
  }
  if (split.heldOut.length === 0) throw new RangeError(`the test set has ${records.length} record(s); the attacks need at least 2 of one label`);
  return split;
}
