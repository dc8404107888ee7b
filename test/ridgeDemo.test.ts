import { strict as assert } from "node:assert";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRidgeReport, runRidgeDemo, type RidgeDemoReport } from "../src/demo/ridgeDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
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
    assert.match(text, /after forgetting 2 \d+\.\d % \(class 2: 0\.0 %, predicted 0×\)/);
    assert.match(text, /NOT proved/);
    assert.match(text, /--keys /, "the follow-ups name the published ridge keys");
  });

  it("the follow-up verify-chain on the demo's workspace agrees", function () {
    const r = runCli(["verify-chain", report.workspace, "--allow-dev", "--keys", report.keysDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it("demo --method bogus is refused, naming the known methods", function () {
    const r = runCli(["demo", "--method", "bogus", "--workspace", join(root, "bogus")]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no demo for method "bogus"; the known methods are sisa, ridge/);
  });
});
