/**
 * Regenerates the data of the ridge demo (`npx zkforget demo --method ridge`):
 * data/mnist10-train.csv (2,048 MNIST digits, all 10 classes, in a seeded random order) and
 * data/mnist10-test.csv (512 other digits, held out), each deskewed and pooled to 32 features
 * in [0, 1] with 4 decimals (RIDGE_DEMO_POOLING in src/dataset/mnist.ts); label = the digit.
 * The values are committed as they are: they already lie in the ridge feature range [−2, 2), so
 * no feature scaling is applied. Reads only the pinned `mnist` package; downloads nothing.
 *
 * It then reads the files back with the repo's loader and prints, for λ, the test accuracy of
 * the fixed-point ridge model (the one the circuits check) and of the float64 reference, also
 * for the first 1,024 training records (a depth-10 tree) and the first 256 test records, and on
 * the remaining digits of the package (never committed). `--compare` also prints the float64
 * accuracy of other poolings on those remaining digits (how the pooling was chosen).
 *
 * Usage: npx tsx scripts/make-ridge-data.ts [--lambda 1] [--out data] [--compare]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatCsvDataset } from "../src/encoding/csvWriter.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { RIDGE_DEMO_POOLING, mnistMultiClassDataset, pooledFeatureCount, type MnistPooling } from "../src/dataset/mnist.ts";
import { ridgeAccuracy } from "./ridgeDataAccuracy.ts";

/** Training and test records of the committed files. */
const TRAIN = 2048;
const TEST = 512;
const CLASSES = 10;

const { values } = parseArgs({ options: { lambda: { type: "string", default: "1" }, out: { type: "string", default: "data" }, compare: { type: "boolean", default: false } } });
const lambda = Number(values.lambda);
if (!(lambda > 0)) throw new RangeError(`--lambda must be a positive number, got ${values.lambda}`);

const split = mnistMultiClassDataset({ train: TRAIN, test: TEST });
await mkdir(values.out, { recursive: true });
const trainPath = join(values.out, "mnist10-train.csv");
const testPath = join(values.out, "mnist10-test.csv");
await writeFile(trainPath, formatCsvDataset(split.train));
await writeFile(testPath, formatCsvDataset(split.test));
console.log(`wrote ${TRAIN} training records to ${trainPath} and ${TEST} test records to ${testPath} (${split.train.featureNames.length} features)`);

// Measure on what was written, read back as the demo reads it.
const train = await loadDataset(trainPath);
const test = await loadDataset(testPath);
const prefix = (d: Dataset, n: number): Dataset => ({ ...d, records: d.records.slice(0, n) });
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const report = (what: string, tr: Dataset, te: Dataset): void => {
  const a = ridgeAccuracy(tr, te, { lambda, classes: CLASSES });
  console.log(`${what}: fixed point ${pct(a.fixed)}, float64 ${pct(a.float)}, gap ${(100 * Math.abs(a.fixed - a.float)).toFixed(1)} points`);
};
console.log(`ridge, λ = ${lambda}, ${CLASSES} classes:`);
report(`  ${TRAIN} train → ${TEST} test`, train, test);
report(`  ${TRAIN} train → first 256 test`, train, prefix(test, 256));
report(`  first 1024 train → ${TEST} test`, prefix(train, 1024), test);
report(`  ${TRAIN} train → the ${split.rest.records.length} other digits`, train, split.rest);

if (values.compare) {
  const poolings: [string, MnistPooling][] = [
    ["plain 7×7 cells of 4 px (28 px window)", { deskew: false, window: 28, grid: 7, dropCorners: false }],
    ["plain 6×6 cells of 4 px (24 px window)", { deskew: false, window: 24, grid: 6, dropCorners: false }],
    ["plain 6×6 cells of 3.5 px, no corners", { ...RIDGE_DEMO_POOLING, deskew: false }],
    ["deskewed 6×6 cells of 3.5 px, no corners (chosen)", RIDGE_DEMO_POOLING],
    ["deskewed 6×6 cells of 3.5 px", { ...RIDGE_DEMO_POOLING, dropCorners: false }],
    ["deskewed 7×7 cells of 3 px (21 px window)", { deskew: true, window: 21, grid: 7, dropCorners: false }],
  ];
  console.log(`float64 ridge, λ = ${lambda}, ${TRAIN} training digits, scored on the ${split.rest.records.length} digits outside both files:`);
  for (const [name, pooling] of poolings) {
    const s = mnistMultiClassDataset({ train: TRAIN, test: TEST, pooling });
    const { float } = ridgeAccuracy(s.train, s.rest, { lambda, classes: CLASSES });
    console.log(`  ${name} (${pooledFeatureCount(pooling)} features): ${pct(float)}`);
  }
}
