import { strict as assert } from "node:assert";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRidgeReport, runRidgeDemo, type RidgeDemoReport } from "../src/demo/ridgeDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import type { RidgeEvaluationReport } from "../src/methods/ridge/evaluation.ts";
import { runCli } from "./helpers/runCli.ts";
import { RIDGE_TINY } from "./helpers/ridgeFixture.ts";
import { syntheticRidgeData } from "./helpers/ridgeData.ts";

/** 11 training records (3 classes, 2 features) and 7 test records from the same clusters. */
function tinyRidgeData(): { train: Dataset; test: Dataset } {
  const all = syntheticRidgeData(18, RIDGE_TINY.features, RIDGE_TINY.classes, 3);
  const rows = (from: number, to: number, prefix: string) => all.slice(from, to).map((r, i) => ({ id: `${prefix}${i}`, features: [...r.features], label: r.cls }));
  return { train: { featureNames: ["f0", "f1"], records: rows(0, 11, "r") }, test: { featureNames: ["f0", "f1"], records: rows(11, 18, "t") } };
}

describe("zkforget demo --method ridge (tiny profiles, real proofs)", function () {
  let root: string;
  let report: RidgeDemoReport;
  const lines: string[] = [];

  before(async function () {
    root = await mkdtemp(join(tmpdir(), "zkf-ridge-demo-"));
    const { train, test } = tinyRidgeData();
    report = await runRidgeDemo(join(root, "ws"), (m) => lines.push(m), {
      profile: RIDGE_TINY.deletion, data: train, testSet: test, forgetClass: 2, subjectIds: ["r4", "r1", "r6"],
    });
  });

  it("proves genesis, the subject's deletion and the class forgetting, and the standalone verifier finds the chain VALID", function () {
    assert.equal(report.chain.valid, true, report.chain.summary.join("\n"));
    assert.equal(report.allValid, true);
    assert.deepEqual(report.chain.entries.map((e) => e.valid), report.chain.entries.map(() => true));
    assert.equal(report.verifyMilliseconds.length, 4, "genesis, two deletion proofs (K = 2), the class forgetting");
    assert.equal(report.batches, 4);
    for (let k = 1; k <= 4; k++) assert.ok(lines.some((l) => l.includes(`genesis batch ${k}/4`)), `a progress line for batch ${k}`);
    assert.deepEqual(report.deletedIds, ["r4", "r1", "r6"]);
    assert.equal(report.receiptPaths.length, 3, "a deletion receipt per record");
    assert.ok(lines.some((l) => l.includes("VALID")));
  });

  it("measures the accuracy after each step, and the forgotten class is never predicted afterwards", function () {
    assert.deepEqual(report.accuracy.map((a) => a.step), ["genesis", "deletion", "class forgotten"]);
    for (const a of report.accuracy) assert.ok(a.test >= 0 && a.test <= 1);
    assert.ok(report.accuracy[0]!.predictedAsClass > 0, "class 2 is predicted before it is forgotten");
    const after = report.accuracy[2]!;
    assert.equal(after.predictedAsClass, 0, "no test record is predicted as the forgotten class");
    assert.equal(after.forgottenClass, 0);
    const text = formatRidgeReport(report);
    assert.match(text, /after genesis \d+\.\d %/);
    assert.match(text, /after forgetting class 2 \d+\.\d % \(class 2: 0\.0 %, predicted 0×\)/);
    assert.match(text, /NOT proved/);
    assert.match(text, /--keys /, "the follow-ups name the published ridge keys");
  });

  it("the follow-up verify-chain on the demo's workspace agrees", function () {
    const r = runCli(["verify-chain", report.workspace, "--allow-dev", "--keys", report.keysDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it("evaluate on the ridge workspace: the unlearned model equals retraining from scratch, with utility, attacks and cost; the workspace is unchanged", function () {
    const before = runCli(["requests", "--workspace", report.workspace]);
    const r = runCli(["evaluate", "--workspace", report.workspace, "--forget", "r0", "--forget", "r2", "--forget", "r3", "--json", "--out", join(root, "evaluation.json")]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as RidgeEvaluationReport;
    assert.equal(doc.format, "zkforget-ridge-evaluation");
    assert.equal(doc.provenance, "measured by the controller, not proved");
    assert.deepEqual(doc.records.forget, 3);
    assert.equal(doc.records.retain, 5, "8 live records after the demo's deletion, 3 forgotten");
    assert.equal(doc.forget.proofs, 2, "K = 2: two ridge deletion proofs");
    assert.equal(doc.exact.identical, true, "the proved shift gives the weights solveRidge gives on the remaining records");
    assert.equal(doc.exact.maxWeightDistance, 0);
    assert.ok(doc.exact.statedBound > 0 && doc.exact.withinBound);
    for (const m of ["original", "unlearned", "reference"] as const) {
      for (const set of ["retain", "forget", "test"] as const) assert.ok(doc.utility[m][set] >= 0 && doc.utility[m][set] <= 1);
      for (const a of ["loss", "confidence"] as const) assert.ok(doc.membershipInference.attacks[a][m].auc >= 0 && doc.membershipInference.attacks[a][m].auc <= 1);
    }
    assert.deepEqual(doc.utility.unlearned, doc.utility.reference);
    assert.equal(doc.efficiency.fullRetrain.proved, true);
    assert.equal(doc.efficiency.fullRetrain.proofs, 5, "4 batch proofs and the genesis");
    assert.equal(doc.efficiency.unlearning.proofs, 2);
    assert.notEqual(doc.states.original, doc.states.unlearned);
    assert.equal(runCli(["requests", "--workspace", report.workspace]).stdout, before.stdout, "the ledger is not changed");
    const text = runCli(["evaluate", "--workspace", report.workspace, "--forget", "r0", "--no-baseline-proofs"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /ridge unlearning by model shift of 1 record/);
    assert.match(text.stdout, /identical, max ‖ΔW‖₂ 0\.00e\+0.*within the bound/);
    const unknown = runCli(["evaluate", "--workspace", report.workspace, "--forget", "r4"]);
    assert.equal(unknown.code, 2, "r4 was deleted by the demo");
    assert.match(unknown.stderr, /r4/);
  });

  it("runs again in the same workspace: the old ledger and its signed heads are kept aside, the new chain is VALID", async function () {
    const { train, test } = tinyRidgeData();
    const again = await runRidgeDemo(report.workspace, () => {}, { profile: RIDGE_TINY.deletion, data: train, testSet: test, forgetClass: 0, subjectIds: ["r2"] });
    assert.equal(again.allValid, true, again.chain.summary.join("\n"));
    const names = await readdir(report.workspace);
    assert.equal(names.filter((n) => /^heads\..*\.replaced\.jsonl$/.test(n)).length, 1, names.join(", "));
    assert.equal(names.filter((n) => /^ledger\..*\.replaced\.sqlite$/.test(n)).length, 1, names.join(", "));
  });

  it("demo --method bogus is refused, naming the known methods", function () {
    const r = runCli(["demo", "--method", "bogus", "--workspace", join(root, "bogus")]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no demo for method "bogus"; the known methods are sisa, ridge/);
  });
});
