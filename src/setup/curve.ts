/**
 * The BN254 (snarkjs: "bn128") curve as the setup code uses it, and the one piece of
 * lifecycle management snarkjs leaves to its caller.
 */
import { buildBn128, type BnCurve } from "ffjavascript";

/** Order of the BN254 base field (coordinates of curve points); ptau and zkey headers store it. */
export const BN254_BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/**
 * Stop the worker threads of the shared multi-threaded curve that snarkjs builds on first use
 * (kept in `globalThis.curve_bn128`). Without this a process that ran a setup, prove or verify
 * step never exits. Safe to call when no curve was built; the next snarkjs call builds a new one.
 */
export async function releaseCurve(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await holder.curve_bn128?.terminate();
}

let singleThreaded: Promise<BnCurve> | undefined;

/**
 * A single-threaded BN254 curve for small synchronous point conversions (for example hashing
 * zkey contributions). It starts no worker threads, so it needs no `releaseCurve`, and it is
 * separate from snarkjs's shared curve, so releasing that one does not break this one.
 */
export function singleThreadCurve(): Promise<BnCurve> {
  singleThreaded ??= buildBn128(true);
  return singleThreaded;
}
