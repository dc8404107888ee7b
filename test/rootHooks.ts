import { releaseCurve } from "../src/snarkjsThreads.ts";

/**
 * Mocha root hooks (loaded by .mocharc.json): after the last test, stop the worker threads of
 * snarkjs's shared curve, whichever test file built it, so that mocha exits however the files
 * are selected (the curve lives in globalThis and outlives the file that created it).
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await releaseCurve();
  },
};
