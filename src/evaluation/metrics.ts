/**
 * Metrics of a membership-inference attack, pure and exact. An attack gives every record a
 * score; it calls a record a MEMBER when its score is ≥ a threshold. `positives` are the scores
 * of the records the attack should call members, `negatives` those it should not.
 *
 * - AUC: the probability that a random positive scores above a random negative, ties counting
 *   one half (the Mann–Whitney U statistic divided by n₊·n₋); equal to the area under the ROC
 *   curve. 0.5 means the attack cannot tell the two sets apart.
 * - Advantage at a threshold: TPR − FPR (Yeom et al., 2018); the maximum over all thresholds is
 *   the best an attacker who could tune on these very sets achieves.
 */

/** One point of a ROC curve: flag every score ≥ `threshold` (null: flag nothing). */
export interface RocPoint {
  threshold: number | null;
  /** True-positive rate: flagged positives / positives. */
  tpr: number;
  /** False-positive rate: flagged negatives / negatives. */
  fpr: number;
}

/** A threshold and the advantage TPR − FPR it gives. */
export interface ThresholdAdvantage extends RocPoint {
  /** TPR − FPR at `threshold`. */
  advantage: number;
}

function checkScores(scores: readonly number[], what: string): void {
  if (scores.length === 0) throw new RangeError(`the ${what} scores are empty`);
  const bad = scores.findIndex((s) => Number.isNaN(s));
  if (bad >= 0) throw new RangeError(`the ${what} score at position ${bad} is NaN`);
}

/**
 * Exact AUC by ranks: sort all scores, give tied scores their mean rank, then
 * U = (sum of the positives' ranks) − n₊(n₊+1)/2 and AUC = U / (n₊·n₋). O(n log n), so it scales
 * to a whole retain set.
 * @throws RangeError for an empty set or a NaN score
 */
export function auc(positives: readonly number[], negatives: readonly number[]): number {
  checkScores(positives, "positive");
  checkScores(negatives, "negative");
  const all = [...positives.map((s) => ({ s, pos: true })), ...negatives.map((s) => ({ s, pos: false }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const meanRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let t = i; t < j; t++) if (all[t]!.pos) rankSum += meanRank;
    i = j;
  }
  const n = positives.length;
  return (rankSum - (n * (n + 1)) / 2) / (n * negatives.length);
}

/**
 * The ROC curve: one point per distinct score (as the threshold, highest first), preceded by
 * the point (0, 0) of flagging nothing. The last point is always (1, 1).
 * @throws RangeError for an empty set or a NaN score
 */
export function roc(positives: readonly number[], negatives: readonly number[]): RocPoint[] {
  checkScores(positives, "positive");
  checkScores(negatives, "negative");
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const pos = [...positives].sort((a, b) => b - a);
  const neg = [...negatives].sort((a, b) => b - a);
  const points: RocPoint[] = [{ threshold: null, tpr: 0, fpr: 0 }];
  let p = 0;
  let q = 0;
  for (const t of thresholds) {
    while (p < pos.length && pos[p]! >= t) p++;
    while (q < neg.length && neg[q]! >= t) q++;
    points.push({ threshold: t, tpr: p / pos.length, fpr: q / neg.length });
  }
  return points;
}

/**
 * The threshold with the largest TPR − FPR, and that advantage. Among equally good thresholds the
 * highest wins (fewest records flagged); when none beats flagging nothing, the threshold is null
 * and the advantage 0, so the result is never negative.
 * @throws RangeError for an empty set or a NaN score
 */
export function maxAdvantage(positives: readonly number[], negatives: readonly number[]): ThresholdAdvantage {
  let best: ThresholdAdvantage = { threshold: null, tpr: 0, fpr: 0, advantage: 0 };
  for (const point of roc(positives, negatives)) {
    const advantage = point.tpr - point.fpr;
    if (advantage > best.advantage) best = { ...point, advantage };
  }
  return best;
}

/**
 * TPR, FPR and TPR − FPR of flagging every score ≥ `threshold` (null flags nothing). Used to
 * apply a threshold tuned on one pair of sets to another, so the advantage may be negative.
 * @throws RangeError for an empty set or a NaN score or threshold
 */
export function advantageAt(positives: readonly number[], negatives: readonly number[], threshold: number | null): ThresholdAdvantage {
  checkScores(positives, "positive");
  checkScores(negatives, "negative");
  if (threshold !== null && Number.isNaN(threshold)) throw new RangeError("the threshold is NaN");
  const rate = (scores: readonly number[]) => (threshold === null ? 0 : scores.filter((s) => s >= threshold).length / scores.length);
  const tpr = rate(positives);
  const fpr = rate(negatives);
  return { threshold, tpr, fpr, advantage: tpr - fpr };
}
