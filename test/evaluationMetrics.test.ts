import { strict as assert } from "node:assert";
import { SCALE } from "../src/encoding/fixedPoint.ts";
import { splitNonMembers } from "../src/evaluation/split.ts";
import { advantageAt, auc, maxAdvantage, roc } from "../src/evaluation/metrics.ts";
import { attackScores, logisticLoss, meanLogit, softplus } from "../src/evaluation/scores.ts";

/** Pairwise definition of the AUC: P(pos > neg) + ½·P(pos = neg). */
function bruteAuc(pos: number[], neg: number[]): number {
  let u = 0;
  for (const p of pos) for (const n of neg) u += p > n ? 1 : p === n ? 0.5 : 0;
  return u / (pos.length * neg.length);
}

/** Area under a ROC curve by trapezoids. */
function trapezoid(points: { tpr: number; fpr: number }[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  return area;
}

describe("membership-inference metrics", function () {
  it("hand-computed example with a tie: pos [3, 2] vs neg [1, 2]", function () {
    // pairs: 3>1, 3>2, 2>1, 2=2 (half) → 3.5 / 4
    assert.equal(auc([3, 2], [1, 2]), 0.875);
    assert.deepEqual(roc([3, 2], [1, 2]), [
      { threshold: null, tpr: 0, fpr: 0 },
      { threshold: 3, tpr: 0.5, fpr: 0 },
      { threshold: 2, tpr: 1, fpr: 0.5 },
      { threshold: 1, tpr: 1, fpr: 1 },
    ]);
    // thresholds 3 and 2 both give 0.5; the higher one (fewer records flagged) wins
    assert.deepEqual(maxAdvantage([3, 2], [1, 2]), { threshold: 3, tpr: 0.5, fpr: 0, advantage: 0.5 });
    assert.deepEqual(advantageAt([3, 2], [1, 2], 2), { threshold: 2, tpr: 1, fpr: 0.5, advantage: 0.5 });
    assert.deepEqual(advantageAt([3, 2], [1, 2], null), { threshold: null, tpr: 0, fpr: 0, advantage: 0 });
  });

  it("perfect, reversed and indistinguishable attacks", function () {
    assert.equal(auc([5, 6], [1, 2, 3]), 1);
    assert.deepEqual(maxAdvantage([5, 6], [1, 2, 3]), { threshold: 5, tpr: 1, fpr: 0, advantage: 1 });
    assert.equal(auc([1], [2, 3]), 0);
    assert.deepEqual(maxAdvantage([1], [2, 3]), { threshold: null, tpr: 0, fpr: 0, advantage: 0 }, "never negative");
    assert.equal(advantageAt([1], [2, 3], 1.5).advantage, -1, "a threshold tuned elsewhere can do worse than chance");
    assert.equal(auc([1, 1], [1, 1, 1]), 0.5);
    assert.equal(maxAdvantage([1, 1], [1, 1, 1]).advantage, 0);
  });

  it("the rank AUC equals the pairwise definition and the area under roc() on random scores with ties", function () {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const pos = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * 6));
      const neg = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * 6) - 1);
      const exact = bruteAuc(pos, neg);
      assert.ok(Math.abs(auc(pos, neg) - exact) < 1e-12, `trial ${trial}`);
      assert.ok(Math.abs(trapezoid(roc(pos, neg)) - exact) < 1e-12, `trial ${trial}`);
      const best = maxAdvantage(pos, neg);
      assert.deepEqual(advantageAt(pos, neg, best.threshold), best, `trial ${trial}: the reported threshold gives the reported advantage`);
    }
  });

  it("rejects empty sets and NaN scores, naming which", function () {
    assert.throws(() => auc([], [1]), /positive scores are empty/);
    assert.throws(() => roc([1], []), /negative scores are empty/);
    assert.throws(() => maxAdvantage([1, NaN], [1]), /positive score at position 1 is NaN/);
    assert.throws(() => advantageAt([1], [1], NaN), /threshold is NaN/);
  });
});

describe("attack scores of an ensemble", function () {
  const bias = (b: number) => [0n, 0n, BigInt(b) * SCALE]; // two features, bias last

  it("decodes the mean logit of the shards (scale 2^32 each)", function () {
    assert.equal(meanLogit([bias(1)], [5n, 7n]), 1);
    assert.equal(meanLogit([bias(1), bias(3)], [0n, 0n]), 2);
    assert.equal(meanLogit([[SCALE, 0n, 0n]], [SCALE / 2n, 0n]), 0.5);
  });

  it("logistic loss and softplus are exact at 0 and do not overflow", function () {
    assert.equal(softplus(0), Math.LN2);
    assert.equal(softplus(1000), 1000);
    assert.ok(softplus(-1000) >= 0 && softplus(-1000) < 1e-300);
    assert.equal(logisticLoss(0, SCALE), Math.LN2);
    assert.equal(logisticLoss(2, SCALE), Math.log1p(Math.exp(-2)));
    assert.equal(logisticLoss(2, 0n), logisticLoss(-2, SCALE));
    assert.throws(() => logisticLoss(0, 2n * SCALE), /label 131072 \(encoded\) is not 0 or 1/);
  });

  it("a confidently right record scores as a member under both attacks, a wrong one does not", function () {
    const models = [bias(2)]; // z = 2 for every record
    const right = { features: [0n, 0n], label: SCALE };
    const wrong = { features: [0n, 0n], label: 0n };
    const s = attackScores(models, [right, wrong]);
    assert.ok(s.loss[0]! > s.loss[1]!, "lower loss → higher member score");
    assert.deepEqual(s.confidence, [2, 2], "confidence is label-free: |z|");
  });
});

describe("splitNonMembers", function () {
  const rec = (label: 0 | 1, i: number) => ({ id: `t${i}`, features: [], label: BigInt(label) * SCALE });

  it("alternates within each label, so interleaved and sorted files both split evenly", function () {
    const interleaved = [0, 1, 0, 1, 0, 1].map((l, i) => rec(l as 0 | 1, i));
    const a = splitNonMembers(interleaved);
    assert.deepEqual(a.calibration.map((r) => r.id), ["t0", "t1", "t4", "t5"]);
    assert.deepEqual(a.heldOut.map((r) => r.id), ["t2", "t3"]);
    const sorted = [0, 0, 0, 0, 1, 1].map((l, i) => rec(l as 0 | 1, i));
    const b = splitNonMembers(sorted);
    assert.deepEqual(b.calibration.map((r) => r.id), ["t0", "t2", "t4"]);
    assert.deepEqual(b.heldOut.map((r) => r.id), ["t1", "t3", "t5"]);
  });

  it("refuses a test set too small to split", function () {
    assert.throws(() => splitNonMembers([rec(1, 0)]), /the test set has 1 record\(s\)/);
    assert.throws(() => splitNonMembers([rec(0, 0), rec(1, 1)]), /at least 2 of one label/);
  });
});
