import { strict as assert } from "node:assert";
import { getProfile } from "../../src/circuits/profiles.ts";
import { ensureDevKey } from "../../src/keys/devKeys.ts";
import { trainShard } from "../../src/ml/trainer.ts";
import { shardTrainingSlots } from "../../src/evaluation/retrainAll.ts";
import { proveShardRetrain, type SisaSystem } from "../../src/prover/shardRetrain.ts";
import { proveUnlearning } from "../../src/prover/unlearn.ts";
import { proveAccuracy } from "../../src/prover/accuracy.ts";
import type { TrainingConfig } from "../../src/ml/config.ts";
import { BASE_FIELD } from "../../src/field.ts";
import { toHex32 } from "../../src/verifier/fieldText.ts";
import { requestCommitment } from "../../src/verifier/requestCommitment.ts";
import { checkReceipt, type DeletionReceipt } from "../../src/verifier/receiptCheck.ts";
import { releaseVerifierThreads, verifyAuditPackage, verifyBundle, type ChainReport } from "../../src/verifier/index.ts";
import type { AuditEntry, AuditPackage } from "../../src/verifier/auditTypes.ts";
import type { ProofBundle } from "../../src/verifier/types.ts";
import { auditChainFixture, clonePackage, type AuditChainFixture } from "../helpers/auditChainFixture.ts";
import { accuracyFixture, ACCURACY_TEST_PROFILE } from "../helpers/accuracyFixture.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "../helpers/sisaFixture.ts";
import { loadKeyRing } from "../../src/verifier/index.ts";
import { publishKey } from "../../src/keys/devKeys.ts";
import { mkdtemp } from "node:fs/promises";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { chainDigests } from "../../src/verifier/chainDigest.ts";
import { signHead } from "../../src/verifier/headLog.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The dishonest controller. Every attack here is built from GENUINE proofs of TRUE statements
 * (so it would work the same under a production ceremony key); what must stop it is the
 * verdict logic: chain, receipt and bundle verdicts that follow from proofs and public
 * commitments only, never from fields the controller writes.
 */
