import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { describeStatement } from "../src/verifier/statements.ts";
import { amnesiacTrainStatementOf, amnesiacUnlearnStatementOf, buildAmnesiacUnlearnWitness } from "../src/methods/amnesiac/witness.ts";
import type { ModelRules } from "../src/methods/statementKind.ts";
import { statementKindOf } from "../src/methods/statementKinds.ts";
import { proveBundle } from "../src/prover/groth16.ts";
import { verifyBundle, type KeyRing, type ProofBundle, type Statement } from "../src/verifier/index.ts";
import { AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE, amnesiacFixture, type AmnesiacFixture } from "./helpers/amnesiacFixture.ts";

/** The chain rules the registry gives a bundle's statement. */
function amnesiacModelRulesFor(bundle: ProofBundle): ModelRules {
  const rules = statementKindOf(bundle.statement)?.model;
  assert.ok(rules, "the statement kind has chain rules");
  return rules;
}

describe("amnesiac statements, verifier side (bundles under dev keys, tiny profiles)", () => {
  let fx: AmnesiacFixture;
  let keys: KeyRing;
  let trainKey: ProvingKey;
  let unlearnKey: ProvingKey;
  let first: ProofBundle;
  let last: ProofBundle;
  let unlearn: ProofBundle;

  before(async () => {
    fx = await amnesiacFixture();
    trainKey = await ensureDevKey(getProfile(AMNESIAC_TRAIN_PROFILE));
    unlearnKey = await ensureDevKey(getProfile(AMNESIAC_UNLEARN_PROFILE));
    keys = new Map([trainKey, unlearnKey].map((k) => [k.manifest.profile, { vkey: k.vkey, manifest: k.manifest }]));
    const train = async (i: number): Promise<ProofBundle> => {
      const w = fx.training[i]!;
      const before = i === 0 ? fx.genesis : fx.training[i - 1]!.next;
      const signals = [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.firstStep)];
      return (await proveBundle(trainKey, w.input, signals, amnesiacTrainStatementOf(before, w, fx.poseidon))).bundle as ProofBundle;
    };
    first = await train(0);
    last = await train(7);
    const u = buildAmnesiacUnlearnWitness(fx.trained, [11, 4], fx.maxDeletions, 42n, fx.poseidon);
    const signals = [u.publicSignals.oldState, u.publicSignals.newState, u.publicSignals.deletionDigest];
    unlearn = (await proveBundle(unlearnKey, u.input, signals, amnesiacUnlearnStatementOf(fx.trained, u, fx.poseidon))).bundle as ProofBundle;
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  const verify = (bundle: unknown) => verifyBundle(bundle, { keys, allowDev: true });
  const edited = (bundle: ProofBundle, change: Record<string, unknown>): unknown => ({
    ...bundle, statement: { ...(JSON.parse(JSON.stringify(bundle.statement)) as Record<string, unknown>), ...change },
  });

  it("training and unlearning bundles verify, and say what they are: the unlearning is labelled approximate", async () => {
    for (const b of [first, last, unlearn]) assert.deepEqual((await verify(b)).reasons, []);
    assert.equal(describeStatement(unlearn.statement as Statement).split(":")[0], "approximate unlearning");
    assert.match(describeStatement(unlearn.statement as Statement), /^approximate unlearning: the updates of 4 steps that used the deleted records were subtracted: state 0x[0-9a-f]{8}… → 0x[0-9a-f]{8}…, deleted slots 4, 11$/);
    assert.match(describeStatement(first.statement as Statement), /^amnesiac training: mini-batch steps 0–1 of 16, updates logged/);
  });

  it("the step count of the label comes from the deleted slots and the schedule, not from a field the controller writes", async () => {
    const s = unlearn.statement as unknown as Record<string, unknown>;
    const label = describeStatement({ ...s, steps: 1, subtractedSteps: 1 } as unknown as Statement);
    assert.match(label, /the updates of 4 steps/);
  });

  it("rejects statements that disagree with the proof: another slot, a moved commitment, another config or step count", async () => {
    const leaf = (unlearn.statement as unknown as { deleted: { index: number; leaf: string }[] }).deleted;
    const cases: [ProofBundle, Record<string, unknown>, RegExp][] = [
      [unlearn, { deleted: [leaf[0], { index: 12, leaf: leaf[1]!.leaf }] }, /deleted does not hash to the proved deletionDigest/],
      [unlearn, { newModelCommitment: (unlearn.statement as unknown as Record<string, string>).oldModelCommitment }, /do not hash to the proved newState/],
      [unlearn, { config: { ...(unlearn.statement as unknown as { config: Record<string, unknown> }).config, l2: "0" } }, /config does not hash to the configHash/],
      [unlearn, { config: { ...(unlearn.statement as unknown as { config: Record<string, unknown> }).config, epochs: 1 } }, /config does not hash|built for/],
      [unlearn, { label: "exact unlearning: the model was retrained without the deleted records" }, /label must say what the proof shows, "approximate unlearning: the updates of 4 steps/],
      [unlearn, { label: "approximate unlearning: the updates of 1 step that used the deleted records were subtracted" }, /label must say what the proof shows/],
      [first, { steps: 1 }, /steps must be 2/],
      [first, { firstStep: 2 }, /firstStep must be the integer public signal/],
      [first, { oldLogRoot: (first.statement as unknown as Record<string, string>).newLogRoot }, /do not hash to the proved oldState/],
    ];
    for (const [bundle, change, reason] of cases) {
      const result = await verify(edited(bundle, change));
      assert.equal(result.valid, false, JSON.stringify(change).slice(0, 60));
      assert.ok(result.reasons.some((r) => reason.test(r)), `${JSON.stringify(change).slice(0, 60)}: ${result.reasons.join("; ")}`);
    }
  });

  it("chain rules: the chain starts at the public genesis and the complete training is covered by the proof that reaches the last step", () => {
    const rules = amnesiacModelRulesFor(first);
    const config = (first.statement as unknown as { config: unknown }).config;
    assert.equal(rules.emptyModelProblem(first.statement as unknown as Record<string, unknown>, config), undefined);
    assert.match(rules.emptyModelProblem(last.statement as unknown as Record<string, unknown>, config) ?? "", /must start with the training from step 0/);
    assert.match(rules.emptyModelProblem(unlearn.statement as unknown as Record<string, unknown>, config) ?? "", /must start with the training from step 0/);
    assert.deepEqual(rules.coverage(config), { count: 1, noun: "complete training" });
    assert.equal(rules.covers(first.statement as unknown as Record<string, unknown>), undefined);
    assert.equal(rules.covers(last.statement as unknown as Record<string, unknown>), 0);
    assert.equal(rules.covers(unlearn.statement as unknown as Record<string, unknown>), undefined);
  });
});
