/**
 * The static verification page (web/index.html): reads a dropped or chosen file, verifies it
 * as a proof bundle, an audit package or a receipt (with the subject's own record, if typed
 * in) against the keys embedded at build time, and shows the verdict with its reasons. Everything shown from the file is untrusted, so it is only
 * ever written with textContent, never parsed as HTML.
 */
import { trustedKeys } from "./trusted-keys.ts";
import {
  AUDIT_FORMAT, RECEIPT_FORMAT, checkReceipt, describeProblem, describeStatement, keyRingOf, parseSubjectRecord,
  verifyAuditPackage, verifyBundle, type ChainReport, type KeyManifest, type Statement, type SubjectRecord,
} from "./verifier-entry.ts";

/** What the result section shows for one verification. */
interface Verdict {
  valid: boolean;
  headline: string;
  devNote?: string;
  statement?: string;
  key?: string;
  reasons: string[];
  chain?: ChainRow[];
}

interface ChainRow {
  seq: string;
  kind: string;
  valid: boolean;
  statement: string;
  reasons: string[];
}

const keys = keyRingOf(trustedKeys);

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const fileInput = byId<HTMLInputElement>("file");
const drop = byId("drop");
const allowDevBox = byId<HTMLInputElement>("allow-dev");
const configHashInput = byId<HTMLInputElement>("config-hash");
const recordInput = byId<HTMLTextAreaElement>("record");
const auditInput = byId<HTMLInputElement>("audit");
const verdictEl = byId("verdict");

/** The last file read, so that changing an option re-checks it. */
let current: { name: string; text: string } | undefined;
/** The audit package chosen for receipts (its text), if any. */
let auditText: string | undefined;
/** Verifications started; a slower, older one must not overwrite a newer result. */
let started = 0;
let finished = 0;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The trust level of a key, in words a reader of the verdict needs. */
function trustText(manifest: KeyManifest): string {
  if (manifest.security === "insecure-dev") {
    return `INSECURE dev key (derived from the public seed ${JSON.stringify(manifest.devSeed ?? "?")}: anyone can forge proofs under it)`;
  }
  const n = manifest.contributions.length;
  return `ceremony key (${n} phase-2 contribution${n === 1 ? "" : "s"}; sound if one contributor destroyed their secret)`;
}

function keyText(profile: string): string | undefined {
  const key = keys.get(profile);
  return key ? `Key: ${profile}, ${trustText(key.manifest)}; vkey sha256 ${key.manifest.vkeyHash}` : undefined;
}

/** describeStatement for an untrusted statement; undefined when it is too malformed to describe. */
function describe(statement: unknown): string | undefined {
  try {
    return describeStatement(statement as Statement);
  } catch {
    return undefined;
  }
}

const DEV_ACCEPTED = "Accepted under an INSECURE dev key only because “accept insecure dev keys” is ticked. " +
  "Its secrets are public: this proves nothing against a controller that wants to cheat.";
const DEV_REFUSED = "Dev keys were refused. Tick “accept insecure dev keys” to check the proof anyway " +
  "(for demos and tests: anyone can forge proofs under a dev key).";

async function checkBundle(data: unknown, allowDev: boolean): Promise<Verdict> {
  const result = await verifyBundle(data, { keys, allowDev });
  const statement = result.bundle ? describe(result.bundle.statement) : undefined;
  const dev = result.security === "insecure-dev";
  return {
    valid: result.valid,
    headline: result.valid ? "VALID proof bundle" : "INVALID proof bundle",
    ...(dev ? { devNote: allowDev ? DEV_ACCEPTED : DEV_REFUSED } : {}),
    ...(statement ? { statement: `${result.valid ? "Proved" : "Claimed (not proved)"}: ${statement}` } : {}),
    ...(result.bundle ? { key: keyText(result.bundle.profile) ?? `No trusted key for profile ${result.bundle.profile}` } : {}),
    reasons: result.reasons,
  };
}

async function checkPackage(pkg: Record<string, unknown>, allowDev: boolean): Promise<Verdict> {
  const configHash = configHashInput.value.trim();
  const report: ChainReport = await verifyAuditPackage(pkg, { keys, allowDev, ...(configHash ? { configHash } : {}) });
  // One verdict per package entry, in order: match by position (a broken package may repeat a seq).
  const entries: unknown[] = Array.isArray(pkg.entries) ? pkg.entries : [];
  const chain = report.entries.map((entry, i): ChainRow => {
    const raw = entries[i];
    const bundle = isRecord(raw) ? raw.bundle : undefined;
    return {
      seq: String(entry.seq),
      kind: entry.kind,
      valid: entry.valid,
      statement: (isRecord(bundle) ? describe(bundle.statement) : undefined) ?? "",
      reasons: entry.reasons,
    };
  });
  const dev = report.keys.some((k) => k.security === "insecure-dev");
  const keyLines = report.keys.map((k) => keyText(k.profile) ?? `No trusted key for profile ${k.profile}`);
  return {
    valid: report.valid,
    headline: report.valid ? "VALID audit chain" : report.readable ? "INVALID audit chain" : "INVALID: unusable audit package",
    ...(dev ? { devNote: allowDev ? DEV_ACCEPTED : DEV_REFUSED } : {}),
    statement: report.summary.join("\n"),
    ...(keyLines.length > 0 ? { key: keyLines.join("\n") } : {}),
    reasons: report.problems.map(describeProblem),
    chain,
  };
}

