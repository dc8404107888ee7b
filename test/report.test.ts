import { strict as assert } from "node:assert";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHtmlReport } from "../src/report/html.ts";
import { renderMarkdownReport } from "../src/report/markdown.ts";
import { escapeHtml, escapeMarkdown, markdownCodeBlock } from "../src/report/markup.ts";
import type { AuditPackage } from "../src/verifier/auditTypes.ts";
import { releaseVerifierThreads, verifyAuditPackage, type ChainReport } from "../src/verifier/index.ts";
import { auditChainFixture, clonePackage, type AuditChainFixture } from "./helpers/auditChainFixture.ts";
import { runCli } from "./helpers/runCli.ts";

const EVIL = `<img src=x onerror="alert(1)">&'|*`;

describe("zkforget report (tiny SISA chain)", function () {
  let fx: AuditChainFixture;
  let chain: ChainReport;
  const check = (pkg: AuditPackage) => verifyAuditPackage(pkg, { keys: fx.keys, allowDev: true });
  const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length;

  before(async function () {
    fx = await auditChainFixture();
    chain = await check(fx.pkg);
    assert.equal(chain.valid, true, JSON.stringify(chain.problems));
  });
  after(releaseVerifierThreads);

  it("HTML: verdict, one timeline row per entry with states, shard, deletions and proof status", function () {
    const page = renderHtmlReport(fx.pkg, chain, { generatedAt: "2025-03-02T00:00:00.000Z", source: "audit.json" });
    assert.match(page, /^<!DOCTYPE html>/);
    assert.match(page, /<div class="verdict valid">VALID audit chain/);
    assert.equal(count(page, /<tr data-seq="\d+"/g), 8);
    const row = page.match(/<tr data-seq="5">.*?<\/tr>/s)![0];
    const e5 = fx.pkg.entries[4]!;
    const statement = e5.bundle!.statement as { shard: number; deleted: unknown[] };
    assert.ok(row.includes(`<td>${e5.recordedAt}</td>`));
    assert.ok(row.includes(`title="${e5.oldState}">${e5.oldState.slice(0, 10)}…${e5.oldState.slice(-4)}</span> → <span title="${e5.newState}">`));
    assert.ok(row.includes(`<td>${statement.shard}</td><td>${statement.deleted.length}</td><td>req-1</td>`));
    assert.match(row, /class="ok">verified/);
    assert.match(page, /<tr data-seq="1"><td>1<\/td><td>commit<\/td>.*recorded \(no proof\)/);
    assert.match(page, /<tr data-request="req-1"><td>req-1<\/td><td>proved<\/td><td>2<\/td>.*<td>20\.0 min<\/td>/);
    assert.ok(!/<script|\ssrc=|\shref=/i.test(page), "self-contained: no script, no external resource");
  });

  it("HTML: dev keys are flagged in red, and a key that is not the trusted one says so", async function () {
    const page = renderHtmlReport(fx.pkg, chain);
    assert.match(page, /<tr data-profile="sisa-d4-s1-f2-e2-k2">.*<span class="insecure" style="color:#b00020;font-weight:bold">INSECURE dev key<\/span>/s);
    const pkg = clonePackage(fx.pkg);
    pkg.keys[pkg.profile]!.vkey.IC[0]![0] = "1";
    const bad = renderHtmlReport(pkg, await check(pkg));
    assert.match(bad, /<div class="verdict broken">BROKEN audit chain<br>First break: entry 2 \(genesis\): key mismatch/);
    assert.match(bad, /<tr data-profile="sisa-d4-s1-f2-e2-k2" class="bad">.*class="fail">NO/s);
  });

  it("HTML: the latency chart is inline SVG with one point per proved request", async function () {
    const pkg = clonePackage(fx.pkg);
    pkg.requests.push({
      id: "req-3", recordCount: 1, status: "received", receivedAt: "2025-03-01T11:00:00.000Z", updatedAt: "2025-03-01T11:00:00.000Z", entries: [], commitment: `0x${"0".repeat(63)}1`,
    });
    const page = renderHtmlReport(pkg, await check(pkg));
    const svg = page.match(/<svg[^>]*class="chart latency-chart".*?<\/svg>/s)![0];
    assert.equal(count(svg, /<circle class="point"/g), 2, "req-3 is not proved: no point");
    assert.match(svg, /data-request="req-1".*<title>req-1: 20\.0 min from receipt to proof<\/title>/);
    assert.match(svg, /data-request="req-2".*<title>req-2: 10\.0 min from receipt to proof<\/title>/);
    const none = clonePackage(fx.pkg);
    none.requests = [];
    assert.match(renderHtmlReport(none, await check(none)), /No proved request yet/);
  });

  it("escapes every package string in HTML and Markdown", async function () {
    const pkg = clonePackage(fx.pkg);
    pkg.requests[0]!.id = EVIL;
    for (const e of pkg.entries) if (e.requestId === "req-1") e.requestId = EVIL;
    pkg.evaluation = { [EVIL]: 1 };
    const report = await check(pkg);
    assert.equal(report.valid, true, JSON.stringify(report.problems));
    const page = renderHtmlReport(pkg, report);
    assert.ok(!page.includes("<img"), "no raw tag from an id");
    assert.ok(!page.includes(`"alert(1)"`));
    assert.ok(page.includes(escapeHtml(EVIL)));
    assert.equal(count(page, /data-request="&#60;img src=x onerror=&#34;alert\(1\)&#34;&#62;&#38;&#39;\|\*"/g), 2, "table row and chart point");
    const md = renderMarkdownReport(pkg, report);
    // Inside the fenced latency chart an id shows literally (CommonMark escapes code blocks); nowhere else is it raw.
    const outsideCode = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/m, "");
    assert.ok(md.includes(`${EVIL}  `), "the chart names the request literally");
    assert.ok(!/(^|[^\\])<img/m.test(outsideCode), "every < outside the chart is backslash-escaped");
    assert.ok(md.includes(escapeMarkdown(EVIL)));
    assert.equal(escapeMarkdown("a|b<c>\n_d_"), "a\\|b\\<c\\> \\_d\\_");
    assert.equal(markdownCodeBlock("x ```` y"), "`````text\nx ```` y\n`````");
  });

  it("evaluation figures are a table of numeric fields, labelled as not proved", function () {
    const pkg = clonePackage(fx.pkg);
    pkg.evaluation = { before: { accuracy: 0.953125, records: 256 }, after: { accuracy: 0.95 }, perShard: [0.5, 0.75], note: "text is skipped" };
    const page = renderHtmlReport(pkg, chain);
    assert.match(page, /<h3>Evaluation figures \(measured by the controller, not proved\)<\/h3>/);
    assert.deepEqual([...page.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]), [
      ["before.accuracy", "0.953125"], ["before.records", "256"], ["after.accuracy", "0.95"], ["perShard[0]", "0.5"], ["perShard[1]", "0.75"],
    ]);
    assert.ok(!page.includes("text is skipped"));
    assert.ok(!renderHtmlReport(fx.pkg, chain).includes("Model evaluation"), "no section without figures");
  });

  it("an evaluation document becomes tables and charts; a malformed figure is shown as absent, never drawn", function () {
    const attack = (auc: unknown, roc: unknown) => ({ auc, maxAdvantage: 0.25, tuned: { threshold: null, tpr: 0, fpr: 0, advantage: 0 }, calibrationAuc: 0.5, roc });
    const good = [[0, 0], [0, 0.5], [0.5, 1], [1, 1]];
    const pkg = clonePackage(fx.pkg);
    pkg.evaluation = {
      format: "zkforget-evaluation", version: 1, provenance: "measured by the controller, not proved", profile: "p",
      forget: { size: 2, shardsTouched: [0], proofs: 1 }, exact: { identical: true },
      utility: { original: { retain: 0.9, forget: 1, test: 0.8 }, unlearned: { retain: 0.9, forget: 0.5, test: 0.8 }, reference: { retain: 0.9, forget: "x", test: 0.8 } },
      membershipInference: { attacks: {
        loss: { original: attack(0.75, good), unlearned: attack(7, good), reference: attack(0.5, [[0, 0], [2, 1]]) },
        confidence: { original: attack(0.5, good), unlearned: attack(0.5, good), reference: attack(0.5, "<script>") },
      } },
      efficiency: { unlearning: { wallSeconds: 10, cpuSeconds: 12, shardsTrained: 1, proofs: 1 }, fullRetrain: { wallSeconds: 80, cpuSeconds: 96, shardsTrained: 2, proofs: 2, proved: true }, ratio: { wall: 8, cpu: 8 } },
    };
    const page = renderHtmlReport(pkg, chain);
    const svg = (cls: string, attr = "") => page.match(new RegExp(`<svg[^>]*class="chart ${cls}"${attr}.*?</svg>`, "s"))?.[0] ?? "";
    // The reference's loss curve has a false-positive rate of 2: dropped whole, the other two drawn.
    assert.deepEqual([...svg("roc-chart", ' data-attack="loss"').matchAll(/<polyline class="roc" data-model="(\w+)"/g)].map((m) => m[1]), ["original", "unlearned"]);
    assert.equal([...svg("roc-chart", ' data-attack="confidence"').matchAll(/<polyline class="roc"/g)].length, 2);
    assert.match(page, /<tr data-attack="loss" data-model="unlearned"><td>loss<\/td><td>unlearned<\/td><td class="num">—<\/td>/, "an AUC of 7 is not a rate");
    assert.match(page, /<tr data-model="reference"><td>reference<\/td><td class="num">90\.0 %<\/td><td class="num">—<\/td>/);
    assert.equal([...svg("accuracy-chart").matchAll(/<rect class="bar"/g)].length, 8, "9 bars less the absent one");
    assert.equal([...svg("cost-chart").matchAll(/<rect class="bar"/g)].length, 4);
    assert.match(page, /Cost ratio \(full retrain ÷ unlearning\): <strong>8\.0× wall, 8\.0× CPU<\/strong>/);
    assert.ok(!page.includes("<script>") && !page.includes("Evaluation figures"), "no flat list, nothing raw");
    const md = renderMarkdownReport(pkg, chain);
    assert.match(md, /\| loss \| unlearned \| — \| 0\.25 \| 0\.00 \| 0\.500 \|/);
    assert.match(md, /Cost ratio \(full retrain ÷ unlearning\): 8\.0× wall, 8\.0× CPU\./);
  });

  it("Markdown: the same sections, INSECURE keys, and a text latency chart", async function () {
    const pkg = clonePackage(fx.pkg);
    pkg.evaluation = { accuracy: 0.953 };
    const md = renderMarkdownReport(pkg, chain, { generatedAt: "2025-03-02T00:00:00.000Z" });
    assert.match(md, /^# zkforget audit report/);
    assert.match(md, /\*\*VALID audit chain\*\*/);
    assert.equal(count(md, /^\| \d+ \| (commit|genesis|request|retrain) \|/gm), 8);
    assert.match(md, /^\| 5 \| retrain \| \S+ \| 0x[0-9a-f]{8}…[0-9a-f]{4} → 0x[0-9a-f]{8}…[0-9a-f]{4} \| 0 \| 1 \| req-1 \| [\d.]+ s \| verified \|$/m);
    assert.match(md, /\| sisa-d4-s1-f2-e2-k2 \| ShardRetrain\(1, 4, 2, 2, 2\) \| \*\*INSECURE dev key\*\*: anyone can forge proofs under it \| yes \|/);
    assert.match(md, /^```text\n2025-03-01 09:40 {2}req-1 {2}█{40} 20\.0 min\n2025-03-01 10:10 {2}req-2 {2}█{20} 10\.0 min\n```$/m);
    assert.match(md, /### Evaluation figures \(measured by the controller, not proved\)\n\n\| figure \| value \|\n\| --- \| --- \|\n\| accuracy \| 0\.953 \|/);
    const broken = clonePackage(fx.pkg);
    broken.entries.splice(2, 1);
    const text = renderMarkdownReport(broken, await check(broken));
    assert.match(text, /\*\*BROKEN audit chain\*\* — first break: entry 4 \(request\): seq 4 follows seq 2/);
    assert.match(text, /^\| 4 \| request \|.*\| \*\*BROKEN\*\*; seq 4 follows seq 2/m);
    assert.match(text, /## All problems found\n\n1\. entry 4/);
  });

  describe("the report command", function () {
    let dir: string;
    const zkforget = (args: string[]) => runCli(["report", ...args]);
    before(async function () {
      dir = await mkdtemp(join(tmpdir(), "zkf-report-"));
      await writeFile(join(dir, "audit.json"), JSON.stringify(fx.pkg));
    });

    it("writes HTML or Markdown for an export directory; exit 2 on unusable input", async function () {
      const out = join(dir, "out", "report.html");
      const html = zkforget([dir, "--keys", fx.keyDir, "--allow-dev", "--out", out]);
      assert.equal(html.code, 0, html.stderr);
      assert.match(html.stderr, /VALID: 8 entries/);
      const page = await readFile(out, "utf8");
      assert.match(page, /VALID audit chain/);
      assert.ok(page.includes(`from ${join(dir, "audit.json")}`));

      const md = zkforget(["--workspace", dir, "--md", "--keys", fx.keyDir]);
      assert.equal(md.code, 0, md.stderr);
      assert.match(md.stdout, /^# zkforget audit report/);
      assert.match(md.stdout, /\*\*BROKEN audit chain\*\* — first break: entry 2 \(genesis\): proof: profile .* INSECURE dev key/);

      assert.equal(zkforget([join(dir, "missing"), "--keys", fx.keyDir]).code, 2);
      await writeFile(join(dir, "bundle.json"), JSON.stringify({ format: "zkforget-bundle" }));
      const wrong = zkforget([join(dir, "bundle.json"), "--keys", fx.keyDir]);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /UNUSABLE: .*format must be "zkforget-audit"/);
    });
  });
});
