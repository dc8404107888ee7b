import { strict as assert } from "node:assert";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildWeb } from "../scripts/build-web.ts";
import {
  AUDIT_FORMAT, AUDIT_VERSION, describeStatement, releaseVerifierThreads, toHex32,
  type AuditPackage, type DeletionStatement, type ProofBundle,
} from "../src/verifier/index.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { parseCorpus } from "../src/encoding/corpus.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { configHash, makeTrainingConfig, shardProfileParams } from "../src/ml/config.ts";
import { fitScaling, scaleDataset } from "../src/ml/featureScaling.ts";
import { stateHash } from "../src/sisa/model.ts";
import { poseidonLite } from "../src/verifier/statements.ts";
import { deletionReceipt, inclusionReceipt } from "../src/workspace/receipts.ts";
import { requestCommitment } from "../src/verifier/requestCommitment.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/**
 * Debian's Chromium (installed by .ci/run), or the browser ZKFORGET_CHROMIUM names; playwright-core
 * only drives it, it never downloads a browser.
 */
const CHROMIUM = process.env.ZKFORGET_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json", ".txt": "text/plain" };

/** A static file server for `dir` on a random localhost port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    const file = path.endsWith(sep) ? join(path, "index.html") : path;
    if (!file.startsWith(dir + sep)) { res.writeHead(403).end(); return; }
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no port");
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

/** What the result section shows. */
interface Shown {
  verdict: string;
  state: string;
  devNote: string;
  statement: string;
  key: string;
  reasons: string[];
  rows: { cells: string[]; bad: boolean }[];
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("browser verifier page (headless Chromium)", function () {
  let f: DeletionFixture;
  let outDir: string;
  let profileDir: string;
  let server: Server;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  /** Runs `action`, waits for the page to finish the verification it starts, and reads the result. */
  async function verdictAfter(action: () => Promise<void>): Promise<Shown> {
    const before = Number(await page.getAttribute("#verdict", "data-run"));
    await action();
    await page.waitForFunction((n) => Number(document.getElementById("verdict")!.dataset.run) > n, before, { timeout: 60_000 });
    // Read through locators: functions passed to page.evaluate would be mangled by tsx (its __name helper).
    const text = async (selector: string) => (await page.locator(selector).textContent()) ?? "";
    const rows = [];
    for (const tr of await page.locator("#chain tbody tr").all()) {
      rows.push({ cells: await tr.locator("td").allTextContents(), bad: (await tr.getAttribute("class")) === "bad" });
    }
    return {
      verdict: await text("#verdict"),
      state: (await page.getAttribute("#verdict", "data-state")) ?? "",
      devNote: (await page.locator("#dev-note").isHidden()) ? "" : await text("#dev-note"),
      statement: await text("#statement"),
      key: await text("#key"),
      reasons: await page.locator("#reasons li").allTextContents(),
      rows,
    };
  }

  const upload = (name: string, value: unknown) => () =>
    page.setInputFiles("#file", { name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(value)) });

  /** Drops a file on the drop zone, as a user dragging it from a file manager. */
  const dropFile = (name: string, value: unknown) => async () => {
    const dataTransfer = await page.evaluateHandle(([n, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], n, { type: "application/json" }));
      return dt;
    }, [name, JSON.stringify(value)] as const);
    await page.dispatchEvent("#drop", "drop", { dataTransfer });
  };

  /** Sets "accept insecure dev keys"; when a file is loaded, waits for the re-check it starts. */
  async function allowDev(on: boolean): Promise<Shown | undefined> {
    if ((await page.isChecked("#allow-dev")) === on) return undefined;
    const toggle = () => page.setChecked("#allow-dev", on);
    if (await page.locator("#result").isHidden()) return void (await toggle());
    return verdictAfter(toggle);
  }

  before(async function () {
    const missing = await access(CHROMIUM).then(() => false, () => true);
    if (missing) {
      const why = `no Chromium at ${CHROMIUM}: install the Debian package (apt-get install chromium), as .ci/run does`;
      // .ci/run sets ZKFORGET_REQUIRE_BROWSER=1: there a missing browser fails the run instead of hiding a whole test file.
      if (process.env.ZKFORGET_REQUIRE_BROWSER === "1") throw new Error(`${why} (ZKFORGET_REQUIRE_BROWSER=1 requires the browser test)`);
      console.warn(`\n  SKIPPED: the headless-browser verifier test, ${why}; set ZKFORGET_REQUIRE_BROWSER=1 to make this an error\n`);
      this.skip();
    }
    f = await deletionFixture(); // a real deletion-d8-k2 bundle, proved in this run
    outDir = await mkdtemp(join(tmpdir(), "zkf-web-"));
    const built = await buildWeb({ outDir }); // embeds the shipped keys/
    assert.ok(built.keys.some((k) => k.profile === TEST_PROFILE), "the page trusts the shipped test key");
    ({ server, url } = await serve(outDir));
    profileDir = await mkdtemp(join(tmpdir(), "zkf-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => { if (message.type() === "error") pageErrors.push(message.text()); });
    await page.goto(url);
  });

  after(async function () {
    await context?.close();
    await new Promise((resolve) => server ? server.close(resolve) : resolve(undefined));
    await Promise.all([outDir, profileDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
    await releaseVerifierThreads();
  });

  afterEach(function () {
    assert.deepEqual(pageErrors.splice(0), [], "the page logged errors");
  });

  it("lists the embedded keys with their trust level", async function () {
    const keys = await page.locator("#keys li").allTextContents();
    assert.ok(keys.some((k) => k.startsWith(`${TEST_PROFILE}: INSECURE dev key`)), keys.join("\n"));
  });

  it("refuses a dev-key bundle until 'accept insecure dev keys' is ticked, then shows VALID with the statement", async function () {
    await allowDev(false);
    const refused = await verdictAfter(upload("0001-deletion.json", f.bundle));
    assert.equal(refused.state, "invalid");
    assert.match(refused.verdict, /^INVALID/);
    assert.ok(refused.reasons.some((r) => /INSECURE dev key.*refused/.test(r)), refused.reasons.join("\n"));
    assert.match(refused.devNote, /Dev keys were refused/);

    const accepted = (await allowDev(true))!; // re-checks the same file
    assert.equal(accepted.state, "valid", accepted.reasons.join("\n"));
    assert.equal(accepted.verdict, "VALID proof bundle");
    assert.deepEqual(accepted.reasons, []);
    assert.equal(accepted.statement, `Proved: ${describeStatement(f.bundle.statement)}`);
    assert.match(accepted.key, new RegExp(`Key: ${TEST_PROFILE}, INSECURE dev key.*${f.key.manifest.vkeyHash}`));
    assert.match(accepted.devNote, /INSECURE dev key only because/);
  });

  it("shows INVALID with the reason for a dropped bundle whose statement or public signal was changed", async function () {
    await allowDev(true);
    const statementEdit = copy(f.bundle);
    statementEdit.statement.newRoot = toHex32(BigInt(statementEdit.statement.newRoot) ^ 1n);
    const shown = await verdictAfter(dropFile("tampered.json", statementEdit));
    assert.equal(shown.state, "invalid");
    assert.equal(shown.verdict, "INVALID proof bundle");
    assert.ok(shown.reasons.some((r) => /bundle\.statement\.newRoot does not match public signal newRoot/.test(r)), shown.reasons.join("\n"));
    assert.match(shown.statement, /^Claimed \(not proved\)/);

    // A consistent lie: signal and statement agree, so only the pairing check in the browser can catch it.
    const signalEdit: ProofBundle<DeletionStatement> = copy(f.bundle);
    const forged = BigInt(signalEdit.publicSignals[1]!) ^ 1n;
    signalEdit.publicSignals[1] = forged.toString();
    signalEdit.statement.newRoot = toHex32(forged);
    const rejected = await verdictAfter(upload("forged.json", signalEdit));
    assert.equal(rejected.state, "invalid");
    assert.deepEqual(rejected.reasons, ["the Groth16 proof does not verify for these public signals under the trusted key"]);
  });

  /** The published audit package of the fixture's deletion: commit, request req-1 (entry 2, salt 41), the deletion answering it (entry 3). */
  function auditPackage(): AuditPackage {
    const { statement } = f.bundle;
    const recordedAt = new Date(0).toISOString();
    const salt = 41n;
    const commitment = toHex32(requestCommitment(salt, statement.deleted.map((d) => ({ index: d.index, leaf: BigInt(d.leaf) }))));
    return {
      format: AUDIT_FORMAT,
      version: AUDIT_VERSION,
      exportedAt: recordedAt,
      profile: TEST_PROFILE,
      entries: [
        { seq: 1, kind: "commit", oldState: statement.oldRoot, newState: statement.oldRoot, recordedAt },
        { seq: 2, kind: "request", oldState: statement.oldRoot, newState: statement.oldRoot, recordedAt, requestId: "req-1", requestCommitment: commitment, recordCount: 2 },
        { seq: 3, kind: "deletion", oldState: statement.oldRoot, newState: statement.newRoot, recordedAt, requestId: "req-1", bundle: f.bundle },
      ],
      requests: [{
        id: "req-1", recordCount: 2, status: "proved", receivedAt: recordedAt, updatedAt: recordedAt, provedAt: recordedAt, entries: [3], commitment, salt: toHex32(salt),
      }],
      keys: { [TEST_PROFILE]: { vkey: f.key.vkey, manifest: f.key.manifest } },
    };
  }

  it("verifies an audit package and points at the first break of a tampered one", async function () {
    const { statement } = f.bundle;
    const pkg = auditPackage();
    await allowDev(true);
    const valid = await verdictAfter(upload("audit.json", pkg));
    assert.equal(valid.state, "valid", valid.reasons.join("\n"));
    assert.equal(valid.verdict, "VALID audit chain");
    assert.deepEqual(valid.rows.map((r) => r.cells.slice(0, 3)), [["1", "commit", "valid"], ["2", "request", "valid"], ["3", "deletion", "valid"]]);
    assert.equal(valid.rows[2]!.cells[3], describeStatement(statement));
    assert.match(valid.statement, /deletion requests: 1, 1 proved and verified/);
    assert.match(valid.key, /INSECURE dev key/);

    const broken = copy(pkg);
    (broken.entries[2]!.bundle as ProofBundle<DeletionStatement>).statement.deleted[0]!.index += 1;
    const shown = await verdictAfter(upload("audit.json", broken));
    assert.equal(shown.state, "invalid");
    assert.equal(shown.verdict, "INVALID audit chain");
    assert.match(shown.statement, /first break: entry 3 \(deletion\): proof: bundle\.statement\.deleted does not hash to the proved deletionDigest/);
    assert.deepEqual(shown.rows.map((r) => r.bad), [false, false, true]);
  });

  it("says why a file that is not JSON cannot be checked", async function () {
    const shown = await verdictAfter(() => page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not json") }));
    assert.equal(shown.state, "invalid");
    assert.ok(shown.reasons.some((r) => r.startsWith("malformed JSON")), shown.reasons.join("\n"));
  });

  it("checks an inclusion receipt against the record the subject types in, in the page", async function () {
    const data = await loadDataset("data/demo.csv");
    const mine = data.records[5]!; // committed by the fixture and not deleted
    const receipt = inclusionReceipt(f.dataset, mine.id, TEST_PROFILE);
    await page.fill("#record", JSON.stringify({ features: mine.features, label: mine.label })); // input event only: no re-check yet
    const confirmed = await verdictAfter(upload(`${mine.id}.json`, receipt));
    assert.equal(confirmed.state, "valid", confirmed.reasons.join("\n"));
    assert.equal(confirmed.verdict, "COMMITTED: receipt confirmed");
    assert.match(confirmed.statement, new RegExp(`^COMMITTED: your record \\(checked against the record you gave\\) is committed in slot ${receipt.index} under dataset root ${receipt.dataRoot}`));

    const changed = { features: mine.features.map((x, i) => (i === 0 ? x + 0.5 : x)), label: mine.label };
    const refused = await verdictAfter(async () => {
      await page.fill("#record", JSON.stringify(changed));
      await page.dispatchEvent("#record", "change");
    });
    assert.equal(refused.state, "invalid");
    assert.deepEqual(refused.reasons, ["your record, with the receipt's salt, does not hash to the receipt's leaf: the record you gave is not the one committed in this slot"]);

    const unreadable = await verdictAfter(async () => {
      await page.fill("#record", '{"features": "nope"}');
      await page.dispatchEvent("#record", "change");
    });
    assert.equal(unreadable.verdict, "NOT CONFIRMED: your record cannot be read");
    assert.deepEqual(unreadable.reasons, ['the record must be {"features": [numbers…], "label": number} or a document {"text": "…"}']);
    await page.fill("#record", "");
  });

  /** Types `record` (JSON) into the record box and waits for the re-check of the loaded file. */
  const typeRecord = (record: unknown) => verdictAfter(async () => {
    await page.fill("#record", typeof record === "string" ? record : JSON.stringify(record));
    await page.dispatchEvent("#record", "change");
  });

  it("checks a corpus document's receipt against the document text (or its JSON line) the subject pastes in", async function () {
    const lines = [
      { id: "doc-1", text: "The first document of the fine-tuning corpus." },
      { id: "doc-2", text: "Personal data: Jane Doe, born 1990.\nGrüße, \"quoted\"." },
      { id: "doc-3", text: "The last one." },
    ].map((d) => JSON.stringify(d));
    const corpus = parseCorpus(`${lines.join("\n")}\n`, "corpus.jsonl", { textField: "text" });
    const dataset = CommittedDataset.commit(corpus, getProfile(TEST_PROFILE).params[0]!, await getPoseidon());
    const receipt = inclusionReceipt(dataset, "doc-2", TEST_PROFILE);
    await page.fill("#record", lines[1]!); // the subject's whole line of the corpus: other keys are ignored
    const confirmed = await verdictAfter(upload("doc-2.json", receipt));
    assert.equal(confirmed.verdict, "COMMITTED: receipt confirmed", confirmed.reasons.join("\n"));
    assert.match(confirmed.statement, /^COMMITTED: your record \(checked against the record you gave\) is committed in slot/);
    const text = JSON.parse(lines[1]!).text as string;
    assert.equal((await typeRecord({ text })).verdict, "COMMITTED: receipt confirmed", "the text alone is enough");
    const changed = await typeRecord({ text: text.replace("1990", "1991") });
    assert.equal(changed.state, "invalid");
    assert.deepEqual(changed.reasons, ["your record, with the receipt's salt, does not hash to the receipt's leaf: the record you gave is not the one committed in this slot"]);
    const other = await typeRecord(lines[0]!);
    assert.equal(other.state, "invalid", "another document of the same corpus is not this slot's");
    await page.fill("#record", "");
  });

  it("scales the raw record a subject types in by the receipt's public feature scaling (a --scale workspace), as the CLI does", async function () {
    const profile = getProfile("sisa-d4-s1-f2-e2-k2");
    const params = shardProfileParams(profile.params);
    const raw = {
      featureNames: ["income", "debt"],
      records: Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, features: [4_000 + 150 * i, -(300 + 41 * ((i * 7) % 12))], label: i % 2 })),
    };
    const scaling = fitScaling("standard", raw.records.map((r) => r.features));
    const scaled = scaleDataset(raw, scaling, "raw.csv");
    const dataset = CommittedDataset.commit(scaled, params.dataDepth, await getPoseidon());
    const config = { ...makeTrainingConfig(params, { learningRate: 2 }), featureScaling: scaling };
    const hash = configHash(config, poseidonLite);
    const modelRoot = 12345n; // any model root: the receipt's state hashes it with the data root and config hash
    const receipt = inclusionReceipt(dataset, "p4", profile.name, { modelRoot, configHash: hash, state: stateHash(dataset.root, modelRoot, hash, poseidonLite), config });
    assert.deepEqual(receipt.config?.featureScaling, { method: "standard", offsets: scaling.offsets.map(String), scales: scaling.scales.map(String) });

    const mine = raw.records[4]!;
    await page.fill("#record", JSON.stringify({ features: mine.features, label: mine.label })); // the values of the subject's row of raw.csv
    const confirmed = await verdictAfter(upload("p4.json", receipt));
    assert.equal(confirmed.verdict, "COMMITTED: receipt confirmed", confirmed.reasons.join("\n"));
    const asCommitted = await typeRecord({ features: scaled.records[4]!.features, label: mine.label });
    assert.equal(asCommitted.state, "invalid", "the record is read as raw values: already scaled ones are scaled again and do not match");
    const far = await typeRecord({ features: [30_000, mine.features[1]!], label: mine.label });
    assert.equal(far.state, "invalid");
    assert.deepEqual(far.reasons.length, 1);
    assert.match(far.reasons[0]!, /^your record cannot be hashed as the commit did: feature 0: value 30000 scales to [\d.]+ \(offset [\d.]+, scale \d+\), outside the training bound \[−2, 2\)/);

    // A controller that shows another scaling than the state is pinned to is caught by the config hash.
    await page.fill("#record", JSON.stringify({ features: mine.features, label: mine.label }));
    const lying = copy(receipt);
    lying.config!.featureScaling!.scales[0] = String(BigInt(lying.config!.featureScaling!.scales[0]!) * 2n);
    const refused = await verdictAfter(upload("p4.json", lying));
    assert.equal(refused.state, "invalid");
    assert.deepEqual(refused.reasons, ["the receipt's training config does not hash to its configHash: it is not the config the committed state is pinned to"]);
    await page.fill("#record", "");
  });

  it("confirms a deletion receipt against the audit package chosen beside it, as `receipt check --audit` does", async function () {
    const pkg = auditPackage();
    const { statement } = f.bundle;
    const id = f.deletedIds[0]!;
    const index = f.dataset.slot(id).index;
    const request = { ...pkg.requests[0]!, recordIds: f.deletedIds, salt: toHex32(41n), slots: statement.deleted.map((d) => ({ index: d.index, leaf: d.leaf })), seq: 2 };
    const receipt = deletionReceipt(id, index, pkg.entries[2]!, request, f.after.merkleProof(index).siblings);
    await allowDev(true);
    await page.fill("#record", "");
    const alone = await verdictAfter(upload(`${id}.deletion.json`, receipt));
    assert.equal(alone.state, "invalid");
    assert.match(alone.reasons.at(-1)!, /a deletion receipt is confirmed only against the controller's published audit package/);

    const chooseAudit = (value: unknown) => () => page.setInputFiles("#audit", { name: "audit.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(value)) });
    const confirmed = await verdictAfter(chooseAudit(pkg));
    assert.equal(confirmed.verdict, "DELETED: receipt confirmed", confirmed.reasons.join("\n"));
    assert.match(confirmed.statement, new RegExp(`^DELETED: record "${id}" in slot ${index} was deleted from the dataset, at entry 3 of the published chain, answering request "req-1"`));

    // The deletion receipt holds no salt: a typed record is not silently taken as checked.
    const data = await loadDataset("data/demo.csv");
    const deleted = data.records.find((r) => r.id === id)!;
    const withRecord = await typeRecord({ features: deleted.features, label: deleted.label });
    assert.equal(withRecord.verdict, "DELETED: receipt confirmed");
    assert.match(withRecord.statement, /Your record was not checked against this receipt: only your inclusion receipt holds your slot's salt/);
    await page.fill("#record", "");

    const forked = copy(pkg);
    forked.entries = forked.entries.slice(0, 2); // a package without the deletion: the chain the regulator sees never deleted it
    forked.requests[0] = { ...forked.requests[0]!, status: "received", entries: [] };
    delete forked.requests[0]!.provedAt;
    const refused = await verdictAfter(chooseAudit(forked));
    assert.equal(refused.state, "invalid");
    assert.ok(refused.reasons.some((r) => /the published chain's entry 3 is not the proof in your receipt/.test(r)), refused.reasons.join("\n"));
    await page.setInputFiles("#audit", []);
  });
});
