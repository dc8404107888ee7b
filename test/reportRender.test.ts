import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { getProfile } from "../src/circuits/profiles.ts";
import { encodeRecord } from "../src/encoding/records.ts";
import { evaluateUnlearning } from "../src/evaluation/evaluate.ts";
import { trainAllShards } from "../src/evaluation/retrainAll.ts";
import type { EvaluationReport } from "../src/evaluation/report.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { renderHtmlReport } from "../src/report/html.ts";
import { chromiumPath, launchChromium } from "../src/report/pdf.ts";
import type { AuditPackage } from "../src/verifier/auditTypes.ts";
import { releaseVerifierThreads, verifyAuditPackage } from "../src/verifier/index.ts";
import { auditChainFixture, clonePackage, type AuditChainFixture } from "./helpers/auditChainFixture.ts";
import { runCli } from "./helpers/runCli.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./helpers/sisaFixture.ts";

/**
 * The report as a reader sees it: rendered by headless Chromium, charts measured on the page,
 * screenshots (and the PDF's first page as PNG) kept in test-artifacts/ to look at. Skips with a
 * visible message when Chromium is missing, unless ZKFORGET_REQUIRE_BROWSER=1 (CI), which fails.
 */

const ARTIFACTS = join(process.cwd(), "test-artifacts");
const VIEWPORT = { width: 1100, height: 900 };

interface Box { x: number; y: number; width: number; height: number }
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5
  && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;

async function box(page: Page, selector: string, index = 0): Promise<Box> {
  const b = await page.locator(selector).nth(index).boundingBox();
  assert.ok(b, `${selector} #${index} is rendered`);
  return b;
}

/** Bounding boxes of every element matching `selector` inside the n-th `within`. */
async function boxes(page: Page, within: string, selector: string, n = 0): Promise<Box[]> {
  const out: Box[] = [];
  for (const el of await page.locator(within).nth(n).locator(selector).all()) {
    const b = await el.boundingBox();
    if (b) out.push(b);
  }
  return out;
}

