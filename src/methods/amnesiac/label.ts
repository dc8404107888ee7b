/**
 * The honest label of an amnesiac unlearning, computed by whoever reads it from public data only:
 * the deleted slot indices (bound by the proof's deletionDigest) and the public config's
 * schedule. Never from a count the controller writes. Browser-safe and dependency-free, for the
 * verifier's statement description, receipts, the report and the page.
 */
import type { AmnesiacShape } from "./config.ts";
import { affectedSteps } from "./schedule.ts";

/**
 * "approximate unlearning: the updates of N steps that used the deleted records were subtracted"
 * with N = |T| for the deleted slots under the config's schedule.
 * @throws RangeError for a slot outside the config's tree
 */
export function amnesiacUnlearningLabel(deletedSlots: readonly number[], shape: AmnesiacShape): string {
  const n = affectedSteps(deletedSlots, shape).length;
  return `approximate unlearning: the updates of ${n} step${n === 1 ? "" : "s"} that used the deleted records were subtracted`;
}
