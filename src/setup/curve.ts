/**
 * The BN254 (snarkjs: "bn128") curve as the setup code uses it, and the one piece of
 * lifecycle management snarkjs leaves to its caller.
 */
import { buildBn128, type BnCurve } from "ffjavascript";

export { releaseCurve } from "../snarkjsThreads.ts";

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
