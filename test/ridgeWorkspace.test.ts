import { strict as assert } from "node:assert";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildWeb } from "../scripts/build-web.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { SISA_DEMO_HYPERPARAMETERS } from "../src/demo/sisaDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { ridgeConfigHash } from "../src/methods/ridge/config.ts";
import { untrainedRidgeState } from "../src/methods/ridge/state.ts";
import type { RidgeWorkspace } from "../src/methods/ridge/workspace.ts";
import type { AuditPackage } from "../src/verifier/auditTypes.ts";
import { verifyAuditPackage } from "../src/verifier/chain.ts";
import { loadKeyRing, toHex32, verifyBundle, type KeyRing } from "../src/verifier/index.ts";
import { checkReceipt } from "../src/verifier/receiptCheck.ts";
import type { ProofBundle } from "../src/verifier/types.ts";
import { appendProof } from "../src/workspace/appendProof.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { forgetInWorkspace } from "../src/workspace/forget.ts";
import { forgetClassInWorkspace } from "../src/workspace/forgetClass.ts";
import { proveWorkspaceAccuracy } from "../src/workspace/proveAccuracy.ts";
import { runKeys, trainWorkspace } from "../src/workspace/train.ts";
import { openLedger, restoreSnapshot, restoreState } from "../src/workspace/workspace.ts";
import { runCli } from "./helpers/runCli.ts";
import { RIDGE_TINY } from "./helpers/ridgeFixture.ts";
import { syntheticRidgeData } from "./helpers/ridgeData.ts";
import { SISA_TEST_PROFILE, tinyDataset } from "./helpers/sisaFixture.ts";

