import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { demoFollowUps, formatSisaReport, runSisaDemo, SISA_DEMO_REQUEST_ID, type SisaDemoReport } from "../src/demo/sisaDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { Ledger } from "../src/ledger/ledger.ts";
import { loadKeyRing, releaseVerifierThreads } from "../src/verifier/index.ts";
import { checkReceipt } from "../src/verifier/receiptCheck.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { openSisaWorkspace } from "../src/workspace/workspace.ts";
import { runCli } from "./helpers/runCli.ts";
import { SISA_TEST_PROFILE, tinyDataset } from "./helpers/sisaFixture.ts";

/** 16 records fill the tiny profile's slots (2 shards of 8); the other 8 are the test set. */
function demoData(): Dataset {
  return {
    featureNames: ["a", "b"],
    records: Array.from({ length: 24 }, (_, i) => {
      const label = i % 2;
      // Separable with some overlap, so that accuracy is neither 0 nor trivially fixed.
      return { id: `p${i}`, features: [(label ? 0.5 : -0.5) + ((i * 37) % 10) / 20 - 0.25, ((i * 53) % 16) / 16 - 0.5], label };
    }),
  };
}

describe("zkforget demo on the controller workspace (tiny profile, real proofs)", function () {
  let root: string;
  let keysDir: string;
  let ws: string;
  let report: SisaDemoReport;
  const lines: string[] = [];

  before(async function () {
    root = await mkdtemp(join(tmpdir(), "zkf-demo-"));
    keysDir = join(root, "keys");
    await publishKey(await ensureDevKey(getProfile(SISA_TEST_PROFILE)), keysDir);
    ws = join(root, "demo");
    // A workspace is already there (an earlier run, left half done): the demo replaces it.
    await commitWorkspace(ws, tinyDataset(), { profile: getProfile(SISA_TEST_PROFILE) });
    await mkdir(join(ws, "bundles"));
    await writeFile(join(ws, "bundles", "0009-retrain-shard1.json"), "{}\n");
    report = await runSisaDemo(ws, (m) => lines.push(m), {
      profile: SISA_TEST_PROFILE, data: demoData(), subjectShard: 1, keysDir, proveAccuracy: true,
    });
  });
  after(releaseVerifierThreads);

  it("records commit, genesis trainings and the subject's deletion request in the workspace's ledger", async function () {
    const ledger = Ledger.open(report.ledgerPath);
    try {
      // The request is recorded in the chain when received (entry 4), then answered.
      // K = 2 in the tiny profile: the subject's 3 records take two retrainings of shard 1.
      assert.deepEqual(ledger.entries().map((e) => [e.seq, e.kind, e.requestId]), [
        [1, "commit", undefined], [2, "genesis", undefined], [3, "genesis", undefined], [4, "request", SISA_DEMO_REQUEST_ID],
        [5, "retrain", SISA_DEMO_REQUEST_ID], [6, "retrain", SISA_DEMO_REQUEST_ID], [7, "accuracy", undefined],
      ]);
      const request = ledger.request(SISA_DEMO_REQUEST_ID)!;
      assert.deepEqual([request.status, request.entries, request.recordIds, request.seq], ["proved", [5, 6], report.deletedIds, 4]);
      assert.deepEqual(report.states, ledger.entries().filter((e) => e.kind !== "request").slice(0, 5).map((e) => e.newState));
    } finally {
      ledger.close();
    }
    assert.deepEqual(report.deletedIds, ["p8", "p9", "p10"], "the first three records of shard 1");
    const after = await openSisaWorkspace(ws);
    assert.deepEqual(after.system.dataset.deletedSlots().map((s) => s.id), report.deletedIds);
    assert.equal(after.testSet?.size, 8, "the records beyond the slots are the committed test set");
    assert.deepEqual((await readdir(join(ws, "bundles"))).sort(), [...report.bundlePaths, report.accuracyProof!.bundlePath].map((p) => p.slice(p.lastIndexOf("/") + 1)), "only this run's bundles");
  });

  it("verifies the ledger's audit chain and each bundle, and keeps the evaluation next to the ledger", async function () {
    assert.equal(report.allValid, true, report.chain.summary.join("\n"));
    assert.equal(report.chain.valid, true);
    assert.deepEqual(report.chain.shardsCovered, [0, 1]);
    assert.deepEqual(report.chain.requests.map((r) => [r.id, r.proved]), [[SISA_DEMO_REQUEST_ID, true]]);
    assert.equal(report.verifyMilliseconds.length, 5, "one timing per proof in the ledger");
    assert.equal(report.accuracyProof?.valid, true);
    assert.equal(report.accuracyProof?.total, 8);
    assert.equal(report.genesisProveSeconds.length, 2);
    const evaluation = JSON.parse(await readFile(report.evaluationPath, "utf8"));
    assert.equal(evaluation.exact.identical, true, "the retrained model is the model retrained from scratch without the subject");
    assert.deepEqual(evaluation.forget.shardsTouched, [1]);
  });

  it("gives each deleted record a deletion receipt that checks as deleted against the published chain", async function () {
    assert.deepEqual(report.receiptPaths.map((p) => p.slice(p.lastIndexOf("/") + 1)).sort(), ["p10.deletion.json", "p8.deletion.json", "p9.deletion.json"]);
    // The chain holds the accuracy entry too: its key is in the keys the demo published.
    const keys = await loadKeyRing(report.keysDir ?? keysDir);
    const audit = await auditPackageFromLedger(report.ledgerPath, keys);
    for (const path of report.receiptPaths) {
      const receipt = JSON.parse(await readFile(path, "utf8")) as unknown;
      const checked = await checkReceipt(receipt, { keys, allowDev: true, audit });
      assert.equal(checked.finding, "deleted", `${path}: ${checked.verdict}`);
      assert.equal((await checkReceipt(receipt, { keys, allowDev: true })).ok, false, "not confirmed without the published chain");
    }
  });

  it("ends its report with follow-up commands that work on the workspace", function () {
    const text = formatSisaReport(report);
    const followUps = demoFollowUps(report);
    assert.ok(text.trimEnd().endsWith(followUps.at(-1)!), text);
    assert.ok(followUps.some((c) => c.includes(`receipt check ${report.receiptPaths[0]}`)));
    // The commands as printed, run in order from one directory (export writes ./audit, which the
    // head and receipt checks read). keysDir has no accuracy key, so the demo published the dev
    // keys it used in the workspace and the commands name them.
    assert.equal(report.keysDir, join(ws, "keys"));
    const cwd = root;
    const run = (part: string) => runCli(followUps.find((c) => c.includes(part))!.replace(/^npx zkforget /, "").split(" "), 120_000, cwd);
    const chain = run("verify-chain");
    assert.equal(chain.code, 0, chain.stdout + chain.stderr);
    assert.match(chain.stdout, /^VALID: 7 entries/);
    const requests = run(" requests ");
    assert.equal(requests.code, 0, requests.stderr);
    assert.match(requests.stdout, new RegExp(`${SISA_DEMO_REQUEST_ID}.*proved`));
    const exported = run("export");
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const heads = run("head verify");
    assert.equal(heads.code, 0, heads.stdout + heads.stderr);
    const receipt = run("receipt check");
    assert.equal(receipt.code, 0, receipt.stdout + receipt.stderr);
    assert.match(receipt.stdout, /DELETED: /);
  });

  it("replaces an existing workspace, keeping its ledger aside", async function () {
    assert.ok(lines.some((l) => /^replacing the workspace in /.test(l)), lines.join("\n"));
    const names = await readdir(ws);
    assert.equal(names.filter((n) => /^ledger\..*\.replaced\.sqlite$/.test(n)).length, 1, names.join(", "));
    assert.ok(!(await readdir(join(ws, "receipts"))).includes("r0.json"), "the old workspace's receipts are gone");
  });
});
