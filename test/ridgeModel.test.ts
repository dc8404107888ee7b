import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import { encodeFixed } from "../src/encoding/fixedPoint.ts";
import * as bounds from "../src/methods/ridge/bounds.ts";
import { RIDGE_METHOD_ID, makeRidgeConfig, ridgeConfigHash } from "../src/methods/ridge/config.ts";
import { predictFloat, trainFloatRidge } from "../src/methods/ridge/floatReference.ts";
import { modelCommitment, predict } from "../src/methods/ridge/model.ts";
import { packLanes, packSigned } from "../src/methods/ridge/packing.ts";
import { residualOf, solveRidge } from "../src/methods/ridge/solve.ts";
import {
  classCounts, statisticsCommitment, statisticsOf, statisticsValues, sumStatistics, withRecord, withoutClass,
} from "../src/methods/ridge/statistics.ts";
import { encodeRidgeRecords, syntheticRidgeData } from "./helpers/ridgeData.ts";

describe("ridge model (fixed-point oracle)", () => {
  let poseidon: PoseidonHasher;
  before(async () => {
    poseidon = await getPoseidon();
  });

  const data = syntheticRidgeData(1000, 6, 4, 7);
  const train = data.slice(0, 600);
  const test = data.slice(600);
  const encTrain = encodeRidgeRecords(train);
  const encTest = encodeRidgeRecords(test);
  const lambda = encodeFixed(1);

  it("statistics are exact sums: removing a record equals never adding it; batches sum to the whole", () => {
    const all = statisticsOf(encTrain, 6, 4);
    const without3 = statisticsOf(encTrain.filter((_, i) => i !== 3), 6, 4);
    assert.deepEqual(withRecord(all, encTrain[3]!, -1), without3);
    const parts = [0, 200, 400].map((s) => statisticsOf(encTrain.slice(s, s + 200), 6, 4));
    assert.deepEqual(sumStatistics(parts), all);
    assert.deepEqual(classCounts(all), [0, 1, 2, 3].map((c) => train.filter((r) => r.cls === c).length));
  });

  it("the fixed-point solution has a residual within the stated bound and matches the float model", () => {
    const stats = statisticsOf(encTrain, 6, 4);
    const { model, residual } = solveRidge(stats, lambda, 10);
    assert.deepEqual(residualOf(stats, lambda, model.weights), residual);
    const rb = bounds.residualBoundBits(10, 6);
    for (const v of residual.flat()) assert.ok(v < 1n << BigInt(rb - 2) && v > -(1n << BigInt(rb - 2)), `|R| = ${v} leaves the headroom`);
    // W* of the ENCODED records (the bound is about the committed statistics).
    const decoded = encTrain.map((r, i) => ({ cls: train[i]!.cls, features: r.features.map((v) => Number(v) / 2 ** 16) }));
    const float = trainFloatRidge(decoded, 6, 4, 1);
    const maxDiff = Math.max(...model.weights.flatMap((w, c) => w.map((v, j) => Math.abs(Number(v) / 2 ** 40 - float[c]![j]!))));
    assert.ok(maxDiff < bounds.weightErrorBound(10, 6, lambda), `weights differ by ${maxDiff}`);
  });

  it("fixed-point accuracy is within 1 point of the float64 reference", () => {
    const { model } = solveRidge(statisticsOf(encTrain, 6, 4), lambda, 10);
    const float = trainFloatRidge(train, 6, 4, 1);
    const fixedAcc = encTest.filter((r, i) => predict(model, r.features) === test[i]!.cls).length / test.length;
    const floatAcc = test.filter((r) => predictFloat(float, r.features) === r.cls).length / test.length;
    assert.ok(floatAcc > 0.6, `the synthetic task is learnable (${floatAcc})`);
    assert.ok(Math.abs(fixedAcc - floatAcc) <= 0.01, `fixed ${fixedAcc} vs float ${floatAcc}`);
  });

  it("a forgotten class is never predicted and its weights are zero", () => {
    const stats = withoutClass(statisticsOf(encTrain, 6, 4), 2);
    const { model, residual } = solveRidge(stats, lambda, 10);
    assert.deepEqual(model.weights[2], new Array(7).fill(0n));
    assert.deepEqual(residual[2], new Array(7).fill(0n));
    assert.equal(classCounts(stats)[2], 0);
    assert.ok(encTest.every((r) => predict(model, r.features) !== 2));
    // Deleting a record of the forgotten class later changes nothing.
    const of2 = encTrain.find((_, i) => train[i]!.cls === 2)!;
    assert.deepEqual(withRecord(stats, of2, -1), stats);
    assert.throws(() => withoutClass(stats, 2), /already forgotten/);
  });

  it("rejects out-of-range inputs with a message naming the value", () => {
    assert.throws(() => statisticsOf([{ features: [encodeFixed(2), 0n], label: 0n }], 2, 3), /feature 0 = 2 is outside/);
    assert.throws(() => statisticsOf([{ features: [0n, 0n], label: encodeFixed(3) }], 2, 3), /label 3 is not a class 0..2/);
    assert.throws(() => statisticsOf([{ features: [0n, 0n], label: encodeFixed(0.5) }], 2, 3), /not a class/);
    assert.throws(() => makeRidgeConfig({ depth: 4, features: 2, classes: 3 }, 0), /λ 0/);
    assert.throws(() => packSigned([1n << 56n], 56, "weight"), /weight 0 = .* is outside/);
  });

  it("the statistics commitment packs 4 balanced 63-bit lanes per word: linear, and a lane out of bound is refused", () => {
    const words = packLanes([5n, -3n, 1n << 61n, -(1n << 61n) + 1n, -7n]);
    assert.deepEqual(words, [5n - (3n << 63n) + (1n << 187n) + ((-(1n << 61n) + 1n) << 189n), -7n]);
    const a = [1n, -2n, 3n, 4n], b = [-10n, 20n, -30n, 1n << 40n];
    assert.deepEqual(packLanes(a.map((v, i) => v - b[i]!)), [packLanes(a)[0]! - packLanes(b)[0]!]);
    assert.throws(() => packLanes([0n, 1n << 62n], "gram entry"), /gram entry 1 = .* outside the lane bound/);
    // The commitment hashes salt, flags and 150 words per class at d = 32 (1,511 values, not 5,951).
    const stats = statisticsOf(encTrain.slice(0, 20), 6, 4);
    assert.equal(statisticsValues(stats).length, 4 + 4 * (Math.ceil(28 / 4) + Math.ceil(7 / 4)));
    const big = { ...stats, blocks: stats.blocks.map((b, c) => (c === 0 ? { ...b, gram: b.gram.map((v, t) => (t === 0 ? 1n << 62n : v)) } : b)) };
    assert.throws(() => statisticsCommitment(big, 1n, poseidon.hash), /class 0 gram entry 0 = .* outside the lane bound/);
  });

  it("commitments change with every committed value (salt, statistics, weights, config)", () => {
    const stats = statisticsOf(encTrain.slice(0, 20), 6, 4);
    const { model } = solveRidge(stats, lambda, 10);
    const h = poseidon.hash;
    assert.notEqual(statisticsCommitment(stats, 1n, h), statisticsCommitment(stats, 2n, h));
    assert.notEqual(statisticsCommitment(stats, 1n, h), statisticsCommitment(withRecord(stats, encTrain[0]!, -1), 1n, h));
    const bumped = { ...model, weights: model.weights.map((w, c) => (c === 1 ? w.map((v, j) => (j === 0 ? v + 1n : v)) : w)) };
    assert.notEqual(modelCommitment(model, 1n, h), modelCommitment(bumped, 1n, h));
    const cfg = makeRidgeConfig({ depth: 10, features: 6, classes: 4 }, 1);
    assert.notEqual(ridgeConfigHash(cfg, h), ridgeConfigHash({ ...cfg, lambda: cfg.lambda + 1n }, h));
  });

  it("circuits/lib/ridge_params.circom mirrors the TypeScript constants", () => {
    const text = readFileSync(new URL("../circuits/lib/ridge_params.circom", import.meta.url), "utf8");
    const value = (name: string): bigint => {
      const m = new RegExp(`function ${name}\\(\\) \\{ return (\\d+); \\}`).exec(text);
      assert.ok(m, `${name} in ridge_params.circom`);
      return BigInt(m[1]!);
    };
    assert.equal(value("RIDGE_METHOD_ID"), RIDGE_METHOD_ID);
    assert.equal(value("RIDGE_FEATURE_BOUND_BITS"), BigInt(bounds.RIDGE_FEATURE_BOUND_BITS));
    assert.equal(value("WEIGHT_FRACTION_BITS"), BigInt(bounds.WEIGHT_FRACTION_BITS));
    assert.equal(value("RIDGE_WEIGHT_BOUND_BITS"), BigInt(bounds.RIDGE_WEIGHT_BOUND_BITS));
    assert.equal(value("LAMBDA_BOUND_BITS"), BigInt(bounds.LAMBDA_BOUND_BITS));
    assert.match(text, /max\(depth, 6\)|depth < 6 \? 6 : depth/);
    assert.equal(value("STATS_LANE_BITS"), BigInt(bounds.STATS_LANE_BITS));
    assert.equal(value("STATS_LANES"), BigInt(bounds.STATS_LANES));
    // GB = depth + 35 and MB = depth + 17, both limited to MAX_STATS_DEPTH.
    assert.match(text, /assert\(depth <= STATS_LANE_BITS\(\) - 1 - 35\);\s*return depth \+ 35;/);
    assert.match(text, /assert\(depth <= STATS_LANE_BITS\(\) - 1 - 35\);\s*return depth \+ 17;/);
    assert.equal(bounds.gramBoundBits(20), 55);
    assert.equal(bounds.momentBoundBits(20), 37);
    assert.equal(bounds.MAX_STATS_DEPTH, 27);
    assert.throws(() => bounds.gramBoundBits(28), /depths 0..27/);
  });
});
