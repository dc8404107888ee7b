import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Ledger } from "../src/ledger/ledger.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/** The private snapshot of a workspace's ledger. */
function snapshotOf(ws: string): { state: string; body: string } {
  const ledger = Ledger.open(join(ws, "ledger.sqlite"));
  try {
    return ledger.snapshot();
  } finally {
    ledger.close();
  }
}

/** Runs the real CLI entry point (bin/zkforget.js) as a user would. */
function zkforget(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/zkforget.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("zkforget CLI", function () {
  let f: DeletionFixture;
  let dir: string;

  before(async function () {
    f = await deletionFixture(); // builds the dev key the CLI will find in the cache
    dir = await mkdtemp(join(tmpdir(), "zkf-cli-"));
    const rows = ["id,a,b,label", "alice-1,0.5,1.25,1", "bob-1,-2,3,0", "alice-2,0.125,0,1", "carol-1,7,-7.5,0"];
    await writeFile(join(dir, "data.csv"), `${rows.join("\n")}\n`);
  });

  it("prints help for the tool and for every command", function () {
    const top = zkforget(["--help"]);
    assert.equal(top.code, 0);
    for (const cmd of ["demo", "commit", "forget", "verify", "setup", "ceremony"]) {
      assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
      const help = zkforget([cmd, "--help"]);
      assert.equal(help.code, 0, cmd);
      assert.match(help.stdout, /^Usage: zkforget/);
    }
    assert.equal(zkforget(["frobnicate"]).code, 2);
  });

  it("commit → forget → verify, with receipts, atomic state and exit codes 0/1/2", async function () {
    const ws = join(dir, "ws");
    const commit = zkforget(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", TEST_PROFILE]);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /dataRoot +0x[0-9a-f]{64}/);
    assert.deepEqual((await readdir(join(ws, "receipts"))).sort(), ["alice-1.json", "alice-2.json", "bob-1.json", "carol-1.json"]);
    const receipt = JSON.parse(await readFile(join(ws, "receipts", "alice-2.json"), "utf8"));
    assert.equal(receipt.kind, "inclusion");
    assert.equal(receipt.index, 2);
    assert.equal(receipt.siblings.length, 8);

    assert.equal(zkforget(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", TEST_PROFILE]).code, 2, "refuses to overwrite the ledger");

    // Three ids with K = 2: split into two consecutive proofs.
    const forget = zkforget(["forget", "alice-1", "alice-2", "carol-1", "--workspace", ws]);
    assert.equal(forget.code, 0, forget.stderr);
    const bundles = forget.stdout.trim().split("\n");
    assert.equal(bundles.length, 2);
    const state = JSON.parse(snapshotOf(ws).body);
    assert.deepEqual(state.dataset.live.map((s: { id: string }) => s.id), ["bob-1"]);
    assert.deepEqual(state.dataset.deleted.map((s: { id: string }) => s.id), ["alice-1", "alice-2", "carol-1"]);
    assert.ok(!JSON.stringify(state.dataset.deleted).includes("salt"), "deleted records keep no salt or features");
    const b1 = JSON.parse(await readFile(bundles[0]!, "utf8")), b2 = JSON.parse(await readFile(bundles[1]!, "utf8"));
    assert.equal(b1.statement.newRoot, b2.statement.oldRoot, "consecutive proofs chain");
    assert.equal(b2.statement.newRoot, state.dataRoot);

    const ok = zkforget(["verify", bundles[0]!, "--keys", f.keysDir, "--allow-dev"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^VALID: dataset deletion: dataRoot 0x/);
    const json = zkforget(["verify", bundles[1]!, "--keys", f.keysDir, "--allow-dev", "--json"]);
    assert.equal(json.code, 0);
    assert.equal(JSON.parse(json.stdout).valid, true);

    const noDev = zkforget(["verify", bundles[0]!, "--keys", f.keysDir]);
    assert.equal(noDev.code, 1);
    assert.match(noDev.stdout, /INVALID[\s\S]*INSECURE dev key/);

    const forged = { ...b1, publicSignals: [...b1.publicSignals] };
    forged.publicSignals[2] = "12345";
    await writeFile(join(dir, "forged.json"), JSON.stringify(forged));
    const bad = zkforget(["verify", join(dir, "forged.json"), "--keys", f.keysDir, "--allow-dev", "--json"]);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).valid, false);

    await writeFile(join(dir, "truncated.json"), JSON.stringify(b1).slice(0, 200));
    const truncated = zkforget(["verify", join(dir, "truncated.json"), "--keys", f.keysDir, "--allow-dev"]);
    assert.equal(truncated.code, 2);
    assert.match(truncated.stdout, /UNUSABLE[\s\S]*malformed JSON/);
    assert.equal(zkforget(["verify", join(dir, "missing.json"), "--keys", f.keysDir]).code, 2);
  });

  it("names unknown or already deleted record ids, and leaves the state untouched", async function () {
    const ws = join(dir, "ws2");
    assert.equal(zkforget(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", TEST_PROFILE]).code, 0);
    const before = await readFile(join(ws, "ledger.sqlite"));
    const unknown = zkforget(["forget", "alice-1", "mallory-9", "--workspace", ws]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown record id "mallory-9"/);
    assert.deepEqual(await readFile(join(ws, "ledger.sqlite")), before);
  });

  it("reports bad input files with file, row and column", async function () {
    await writeFile(join(dir, "bad.csv"), "id,a,label\nx,1,0\ny,NaN,1\n");
    const r = zkforget(["commit", join(dir, "bad.csv"), "--workspace", join(dir, "ws3"), "--profile", TEST_PROFILE]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.csv row 3, column "a"/);
  });

  it("refuses a corrupted ledger or a tampered snapshot with a clear error, changing nothing", async function () {
    const ws = join(dir, "ws4");
    assert.equal(zkforget(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", TEST_PROFILE]).code, 0);
    const ledger = join(ws, "ledger.sqlite");
    const good = await readFile(ledger);
    await writeFile(ledger, good.subarray(0, good.length / 2));
    const cut = await readFile(ledger);
    const r = zkforget(["forget", "alice-1", "--workspace", ws]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`${ledger}: not a zkforget ledger, or the database is corrupt`), r.stderr);
    assert.deepEqual(await readFile(ledger), cut, "the corrupted file is left as it was");
    await writeFile(ledger, good);
    const db = new Database(ledger);
    db.prepare("UPDATE snapshot SET body = replace(body, '\"label\":\"65536\"', '\"label\":\"0\"')").run();
    db.close();
    const t = zkforget(["forget", "alice-1", "--workspace", ws]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /ledger\.sqlite \(snapshot\): dataset: record "alice-1": its features, label and salt do not hash to its leaf/);
  });
});
