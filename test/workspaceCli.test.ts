import { strict as assert } from "node:assert";
import { cp, mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Ledger } from "../src/ledger/ledger.ts";
import { encodeFixed } from "../src/encoding/fixedPoint.ts";
import { initialWeightsFromSeed } from "../src/ml/config.ts";
import { releaseVerifierThreads } from "../src/verifier/index.ts";
import { openSisaWorkspace } from "../src/workspace/workspace.ts";
import { startCli, type CliOutcome } from "./helpers/childCli.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/** Entries and snapshot of a workspace's ledger as one string, and its requests. */
function ledgerDump(ws: string): { chain: string; entries: ReturnType<Ledger["entries"]>; snapshot: ReturnType<Ledger["snapshot"]>; requests: ReturnType<Ledger["requests"]> } {
  const ledger = Ledger.open(join(ws, "ledger.sqlite"));
  try {
    const [entries, snapshot] = [ledger.entries(), ledger.snapshot()];
    return { chain: JSON.stringify({ entries, snapshot }), entries, snapshot, requests: ledger.requests() };
  } finally {
    ledger.close();
  }
}

const cli = async (args: string[], env?: Record<string, string>): Promise<CliOutcome> => startCli(args, env).done;

describe("zkforget CLI workspaces: ledger, requests, receipts, export", function () {
  let f: DeletionFixture;
  let dir: string;
  let ws: string;

  before(async function () {
    f = await deletionFixture(); // builds the dev key the CLI finds in the cache
    dir = await mkdtemp(join(tmpdir(), "zkf-wscli-"));
    const rows = ["id,a,b,label", "alice-1,0.5,1.25,1", "bob-1,-2,3,0", "alice-2,0.125,0,1", "carol-1,7,-7.5,0", "dave-1,1,1,1", "erin-1,2,2,0"];
    await writeFile(join(dir, "data.csv"), `${rows.join("\n")}\n`);
    ws = join(dir, "ws");
    const commit = await cli(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", TEST_PROFILE]);
    assert.equal(commit.code, 0, commit.stderr);
  });
  after(releaseVerifierThreads);

  it("has --help for train, requests, receipt and export", async function () {
    for (const cmd of ["train", "requests", "receipt", "export"]) {
      const help = await cli([cmd, "--help"]);
      assert.equal(help.code, 0, cmd);
      assert.match(help.stdout, new RegExp(`^Usage: zkforget ${cmd}`));
    }
    assert.equal((await cli(["requests", "--overdue", "soon", "--workspace", ws])).code, 2);
    assert.equal((await cli(["export", "--workspace", ws])).code, 2, "--out is required");
  });

  it("killed between the proof and the append: ledger and snapshot unchanged, request not proved; a re-run completes", async function () {
    const copy = join(dir, "crash");
    await cp(ws, copy, { recursive: true });
    const before = ledgerDump(copy);
    const args = ["forget", "dave-1", "--workspace", copy, "--request-id", "dave"];
    const crashed = await cli(args, { ZKFORGET_TEST_CRASH_BEFORE_APPEND: "1" });
    assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
    assert.match(crashed.stderr, /proving the deletion of 1 record/);
    const after = ledgerDump(copy);
    // Only the request entry (recorded on receipt, before proving; it keeps the state) was appended.
    assert.deepEqual(after.entries.slice(0, -1), before.entries, "the earlier entries are unchanged");
    assert.deepEqual(after.entries.slice(-1).map((e) => [e.seq, e.kind, e.requestId, e.oldState, e.newState]),
      [[2, "request", "dave", before.entries.at(-1)!.newState, before.entries.at(-1)!.newState]]);
    assert.deepEqual([after.snapshot.state, after.snapshot.body], [before.snapshot.state, before.snapshot.body], "the snapshot is at the last committed state");
    assert.deepEqual(after.requests.map((r) => [r.id, r.status, r.entries]), [["dave", "proving", []]]);

    const rerun = await cli(args);
    assert.equal(rerun.code, 0, rerun.stderr);
    const done = ledgerDump(copy);
    assert.deepEqual(done.requests.map((r) => [r.id, r.status, r.entries]), [["dave", "proved", [3]]]);
    assert.equal(done.entries.filter((e) => e.kind === "request").length, 1, "resuming records no second request entry");
  });

  it("serialises two concurrent forget runs on one workspace: the second waits, then appends after the first", async function () {
    const copy = join(dir, "concurrent");
    await cp(ws, copy, { recursive: true });
    // First: 3 ids with K = 2, two proofs. Second: started once the first holds the lock.
    // The first run proves with snarkjs so that it surely still holds the lock when the second
    // (a cold CLI start) asks for it: with the native prover it can be done before that.
    const first = startCli(["forget", "alice-1", "alice-2", "carol-1", "--workspace", copy, "--request-id", "first"], { ZKFORGET_PROVER: "snarkjs" });
    const lock = join(copy, ".zkforget.lock");
    while (!(await stat(lock).then(() => true, () => false))) await sleep(50);
    const second = startCli(["forget", "bob-1", "--workspace", copy, "--request-id", "second"]);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, new RegExp(`waiting: another zkforget run \\(pid ${first.pid}\\) is working on`));
    const { chain, requests } = ledgerDump(copy);
    // Each request entry precedes its answers: first at 2 (answered by 3, 4), second at 5 (answered by 6).
    assert.deepEqual(requests.map((r) => [r.id, r.status, r.entries]), [["first", "proved", [3, 4]], ["second", "proved", [6]]]);
    const entries = JSON.parse(chain).entries as { oldState: string; newState: string }[];
    entries.slice(1).forEach((e, i) => assert.equal(e.oldState, entries[i]!.newState, "each entry continues the previous one"));
    assert.ok(!(await stat(lock).then(() => true, () => false)), "the lock is released");
  });

  it("lists requests, overdue ones, as a table or JSON without record ids", async function () {
    const copy = join(dir, "requests");
    await cp(ws, copy, { recursive: true });
    assert.equal((await cli(["forget", "erin-1", "--workspace", copy, "--request-id", "erin"])).code, 0);
    const crashed = await cli(["forget", "dave-1", "--workspace", copy, "--request-id", "dave"], { ZKFORGET_TEST_CRASH_BEFORE_APPEND: "1" });
    assert.equal(crashed.signal, "SIGKILL");

    const table = await cli(["requests", "--workspace", copy]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID +STATUS +RECORDS +RECEIVED/);
    assert.match(table.stdout, /\nerin +proved +1 +\S+ +\S+ +3\n/);
    assert.match(table.stdout, /\ndave +proving +1 /);
    const overdue = await cli(["requests", "--workspace", copy, "--overdue", "0", "--json"]);
    assert.deepEqual(JSON.parse(overdue.stdout).map((r: { id: string; status: string }) => [r.id, r.status]), [["dave", "proving"]]);
    assert.ok(!overdue.stdout.includes("dave-1"), "record ids are not printed");
    assert.match((await cli(["requests", "--workspace", copy, "--overdue", "48"])).stdout, /no request is overdue/);
  });

  it("receipt check: committed, requested, deleted against the published chain, not the record, unknown slot (exit 0/1/2)", async function () {
    const copy = join(dir, "receipts");
    await cp(ws, copy, { recursive: true });
    assert.equal((await cli(["forget", "alice-2", "--workspace", copy, "--request-id", "alice"])).code, 0);
    const receipts = join(copy, "receipts");
    const keys = ["--keys", f.keysDir];
    const published = join(dir, "receipts-audit");
    assert.equal((await cli(["export", "--workspace", copy, "--out", published, ...keys])).code, 0);

    const committed = await cli(["receipt", "check", join(receipts, "bob-1.json"), "--record", '{"features":[-2,3],"label":0}', ...keys]);
    assert.equal(committed.code, 0, committed.stdout + committed.stderr);
    assert.match(committed.stdout, /^COMMITTED: your record .* is committed in slot 1 under dataset root 0x/);
    const wrong = await cli(["receipt", "check", join(receipts, "bob-1.json"), "--record", '{"features":[-2,3.5],"label":0}', ...keys]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /^NOT CONFIRMED: your record, with the receipt's salt, does not hash to the receipt's leaf/);

    const deletion = join(receipts, "alice-2.deletion.json");
    const deleted = await cli(["receipt", "check", deletion, "--audit", published, "--allow-dev", ...keys]);
    assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
    assert.match(deleted.stdout, /^DELETED: record "alice-2" in slot 2 was deleted from the dataset, at entry 3 of the published chain, answering request "alice".*INSECURE dev key/);
    const unpublished = await cli(["receipt", "check", deletion, "--allow-dev", ...keys]);
    assert.equal(unpublished.code, 1, "a deletion receipt is confirmed only against the published chain");
    assert.match(unpublished.stdout, /^NOT CONFIRMED: .*confirmed only against the controller's published audit package \(give --audit\)/);
    assert.match((await cli(["receipt", "check", deletion, "--audit", published, ...keys])).stdout, /^NOT CONFIRMED: the deletion proof is not valid: .*INSECURE dev key/);
    const requested = await cli(["receipt", "check", join(receipts, "alice.request.json"), "--audit", join(published, "audit.json"), "--allow-dev", ...keys]);
    assert.equal(requested.code, 0, requested.stdout + requested.stderr);
    assert.match(requested.stdout, /^REQUESTED: deletion request "alice" for slot 2 is recorded in the published chain at entry 2/);

    const bundle = JSON.parse(await readFile(deletion, "utf8")).bundle;
    await writeFile(join(dir, "b.json"), JSON.stringify(bundle));
    const notMine = await cli(["receipt", "check", join(receipts, "bob-1.json"), "--bundle", join(dir, "b.json"), "--allow-dev", ...keys]);
    assert.equal(notMine.code, 1);
    assert.match(notMine.stdout, /slot 1 \(record "bob-1"\) is not among the slots this proof deletes \(2\)/);

    const unknown = JSON.parse(await readFile(join(receipts, "bob-1.json"), "utf8"));
    unknown.index = 300;
    await writeFile(join(dir, "unknown.json"), JSON.stringify(unknown));
    const slot = await cli(["receipt", "check", join(dir, "unknown.json"), ...keys]);
    assert.equal(slot.code, 1);
    assert.match(slot.stdout, /slot 300 does not exist: a depth-8 tree has slots 0\.\.255/);
    assert.equal((await cli(["receipt", "check", join(dir, "missing.json")])).code, 2);
  });

  it("exports a self-contained audit package that verify-chain accepts", async function () {
    const copy = join(dir, "export");
    await cp(ws, copy, { recursive: true });
    assert.equal((await cli(["forget", "carol-1", "--workspace", copy, "--request-id", "carol"])).code, 0);
    await writeFile(join(copy, "evaluation.json"), JSON.stringify({ records: 6, forget: { size: 1, proofs: 1, accuracy: 1 }, note: "measured, not proved" }));
    const out = join(dir, "audit");
    const exported = await cli(["export", "--workspace", copy, "--out", out, "--keys", f.keysDir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /3 entries, 1 bundles, 1 requests, keys for deletion-d8-k2/);
    assert.deepEqual((await readdir(out)).sort(), ["README.md", "audit.json", "bundles", "keys"]);
    assert.deepEqual(await readdir(join(out, "bundles")), ["0003-deletion.json"]);
    assert.deepEqual((await readdir(join(out, "keys"))).sort(), ["deletion-d8-k2.manifest.json", "deletion-d8-k2.vkey.json"]);
    const audit = await readFile(join(out, "audit.json"), "utf8");
    // No record id and no record salt; the only salt is the proved request's, published to open its commitment.
    const slotSalts = await Promise.all(["alice-1", "bob-1", "dave-1"].map(async (id) => JSON.parse(await readFile(join(copy, "receipts", `${id}.json`), "utf8")).salt as string));
    assert.ok(!audit.includes("carol-1") && slotSalts.every((salt) => !audit.includes(salt.slice(2))), "nothing private is exported");
    const pkg = JSON.parse(audit) as { requests: { id: string; salt?: string }[] };
    assert.equal([...audit.matchAll(/"salt"/g)].length, 1);
    assert.match(pkg.requests[0]!.salt!, /^0x[0-9a-f]{64}$/);
    // The regulator's part of the evaluation: figures about the forgotten records stay with the controller.
    const evaluation = JSON.parse(audit).evaluation as Record<string, unknown>;
    assert.deepEqual([evaluation.records, evaluation.forget], [6, { size: 1, proofs: 1 }]);
    assert.ok(!("note" in evaluation) && typeof evaluation.omitted === "string");
    assert.match(await readFile(join(out, "README.md"), "utf8"), /npx zkforget verify-chain[\s\S]*INSECURE development keys/);

    const chain = await cli(["verify-chain", out, "--keys", f.keysDir, "--allow-dev"]);
    assert.equal(chain.code, 0, chain.stdout + chain.stderr);
    assert.equal((await cli(["export", "--workspace", copy, "--out", out, "--keys", f.keysDir])).code, 1, "refuses a non-empty --out");
  });

  it("commits a SISA workspace with a held-out split and hyperparameters, and rejects what training could not take", async function () {
    const rows = ["id,a,b,label", ...Array.from({ length: 12 }, (_, i) => `s${i},${(i % 5) / 4 - 0.5},${(i % 3) / 2 - 0.25},${i % 2}`)];
    await writeFile(join(dir, "sisa.csv"), `${rows.join("\n")}\n`);
    const sisaWs = join(dir, "sisa");
    const args = ["commit", join(dir, "sisa.csv"), "--workspace", sisaWs, "--profile", "sisa-d4-s1-f2-e2-k2"];
    const commit = await cli([...args, "--test-split", "3", "--lr", "1.5", "--l2", "0.125", "--init-seed", "abc"]);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /testRoot +0x[0-9a-f]{64} \(3 test records\)\n/);
    assert.match(commit.stdout, /next +zkforget train --workspace /);
    const opened = await openSisaWorkspace(sisaWs);
    assert.deepEqual(opened.testSet!.liveSlots().map((s) => s.id), ["s9", "s10", "s11"]);
    assert.equal(opened.system.dataset.size, 9);
    assert.deepEqual([opened.system.config.learningRate, opened.system.config.l2], [encodeFixed(1.5), encodeFixed(0.125)]);
    assert.deepEqual(opened.system.config.initialWeights, initialWeightsFromSeed("abc", 2));
    assert.equal(opened.system.config.testRoot, opened.testSet!.root);

    assert.equal((await cli([...args, "--force", "--test", join(dir, "sisa.csv"), "--test-split", "2"])).code, 2, "--test and --test-split");
    assert.equal((await cli(["commit", join(dir, "data.csv"), "--workspace", join(dir, "x"), "--profile", TEST_PROFILE, "--test-split", "2"])).code, 2);
    const bound = await cli(["commit", join(dir, "data.csv"), "--workspace", join(dir, "y"), "--profile", "sisa-d4-s1-f2-e2-k2"]);
    assert.equal(bound.code, 1);
    assert.match(bound.stderr, /record "bob-1" \(slot 1\), feature 1: value 3 is outside the training bound \[−2, 2\)/);
    const train = await cli(["train", "--workspace", ws]);
    assert.equal(train.code, 1);
    assert.match(train.stderr, /proves dataset deletions, which train no model/);
  });
});