describe("adversarial: a controller with genuine proofs cannot fool the verdicts", function () {
  let fx: AuditChainFixture;
  const verify = (pkg: unknown) => verifyAuditPackage(pkg, { keys: fx.keys, allowDev: true });
  const problems = (r: ChainReport) => r.problems.map((p) => `${p.seq}: ${p.reason}`).join("\n");
  const hasProblem = (r: ChainReport, pattern: RegExp) => {
    assert.equal(r.valid, false, "the forged package must not verify");
    assert.ok(r.problems.some((p) => pattern.test(p.reason)), `${pattern} not among:\n${problems(r)}`);
  };

  before(async function () {
    fx = await auditChainFixture();
  });
  after(releaseVerifierThreads);

  it("the honest chain verifies (the baseline every attack starts from)", async function () {
    const r = await verify(fx.pkg);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.requests.map((q) => [q.id, q.proved, q.pending]), [["req-1", true, false], ["req-2", true, false]]);
  });

  describe("§1 hidden training config", function () {
    let attack: { honest: SisaSystem; bundles: ProofBundle[]; trainedWith: bigint[]; retrained: bigint[] };

    before(async function () {
      // The controller pre-trains shard 0 on its data INCLUDING r1, pins those weights as the
      // "initial weights" with learning rate 0, and later "retrains without r1". Every proof is genuine.
      const s = await sisaFixture();
      const pretrained = trainShard(shardTrainingSlots(s.dataset, 0, s.config), s.config, 0).weights;
      const { initSeed: _seed, ...rest } = s.config;
      const config: TrainingConfig = { ...rest, learningRate: 0n, initialWeights: [...pretrained] };
      const profile = getProfile(SISA_TEST_PROFILE);
      const key = await ensureDevKey(profile);
      let system: SisaSystem = { config, dataset: s.dataset, models: s.emptyModels };
      const bundles: ProofBundle[] = [];
      for (const shard of [0, 1]) {
        const r = await proveShardRetrain(system, shard, [], { profile, key });
        bundles.push(r.bundle);
        system = r.system;
      }
      const forget = await proveShardRetrain(system, 0, ["r1"], { profile, key });
      bundles.push(forget.bundle);
      attack = { honest: system, bundles, trainedWith: [...pretrained], retrained: forget.weights };
    });

    it("the attack is real: the 'retrained' weights are bit for bit those trained with the record", function () {
      assert.deepEqual(attack.retrained, attack.trainedWith);
    });

    it("every such bundle is refused: pre-trained initial weights and a learning rate of 0 fail the policy", async function () {
      for (const bundle of attack.bundles) {
        const r = await verifyBundle(bundle, { keys: fx.keys, allowDev: true });
        assert.equal(r.valid, false);
        assert.ok(r.reasons.some((x) => /initial weights are explicit values, neither zeros nor derived from a public seed/.test(x)), r.reasons.join("\n"));
        assert.ok(r.reasons.some((x) => /learning rate 0 is below the floor/.test(x)), r.reasons.join("\n"));
      }
    });

    it("lying about the config in the readable statement is refused: it does not hash to the proved configHash", async function () {
      const bundle = JSON.parse(JSON.stringify(attack.bundles[2])) as ProofBundle;
      const s = bundle.statement as Extract<ProofBundle["statement"], { type: "shard-retrain" }>;
      s.config = { ...s.config, learningRate: "131072", initialWeights: s.config.initialWeights.map(() => "0") };
      const r = await verifyBundle(bundle, { keys: fx.keys, allowDev: true });
      assert.equal(r.valid, false);
      assert.ok(r.reasons.some((x) => /config does not hash to the configHash of the statement/.test(x)), r.reasons.join("\n"));
    });

    it("a stricter verifier can refuse seeded initial weights too", async function () {
      const honest = fx.pkg.entries[1]!.bundle!;
      const r = await verifyBundle(honest, { keys: fx.keys, allowDev: true, policy: { initialWeights: "zeros", minLearningRate: 1 / 16, maxL2: 1 / 4, minEpochs: 1 } });
      assert.ok(r.reasons.some((x) => /accepts only zero initial weights/.test(x)), r.reasons.join("\n"));
    });
  });

  describe("§2 a deletion receipt from a private fork", function () {
    it("the subject's receipt is refused against the published chain, which deleted another record", async function () {
      // Private fork: from the state after genesis (entry 3), prove the deletion of r1 for request req-x.
      const s = await sisaFixture();
      const profile = getProfile(SISA_TEST_PROFILE);
      const key = await ensureDevKey(profile);
      let system: SisaSystem = { config: s.config, dataset: s.dataset, models: s.emptyModels };
      const time = (m: number) => new Date(Date.parse("2025-03-01T12:00:00.000Z") + m * 60_000).toISOString();
      const genesis: AuditEntry[] = [];
      for (const shard of [0, 1]) {
        const r = await proveShardRetrain(system, shard, [], { profile, key });
        const st = r.bundle.statement;
        if (shard === 0) genesis.push({ seq: 1, kind: "commit", oldState: st.oldState, newState: st.oldState, recordedAt: time(0) });
        genesis.push({ seq: genesis.length + 1, kind: "genesis", oldState: st.oldState, newState: st.newState, recordedAt: time(0), bundle: r.bundle });
        system = r.system;
      }

      const mine = system.dataset.slotsOf(["r1"]).map((x) => ({ index: x.index, leaf: x.leaf }));
      const other = system.dataset.slotsOf(["r3"]).map((x) => ({ index: x.index, leaf: x.leaf }));
      const forked = await proveUnlearning(system, ["r1"], { profile, key });
      const fork = forked.steps[0]!;
      const published = (await proveUnlearning(system, ["r3"], { profile, key })).steps[0]!;

      // The published chain answers req-x by deleting r3, with a commitment to r3: consistent on its own.
      const state = genesis[2]!.newState;
      const commitment = toHex32(requestCommitment(5n, other));
      const pkg: AuditPackage = {
        ...clonePackage(fx.pkg),
        configHash: fork.bundle.statement.configHash,
        entries: [
          ...genesis,
          { seq: 4, kind: "request", oldState: state, newState: state, recordedAt: time(1), requestId: "req-x", requestCommitment: commitment, recordCount: 1 },
          { seq: 5, kind: "retrain", oldState: state, newState: published.bundle.statement.newState, recordedAt: time(2), requestId: "req-x", bundle: published.bundle },
        ],
        requests: [{ id: "req-x", recordCount: 1, status: "proved", receivedAt: time(1), updatedAt: time(2), provedAt: time(2), entries: [5], commitment, salt: toHex32(5n) }],
      };
      assert.deepEqual((await verify(pkg)).problems, [], "the published chain itself is valid");

      // The subject got a receipt for the fork's proof, with an opening of a commitment to their own slot.
      const forkedCommitment = toHex32(requestCommitment(6n, mine));
      const receipt: DeletionReceipt = {
        format: "zkforget-receipt", version: 2, kind: "deletion", recordId: "r1", profile: SISA_TEST_PROFILE,
        index: mine[0]!.index, leaf: toHex32(mine[0]!.leaf),
        request: { requestId: "req-x", seq: 4, commitment: forkedCommitment, salt: toHex32(6n), slots: [{ index: mine[0]!.index, leaf: toHex32(mine[0]!.leaf) }] },
        seq: 5, state: fork.bundle.statement.newState, bundle: fork.bundle,
        absence: { dataRoot: fork.bundle.statement.newDataRoot, siblings: forked.system.dataset.merkleProof(mine[0]!.index).siblings.map(toHex32) },
        deletedAt: time(2),
      };
      const alone = await checkReceipt(receipt, { keys: fx.keys, allowDev: true });
      assert.equal(alone.ok, false, "on its own the receipt is not confirmed");
      assert.match(alone.verdict, /confirmed only against the controller's published audit package/);

      const against = await checkReceipt(receipt, { keys: fx.keys, allowDev: true, audit: pkg });
      assert.equal(against.ok, false);
      assert.ok(against.reasons.some((x) => /entry 5 is not the proof in your receipt/.test(x)), against.reasons.join("\n"));
      assert.ok(against.reasons.some((x) => /records request "req-x" with another commitment/.test(x)), against.reasons.join("\n"));
    });

    /** The honest deletion receipt of r2 (req-2, entry 8), as the workspace writes it. */
    const honestReceipt = (pkg: AuditPackage): DeletionReceipt => {
      const e = pkg.entries.find((x) => x.seq === 8)!;
      const s = e.bundle!.statement as Extract<ProofBundle["statement"], { type: "shard-retrain" }>;
      const slot = s.deleted[0]!;
      const q = pkg.requests.find((x) => x.id === "req-2")!;
      return {
        format: "zkforget-receipt", version: 2, kind: "deletion", recordId: "r2", profile: SISA_TEST_PROFILE, index: slot.index, leaf: slot.leaf,
        request: { requestId: "req-2", seq: 7, commitment: q.commitment, salt: q.salt!, slots: [slot] },
        seq: 8, state: e.newState, bundle: e.bundle!,
        absence: { dataRoot: s.newDataRoot, siblings: fx.system.dataset.merkleProof(slot.index).siblings.map(toHex32) },
        deletedAt: e.recordedAt,
      };
    };

    it("the honest deletion receipt is confirmed against the published chain and its signed head", async function () {
      const secret = ed25519.utils.randomSecretKey();
      const controller = bytesToHex(ed25519.getPublicKey(secret));
      const digests = chainDigests(fx.pkg.entries);
      const last = fx.pkg.entries[fx.pkg.entries.length - 1]!;
      const head = signHead({ format: "zkforget-head", version: 1, controller, seq: last.seq, state: last.newState, chainDigest: digests[last.seq]!, prevHead: null, publishedAt: "2025-03-01T12:00:00.000Z" }, secret);
      const r = await checkReceipt(honestReceipt(fx.pkg), { keys: fx.keys, allowDev: true, audit: fx.pkg, heads: [head], controllerKey: controller });
      assert.equal(r.ok, true, r.reasons.join("\n"));
      assert.match(r.verdict, /^DELETED: .* at entry 8 of the published chain, answering request "req-2"\. The slot is empty under data root 0x[0-9a-f]{64}, the latest published root/);

      // The controller shows this subject a package that is not the chain its signed head commits to.
      const other = clonePackage(fx.pkg);
      other.entries[7]!.recordedAt = "2025-03-01T11:59:00.000Z";
      const forked = await checkReceipt(honestReceipt(other), { keys: fx.keys, allowDev: true, audit: other, heads: [head], controllerKey: controller });
      assert.equal(forked.ok, false);
      assert.match(forked.verdict, /not the chain the controller's last signed head \(seq 8\) commits to/);
    });

    it("a malleated proof (−A, −B) is the same entry: identity never rests on proof bytes", async function () {
      const pkg = clonePackage(fx.pkg);
      const bundle = pkg.entries[4]!.bundle!;
      const neg = (y: string) => (BASE_FIELD - BigInt(y)).toString();
      const malleated = JSON.parse(JSON.stringify(bundle)) as ProofBundle;
      malleated.proof.pi_a[1] = neg(malleated.proof.pi_a[1]);
      malleated.proof.pi_b[1] = [neg(malleated.proof.pi_b[1][0]), neg(malleated.proof.pi_b[1][1])];
      const r = await verifyBundle(malleated, { keys: fx.keys, allowDev: true });
      assert.equal(r.valid, true, "Groth16 is malleable: the negated proof verifies too");
      assert.notDeepEqual(malleated.proof, bundle.proof);
      pkg.entries[4]!.bundle = malleated;
      assert.deepEqual((await verify(pkg)).problems, [], "a chain with the malleated proof is the same chain");
    });

    it("a non-affine encoding of a proof point (z ≠ 1) is refused", async function () {
      const bundle = JSON.parse(JSON.stringify(fx.pkg.entries[1]!.bundle)) as ProofBundle;
      // (x·z², y·z³, z) is the same point in Jacobian coordinates; snarkjs would accept it.
      const z = 2n, p = BASE_FIELD;
      bundle.proof.pi_a = [(BigInt(bundle.proof.pi_a[0]) * z * z % p).toString(), (BigInt(bundle.proof.pi_a[1]) * z * z * z % p).toString(), z.toString()];
      const r = await verifyBundle(bundle, { keys: fx.keys, allowDev: true });
      assert.equal(r.valid, false);
      assert.ok(r.reasons.some((x) => /pi_a is not in canonical affine form/.test(x)), r.reasons.join("\n"));
    });
  });

  describe("§3 checks that follow from the statements, not from a label", function () {
    it("a package labelled with the accuracy profile holding only a commit and an accuracy entry is refused: no training proof covers the model", async function () {
      const a = await accuracyFixture();
      const key = await ensureDevKey(getProfile(ACCURACY_TEST_PROFILE));
      const keyDir = await mkdtemp(join(tmpdir(), "zkf-adv-keys-"));
      await publishKey(key, keyDir);
      await publishKey(await ensureDevKey(getProfile(SISA_TEST_PROFILE)), keyDir);
      const keys = await loadKeyRing(keyDir);
      const proof = await proveAccuracy(a.system, a.testSet, { profile: ACCURACY_TEST_PROFILE, key });
      const state = proof.bundle.statement.state;
      const time = "2025-03-01T09:00:00.000Z";
      const pkg: AuditPackage = {
        format: "zkforget-audit", version: 1, exportedAt: time, profile: ACCURACY_TEST_PROFILE, configHash: proof.bundle.statement.configHash,
        entries: [
          { seq: 1, kind: "commit", oldState: state, newState: state, recordedAt: time },
          { seq: 2, kind: "accuracy", oldState: state, newState: state, recordedAt: time, bundle: proof.bundle },
        ],
        requests: [],
        keys: Object.fromEntries([...keys].map(([name, k]) => [name, { vkey: k.vkey, manifest: k.manifest }])),
      };
      const r = await verifyAuditPackage(pkg, { keys, allowDev: true, configHash: proof.bundle.statement.configHash });
      hasProblem(r, /training coverage: shards 0, 1 of 2 have no verified training proof/);
      hasProblem(r, /the chain must start from the empty model/);
    });

    it("the label cannot switch the checks off: a SISA chain labelled as a deletion profile is still checked as SISA", async function () {
      const pkg = clonePackage(fx.pkg);
      pkg.profile = "deletion-d8-k2";
      pkg.entries = pkg.entries.slice(0, 2);
      pkg.requests = [];
      const r = await verify(pkg);
      hasProblem(r, /the package says profile deletion-d8-k2, but its state transitions are proved under sisa-d4-s1-f2-e2-k2/);
      hasProblem(r, /shard 1 of 2 has no verified training proof/);
    });
  });

  describe("§4 requests bound to the slots deleted for them", function () {
    const entry = (pkg: AuditPackage, seq: number): AuditEntry => pkg.entries.find((e) => e.seq === seq)!;

    it("a request for 2 records that lists one entry twice is not proved", async function () {
      const pkg = clonePackage(fx.pkg);
      const req = pkg.requests.find((q) => q.id === "req-1")!;
      req.entries = [5, 5];
      hasProblem(await verify(pkg), /an entry is listed more than once/);
    });

    it("deleting someone else's record does not answer a request: the commitment names other slots", async function () {
      const pkg = clonePackage(fx.pkg);
      // req-2 was for r2 (deleted at entry 8); the controller records a commitment to r3 instead.
      const s = await sisaFixture();
      const r3 = s.dataset.slotsOf(["r3"]).map((x) => ({ index: x.index, leaf: x.leaf }));
      const forged = toHex32(requestCommitment(12n, r3));
      entry(pkg, 7).requestCommitment = forged;
      pkg.requests.find((q) => q.id === "req-2")!.commitment = forged;
      const r = await verify(pkg);
      hasProblem(r, /the slots its entries delete are not the ones its commitment names/);
      assert.equal(r.requests.find((q) => q.id === "req-2")!.proved, false);
    });

    it("an entry tagged with another request, or an entry left out of a request's list, is refused", async function () {
      const pkg = clonePackage(fx.pkg);
      pkg.requests.find((q) => q.id === "req-1")!.entries = [5];
      hasProblem(await verify(pkg), /lists entries \[5\], but the entries answering it are \[5, 6\]/);
    });

    it("a request received but never answered makes the verdict say so; one left out of the package is a break", async function () {
      const pkg = clonePackage(fx.pkg);
      const last = pkg.entries[pkg.entries.length - 1]!;
      const commitment = toHex32(requestCommitment(9n, [{ index: 3, leaf: 1n }]));
      pkg.entries.push({ seq: 9, kind: "request", oldState: last.newState, newState: last.newState, recordedAt: "2025-03-01T11:00:00.000Z", requestId: "req-late", requestCommitment: commitment, recordCount: 1 });
      pkg.requests.push({ id: "req-late", recordCount: 1, status: "received", receivedAt: "2025-03-01T11:00:00.000Z", updatedAt: "2025-03-01T11:00:00.000Z", entries: [], commitment });
      const pending = await verify(pkg);
      assert.deepEqual(pending.problems, []);
      assert.equal(pending.requests.find((q) => q.id === "req-late")!.pending, true);
      assert.ok(pending.summary.some((l) => /NOT ANSWERED: 1 request recorded but not answered by verified proofs: req-late/.test(l)), pending.summary.join("\n"));

      pkg.requests.pop();
      hasProblem(await verify(pkg), /the chain records request "req-late" here, but the package's request list leaves it out/);

      const claimed = clonePackage(fx.pkg);
      claimed.entries.push({ ...pkg.entries[8]! });
      claimed.requests.push({ id: "req-late", recordCount: 1, status: "proved", receivedAt: "2025-03-01T11:00:00.000Z", updatedAt: "2025-03-01T11:00:00.000Z", provedAt: "2025-03-01T11:00:00.000Z", entries: [], commitment });
      hasProblem(await verify(claimed), /marked proved but no entry answers it/);
    });

    it("an answer before its request is recorded is refused", async function () {
      const pkg = clonePackage(fx.pkg);
      // Move req-2's request entry after its answer: continuity holds (request entries do not move the state).
      const request = entry(pkg, 7), answer = entry(pkg, 8);
      pkg.entries[6] = { ...answer, seq: 7 };
      pkg.entries[7] = { ...request, seq: 8, oldState: answer.newState, newState: answer.newState, recordedAt: answer.recordedAt };
      pkg.requests.find((q) => q.id === "req-2")!.entries = [7];
      hasProblem(await verify(pkg), /answers request "req-2", which the chain has not recorded before this entry/);
    });
  });

  describe("§5 timestamps and receipts", function () {
    it("timestamps out of order, or a request proved before it was received, are refused (times are claims, but consistent ones)", async function () {
      const pkg = clonePackage(fx.pkg);
      pkg.entries[5]!.recordedAt = "2020-01-01T00:00:00.000Z";
      hasProblem(await verify(pkg), /is earlier than the previous entry's/);
      const early = clonePackage(fx.pkg);
      early.requests[0]!.provedAt = "2020-01-01T00:00:00.000Z";
      hasProblem(await verify(early), /provedAt .* is before receivedAt/);
    });

    it("an inclusion receipt carries no record hash, and version-1 receipts (which did) are refused", async function () {
      const v1 = { format: "zkforget-receipt", version: 1, kind: "inclusion", recordId: "r1", profile: SISA_TEST_PROFILE, index: 1 };
      const r = await checkReceipt(v1);
      assert.equal(r.ok, false);
      assert.match(r.reasons[0]!, /version 1 receipts carried an unsalted record hash/);
    });
  });
});