describe("zkforget report, rendered in headless Chromium", function () {
  let browser: Browser | undefined;
  let fx: AuditChainFixture;
  let evaluation: EvaluationReport;
  let pkg: AuditPackage;
  let dir: string;

  before(async function () {
    try {
      await access(chromiumPath());
    } catch {
      if (process.env.ZKFORGET_REQUIRE_BROWSER === "1") throw new Error(`no Chromium at ${chromiumPath()} and ZKFORGET_REQUIRE_BROWSER=1: install it (apt-get install chromium), as .ci/run does`);
      console.log(`      SKIPPED: no Chromium at ${chromiumPath()} (apt-get install chromium; set ZKFORGET_REQUIRE_BROWSER=1 to fail instead)`);
      this.skip();
    }
    fx = await auditChainFixture();
    // A real evaluation of the tiny profile: r1 and r6 forgotten from shard 0, proved, with a proved baseline.
    const s = await sisaFixture();
    let salt = 7000n;
    const system = { config: s.config, dataset: s.dataset, models: trainAllShards(s.config, s.dataset, s.poseidon.hash, () => (salt += 17n)) };
    const testRecords = Array.from({ length: 12 }, (_, i) =>
      encodeRecord({ id: `t${i}`, features: [((i * 41 + 7) % 100) / 50 - 1, ((i * 29 + 3) % 100) / 64 - 0.75], label: i % 2 }));
    const key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    evaluation = (await evaluateUnlearning(system, ["r1", "r6"], testRecords, { profile: SISA_TEST_PROFILE, key })).report;
    pkg = { ...clonePackage(fx.pkg), evaluation };
    dir = await mkdtemp(join(tmpdir(), "zkf-render-"));
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await releaseVerifierThreads();
  });

  async function open(p: AuditPackage, name: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: VIEWPORT });
    await page.setContent(renderHtmlReport(p, await verifyAuditPackage(p, { keys: fx.keys, allowDev: true })), { waitUntil: "load" });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    return page;
  }

  it("draws the ROC curves of the three models per attack, the accuracy bars and the cost chart, sized and inside the page", async function () {
    // The document's ROC points are the curve behind its AUC: the area under them (trapezoids,
    // which is how ties count one half) is the AUC, and they run from (0, 0) to (1, 1).
    for (const [attack, byModel] of Object.entries(evaluation.membershipInference.attacks)) {
      for (const [model, a] of Object.entries(byModel)) {
        assert.deepEqual([a.roc[0], a.roc.at(-1)], [[0, 0], [1, 1]], `${attack}/${model} ROC ends`);
        const area = a.roc.slice(1).reduce((sum, [f, t], i) => sum + (f - a.roc[i]![0]) * (t + a.roc[i]![1]) / 2, 0);
        assert.ok(Math.abs(area - a.auc) < 1e-9, `${attack}/${model}: area ${area} ≠ AUC ${a.auc}`);
      }
    }
    const page = await open(pkg, "report");
    const width = VIEWPORT.width;
    for (const attack of ["loss", "confidence"]) {
      const chart = `svg.roc-chart[data-attack="${attack}"]`;
      const b = await box(page, chart);
      assert.ok(b.width >= 250 && b.height >= 250, `${attack} ROC chart is ${b.width}×${b.height}`);
      assert.ok(b.x + b.width <= width, `${attack} ROC chart fits the page width`);
      const models = await page.locator(`${chart} polyline.roc`).evaluateAll((els) => els.map((e) => e.getAttribute("data-model")));
      assert.deepEqual([...models].sort(), ["original", "reference", "unlearned"]);
      // The plot frame, widened by half the widest stroke (a bounding box includes the stroke).
      const f = (await boxes(page, chart, "rect"))[0]!;
      const frame = { x: f.x - 4, y: f.y - 4, width: f.width + 8, height: f.height + 8 };
      for (const curve of await boxes(page, chart, "polyline.roc")) assert.ok(inside(curve, frame), `${attack}: a curve leaves the plot`);
      // The unlearned curve lies on the reference one (exact unlearning); both must stay visible.
      const legends = await boxes(page, chart, "g.legend");
      assert.equal(legends.length, 3);
    }
    const acc = await box(page, "svg.accuracy-chart");
    assert.ok(acc.width >= 500 && acc.height >= 200, `accuracy chart ${acc.width}×${acc.height}`);
    const bars = await boxes(page, "svg.accuracy-chart", "rect.bar");
    assert.equal(bars.length, 9, "3 models × retain, forget, test");
    assert.ok(bars.every((b) => b.height >= 1), "every bar is visible");
    const cost = await box(page, "svg.cost-chart");
    assert.ok(cost.width >= 500, `cost chart width ${cost.width}`);
    assert.equal((await boxes(page, "svg.cost-chart", "rect.bar")).length, 4, "wall and CPU for unlearning and the full retrain");
    const ratio = (await page.locator("p.ratio").textContent()) ?? "";
    assert.match(ratio, new RegExp(`${evaluation.efficiency.ratio!.wall.toFixed(1)}× wall, ${evaluation.efficiency.ratio!.cpu.toFixed(1)}× CPU`));
    assert.equal(await page.locator("table.utility tbody tr").count(), 3);
    assert.equal(await page.locator("table.mia tbody tr").count(), 6);
    assert.equal(await page.locator("table.evaluation").count(), 0, "no flat list of keys for an evaluation document");
    // Each chart on its own, at full size, for a reader to look at.
    for (const [selector, name] of [['svg.roc-chart[data-attack="loss"]', "chart-roc-loss"], ['svg.roc-chart[data-attack="confidence"]', "chart-roc-confidence"],
      ["svg.accuracy-chart", "chart-accuracy"], ["svg.cost-chart", "chart-cost"], ["svg.latency-chart", "chart-latency"]] as const) {
      await page.locator(selector).screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    }
    await page.close();
  });

  it("keeps the latency chart readable with a single request", async function () {
    const one = clonePackage(pkg);
    one.requests = one.requests.slice(0, 1);
    for (const e of one.entries) if (e.requestId !== undefined && e.requestId !== one.requests[0]!.id) delete e.requestId;
    const page = await open(one, "report-one-request");
    const chart = "svg.latency-chart";
    const b = await box(page, chart);
    assert.ok(b.width >= 500 && b.height >= 200, `latency chart ${b.width}×${b.height}`);
    assert.equal(await page.locator(`${chart} circle.point`).count(), 1);
    const point = await box(page, `${chart} circle.point`);
    assert.ok(inside(point, b), "the point is inside the chart");
    const labels = await boxes(page, chart, "text");
    for (let i = 0; i < labels.length; i++) {
      assert.ok(inside(labels[i]!, b), `label ${i} is inside the chart`);
      for (let j = i + 1; j < labels.length; j++) assert.ok(!overlaps(labels[i]!, labels[j]!), `labels ${i} and ${j} overlap`);
    }
    const text = (await page.locator(`${chart} text`).allTextContents()).join(" | ");
    const received = one.requests[0]!.receivedAt.slice(0, 16).replace("T", " ");
    assert.ok(text.includes(received), `the x axis names the request's own time ${received}: ${text}`);
    await page.close();
  });

  it("zkforget report --pdf prints it through Chromium", async function () {
    const audit = join(dir, "audit.json");
    await writeFile(audit, JSON.stringify(pkg));
    const pdf = join(dir, "report.pdf");
    const run = runCli(["report", audit, "--pdf", "--out", pdf, "--allow-dev", "--keys", fx.keyDir], 300_000);
    assert.equal(run.code, 0, run.stderr);
    const bytes = await readFile(pdf);
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
    if (spawnSync("pdftoppm", ["-v"]).error) {
      if (process.env.ZKFORGET_REQUIRE_BROWSER === "1") throw new Error("no pdftoppm and ZKFORGET_REQUIRE_BROWSER=1: install poppler-utils, as .ci/run does");
      console.log("      SKIPPED reading the PDF's pages: no pdftoppm (apt-get install poppler-utils)");
      return;
    }
    const pages = execFileSync("pdfinfo", [pdf], { encoding: "utf8" }).match(/^Pages:\s+(\d+)/m)?.[1];
    assert.ok(Number(pages) >= 2, `a full report takes several A4 pages, got ${pages}`);
    execFileSync("pdftoppm", ["-png", "-r", "60", pdf, join(ARTIFACTS, "report-pdf")]);
    assert.ok((await stat(join(ARTIFACTS, `report-pdf-${"1".padStart(String(pages).length, "0")}.png`))).size > 10_000, "the first page is not blank");
    const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
    for (const heading of ["zkforget audit report", "Accuracy before and after", "Membership inference", "Cost ratio"]) assert.ok(text.includes(heading), `the PDF has "${heading}"`);

    assert.equal(runCli(["report", audit, "--pdf", "--allow-dev"]).code, 2, "--pdf needs --out");
    const missing = spawnSync(process.execPath, ["bin/zkforget.js", "report", audit, "--pdf", "--out", join(dir, "x.pdf"), "--allow-dev", "--keys", fx.keyDir],
      { encoding: "utf8", env: { ...process.env, ZKFORGET_CHROMIUM: "/nonexistent/chromium" }, timeout: 120_000 });
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /no Chromium at \/nonexistent\/chromium: install it \(Debian: apt-get install chromium\) or name it with ZKFORGET_CHROMIUM/);
    await assert.rejects(stat(join(dir, "x.pdf")), "nothing written");
  });
});
