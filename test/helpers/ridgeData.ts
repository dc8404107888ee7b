import { encodeFixed } from "../../src/encoding/fixedPoint.ts";
import type { FloatRecord } from "../../src/methods/ridge/floatReference.ts";
import type { RidgeRecord } from "../../src/methods/ridge/statistics.ts";
import { seededRandom } from "../../src/seededRandom.ts";

/** A reproducible synthetic classification set: C Gaussian-ish clusters in [0, 1]^d. */
export function syntheticRidgeData(n: number, features: number, classes: number, seed: number): FloatRecord[] {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => 0.2 + 0.6 * rand()));
  return Array.from({ length: n }, () => {
    const cls = Math.floor(rand() * classes);
    const noise = (): number => (rand() + rand() + rand() - 1.5) * 0.25;
    return { cls, features: centres[cls]!.map((c) => Math.min(1, Math.max(0, c + noise()))) };
  });
}

/** The records in fixed point (label = class · 2^16). */
export function encodeRidgeRecords(records: readonly FloatRecord[]): RidgeRecord[] {
  return records.map((r) => ({ features: r.features.map(encodeFixed), label: encodeFixed(r.cls) }));
}
