import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { buildAmnesiacUnlearnWitness } from "../src/methods/amnesiac/witness.ts";
import { proveWithKey } from "../src/prover/groth16.ts";
import { groth16Check } from "../src/verifier/groth16.ts";
import { decodeProof } from "../src/verifier/proofPoints.ts";
import { AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE, amnesiacFixture, type AmnesiacFixture } from "./helpers/amnesiacFixture.ts";

describe("amnesiac proofs (Groth16, dev keys, tiny profiles)", () => {
  let fx: AmnesiacFixture;
  before(async () => {
    fx = await amnesiacFixture();
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  /** Proves `input` and checks the proof with the standalone verifier, then with one signal changed. */
  async function proveAndCheck(profile: string, input: Record<string, unknown>, signals: bigint[]): Promise<void> {
    const key = await ensureDevKey(getProfile(profile));
    const proved = await proveWithKey(key, input, signals);
    const points = decodeProof(proved.proof);
    assert.ok(points.ok, "canonical proof points");
    assert.equal(groth16Check(key.vkey, signals, points.value), true, "the proof verifies");
    for (let i = 0; i < signals.length; i++) {
      const tampered = signals.map((s, j) => (j === i ? s + 1n : s));
      assert.equal(groth16Check(key.vkey, tampered, points.value), false, `public signal ${i} changed`);
    }
  }

  it("a training proof (steps 4, 5) verifies, and not for other public signals", async () => {
    const w = fx.training[2]!;
    await proveAndCheck(AMNESIAC_TRAIN_PROFILE, w.input, [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.firstStep)]);
  });

  it("an unlearning proof verifies, and not for other public signals", async () => {
    const w = buildAmnesiacUnlearnWitness(fx.trained, [4, 11], fx.maxDeletions, 42n, fx.poseidon);
    await proveAndCheck(AMNESIAC_UNLEARN_PROFILE, w.input, [w.publicSignals.oldState, w.publicSignals.newState, w.publicSignals.deletionDigest]);
  });
});
