import type { AuditPackage } from "../verifier/auditTypes.ts";
import { describeProblem, unitsCovered, type ChainReport } from "../verifier/chain.ts";
import { isObject } from "../verifier/statements.ts";
import { statementKindOf } from "../methods/statementKinds.ts";
import { evaluationView, type EvaluationView } from "./evaluationView.ts";

/**
 * What an audit report shows, as plain text values: the one place that reads the (untrusted)
 * audit package and the chain verdict for the renderers, which only lay it out. Every field of
 * the package is read defensively, since a broken package is exactly what a report must show.
 */

/** One row of the timeline of states. */
export interface TimelineRow {
  seq: string;
  kind: string;
  time: string;
  oldState: string;
  newState: string;
  shard: string;
  deleted: string;
  requestId: string;
  proveSeconds: string;
  /** What the entry's proof claims, in its statement kind's words (describe()), or "—" without a proof. */
  claim: string;
  /** "verified", "recorded (no proof)" or "BROKEN". */
  status: string;
  ok: boolean;
  reasons: string[];
}

/** One deletion request. */
export interface RequestRow {
  id: string;
  status: string;
  records: string;
  receivedAt: string;
  provedAt: string;
  /** provedAt − receivedAt, formatted; "—" if not proved. */
  timeToProve: string;
  /** Sum of the proving times of its entries, formatted. */
  proofCompute: string;
  entries: string;
  verified: boolean;
  reasons: string[];
}

/** The key of one profile, with its trust level. */
export interface KeyRow {
  profile: string;
  template: string;
  params: string;
  /** "insecure-dev", "ceremony" or "unknown". */
  security: string;
  insecure: boolean;
  matchesTrusted: boolean;
  vkeyHash: string;
  constraints: string;
  ptau: string;
  contributions: string;
  reasons: string[];
}

/** One numeric evaluation figure (controller-measured, not proved). */
export interface FigureRow {
  name: string;
  value: string;
}

/** A proved accuracy entry. */
export interface AccuracyRow {
  seq: string;
  state: string;
  correct: string;
  total: string;
  accuracy: string;
  verified: boolean;
}

/** One point of the proving-latency chart. */
export interface LatencyPoint {
  id: string;
  /** receivedAt, ms since the epoch. */
  at: number;
  seconds: number;
  /** Whether the chain verifier found the request proved by verified entries. */
  verified: boolean;
}

/** Everything a report renderer lays out. */
export interface ReportModel {
  valid: boolean;
  summary: string[];
  firstBreak?: string;
  problems: string[];
  profile: string;
  exportedAt: string;
  configHash: string;
  shards: string;
  timeline: TimelineRow[];
  requests: RequestRow[];
  latency: LatencyPoint[];
  keys: KeyRow[];
  /** The controller's evaluation document as tables and charts, when the package carries one. */
  evaluationView?: EvaluationView;
  /** The numbers of an evaluation that is not a zkforget evaluation document, listed as they are. */
  evaluation: FigureRow[];
  accuracy: AccuracyRow[];
}

/** Where and when a report was made (shown in its footer). */
export interface ReportOptions {
  /** ISO time the report was generated; omitted from the report when not given. */
  generatedAt?: string;
  /** The file or ledger the package came from. */
  source?: string;
}

/** Most evaluation figures a report lists (the rest is summarised in one row). */
const MAX_FIGURES = 200;

/** Builds the report model. Pure: same package and verdict, same model. */
export function buildReportModel(pkg: AuditPackage, chain: ChainReport): ReportModel {
  const entries: unknown[] = Array.isArray(pkg.entries) ? pkg.entries : [];
  // verifyAuditPackage reports one verdict per package entry, in order: match by position, not
  // by seq, which a broken package may repeat or skip.
  const timeline = entries.map((raw, i) => timelineRow(raw, i, chain.entries[i]));
  const requests = (Array.isArray(pkg.requests) ? (pkg.requests as unknown[]) : []).filter(isObject);
  const requestChecks = new Map(chain.requests.map((r) => [r.id, r]));
  const proveSecondsBySeq = new Map(entries.filter(isObject).map((e) => [e.seq, e.proveSeconds]));
  const view = evaluationView(pkg.evaluation);
  return {
    valid: chain.valid,
    summary: chain.summary,
    ...(chain.firstBreak ? { firstBreak: describeProblem(chain.firstBreak) } : {}),
    problems: chain.problems.map(describeProblem),
    profile: text(pkg.profile),
    exportedAt: text(pkg.exportedAt),
    configHash: text(pkg.configHash),
    shards: chain.shardCount === undefined ? "—" : `${unitsCovered(chain)} covered by training proofs`,
    timeline,
    requests: requests.map((r) => requestRow(r, requestChecks.get(String(r.id))?.proved === true, requestChecks.get(String(r.id))?.reasons ?? [], proveSecondsBySeq)),
    latency: requests.flatMap((r) => latencyPoint(r, requestChecks.get(String(r.id))?.proved === true)),
    keys: keyRows(pkg, chain),
    ...(view ? { evaluationView: view } : {}),
    evaluation: view ? [] : figures(pkg.evaluation),
    accuracy: timeline.flatMap((row, i) => accuracyRow(entries[i], row)),
  };
}

