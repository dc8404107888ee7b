import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { EvaluationReport } from "../src/evaluation/report.ts";
import { SISA_TEST_PROFILE, tinyDataset } from "./helpers/sisaFixture.ts";

/** Runs the real CLI entry point (bin/zkforget.js) as a user would. */
function zkforget(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/zkforget.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const csv = (records: { id: string; features: number[]; label: number }[]) =>
  `id,a,b,label\n${records.map((r) => [r.id, ...r.features, r.label].join(",")).join("\n")}\n`;

describe("zkforget evaluate (tiny SISA workspace)", function () {
  let dir: string;
  let ws: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "zkf-evaluate-"));
    ws = join(dir, "ws");
    await writeFile(join(dir, "data.csv"), csv(tinyDataset().records));
    const test = Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, features: [((i * 41 + 7) % 100) / 50 - 1, ((i * 29 + 3) % 100) / 64 - 0.75], label: i % 2 }));
    await writeFile(join(dir, "test.csv"), csv(test));
    const commit = zkforget(["commit", join(dir, "data.csv"), "--workspace", ws, "--profile", SISA_TEST_PROFILE, "--test", join(dir, "test.csv")]);
    assert.equal(commit.code, 0, commit.stderr);
    const train = zkforget(["train", "--workspace", ws]);
    assert.equal(train.code, 0, train.stderr);
  });

  it("prints help, and refuses a call without ids (2) or with an unknown id (2)", function () {
    const help = zkforget(["evaluate", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: zkforget evaluate/);
    assert.match(help.stdout, /not proved/);
    const none = zkforget(["evaluate", "--workspace", ws]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name at least one record id/);
    const unknown = zkforget(["evaluate", "--workspace", ws, "--forget", "nobody"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown record id "nobody"/);
  });

  it("writes evaluation.json atomically, prints the JSON, and leaves the ledger and bundles alone", async function () {
    const ledgerBefore = bytesToHex(sha256(await readFile(join(ws, "ledger.sqlite"))));
    const bundlesBefore = await readdir(join(ws, "bundles"));
    await writeFile(join(dir, "ids.txt"), "r6\n\n");
    const r = zkforget(["evaluate", "--workspace", ws, "--forget", "r1", "--ids-file", join(dir, "ids.txt"), "--json", "--no-baseline-proofs"]);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as EvaluationReport;
    const written = JSON.parse(await readFile(join(ws, "evaluation.json"), "utf8")) as EvaluationReport;
    assert.deepEqual(printed, written);
    assert.equal(written.format, "zkforget-evaluation");
    assert.equal(written.provenance, "measured by the controller, not proved");
    assert.deepEqual(written.forget, { size: 2, shardsTouched: [0], proofs: 1 });
    assert.equal(written.exact.identical, true);
    assert.equal(written.efficiency.fullRetrain.proved, false);
    assert.equal(written.records.test, 12);
    assert.equal(bytesToHex(sha256(await readFile(join(ws, "ledger.sqlite")))), ledgerBefore, "the ledger is unchanged");
    assert.deepEqual(await readdir(join(ws, "bundles")), bundlesBefore, "no bundle written");
    assert.deepEqual((await readdir(ws)).filter((f) => f.endsWith(".tmp")), [], "no temporary file left");
  });

  it("--out FILE writes elsewhere and prints the summary", async function () {
    const out = join(dir, "eval-out.json");
    const r = zkforget(["evaluate", "--workspace", ws, "--forget", "r2", "--out", out, "--no-baseline-proofs"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /measured by the controller, not proved/);
    assert.match(r.stdout, /bit for bit: yes/);
    assert.equal((JSON.parse(await readFile(out, "utf8")) as EvaluationReport).forget.size, 1);
  });

  it("fails (1) on a SISA workspace without a committed test set, naming it", function () {
    const bare = join(dir, "bare");
    const commit = zkforget(["commit", join(dir, "data.csv"), "--workspace", bare, "--profile", SISA_TEST_PROFILE]);
    assert.equal(commit.code, 0, commit.stderr);
    const r = zkforget(["evaluate", "--workspace", bare, "--forget", "r1"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has no committed held-out test set/);
  });
});
