/**
 * Regenerates data/demo.csv: 512 real MNIST digits (256 zeros, 256 ones, interleaved),
 * each pooled to 16 features in [0, 1] with 4 decimals; label 1 for the digit 1.
 * Reads only the pinned `mnist` package; downloads nothing.
 *
 * Usage: npx tsx scripts/make-demo-data.ts [output path, default data/demo.csv]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { formatCsvDataset } from "../src/encoding/csvWriter.ts";
import { mnistBinaryDataset } from "../src/dataset/mnist.ts";

const out = process.argv[2] ?? "data/demo.csv";
const dataset = mnistBinaryDataset({ perClass: 256 });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, formatCsvDataset(dataset));
console.log(`wrote ${dataset.records.length} records × ${dataset.featureNames.length} features to ${out}`);
