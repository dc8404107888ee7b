import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import { formatCsvDataset } from "../src/encoding/csvWriter.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { RIDGE_DEMO_POOLING, deskewImage, mnistMultiClassDataset, pooledFeatureCount, poolMnist } from "../src/dataset/mnist.ts";
import { RIDGE_FEATURE_LIMIT } from "../src/methods/ridge/bounds.ts";
import { ridgeAccuracy, ridgeRecords } from "../scripts/ridgeDataAccuracy.ts";

const TRAIN_FILE = "data/mnist10-train.csv";
const TEST_FILE = "data/mnist10-test.csv";
/** The λ the ridge demo pins (the figures in the README are for it). */
const LAMBDA = 1;

describe("ridge demo data (data/mnist10-*.csv)", function () {
  this.timeout(60_000);
  let train: Dataset;
  let test: Dataset;
  before(async () => {
    train = await loadDataset(TRAIN_FILE);
    test = await loadDataset(TEST_FILE);
  });

  it("has 2,048 training and 512 held-out test records of 32 features, every digit 0–9 in both", () => {
    assert.equal(train.records.length, 2048, "the training set fills a data tree of depth 11");
    assert.equal(test.records.length, 512);
    assert.equal(train.featureNames.length, 32);
    assert.deepEqual(test.featureNames, train.featureNames);
    for (const [name, d] of [["train", train], ["test", test]] as const) {
      const labels = new Set(d.records.map((r) => r.label));
      assert.deepEqual([...labels].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], `${name} labels`);
      assert.ok(d.records.every((r) => r.features.length === 32));
    }
    // Held out: no record (by id or by content) is in both files.
    const trainIds = new Set(train.records.map((r) => r.id));
    assert.ok(test.records.every((r) => !trainIds.has(r.id)));
    const trainRows = new Set(train.records.map((r) => r.features.join(",")));
    assert.ok(test.records.every((r) => !trainRows.has(r.features.join(","))), "a test digit also appears in the training set");
  });

  it("is not class-major: every batch of 64 slots mixes ≥ 5 classes, and ids name no digit", () => {
    for (let start = 0; start < train.records.length; start += 64) {
      const classes = new Set(train.records.slice(start, start + 64).map((r) => r.label));
      assert.ok(classes.size >= 5, `slots ${start}..${start + 63} hold only ${classes.size} classes`);
    }
    // Deletion bundles and receipts name slots and ids; neither may give away the label.
    assert.ok([...train.records, ...test.records].every((r) => /^m\d+$/.test(r.id)));
  });

  it("lies inside the ridge feature bound [−2, 2) as committed (the ridge config applies no scaling)", () => {
    for (const [name, d] of [["train", train], ["test", test]] as const) {
      ridgeRecords(d).forEach((r, i) => r.features.forEach((v, j) => {
        assert.ok(v >= -RIDGE_FEATURE_LIMIT && v < RIDGE_FEATURE_LIMIT, `${name} record ${i} feature ${j} = ${v} (encoded)`);
      }));
    }
  });

  it("is what scripts/make-ridge-data.ts makes from the mnist package (real digits, reproducible)", async () => {
    const split = mnistMultiClassDataset({ train: 2048, test: 512 });
    assert.equal(formatCsvDataset(split.train), await readFile(TRAIN_FILE, "utf8"));
    assert.equal(formatCsvDataset(split.test), await readFile(TEST_FILE, "utf8"));
    assert.equal(pooledFeatureCount(RIDGE_DEMO_POOLING), 32);
  });

  it("the fixed-point ridge model reaches ≥ 80 % on the test set at λ = 1, within 1 point of float64", () => {
    const all = ridgeAccuracy(train, test, { lambda: LAMBDA, classes: 10 });
    assert.ok(all.fixed >= 0.8, `fixed-point accuracy ${all.fixed}`);
    assert.ok(Math.abs(all.fixed - all.float) <= 0.01, `fixed ${all.fixed} vs float ${all.float}`);
    // A depth-10 demo commits the first 1,024 records: the claim holds for it too.
    const half = ridgeAccuracy({ ...train, records: train.records.slice(0, 1024) }, test, { lambda: LAMBDA, classes: 10, depth: 10 });
    assert.ok(half.fixed >= 0.8, `fixed-point accuracy on 1,024 records ${half.fixed}`);
    assert.ok(Math.abs(half.fixed - half.float) <= 0.01, `fixed ${half.fixed} vs float ${half.float} on 1,024 records`);
  });
});

describe("MNIST pooling", () => {
  it("averages area-weighted cells: a uniform image pools to its value; corners go when asked", () => {
    const flat = new Array<number>(784).fill(0.5);
    assert.deepEqual(poolMnist(flat, { deskew: false, window: 21, grid: 6, dropCorners: false }).map((v) => v.toFixed(12)), new Array(36).fill((0.5).toFixed(12)));
    assert.equal(poolMnist(flat, RIDGE_DEMO_POOLING).length, 32);
    // One lit pixel at (row 14, col 14) lies in cell (3, 3) of a 6×6 grid over the 21-pixel window
    // starting at 3.5: x = 14 covers [14, 15) ⊂ [14, 17.5), so it adds 1/3.5² there only.
    const dot = new Array<number>(784).fill(0);
    dot[14 * 28 + 14] = 1;
    const f = poolMnist(dot, { deskew: false, window: 21, grid: 6, dropCorners: false });
    assert.ok(Math.abs(f[3 * 6 + 3]! - 1 / 12.25) < 1e-12);
    assert.equal(f.filter((v) => v !== 0).length, 1);
    assert.throws(() => poolMnist(flat, { deskew: false, window: 21, grid: 2, dropCorners: true }), /grid of at least 3/);
    assert.throws(() => poolMnist([1, 2], RIDGE_DEMO_POOLING), /expected 784 pixels, got 2/);
  });

  it("deskewing makes a slanted stroke upright", () => {
    // A diagonal stroke: x = 10 + (y − 4) / 2 for rows 4..23.
    const img = new Array<number>(784).fill(0);
    for (let y = 4; y < 24; y++) img[y * 28 + Math.round(10 + (y - 4) / 2)] = 1;
    const columns = (px: readonly number[]): number => new Set(px.flatMap((v, i) => (v > 0.5 ? [i % 28] : []))).size;
    assert.ok(columns(img) >= 10);
    const upright = deskewImage(img);
    assert.ok(columns(upright) <= 2, `the deskewed stroke spans ${columns(upright)} columns`);
    // Ink is moved, not made: the total stays (the stroke is far from the edges).
    assert.ok(Math.abs(upright.reduce((a, b) => a + b, 0) - 20) < 1e-9);
  });
});
