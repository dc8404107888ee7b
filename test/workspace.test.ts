import { strict as assert } from "node:assert";
import Database from "better-sqlite3";
import { cp, mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { SISA_DEMO_HYPERPARAMETERS } from "../src/demo/sisaDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { Ledger } from "../src/ledger/ledger.ts";
import { configHash } from "../src/ml/config.ts";
import { ModelCommitment, stateHash } from "../src/sisa/model.ts";
import { loadKeyRing, releaseVerifierThreads, toHex32, type KeyRing } from "../src/verifier/index.ts";
import { checkReceipt } from "../src/verifier/receiptCheck.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { forgetInWorkspace } from "../src/workspace/forget.ts";
import { trainWorkspace } from "../src/workspace/train.ts";
import { openLedger, openSisaWorkspace, restoreState } from "../src/workspace/workspace.ts";
import { startCli } from "./helpers/childCli.ts";
import { SISA_TEST_PROFILE, tinyDataset } from "./helpers/sisaFixture.ts";

/** The tiny dataset's 13 records for training, and 4 more records (same features) as the test set. */
function trainAndTest(): { train: Dataset; test: Dataset } {
  const train = tinyDataset();
  const test = { featureNames: train.featureNames, records: [0.5, -0.25, 1.5, -1.75].map((x, i) => ({ id: `t${i}`, features: [x, -x / 2], label: i % 2 })) };
  return { train, test };
}

function ledgerState(dir: string): { entries: string; snapshot: string } {
  const ledger = Ledger.open(join(dir, "ledger.sqlite"));
  try {
    return { entries: JSON.stringify(ledger.entries()), snapshot: JSON.stringify(ledger.snapshot()) };
  } finally {
    ledger.close();
  }
}

describe("SISA workspace on the ledger (tiny profile, real proofs)", function () {
  let root: string;
  let dir: string;
  let keys: KeyRing;

  before(async function () {
    root = await mkdtemp(join(tmpdir(), "zkf-ws-"));
    dir = join(root, "ws");
    const key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    await publishKey(key, join(root, "keys"));
    keys = await loadKeyRing(join(root, "keys"));
  });
  after(releaseVerifierThreads);

  it("commit pins the held-out test set in the config and records the genesis state with the empty model", async function () {
    const { train, test } = trainAndTest();
    const result = await commitWorkspace(dir, train, { profile: getProfile(SISA_TEST_PROFILE), testSet: test, hyper: SISA_DEMO_HYPERPARAMETERS });
    const ws = await openSisaWorkspace(dir);
    assert.equal(ws.profile.name, SISA_TEST_PROFILE);
    assert.deepEqual(ws.testSet!.liveSlots().map((s) => s.id), ["t0", "t1", "t2", "t3"]);
    assert.equal(ws.system.config.testRoot, ws.testSet!.root, "the test set's root is pinned in the config");
    assert.equal(result.testRoot, toHex32(ws.testSet!.root));
    assert.equal(ws.system.dataset.size, 13);

    const poseidon = await getPoseidon();
    const empty = ModelCommitment.empty(1, 2, poseidon.hash).root;
    const genesis = toHex32(stateHash(ws.system.dataset.root, empty, configHash(ws.system.config, poseidon.hash), poseidon.hash));
    const ledger = await openLedger(dir);
    try {
      assert.deepEqual(ledger.entries().map((e) => [e.kind, e.oldState, e.newState]), [["commit", genesis, genesis]]);
      assert.equal(ledger.info.configHash, result.configHash);
      assert.equal(ledger.info.shards, 2);
    } finally {
      ledger.close();
    }
    const receipt = JSON.parse(await readFile(join(dir, "receipts", "r3.json"), "utf8"));
    assert.equal(receipt.state, genesis, "the inclusion receipt names the genesis state");
    const checked = await checkReceipt(receipt, { keys });
    assert.equal(checked.finding, "committed", checked.verdict);
    await assert.rejects(commitWorkspace(dir, train, { profile: getProfile(SISA_TEST_PROFILE) }), /ledger\.sqlite already exists; use --force/);
  });

  it("train proves every untrained shard, one ledger entry each; a second run has nothing to do", async function () {
    const lines: string[] = [];
    const trained = await trainWorkspace(dir, { log: (m) => lines.push(m) });
    assert.deepEqual(trained.map((t) => [t.shard, t.entry.seq, t.entry.kind]), [[0, 2, "genesis"], [1, 3, "genesis"]]);
    assert.ok(lines.some((l) => /shard 1 proved in [\d.]+ s → ledger entry 3/.test(l)), lines.join("\n"));
    assert.deepEqual((await readdir(join(dir, "bundles"))).sort(), ["0002-genesis-shard0.json", "0003-genesis-shard1.json"]);
    assert.equal((await openSisaWorkspace(dir)).system.models.trained().length, 2);
    assert.deepEqual(await trainWorkspace(dir), []);
  });

  it("forget records the request and appends one retraining per shard step; each subject gets a deletion receipt", async function () {
    const result = await forgetInWorkspace(dir, ["r9", "r1", "r2"], { requestId: "subject-1" });
    // The request is recorded in the chain first (entry 4), then answered.
    assert.deepEqual(result.steps.map((s) => [s.entry.seq, s.entry.kind, s.recordIds]), [[5, "retrain", ["r1", "r2"]], [6, "retrain", ["r9"]]]);
    assert.deepEqual([result.request.status, result.request.entries, result.request.recordCount], ["proved", [5, 6], 3]);
    const ledger = await openLedger(dir);
    try {
      const recorded = ledger.entries()[3]!;
      assert.deepEqual([recorded.seq, recorded.kind, recorded.requestId, recorded.recordCount, recorded.requestCommitment], [4, "request", "subject-1", 3, result.request.commitment]);
    } finally {
      ledger.close();
    }
    const ws = await openSisaWorkspace(dir);
    assert.deepEqual(ws.system.dataset.deletedSlots().map((s) => s.id), ["r1", "r2", "r9"]);

    const receipts = await readdir(join(dir, "receipts"));
    assert.ok(receipts.includes("r9.deletion.json") && !receipts.includes("r9.json"), "the inclusion copy (with the salt) is gone");
    const deletion = JSON.parse(await readFile(join(dir, "receipts", "r9.deletion.json"), "utf8"));
    assert.equal(deletion.seq, 6);
    assert.deepEqual([deletion.request.requestId, deletion.request.seq], ["subject-1", 4]);
    // Confirmed against the published chain (the audit package of this ledger), not on its own.
    const audit = await auditPackageFromLedger(join(dir, "ledger.sqlite"), keys);
    const checked = await checkReceipt(deletion, { keys, allowDev: true, audit });
    assert.equal(checked.finding, "deleted", checked.verdict);
    assert.match(checked.verdict, /shard 1's model was retrained from its initial weights without it/);
    assert.equal((await checkReceipt(deletion, { keys, allowDev: true })).ok, false, "a deletion receipt needs the published chain");
    const acknowledged = await checkReceipt(JSON.parse(await readFile(join(dir, "receipts", "subject-1.request.json"), "utf8")), { keys, allowDev: true, audit });
    assert.equal(acknowledged.finding, "requested", acknowledged.verdict);
  });

  it("refuses unknown ids before recording anything, and a used request id with other ids", async function () {
    const before = ledgerState(dir);
    await assert.rejects(forgetInWorkspace(dir, ["r3", "nobody"]), /unknown record id "nobody"/);
    await assert.rejects(forgetInWorkspace(dir, ["r1"]), /record "r1" was already deleted/);
    await assert.rejects(forgetInWorkspace(dir, ["r3"], { requestId: "subject-1" }), /deletion request "subject-1" was already proved/);
    assert.deepEqual(ledgerState(dir), before);
    const ledger = await openLedger(dir);
    assert.deepEqual(ledger.requests().map((r) => r.id), ["subject-1"]);
    ledger.close();
  });

  it("killed between a proof and its append: ledger and snapshot stay at the last entry, the request is not proved, a re-run completes", async function () {
    const copy = join(root, "crash");
    await cp(dir, copy, { recursive: true });
    const before = ledgerState(copy);
    // r3 (shard 0) and r10 (shard 1): two steps; the process kills itself before appending the second.
    const args = ["forget", "r3", "r10", "--workspace", copy, "--request-id", "subject-2"];
    const crashed = await startCli(args, { ZKFORGET_TEST_CRASH_BEFORE_APPEND: "2" }).done;
    assert.equal(crashed.signal, "SIGKILL", crashed.stderr);

    const ledger = await openLedger(copy);
    try {
      const entries = ledger.entries();
      assert.equal(entries.length, JSON.parse(before.entries).length + 2, "the request entry and only the first step were appended");
      assert.deepEqual(entries.slice(-2).map((e) => e.kind), ["request", "retrain"]);
      assert.equal(entries.at(-1)!.requestId, "subject-2");
      assert.equal(ledger.snapshot().seq, entries.at(-1)!.seq, "the snapshot is at the last entry");
      const ws = await restoreState(ledger); // recomputes every root and compares with the last entry's state
      assert.deepEqual(ws.kind === "sisa" && ws.system.dataset.deletedSlots().map((s) => s.id), ["r1", "r2", "r3", "r9"]);
      const request = ledger.request("subject-2")!;
      assert.equal(request.status, "proving");
      assert.deepEqual([request.seq, request.entries], [7, [8]]);
    } finally {
      ledger.close();
    }

    const rerun = await startCli(args).done;
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /resuming with 1 left/);
    const after = await openLedger(copy);
    try {
      const request = after.request("subject-2")!;
      assert.deepEqual([request.status, request.entries], ["proved", [8, 9]]);
      assert.equal(after.entries().filter((e) => e.kind === "request" && e.requestId === "subject-2").length, 1, "resuming records no second request entry");
      const ws = await restoreState(after);
      assert.deepEqual(ws.kind === "sisa" && ws.system.dataset.deletedSlots().map((s) => s.id), ["r1", "r2", "r3", "r9", "r10"]);
    } finally {
      after.close();
    }
  });

  it("a tampered snapshot is refused with the ledger's snapshot and the problem named", async function () {
    const copy = join(root, "tampered");
    await cp(dir, copy, { recursive: true });
    const db = new Database(join(copy, "ledger.sqlite"));
    const body = (db.prepare("SELECT body FROM snapshot").get() as { body: string }).body;
    const edit = (text: string) => db.prepare("UPDATE snapshot SET body = ?").run(text);
    try {
      edit(body.replace(/"weights":\["(-?\d+)"/, (_, w: string) => `"weights":["${BigInt(w) + 1n}"`));
      await assert.rejects(openSisaWorkspace(copy), /ledger\.sqlite \(snapshot\): the contents hash to state 0x[0-9a-f]{64}, not the recorded/);
      edit(body.replace('"label":"0"', '"label":"65536"'));
      await assert.rejects(openSisaWorkspace(copy), /ledger\.sqlite \(snapshot\): dataset: record "r\d+": its features, label and salt do not hash to its leaf/);
      edit(body.replace(/"testRoot":"0x[0-9a-f]+"/, `"testRoot":"${toHex32(0n)}"`));
      await assert.rejects(openSisaWorkspace(copy), /the test set hashes to root 0x[0-9a-f]{64}, not the config's testRoot 0x0{64}/);
      edit(body.slice(0, 100));
      await assert.rejects(openSisaWorkspace(copy), /ledger\.sqlite \(snapshot\): not valid JSON/);
    } finally {
      db.close();
    }
  });
});
