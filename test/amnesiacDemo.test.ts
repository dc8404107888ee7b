import { strict as assert } from "node:assert";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatAmnesiacReport, runAmnesiacDemo, type AmnesiacDemoReport } from "../src/demo/amnesiacDemo.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { AMNESIAC_UNLEARN_PROFILE } from "./helpers/amnesiacFixture.ts";
import { runCli } from "./helpers/runCli.ts";

/** 22 records of the tiny two-feature kind: the first 16 fill the tree, the other 6 are the test set. */
function tinyData(): Dataset {
  return {
    featureNames: ["a", "b"],
    records: Array.from({ length: 22 }, (_, i) => ({
      id: `r${i}`,
      features: [((i * 37) % 100) / 50 - 1, ((i * 53 + 11) % 100) / 64 - 0.75],
      label: (i * 5) % 3 === 0 ? 1 : 0,
    })),
  };
}

describe("zkforget demo --method amnesiac (tiny profiles, real proofs)", function () {
  let report: AmnesiacDemoReport;
  const lines: string[] = [];

  before(async function () {
    const root = await mkdtemp(join(tmpdir(), "zkf-amnesiac-demo-"));
    report = await runAmnesiacDemo(join(root, "ws"), (m) => lines.push(m), { profile: AMNESIAC_UNLEARN_PROFILE, data: tinyData(), subjectIds: ["r3", "r9"] });
  });

  it("proves every training step and the subject's unlearning, and the standalone verifier finds the chain VALID", function () {
    assert.equal(report.chain.valid, true, report.chain.summary.join("\n"));
    assert.equal(report.allValid, true);
    assert.equal(report.steps, 16);
    assert.equal(report.trainingProofs, 8);
    assert.equal(report.verifyMilliseconds.length, 11, "8 training proofs, one unlearning (K = 2), two repairs");
    assert.equal(report.repair.steps, 2, "batches 1 and 4 repaired");
    assert.deepEqual(report.deletedIds, ["r3", "r9"]);
    assert.equal(report.receiptPaths.length, 2);
    assert.ok(lines.some((l) => l.includes("VALID")));
  });

  it("labels the unlearning approximate, with the step count from the schedule, and reports the gap to retraining", function () {
    // Slots 3 and 9 are in batches 1 and 4: 2 batches × 2 epochs.
    assert.equal(report.label, "approximate unlearning: the updates of 4 steps that used the deleted records were subtracted");
    assert.equal(report.gap.subtractedSteps, 4);
    assert.ok(report.gap.l2ToReference.unlearned >= 0);
    const text = formatAmnesiacReport(report);
    assert.match(text, /APPROXIMATE/);
    assert.match(text, /approximate unlearning: the updates of 4 steps/);
    assert.match(text, /NOT proved/);
    assert.match(text, /--keys /);
  });

  it("the follow-up verify-chain on the demo's workspace agrees", function () {
    const r = runCli(["verify-chain", report.workspace, "--allow-dev", "--keys", report.keysDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /VALID/);
  });

  it("zkforget demo --method names the known methods when given another", function () {
    const r = runCli(["demo", "--method", "nonesuch"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /sisa, ridge, amnesiac/);
  });
});