/** 11 training records (3 classes, 2 features in [0, 1]) and 7 test records from the same clusters. */
function ridgeData(seed: number): { train: Dataset; test: Dataset } {
  const all = syntheticRidgeData(18, RIDGE_TINY.features, RIDGE_TINY.classes, seed);
  const rows = (from: number, to: number, prefix: string) => all.slice(from, to).map((r, i) => ({ id: `${prefix}${i}`, features: [...r.features], label: r.cls }));
  return { train: { featureNames: ["f0", "f1"], records: rows(0, 11, "r") }, test: { featureNames: ["f0", "f1"], records: rows(11, 18, "t") } };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Verifies a bundle with dev keys allowed; returns its reasons ([] when valid). */
async function reasonsOf(bundle: unknown, keys: KeyRing): Promise<string[]> {
  const r = await verifyBundle(bundle, { keys, allowDev: true });
  return r.valid ? [] : r.reasons;
}

describe("ridge workspace through the method seam (tiny profiles, real proofs)", function () {
  let root: string;
  let dir: string;
  let other: string;
  let keys: KeyRing;
  let pkg: AuditPackage;
  const bundleOf = (kind: string, n = 0): ProofBundle => pkg.entries.filter((e) => e.bundle?.statement.type === kind)[n]!.bundle!;

  before(async function () {
    root = await mkdtemp(join(tmpdir(), "zkf-ridge-"));
    dir = join(root, "ws");
    other = join(root, "other");
    // The ridge dev keys are not shipped in keys/ (see the README): publish them here, as a verifier's trusted keys.
    for (const name of [RIDGE_TINY.batch, RIDGE_TINY.genesis, RIDGE_TINY.deletion, RIDGE_TINY.forget, RIDGE_TINY.accuracy]) {
      await publishKey(await ensureDevKey(getProfile(name)), join(root, "keys"));
    }
    keys = await loadKeyRing(join(root, "keys"));
  });

  it("commit → train → forget → forget-class: every entry verifies and the chain is VALID", async function () {
    const { train, test } = ridgeData(3);
    const committed = await commitWorkspace(dir, train, { profile: getProfile(RIDGE_TINY.deletion), testSet: test, lambda: 0.5 });
    const ws0 = await restoreAt(dir);
    const h = (await getPoseidon()).hash;
    assert.equal(committed.state, toHex32(untrainedRidgeState(ws0.dataset.root, ridgeConfigHash(ws0.config, h), h)), "the untrained state is Poseidon(dataRoot, 0, 0, configHash)");
    assert.equal(ws0.config.testRoot, ws0.testSet!.root, "the test set's root is pinned in the config");

    const lines: string[] = [];
    const trained = await trainWorkspace(dir, { log: (m) => lines.push(m) });
    assert.equal(trained.length, 1, "one genesis entry");
    for (let k = 1; k <= 4; k++) assert.ok(lines.some((l) => l.startsWith(`genesis batch ${k}/4`)), `a progress line for batch ${k}`);
    assert.equal((await trainWorkspace(dir)).length, 0, "a trained workspace is not trained again");

    const forgot = await forgetInWorkspace(dir, ["r4", "r1", "r6"], { requestId: "req-ridge" });
    assert.deepEqual(forgot.steps.map((s) => s.recordIds.length), [2, 1], "K = 2 records per deletion proof");
    assert.equal(forgot.request.status, "proved");
    const classForget = await forgetClassInWorkspace(dir, 2);
    assert.equal(classForget.length, 1);
    const ws = await restoreAt(dir);
    assert.deepEqual(ws.trained!.forgotten, [false, false, true]);
    assert.ok(ws.trained!.weights[2]!.every((w) => w === 0n), "the forgotten class's weights are 0");

    const accuracy = await proveWorkspaceAccuracy(dir);
    assert.equal(accuracy.total, 7, "the 7 committed test records");
    assert.ok(accuracy.correct >= 0 && accuracy.correct <= 7);
    assert.equal(accuracy.bundle.profile, RIDGE_TINY.accuracy, "the profile's accuracy companion");

    pkg = await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys);
    assert.ok(pkg.keys[RIDGE_TINY.batch], "the package carries the key of the embedded batch proofs");
    const report = await verifyAuditPackage(pkg, { keys, allowDev: true });
    assert.equal(report.valid, true, report.summary.join("\n") + report.problems.map((p) => p.reason).join("\n"));
    assert.equal(report.profile, RIDGE_TINY.deletion, "the chain is reported under the workspace's profile");
    assert.deepEqual(pkg.entries.map((e) => e.kind), ["commit", "genesis", "request", "retrain", "retrain", "retrain", "accuracy"]);
    assert.equal(report.requests[0]!.proved, true);

    // The existing receipt flow: the subject's deletion receipt is confirmed against the published chain.
    const receipt = JSON.parse(await readFile(join(dir, "receipts", "r4.deletion.json"), "utf8"));
    const checked = await checkReceipt(receipt, { keys, allowDev: true, audit: pkg });
    assert.equal(checked.ok, true, checked.reasons.join("; "));
    assert.match(checked.verdict, /within ‖W'−W\*‖ ≤ .* of the exact ridge solution/);
    // An inclusion receipt names the untrained state, which the checker recomputes (the ridge kind's committedState) and finds at the chain's start.
    const inclusion = JSON.parse(await readFile(join(dir, "receipts", "r0.json"), "utf8"));
    assert.equal(inclusion.state, committed.state);
    const included = await checkReceipt(inclusion, { keys, allowDev: true, audit: pkg });
    assert.equal(included.ok, true, included.reasons.join("; "));
    assert.match(included.verdict, /The published audit chain starts at this state/);
    const otherConfig = await checkReceipt({ ...inclusion, configHash: toHex32(5n) }, { keys, allowDev: true, audit: pkg });
    assert.equal(otherConfig.ok, false);
    assert.match(otherConfig.reasons.join("; "), /dataRoot and configHash give state .*, not the receipt's state/);
  });

  it("the browser build of the verifier (web/dist/zkforget-verifier.js) verifies the ridge bundles and the chain", async function () {
    const built = await buildWeb({ outDir: join(root, "web"), keysDir: join(root, "keys") });
    const lib = await import(pathToFileURL(built.library).href) as typeof import("../src/verifier/browser.ts");
    const ring = lib.keyRingOf([...keys.values()]);
    for (const type of ["ridge-genesis", "ridge-deletion", "ridge-class-forget", "ridge-accuracy"]) {
      const r = await lib.verifyBundle(bundleOf(type), { keys: ring, allowDev: true });
      assert.equal(r.valid, true, `${type}: ${r.reasons.join("; ")}`);
    }
    const tampered = clone(bundleOf("ridge-genesis"));
    (tampered.statement as unknown as { batches: unknown[] }).batches.pop();
    assert.equal((await lib.verifyBundle(tampered, { keys: ring, allowDev: true })).valid, false);
    assert.equal((await lib.verifyAuditPackage(pkg, { keys: ring, allowDev: true })).valid, true);
  });

  it("a snapshot whose model does not solve its data, or with a malformed ridge field, is refused naming it", async function () {
    const ledger = await openLedger(dir, { readonly: true });
    try {
      const snapshot = ledger.snapshot();
      const info = { profile: ledger.info.profile, workspace: ledger.info.workspace };
      const body = JSON.parse(snapshot.body);
      const restoreWith = (change: (b: typeof body) => void) => {
        const copy = clone(body);
        change(copy);
        return restoreSnapshot({ state: snapshot.state, body: JSON.stringify(copy) }, info, "snap");
      };
      await assert.rejects(restoreWith((b) => { b.trained.weights[0][0] = String(BigInt(b.trained.weights[0][0]) + 1n); }), /snap: \$\.trained: the weights do not give the recorded residual/);
      await assert.rejects(restoreWith((b) => { b.trained.forgotten = [false, false]; }), /\$\.trained\.forgotten must have one flag per class \(3\)/);
      await assert.rejects(restoreWith((b) => { b.config.lambda = "65536"; }), /the weights do not give the recorded residual/, "another λ: the model does not solve it");
      await assert.rejects(restoreWith((b) => { b.config.testRoot = `0x${"0".repeat(63)}1`; }), /the test set hashes to root .*, not the config's testRoot/);
      await assert.rejects(restoreWith((b) => { b.config.depth = 5; }), /\$\.config \(depth, features, classes 5, 2, 3\) does not match profile/);
    } finally {
      ledger.close();
    }
  });

  it("forget-class refuses an unknown class, a forgotten one, and a method without classes; prove-accuracy refuses a ridge workspace without a test set", async function () {
    await assert.rejects(forgetClassInWorkspace(dir, 7), /class 7 is not one of 0\.\.2/);
    await assert.rejects(forgetClassInWorkspace(dir, 2), /class 2 is already forgotten/);
    const sisa = join(root, "sisa");
    await commitWorkspace(sisa, tinyDataset(), { profile: getProfile(SISA_TEST_PROFILE), hyper: SISA_DEMO_HYPERPARAMETERS });
    await assert.rejects(forgetClassInWorkspace(sisa, 0), /proves SISA shard trainings, which cannot forget a class/);
    const noTest = join(root, "no-test");
    await commitWorkspace(noTest, ridgeData(3).train, { profile: getProfile(RIDGE_TINY.deletion) });
    await assert.rejects(proveWorkspaceAccuracy(noTest), /has no committed test set/);
    await assert.rejects(forgetClassInWorkspace(noTest, 0), /not trained yet: run `zkforget train` before forgetting a class/);
  });

  describe("attacks, each refused", function () {
    it("a genesis bundle with a batch left out, given twice, from another dataset, or with another batch's proof", async function () {
      const genesis = bundleOf("ridge-genesis");
      assert.deepEqual(await reasonsOf(genesis, keys), []);
      const leftOut = clone(genesis);
      (leftOut.statement as unknown as { batches: unknown[] }).batches.pop();
      assert.match((await reasonsOf(leftOut, keys)).join("\n"), /batch 3 missing: their records would be skipped/);
      const twice = clone(genesis);
      const batches = (twice.statement as unknown as { batches: Record<string, unknown>[] }).batches;
      batches[2] = { ...batches[1]! };
      assert.match((await reasonsOf(twice, keys)).join("\n"), /batch 1 is given more than once .*counted twice/);
      const relabelled = clone(genesis);
      const relabelledBatches = (relabelled.statement as unknown as { batches: Record<string, unknown>[] }).batches;
      relabelledBatches[2] = { ...relabelledBatches[1]!, batch: 2 };
      assert.match((await reasonsOf(relabelled, keys)).join("\n"), /batches\[2\]\.batch says 2, but its proof is of batch 1/);

      // Another controller's (or another dataset's) batch proof verifies on its own, but not in this genesis.
      await commitWorkspace(other, ridgeData(5).train, { profile: getProfile(RIDGE_TINY.deletion), lambda: 0.5 });
      await trainWorkspace(other);
      const foreign = (await auditPackageFromLedger(join(other, "ledger.sqlite"), keys)).entries.find((e) => e.kind === "genesis")!.bundle!;
      const mixed = clone(genesis);
      (mixed.statement as unknown as { batches: unknown[] }).batches[0] = (foreign.statement as unknown as { batches: unknown[] }).batches[0];
      assert.match((await reasonsOf(mixed, keys)).join("\n"), /batch 0 was proved at challenge ρ = \d+, not the genesis'/);

      const swappedProof = clone(genesis);
      const b = (swappedProof.statement as unknown as { batches: { proof: unknown }[] }).batches;
      b[0]!.proof = b[1]!.proof;
      assert.match((await reasonsOf(swappedProof, keys)).join("\n"), /batches\[0\]: the Groth16 proof does not verify/);

      const forgedDigest = clone(genesis);
      (forgedDigest.statement as unknown as { fingerprintSum: string }).fingerprintSum = toHex32(7n);
      assert.match((await reasonsOf(forgedDigest, keys)).join("\n"), /fingerprintSum does not match public signal fingerprintSum/);

      const forgedStart = clone(genesis);
      (forgedStart.statement as unknown as { oldState: string }).oldState = toHex32(12345n);
      assert.match((await reasonsOf(forgedStart, keys)).join("\n"), /not the untrained ridge state/);
    });

    it("a deletion bundle replayed on another state", async function () {
      const deletion = bundleOf("ridge-deletion", 0);
      // The ledger of another workspace refuses it: it does not start at that ledger's head.
      const ledger = await openLedger(other);
      try {
        const otherWs = await restoreState(ledger);
        const ring = runKeys(otherWs.profile, {}, () => {});
        await assert.rejects(appendProof(ledger, other, { bundle: deletion, ...(await ring.bundleKeys(deletion)), after: otherWs, proveSeconds: 0 }), /refused/);
      } finally {
        ledger.close();
      }
      // In the published chain, the same deletion put in place of the next one breaks it.
      const replayed = clone(pkg);
      const at = replayed.entries.findIndex((e) => e.bundle?.statement.type === "ridge-deletion") + 1;
      replayed.entries[at]!.bundle = clone(deletion);
      const report = await verifyAuditPackage(replayed, { keys, allowDev: true });
      assert.equal(report.valid, false);
      assert.match(report.problems.map((p) => p.reason).join("\n"), /is not its statement's old state/);
    });

    it("a class-forget bundle whose class differs from the statement", async function () {
      const forget = clone(bundleOf("ridge-class-forget"));
      (forget.statement as unknown as { forgottenClass: number }).forgottenClass = 1;
      assert.match((await reasonsOf(forget, keys)).join("\n"), /does not match public signal forgottenClass/);
    });

    it("a changed λ in the published config", async function () {
      for (const type of ["ridge-genesis", "ridge-deletion", "ridge-class-forget"]) {
        const changed = clone(bundleOf(type));
        const config = (changed.statement as unknown as { config: { lambda: string } }).config;
        config.lambda = String(BigInt(config.lambda) * 2n);
        assert.match((await reasonsOf(changed, keys)).join("\n"), /does not hash to bundle\.statement\.configHash/, type);
      }
      // λ and configHash changed together: the parts no longer hash to the proved states.
      const both = clone(bundleOf("ridge-deletion"));
      const s = both.statement as unknown as { config: { lambda: string; depth: number; features: number; classes: number; testRoot: string }; configHash: string };
      s.config.lambda = "65536";
      const h = (await getPoseidon()).hash;
      s.configHash = toHex32(ridgeConfigHash({ depth: s.config.depth, features: s.config.features, classes: s.config.classes, lambda: 65536n, testRoot: BigInt(s.config.testRoot) }, h));
      assert.match((await reasonsOf(both, keys)).join("\n"), /do not hash to the proved oldState/);
    });
  });

  it("the CLI: commit --lambda, train, forget, forget-class, verify, verify-chain, report, export-solidity; forget-class refused on SISA", async function () {
    const cli = join(root, "cli");
    const { train, test } = ridgeData(3);
    const csv = (d: Dataset) => `id,f0,f1,label\n${d.records.map((r) => [r.id, ...r.features, r.label].join(",")).join("\n")}\n`;
    await writeFile(join(root, "train.csv"), csv(train));
    await writeFile(join(root, "test.csv"), csv(test));
    const ok = (args: string[]) => {
      const r = runCli(args, 300_000);
      assert.equal(r.code, 0, `zkforget ${args.join(" ")}\n${r.stderr}`);
      return r;
    };
    ok(["commit", join(root, "train.csv"), "--workspace", cli, "--profile", RIDGE_TINY.deletion, "--test", join(root, "test.csv"), "--lambda", "0.5"]);
    const trained = ok(["train", "--workspace", cli]);
    assert.match(trained.stderr, /genesis batch 4\/4/);
    const forgot = ok(["forget", "r0", "--workspace", cli, "--request-id", "gdpr-1"]);
    const forget = ok(["forget-class", "1", "--workspace", cli]);
    const trusted = ["--keys", join(root, "keys"), "--allow-dev"];
    const verified = ok(["verify", forget.stdout.trim(), ...trusted]);
    assert.match(verified.stdout, /class 1/);
    ok(["verify", forgot.stdout.trim().split("\n")[0]!, ...trusted]);
    const chain = ok(["verify-chain", cli, ...trusted]);
    assert.match(chain.stdout, /VALID/);
    assert.match(chain.stdout, /1 of 1 ridge genesis covered by training proofs/, "the unit noun from the kind, singular for one");
    const report = ok(["report", "--workspace", cli, "--md", "--out", join(root, "report.md"), ...trusted]);
    assert.equal(report.code, 0);
    const md = await readFile(join(root, "report.md"), "utf8");
    assert.match(md, /within ‖W'−W\\?\*‖ ≤ .* of the exact ridge solution/, "the deletion's claim, worded by its statement kind");
    assert.match(md, /ridge class forgetting: every record of class 1/);
    assert.match(md, /1 of 1 ridge genesis covered by training proofs/);
    ok(["export-solidity", RIDGE_TINY.deletion, "--anchor", "--out", join(root, "sol")]);
    const again = runCli(["forget-class", "1", "--workspace", cli]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /class 1 is already forgotten/);
    const sisa = join(root, "cli-sisa");
    await writeFile(join(root, "sisa.csv"), `id,x0,x1,label\n${tinyDataset().records.map((r) => [r.id, ...r.features, r.label].join(",")).join("\n")}\n`);
    ok(["commit", join(root, "sisa.csv"), "--workspace", sisa, "--profile", SISA_TEST_PROFILE]);
    const refused = runCli(["forget-class", "0", "--workspace", sisa]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot forget a class/);
  });
});

/** The ridge workspace state of `dir`. */
async function restoreAt(dir: string): Promise<RidgeWorkspace> {
  const ledger = await openLedger(dir, { readonly: true });
  try {
    const ws = await restoreState(ledger);
    assert.equal(ws.kind, "ridge");
    return ws as RidgeWorkspace;
  } finally {
    ledger.close();
  }
}