function timelineRow(raw: unknown, position: number, verdict: ChainReport["entries"][number] | undefined): TimelineRow {
  const e = isObject(raw) ? raw : {};
  const seq = typeof e.seq === "number" ? e.seq : position + 1;
  const s = statementOf(e);
  const ok = verdict?.valid === true;
  return {
    seq: String(seq),
    kind: text(e.kind),
    time: text(e.recordedAt),
    oldState: text(e.oldState),
    newState: text(e.newState),
    shard: typeof s.shard === "number" ? String(s.shard) : "—",
    deleted: Array.isArray(s.deleted) ? String(s.deleted.length) : "—",
    requestId: e.requestId === undefined ? "—" : text(e.requestId),
    proveSeconds: typeof e.proveSeconds === "number" ? `${e.proveSeconds.toFixed(2)} s` : "—",
    claim: e.bundle === undefined ? "—" : claimOf(s),
    status: !ok ? "BROKEN" : e.bundle === undefined ? "recorded (no proof)" : "verified",
    ok,
    reasons: verdict?.reasons ?? [],
  };
}

function requestRow(r: Record<string, unknown>, verified: boolean, reasons: string[], proveSeconds: Map<unknown, unknown>): RequestRow {
  const seqs = Array.isArray(r.entries) ? r.entries : [];
  const latency = latencyPoint(r, verified)[0];
  const compute = seqs.map((seq) => proveSeconds.get(seq)).filter((s): s is number => typeof s === "number");
  return {
    id: text(r.id),
    status: text(r.status),
    records: text(r.recordCount),
    receivedAt: text(r.receivedAt),
    provedAt: r.provedAt === undefined ? "—" : text(r.provedAt),
    timeToProve: latency ? formatDuration(latency.seconds) : "—",
    proofCompute: compute.length > 0 ? formatDuration(compute.reduce((a, b) => a + b, 0)) : "—",
    entries: seqs.length > 0 ? seqs.map(String).join(", ") : "—",
    verified,
    reasons,
  };
}

function latencyPoint(r: Record<string, unknown>, verified: boolean): LatencyPoint[] {
  const received = typeof r.receivedAt === "string" ? Date.parse(r.receivedAt) : NaN;
  const proved = typeof r.provedAt === "string" ? Date.parse(r.provedAt) : NaN;
  if (!Number.isFinite(received) || !Number.isFinite(proved) || proved < received) return [];
  return [{ id: text(r.id), at: received, seconds: (proved - received) / 1000, verified }];
}

/** Every profile the package ships a key for or the verifier judged, with the trusted verdict. */
function keyRows(pkg: AuditPackage, chain: ChainReport): KeyRow[] {
  const shipped = isObject(pkg.keys) ? (pkg.keys as Record<string, unknown>) : {};
  const profiles = [...new Set([...chain.keys.map((k) => k.profile), ...Object.keys(shipped)])].sort();
  return profiles.map((profile) => {
    const verdict = chain.keys.find((k) => k.profile === profile);
    const key = shipped[profile];
    const m = isObject(key) && isObject(key.manifest) ? key.manifest : {};
    const ptau = isObject(m.ptau) ? `${text(m.ptau.file)} (2^${text(m.ptau.power)})` : "—";
    const security = verdict?.security ?? "unknown";
    return {
      profile,
      template: text(m.template),
      params: Array.isArray(m.params) ? m.params.map(String).join(", ") : "—",
      security,
      insecure: security !== "ceremony",
      matchesTrusted: verdict?.matchesTrusted === true,
      vkeyHash: text(m.vkeyHash),
      constraints: typeof m.constraints === "number" ? m.constraints.toLocaleString("en-US") : "—",
      ptau,
      contributions: Array.isArray(m.contributions) ? String(m.contributions.length) : "—",
      reasons: verdict?.reasons ?? ["not checked: no entry of the chain uses this key"],
    };
  });
}

/** The numeric fields of the evaluation, flattened to dotted paths. */
function figures(evaluation: unknown): FigureRow[] {
  const rows: FigureRow[] = [];
  let skipped = 0;
  const walk = (value: unknown, path: string) => {
    if (typeof value === "number" && Number.isFinite(value)) {
      if (rows.length < MAX_FIGURES) rows.push({ name: path || "(value)", value: formatNumber(value) });
      else skipped++;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(evaluation, "");
  if (skipped > 0) rows.push({ name: `(${skipped} more figures not listed)`, value: "" });
  return rows;
}

function accuracyRow(raw: unknown, row: TimelineRow): AccuracyRow[] {
  const e = isObject(raw) ? raw : {};
  const s = statementOf(e);
  if (e.kind !== "accuracy" && s.type !== "model-accuracy") return [];
  const correct = Number(s.correct), total = Number(s.total);
  return [{
    seq: row.seq,
    state: text(s.state),
    correct: text(s.correct),
    total: text(s.total),
    accuracy: Number.isFinite(correct) && Number.isFinite(total) && total > 0 ? `${((100 * correct) / total).toFixed(2)} %` : "—",
    verified: row.ok,
  }];
}

function statementOf(e: Record<string, unknown>): Record<string, unknown> {
  return isObject(e.bundle) && isObject(e.bundle.statement) ? e.bundle.statement : {};
}

/** Any JSON value as display text ("—" when absent). */
function text(value: unknown): string {
  if (value === undefined || value === null) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Seconds as "12.3 s", "4.2 min", "3.1 h" or "2.0 d". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A state for a table cell: 0x1234abcd…ef01, or the text as is when it is not a full hex state. */
export function shortState(state: string): string {
  return /^0x[0-9a-f]{64}$/.test(state) ? `${state.slice(0, 10)}…${state.slice(-4)}` : state;
}

/** A statement's claim in its kind's words; never throws on a malformed statement. */
function claimOf(s: Record<string, unknown>): string {
  const kind = statementKindOf(s);
  if (!kind) return `a ${JSON.stringify(s.type)} statement, which this verifier does not know`;
  try {
    return kind.describe(s);
  } catch {
    return `a malformed ${String(s.type)} statement`;
  }
}