/** A receipt, checked against the subject's record when one is typed in (the record never leaves the page). */
async function checkReceiptFile(receipt: Record<string, unknown>, allowDev: boolean): Promise<Verdict> {
  const recordText = recordInput.value.trim();
  let record: SubjectRecord | undefined;
  if (recordText !== "") {
    try {
      record = parseSubjectRecord(recordText);
    } catch (error) {
      return { valid: false, headline: "NOT CONFIRMED: your record cannot be read", reasons: [(error as Error).message] };
    }
  }
  // The same check as `zkforget receipt check --record`: checkReceipt scales raw features by the receipt's config.
  const result = await checkReceipt(receipt, { keys, allowDev, ...(record ? { record } : {}), ...(auditText !== undefined ? { audit: auditText } : {}) });
  const bundle = isRecord(receipt.bundle) ? receipt.bundle : undefined;
  const dev = typeof receipt.profile === "string" && keys.get(receipt.profile)?.manifest.security === "insecure-dev" && bundle !== undefined;
  return {
    valid: result.ok,
    headline: result.ok ? `${(result.finding ?? "confirmed").toUpperCase()}: receipt confirmed` : "NOT CONFIRMED: receipt",
    ...(dev ? { devNote: allowDev ? DEV_ACCEPTED : DEV_REFUSED } : {}),
    statement: result.verdict,
    ...(typeof receipt.profile === "string" ? { key: keyText(receipt.profile) ?? `No trusted key for profile ${receipt.profile}` } : {}),
    reasons: result.reasons,
  };
}

async function check(text: string, allowDev: boolean): Promise<Verdict> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { valid: false, headline: "INVALID: not a JSON file", reasons: [`malformed JSON: ${(error as Error).message}`] };
  }
  if (isRecord(data) && data.format === AUDIT_FORMAT) return checkPackage(data, allowDev);
  if (isRecord(data) && data.format === RECEIPT_FORMAT) return checkReceiptFile(data, allowDev);
  return checkBundle(data, allowDev);
}

function setText(id: string, text: string | undefined): void {
  const element = byId(id);
  element.textContent = text ?? "";
  element.hidden = text === undefined;
}

function listItems(texts: readonly string[]): HTMLLIElement[] {
  return texts.map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  });
}

function chainTable(rows: readonly ChainRow[]): HTMLTableElement {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const title of ["#", "entry", "result", "statement", "reasons"]) head.appendChild(document.createElement("th")).textContent = title;
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.className = row.valid ? "ok" : "bad";
    tr.insertCell().textContent = row.seq;
    tr.insertCell().textContent = row.kind;
    tr.insertCell().textContent = row.valid ? "valid" : "INVALID";
    tr.insertCell().textContent = row.statement;
    tr.insertCell().appendChild(document.createElement("ul")).replaceChildren(...listItems(row.reasons));
  }
  return table;
}

function render(name: string, verdict: Verdict): void {
  byId("result").hidden = false;
  verdictEl.textContent = verdict.headline;
  verdictEl.dataset.state = verdict.valid ? "valid" : "invalid";
  setText("source", `File: ${name}`);
  setText("dev-note", verdict.devNote);
  setText("statement", verdict.statement);
  setText("key", verdict.key);
  byId("reasons").replaceChildren(...listItems(verdict.reasons));
  byId("chain").replaceChildren(...(verdict.chain ? [chainTable(verdict.chain)] : []));
}

async function run(): Promise<void> {
  if (!current) return;
  const mine = ++started;
  const { name, text } = current;
  byId("result").hidden = false;
  verdictEl.textContent = "Verifying…";
  verdictEl.dataset.state = "working";
  let verdict: Verdict;
  try {
    verdict = await check(text, allowDevBox.checked);
  } catch (error) {
    // The verifier reports bad input as reasons; reaching this is a bug, still shown as a refusal.
    verdict = { valid: false, headline: "INVALID: the verifier failed", reasons: [(error as Error).message] };
  }
  if (mine !== started) return;
  render(name, verdict);
  verdictEl.dataset.run = String(++finished);
}

async function load(file: File | undefined): Promise<void> {
  if (!file) return;
  current = { name: file.name, text: await file.text() };
  await run();
}

fileInput.addEventListener("change", () => void load(fileInput.files?.[0]));
allowDevBox.addEventListener("change", () => void run());
configHashInput.addEventListener("change", () => void run());
recordInput.addEventListener("change", () => void run());
auditInput.addEventListener("change", () => void (async () => {
  auditText = await auditInput.files?.[0]?.text();
  await run();
})());
// Dropping anywhere must not make the browser navigate away to the file.
for (const type of ["dragover", "drop"] as const) document.addEventListener(type, (event) => event.preventDefault());
drop.addEventListener("dragover", () => drop.classList.add("over"));
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  drop.classList.remove("over");
  void load(event.dataTransfer?.files[0]);
});

byId("keys").replaceChildren(...listItems([...keys.values()].map(({ manifest }) => `${manifest.profile}: ${trustText(manifest)}`)));
