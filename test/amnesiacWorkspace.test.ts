import { strict as assert } from "node:assert";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildWeb } from "../scripts/build-web.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { evaluateAmnesiacUnlearning, formatAmnesiacEvaluation } from "../src/methods/amnesiac/evaluation.ts";
import { repairWorkspace } from "../src/workspace/repair.ts";
import { amnesiacDeletionJob } from "../src/methods/amnesiac/jobKind.ts";
import { amnesiacGenesisState } from "../src/methods/amnesiac/state.ts";
import type { AmnesiacWorkspace } from "../src/methods/amnesiac/workspace.ts";
import { systemState } from "../src/methods/amnesiac/system.ts";
import { amnesiacSystem, repairableBatches } from "../src/methods/amnesiac/workspaceState.ts";
import type { AuditPackage } from "../src/verifier/auditTypes.ts";
import { verifyAuditPackage } from "../src/verifier/chain.ts";
import { loadKeyRing, toHex32, type KeyRing } from "../src/verifier/index.ts";
import { checkReceipt } from "../src/verifier/receiptCheck.ts";
import { appendProof } from "../src/workspace/appendProof.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { forgetInWorkspace } from "../src/workspace/forget.ts";
import { runKeys, trainWorkspace } from "../src/workspace/train.ts";
import { openLedger, restoreSnapshot, restoreState } from "../src/workspace/workspace.ts";
import { AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE } from "./helpers/amnesiacFixture.ts";
import { runCli } from "./helpers/runCli.ts";
import { tinyDataset } from "./helpers/sisaFixture.ts";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const APPROXIMATE = /approximate unlearning: the updates of \d+ steps? that used the deleted records were subtracted/;

/** The tiny dataset's first 11 records for training and the last 2 as the committed test set. */
function split(): { train: Dataset; test: Dataset } {
  const d = tinyDataset();
  return { train: { ...d, records: d.records.slice(0, 11) }, test: { ...d, records: d.records.slice(11) } };
}

/** The amnesiac workspace state of `dir`. */
async function restoreAt(dir: string): Promise<AmnesiacWorkspace> {
  const ledger = await openLedger(dir, { readonly: true });
  try {
    const ws = await restoreState(ledger);
    assert.equal(ws.kind, "amnesiac");
    return ws as AmnesiacWorkspace;
  } finally {
    ledger.close();
  }
}

describe("amnesiac workspace through the method seam (tiny profiles, real proofs)", function () {
  let root: string;
  let dir: string;
  let keys: KeyRing;
  let pkg: AuditPackage;

  before(async function () {
    root = await mkdtemp(join(tmpdir(), "zkf-amnesiac-"));
    dir = join(root, "ws");
    for (const name of [AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE, getProfile(AMNESIAC_UNLEARN_PROFILE).companions!.repair!]) await publishKey(await ensureDevKey(getProfile(name)), join(root, "keys"));
    keys = await loadKeyRing(join(root, "keys"));
  });

  it("commit → train → forget: every step proved and recorded, the chain VALID and the unlearning labelled approximate", async function () {
    const { train, test } = split();
    const committed = await commitWorkspace(dir, train, { profile: getProfile(AMNESIAC_UNLEARN_PROFILE), testSet: test });
    const ws0 = await restoreAt(dir);
    const poseidon = await getPoseidon();
    assert.equal(committed.state, toHex32(amnesiacGenesisState(ws0.dataset.root, ws0.config, poseidon.hash)), "the committed state is the public genesis");
    assert.equal(ws0.config.testRoot, ws0.testSet!.root, "the test set's root is pinned in the config");

    const lines: string[] = [];
    const trained = await trainWorkspace(dir, { log: (m) => lines.push(m) });
    assert.equal(trained.length, 8, "16 steps, 2 per proof");
    assert.ok(lines.some((l) => /amnesiac steps 14–15 \(of 16\) proved/.test(l)), lines.join("\n"));
    assert.equal((await trainWorkspace(dir)).length, 0, "a trained workspace is not trained again");

    const forgot = await forgetInWorkspace(dir, ["r4", "r1", "r6"], { requestId: "req-amnesiac" });
    assert.deepEqual(forgot.steps.map((s) => s.recordIds.length), [2, 1], "K = 2 records per unlearning proof");
    const ws = await restoreAt(dir);
    assert.equal(ws.dataset.size, 8);
    const subtracted = ws.model.log.entries().filter((e) => e.subtracted).length;
    assert.equal(subtracted, 2 * 3, "slots 1, 4, 6 are in batches 0, 2, 3: 3 batches × 2 epochs subtracted");

    pkg = await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys);
    const report = await verifyAuditPackage(pkg, { keys, allowDev: true });
    assert.equal(report.valid, true, report.summary.join("\n") + report.problems.map((p) => p.reason).join("\n"));
    assert.equal(report.profile, AMNESIAC_UNLEARN_PROFILE);
    assert.deepEqual(pkg.entries.map((e) => e.kind), ["commit", ...new Array<string>(8).fill("genesis"), "request", "deletion", "deletion"]);
    assert.match(report.summary.join("\n"), /1 of 1 complete training covered by training proofs/);
    assert.equal(report.requests[0]!.proved, true);

    // The subject's deletion receipt says what was done: an approximate unlearning.
    const receipt = JSON.parse(await readFile(join(dir, "receipts", "r4.deletion.json"), "utf8"));
    const checked = await checkReceipt(receipt, { keys, allowDev: true, audit: pkg });
    assert.equal(checked.ok, true, checked.reasons.join("; "));
    assert.match(checked.verdict, /approximate unlearning, not a retraining/);
    // An inclusion receipt carries the published config; the checker recomputes the genesis state from it and finds it at the chain's start.
    const inclusion = JSON.parse(await readFile(join(dir, "receipts", "r0.json"), "utf8"));
    assert.equal(inclusion.state, committed.state);
    const included = await checkReceipt(inclusion, { keys, allowDev: true, audit: pkg });
    assert.equal(included.ok, true, included.reasons.join("; "));
    assert.match(included.verdict, /The published audit chain starts at this state/);
    const otherInit = clone(inclusion);
    otherInit.methodConfig.initialWeights = otherInit.methodConfig.initialWeights.map(() => "65536");
    assert.match((await checkReceipt(otherInit, { keys, allowDev: true })).reasons.join("; "), /methodConfig does not hash to its configHash/);
    const noConfig = clone(inclusion);
    delete noConfig.methodConfig;
    assert.match((await checkReceipt(noConfig, { keys, allowDev: true })).reasons.join("; "), /receipt\.methodConfig must be an object/);
  });

  it("repair: one proved SGD step per touched batch, logged in place of its subtracted update; the chain stays VALID; nothing left to repair after", async function () {
    const before = await restoreAt(dir);
    assert.deepEqual(repairableBatches(before), [0, 2, 3], "slots 1, 4, 6 were in batches 0, 2, 3");
    const lines: string[] = [];
    const steps = await repairWorkspace(dir, { log: (m) => lines.push(m) });
    assert.equal(steps.length, 3);
    assert.deepEqual(steps.map((s) => (s.entry.bundle!.statement as unknown as { batch: number }).batch), [0, 2, 3]);
    assert.ok(lines.some((l) => /batch 2 repaired: proved/.test(l)), lines.join("\n"));
    const after = await restoreAt(dir);
    assert.deepEqual(repairableBatches(after), []);
    assert.notDeepEqual(after.model.weights, before.model.weights, "the repair moved the weights");
    assert.deepEqual(await repairWorkspace(dir), [], "nothing to repair twice");
    const repaired = await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys);
    const report = await verifyAuditPackage(repaired, { keys, allowDev: true });
    assert.equal(report.valid, true, report.problems.map((p) => p.reason).join("\n"));
    assert.match(repaired.entries.at(-1)!.bundle!.statement.type, /amnesiac-repair/);
    // A later deletion of another record of a repaired batch subtracts the repair's update too (the restore's invariant holds).
    await forgetInWorkspace(dir, ["r5"]);
    const again = await restoreAt(dir);
    assert.deepEqual(repairableBatches(again), [], "batch 2 has no live record left");
    assert.equal((await verifyAuditPackage(await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys), { keys, allowDev: true })).valid, true);
  });

  it("the browser build of the verifier (the page's library) verifies the amnesiac bundles and the chain, and describes the unlearning as approximate", async function () {
    const built = await buildWeb({ outDir: join(root, "web"), keysDir: join(root, "keys") });
    const lib = await import(pathToFileURL(built.library).href) as typeof import("../src/verifier/browser.ts");
    const ring = lib.keyRingOf([...keys.values()]);
    const repaired = await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys);
    for (const type of ["amnesiac-train", "amnesiac-unlearn", "amnesiac-repair"]) {
      const bundle = repaired.entries.find((e) => e.bundle?.statement.type === type)!.bundle!;
      const r = await lib.verifyBundle(bundle, { keys: ring, allowDev: true });
      assert.equal(r.valid, true, `${type}: ${r.reasons.join("; ")}`);
      if (type === "amnesiac-unlearn") assert.match(lib.describeStatement(bundle.statement), APPROXIMATE);
      if (type === "amnesiac-repair") assert.match(lib.describeStatement(bundle.statement), /repair/);
    }
    assert.equal((await lib.verifyAuditPackage(repaired, { keys: ring, allowDev: true })).valid, true);
  });

  it("a server job plans the unlearning its proof then makes (the planned state is the proved one)", async function () {
    const ws = await restoreAt(dir);
    const [step] = await amnesiacDeletionJob.plan(ws, ["r0"]);
    const key = await ensureDevKey(getProfile(AMNESIAC_UNLEARN_PROFILE));
    const proved = await amnesiacDeletionJob.prove(ws, step!.after, step!, key);
    const poseidon = await getPoseidon();
    const statement = proved.bundle.statement as unknown as { oldState: string; newState: string };
    assert.equal(statement.newState, toHex32(systemState(amnesiacSystem(step!.after), poseidon)));
    assert.equal(statement.oldState, toHex32(systemState(amnesiacSystem(ws), poseidon)));
  });

  it("evaluate: the gap to an exact retraining on three forget sets with the spread, the workspace unchanged", async function () {
    const ws = await restoreAt(dir);
    const before = (await openLedger(dir, { readonly: true }));
    const head = before.head();
    before.close();
    const report = await evaluateAmnesiacUnlearning(ws, ["r0", "r2"], {});
    assert.equal(report.sets.length, 3);
    assert.deepEqual(report.sets[0]!.ids, ["r0", "r2"]);
    for (const set of report.sets) {
      assert.equal(set.ids.length, 2);
      assert.ok(set.ids.every((id) => ws.dataset.liveSlots().some((s) => s.id === id)), "drawn from the live records");
      assert.ok(set.gap.l2ToReference.unlearned >= 0 && Number.isFinite(set.gap.l2ToReference.unlearned));
      for (const m of ["original", "unlearned", "reference"] as const) assert.ok(set.gap.auc.loss[m] >= 0 && set.gap.auc.loss[m] <= 1);
    }
    assert.ok(report.spread.l2ToRetrained.min <= report.spread.l2ToRetrained.max);
    assert.equal(report.efficiency.unlearning.proofs, 1);
    assert.equal(report.efficiency.fullRetrain.proofs, 8, "the whole training proved again");
    assert.match(formatAmnesiacEvaluation(report), /approximate: logged updates subtracted[\s\S]*spread over 3 sets/);
    const after = await openLedger(dir, { readonly: true });
    try {
      assert.deepEqual(after.head(), head, "evaluate writes nothing to the ledger");
    } finally {
      after.close();
    }
    await assert.rejects(evaluateAmnesiacUnlearning(ws, ["r4"]), /r4/, "an already deleted record");
  });

  it("a snapshot whose weights or log were edited, or whose config is another, is refused naming it", async function () {
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
      await assert.rejects(restoreWith((b) => { b.model.weights[0] = String(BigInt(b.model.weights[0]) + 1n); }), /snap: .*\$\.model\.weights.*not the initial weights plus the updates still in the log/);
      await assert.rejects(restoreWith((b) => { const e = b.model.log.find((x: { subtracted: boolean }) => !x.subtracted); e.delta[0] = String(BigInt(e.delta[0]) + 5n); }), /not the initial weights plus the updates still in the log/);
      await assert.rejects(restoreWith((b) => { b.model.log[0].subtracted = !b.model.log[0].subtracted; }), /not the initial weights plus the updates still in the log|state/);
      await assert.rejects(restoreWith((b) => { b.model.log.push(b.model.log[0]); }), /\$\.model\.log.*has 17 steps; the training has 16/);
      await assert.rejects(restoreWith((b) => { b.config.dataDepth = 5; }), /config/);
      await assert.rejects(restoreWith((b) => { b.config.testRoot = `0x${"0".repeat(63)}1`; }), /testRoot|hash/);
    } finally {
      ledger.close();
    }
  });

  describe("attacks, each refused", function () {
    it("a chain with a training proof left out, or with the unlearning replayed", async function () {
      const skipped = clone(pkg);
      skipped.entries.splice(3, 1);
      const r1 = await verifyAuditPackage(skipped, { keys, allowDev: true });
      assert.equal(r1.valid, false);
      const replayed = clone(pkg);
      const at = replayed.entries.findIndex((e) => e.bundle?.statement.type === "amnesiac-unlearn");
      replayed.entries[at + 1]!.bundle = clone(replayed.entries[at]!.bundle!);
      const r2 = await verifyAuditPackage(replayed, { keys, allowDev: true });
      assert.equal(r2.valid, false);
      assert.match(r2.problems.map((p) => p.reason).join("\n"), /is not its statement's old state/);
    });

    it("a package label naming a profile of the family that no proof used is not reported as the chain's profile", async function () {
      const relabelled = clone(pkg);
      const repairProfile = getProfile(AMNESIAC_UNLEARN_PROFILE).companions!.repair!;
      relabelled.profile = repairProfile;
      const report = await verifyAuditPackage(relabelled, { keys, allowDev: true });
      assert.notEqual(report.profile, repairProfile, "no repair proof is in this chain");
      assert.equal(report.profile, AMNESIAC_TRAIN_PROFILE, "the first transition's profile");
    });

    it("an unlearning bundle appended to another workspace's ledger", async function () {
      const other = join(root, "other");
      await commitWorkspace(other, split().train, { profile: getProfile(AMNESIAC_UNLEARN_PROFILE), hyper: { learningRate: 0.25 } });
      const unlearn = pkg.entries.find((e) => e.bundle?.statement.type === "amnesiac-unlearn")!.bundle!;
      const ledger = await openLedger(other);
      try {
        const otherWs = await restoreState(ledger);
        const ring = runKeys(otherWs.profile, {}, () => {});
        await assert.rejects(appendProof(ledger, other, { bundle: unlearn, ...(await ring.bundleKeys(unlearn)), after: otherWs, proveSeconds: 0 }), /refused/);
      } finally {
        ledger.close();
      }
      await assert.rejects(forgetInWorkspace(other, ["r2"]), /not trained yet .*run `zkforget train` before a deletion/);
    });
  });

  it("the CLI: commit, train, forget, verify, verify-chain and report say the unlearning is approximate", async function () {
    const cli = join(root, "cli");
    const { train, test } = split();
    const csv = (d: Dataset) => `id,a,b,label\n${d.records.map((r) => [r.id, ...r.features, r.label].join(",")).join("\n")}\n`;
    await writeFile(join(root, "train.csv"), csv(train));
    await writeFile(join(root, "test.csv"), csv(test));
    const ok = (args: string[]) => {
      const r = runCli(args, 300_000);
      assert.equal(r.code, 0, `zkforget ${args.join(" ")}\n${r.stderr}`);
      return r;
    };
    const lambda = runCli(["commit", join(root, "train.csv"), "--workspace", cli, "--profile", AMNESIAC_UNLEARN_PROFILE, "--lambda", "1"]);
    assert.equal(lambda.code, 1);
    assert.match(lambda.stderr, /--lambda|λ/);
    ok(["commit", join(root, "train.csv"), "--workspace", cli, "--profile", AMNESIAC_UNLEARN_PROFILE, "--test", join(root, "test.csv"), "--lr", "0.5"]);
    const trained = ok(["train", "--workspace", cli]);
    assert.match(trained.stderr, /amnesiac steps 0–1 \(of 16\)/);
    assert.equal(trained.stdout.trim().split("\n").length, 8);
    const forgot = ok(["forget", "r3", "--workspace", cli, "--request-id", "gdpr-1", "--repair"]);
    assert.equal(forgot.stdout.trim().split("\n").length, 2, "the unlearning proof and the repair of batch 1");
    assert.match(forgot.stdout.trim().split("\n")[1]!, /-repair1\.json$/);
    const trusted = ["--keys", join(root, "keys"), "--allow-dev"];
    const verified = ok(["verify", forgot.stdout.trim().split("\n")[0]!, ...trusted]);
    assert.match(verified.stdout, APPROXIMATE);
    const chain = ok(["verify-chain", cli, ...trusted]);
    assert.match(chain.stdout, /VALID/);
    const evaluated = ok(["evaluate", "--forget", "r5", "--workspace", cli, "--no-baseline-proofs"]);
    assert.match(evaluated.stdout, /spread over 3 sets/);
    ok(["report", "--workspace", cli, "--md", "--out", join(root, "report.md"), ...trusted]);
    const md = await readFile(join(root, "report.md"), "utf8");
    assert.match(md, APPROXIMATE);
    assert.match(md, /repair step: one proved SGD step on the remaining records of batch 1/);
    ok(["export-solidity", AMNESIAC_UNLEARN_PROFILE, "--out", join(root, "sol")]);
  });
});
