import type { KeyManifest } from "../keys/manifest.ts";
import { statementTransition } from "./transition.ts";
import { AUDIT_FORMAT, AUDIT_VERSION } from "./auditTypes.ts";
import {
  compareKey, emptyModelRoot, entryFieldProblems, hexText, isPositiveInteger, KINDS, requestFieldProblems, seqProblems, short,
} from "./chainFields.ts";
import { isObject } from "./statements.ts";
import type { KeyRing } from "./types.ts";
import { verifyBundle } from "./verify.ts";

/**
 * Audit-chain verification: checks a whole audit package (what `zkforget export` writes) from
 * an untrusted controller. A chain is valid when every proof verifies under the verifier's own
 * trusted keys, the states link up entry by entry, every SISA state is pinned to one config,
 * training starts from the empty model and covers every shard, and every request marked proved
 * is answered by entries of the chain. Browser-safe: no node:*, no prover.
 */

/** Options for {@link verifyAuditPackage}. */
export interface ChainOptions {
  /** The verification keys the verifier trusts, by profile. The package's own keys are only compared with these. */
  keys: KeyRing;
  /** Accept proofs under INSECURE dev keys (anyone can forge them): demos and tests only. */
  allowDev?: boolean;
  /** 0x-hex config hash the verifier expects every SISA state to be pinned to (published by the controller). */
  configHash?: string;
}

/** One problem found in a chain. `seq` 0 means the package as a whole, not one entry. */
export interface ChainProblem {
  seq: number;
  /** The entry's kind as the package states it, or "package". */
  kind: string;
  reason: string;
}

/** Verdict on one ledger entry. */
export interface ChainEntryReport {
  seq: number;
  kind: string;
  valid: boolean;
  reasons: string[];
}

/** Verdict on the package's copy of the key for one profile, against the trusted key. */
export interface ChainKeyReport {
  profile: string;
  /** Trust level of the TRUSTED key; the package's claim only when no trusted key exists. */
  security?: KeyManifest["security"];
  /** True when the verifier holds a key for the profile and the package's copy is that key. */
  matchesTrusted: boolean;
  reasons: string[];
}

/** Verdict on one deletion request. */
export interface ChainRequestReport {
  id: string;
  status: string;
  /** True when the request is proved and every entry answering it verifies. */
  proved: boolean;
  reasons: string[];
}

/** Outcome of {@link verifyAuditPackage}: `valid` only if no problem was found anywhere. */
export interface ChainReport {
  valid: boolean;
  /** False when the input is not an audit package at all (not JSON, wrong format or version). */
  readable: boolean;
  entries: ChainEntryReport[];
  /** The first problem in chain order: package-level problems, then entries by position, then end-of-chain checks. */
  firstBreak?: ChainProblem;
  /** Every problem, in the same order. */
  problems: ChainProblem[];
  profile: string;
  configHash?: string;
  /** SISA only: shards with at least one verified training proof, increasing. */
  shardsCovered?: number[];
  /** SISA only: number of shards, from the trusted key's parameters. */
  shardCount?: number;
  keys: ChainKeyReport[];
  requests: ChainRequestReport[];
  /** Human-readable lines: verdict, counts, first break. */
  summary: string[];
}

/**
 * Verifies an audit package received from an untrusted controller, as parsed JSON or JSON
 * text. Never throws on bad input: every problem becomes a reason naming the entry (by seq)
 * and what is wrong, and the first one is reported as `firstBreak`.
 *
 * @example
 * const report = await verifyAuditPackage(json, { keys: await loadKeyRing("keys"), allowDev: true });
 * if (!report.valid) console.log(report.firstBreak);
 */
export async function verifyAuditPackage(input: unknown, options: ChainOptions): Promise<ChainReport> {
  const chain = new ChainCheck(options);
  try {
    await chain.run(input);
  } catch (error) {
    // Every check is written not to throw; this only keeps the promise of "never throws".
    chain.head.push({ seq: 0, kind: "package", reason: `internal error while checking the package: ${(error as Error).message}` });
  }
  return chain.report();
}

/** Per-profile outcome of comparing the package's key with the trusted one. */
interface KeyCheck {
  report: ChainKeyReport;
  /** Whether the problems were already attributed to an entry. */
  attributed: boolean;
}

/** The state of one verification run; `run` fills the lists, `report` assembles them. */
class ChainCheck {
  readonly head: ChainProblem[] = [];
  readonly tail: ChainProblem[] = [];
  readonly entries: ChainEntryReport[] = [];
  readonly requests: ChainRequestReport[] = [];
  readonly keyChecks = new Map<string, KeyCheck>();
  readonly covered = new Set<number>();
  readonly #options: ChainOptions;
  readable = false;
  profile = "";
  configHash?: string;
  shardCount?: number;
  /** Entries that carry a bundle, by seq: the request they answer, the slots they delete, whether they passed. */
  readonly #proved = new Map<number, { requestId?: string; deletedCount: number; valid: boolean }>();
  /** The package's own keys (untrusted, only compared with the trusted ones). */
  #packageKeys: Record<string, unknown> = {};
  /** The trusted manifest of the package's profile when it is a SISA (ShardRetrain) profile. */
  #sisa?: KeyManifest;

  constructor(options: ChainOptions) {
    // A pinned config hash is compared with the lowercase hex statements carry, whoever typed it.
    this.#options = options.configHash === undefined ? options : { ...options, configHash: options.configHash.toLowerCase() };
  }

  async run(input: unknown): Promise<void> {
    const pkg = this.#parse(input);
    if (!pkg) return;
    this.readable = true;
    this.profile = typeof pkg.profile === "string" ? pkg.profile : "";
    this.#packageFields(pkg);
    this.#packageKeys = isObject(pkg.keys) ? pkg.keys : {};
    const trustedMain = this.#options.keys.get(this.profile);
    if (trustedMain?.manifest.template === "ShardRetrain") {
      this.#sisa = trustedMain.manifest;
      this.#sisaSetup(pkg, this.#sisa);
    }

    const entries = pkg.entries as unknown[];
    if (entries.length === 0) this.head.push(packageProblem("the package has no entries: there is no chain to verify"));
    let maxSeq = 0;
    let current: string | undefined;
    let emptyRootChecked = false;
    for (const [position, raw] of entries.entries()) {
      const reasons: string[] = [];
      if (!isObject(raw)) {
        this.entries.push({ seq: position + 1, kind: "invalid", valid: false, reasons: [`the entry at position ${position + 1} is not an object`] });
        continue;
      }
      const seq = isPositiveInteger(raw.seq) ? raw.seq : position + 1;
      const kind = typeof raw.kind === "string" ? raw.kind : "invalid";
      reasons.push(...seqProblems(raw.seq, maxSeq));
      if (isPositiveInteger(raw.seq)) maxSeq = Math.max(maxSeq, raw.seq);
      reasons.push(...entryFieldProblems(raw));

      const oldState = hexText(raw.oldState);
      const newState = hexText(raw.newState);
      if (current !== undefined && oldState !== undefined && oldState !== current) {
        reasons.push(`continuity: oldState ${short(oldState)} is not the previous entry's newState ${short(current)}`);
      }
      if (kind === "accuracy" && oldState !== undefined && newState !== undefined && oldState !== newState) {
        reasons.push(`an accuracy entry attests a state and must not move it, but oldState ${short(oldState)} ≠ newState ${short(newState)}`);
      }
      if (kind === "commit") {
        if (position > 0) reasons.push("a commit entry has no proof, so it may only open the chain; here it would move the state without proof");
        if (raw.bundle !== undefined) reasons.push("a commit entry carries no proof bundle");
      } else if (raw.bundle === undefined) {
        if (KINDS.includes(kind)) reasons.push(`a ${kind} entry must carry a proof bundle`);
      } else {
        const checked = await this.#bundle(raw, kind, { oldState, newState }, reasons, !emptyRootChecked);
        if (checked.shardRetrain) emptyRootChecked = true;
        this.#proved.set(seq, {
          ...(typeof raw.requestId === "string" ? { requestId: raw.requestId } : {}),
          deletedCount: checked.deletedCount,
          valid: reasons.length === 0,
        });
      }
      current = newState ?? current;
      this.entries.push({ seq, kind, valid: reasons.length === 0, reasons });
    }
    this.#remainingKeys();
    if (this.shardCount !== undefined) this.#coverage();
    this.#requests(pkg.requests);
  }

  /** Parses the input; returns the package object when it is readable at all. */
  #parse(input: unknown): Record<string, unknown> | undefined {
    let data = input;
    if (typeof input === "string") {
      try {
        data = JSON.parse(input);
      } catch (error) {
        this.head.push(packageProblem(`malformed JSON (truncated or corrupted?): ${(error as Error).message}`));
        return undefined;
      }
    }
    if (!isObject(data)) {
      this.head.push(packageProblem("the audit package is not a JSON object"));
      return undefined;
    }
    const problems: string[] = [];
    if (data.format !== AUDIT_FORMAT) problems.push(`format must be "${AUDIT_FORMAT}", got ${JSON.stringify(data.format)}`);
    else if (data.version !== AUDIT_VERSION) problems.push(`version ${JSON.stringify(data.version)} is not supported (this verifier reads version ${AUDIT_VERSION})`);
    if (!Array.isArray(data.entries)) problems.push("entries must be a list of ledger entries");
    this.head.push(...problems.map(packageProblem));
    return problems.length === 0 ? data : undefined;
  }

  /** Package-level fields other than entries. */
  #packageFields(pkg: Record<string, unknown>): void {
    const problems: string[] = [];
    if (this.profile === "") problems.push("profile is missing");
    if (typeof pkg.exportedAt !== "string") problems.push("exportedAt must be an ISO time string");
    if (pkg.configHash !== undefined) {
      if (hexText(pkg.configHash) === undefined) problems.push("configHash must be a 0x-prefixed 64-digit lowercase hex field element");
      else this.configHash = pkg.configHash as string;
    }
    const pinned = this.#options.configHash;
    if (pinned !== undefined) {
      if (hexText(pinned) === undefined) problems.push(`the expected config hash ${JSON.stringify(pinned)} is not a 0x-prefixed 64-digit lowercase hex field element`);
      else if (this.configHash !== undefined && this.configHash !== pinned) {
        problems.push(`config pin: the package's configHash ${short(this.configHash)} is not the expected ${short(pinned)}`);
      }
    }
    if (!Array.isArray(pkg.requests)) problems.push("requests must be a list of deletion requests");
    if (!isObject(pkg.keys)) problems.push("keys must be an object of verification keys by profile");
    this.head.push(...problems.map(packageProblem));
  }

  /** SISA packages: the shard count from the trusted key, and a config hash to pin to. */
  #sisaSetup(pkg: Record<string, unknown>, manifest: KeyManifest): void {
    const shardDepth = manifest.params[0];
    if (typeof shardDepth !== "number" || !Number.isInteger(shardDepth) || shardDepth < 1) {
      this.head.push(packageProblem(`the trusted key for ${manifest.profile} has no usable shard depth (params[0] = ${JSON.stringify(shardDepth)})`));
      return;
    }
    this.shardCount = 2 ** shardDepth;
    if (pkg.shards !== undefined && pkg.shards !== this.shardCount) {
      this.head.push(packageProblem(`shards is ${JSON.stringify(pkg.shards)} but profile ${manifest.profile} has ${this.shardCount} shards`));
    }
    if (pkg.configHash === undefined) this.head.push(packageProblem("configHash is missing: a SISA package must name the config every state is pinned to"));
  }

  /** Checks an entry's bundle; adds reasons; returns what the chain-level checks need. */
  async #bundle(
    entry: Record<string, unknown>,
    kind: string,
    { oldState, newState }: { oldState?: string | undefined; newState?: string | undefined },
    reasons: string[],
    firstShardRetrain: boolean,
  ): Promise<{ shardRetrain: boolean; deletedCount: number }> {
    const result = await verifyBundle(entry.bundle, { keys: this.#options.keys, allowDev: this.#options.allowDev === true });
    reasons.push(...result.reasons.map((r) => `proof: ${r}`));
    const bundle = result.bundle;
    if (!bundle) return { shardRetrain: false, deletedCount: 0 };
    reasons.push(...this.#keyProblemsOnce(bundle.profile));
    if (kind !== "accuracy" && bundle.profile !== this.profile) {
      reasons.push(`the bundle is for profile ${bundle.profile}, but the package's state transitions use ${this.profile}`);
    }
    const s = bundle.statement as unknown as Record<string, unknown>;
    const type = typeof s.type === "string" ? s.type : "";
    const deletedCount = Array.isArray(s.deleted) ? s.deleted.length : 0;
    const moves = statementTransition(s);
    if (typeof moves === "string") {
      reasons.push(moves);
    } else {
      if (moves.kind !== kind) reasons.push(`the entry says ${JSON.stringify(kind)}, but its ${type} statement makes a ${moves.kind} entry`);
      if (oldState !== undefined && moves.oldState !== oldState) reasons.push(`the entry's oldState ${short(oldState)} is not its statement's old state ${short(moves.oldState)}`);
      if (newState !== undefined && moves.newState !== newState) reasons.push(`the entry's newState ${short(newState)} is not its statement's new state ${short(moves.newState)}`);
    }
    // Accuracy statements name the config of the state they attest: the same pin applies.
    if (type === "shard-retrain" || type === "model-accuracy") this.#configPin(s.configHash, reasons);
    const shardRetrain = type === "shard-retrain";
    if (shardRetrain) {
      if (firstShardRetrain && this.#sisa) {
        const empty = emptyModelRoot(this.#sisa);
        if (s.oldModelRoot !== empty) {
          reasons.push(`the first training proof must start from the empty model (root ${short(empty)} of ${this.shardCount} zero leaves), but its oldModelRoot is ${short(String(s.oldModelRoot))}`);
        }
      }
      if (reasons.length === 0 && typeof s.shard === "number") this.covered.add(s.shard);
    }
    return { shardRetrain, deletedCount };
  }

  #configPin(value: unknown, reasons: string[]): void {
    const pinned = this.#options.configHash;
    if (this.configHash !== undefined && value !== this.configHash) {
      reasons.push(`config pin: the statement's configHash ${short(String(value))} is not the package's ${short(this.configHash)}`);
    }
    if (pinned !== undefined && value !== pinned) {
      reasons.push(`config pin: the statement's configHash ${short(String(value))} is not the expected ${short(pinned)}`);
    }
  }

  /** Compares the package's key for `profile` with the trusted one; reports its problems the first time only. */
  #keyProblemsOnce(profile: string): string[] {
    let check = this.keyChecks.get(profile);
    if (!check) {
      check = { report: compareKey(profile, this.#packageKeys[profile], this.#options.keys), attributed: false };
      this.keyChecks.set(profile, check);
    }
    if (check.attributed) return [];
    check.attributed = true;
    return check.report.reasons;
  }

  /** Keys no entry used (and the package profile's key) are compared too, as package-level problems. */
  #remainingKeys(): void {
    const profiles = new Set([...Object.keys(this.#packageKeys), ...(this.profile ? [this.profile] : [])]);
    for (const profile of profiles) {
      const reasons = this.#keyProblemsOnce(profile);
      this.head.push(...reasons.map(packageProblem));
    }
  }

  #coverage(): void {
    const missing = Array.from({ length: this.shardCount! }, (_, k) => k).filter((k) => !this.covered.has(k));
    if (missing.length > 0) {
      this.tail.push(packageProblem(`SISA coverage: shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${this.shardCount} ` +
        `${missing.length > 1 ? "have" : "has"} no verified training proof in the chain, so ${missing.length > 1 ? "their" : "its"} model is not covered`));
    }
  }

  #requests(raw: unknown): void {
    if (!Array.isArray(raw)) return;
    const seen = new Set<string>();
    for (const [position, request] of raw.entries()) {
      if (!isObject(request) || typeof request.id !== "string") {
        this.tail.push(packageProblem(`the request at position ${position + 1} is not an object with a string id`));
        continue;
      }
      const label = `request ${JSON.stringify(request.id)}`;
      const problems = requestFieldProblems(request).map(packageProblem);
      if (seen.has(request.id)) problems.push(packageProblem("the request id appears twice"));
      seen.add(request.id);
      if (request.status === "proved" && Array.isArray(request.entries)) {
        problems.push(...this.#answers(request.id, request.entries, request.recordCount));
      }
      this.tail.push(...problems.map((p) => ({ ...p, reason: `${label}: ${p.reason}` })));
      const status = String(request.status);
      this.requests.push({ id: request.id, status, proved: status === "proved" && problems.length === 0, reasons: problems.map((p) => p.reason) });
    }
    for (const [seq, proved] of this.#proved) {
      if (proved.requestId !== undefined && !seen.has(proved.requestId)) {
        this.tail.push({ seq, kind: this.#kindOf(seq), reason: `entry ${seq} answers request ${JSON.stringify(proved.requestId)}, which the package does not list` });
      }
    }
  }

  /** Problems with the entries a proved request names. */
  #answers(id: string, seqs: unknown[], recordCount: unknown): ChainProblem[] {
    const problems: ChainProblem[] = [];
    if (seqs.length === 0) problems.push(packageProblem("marked proved but names no entries"));
    let deleted = 0;
    for (const seq of seqs) {
      const proved = typeof seq === "number" ? this.#proved.get(seq) : undefined;
      if (!proved) {
        problems.push(packageProblem(`names entry ${JSON.stringify(seq)}, which is not a proved entry of the chain`));
        continue;
      }
      const at = { seq: seq as number, kind: this.#kindOf(seq as number) };
      if (proved.requestId !== id) problems.push({ ...at, reason: `names entry ${seq}, which answers ${proved.requestId === undefined ? "no request" : `request ${JSON.stringify(proved.requestId)}`}` });
      else if (!proved.valid) problems.push({ ...at, reason: `marked proved, but its entry ${seq} does not verify` });
      deleted += proved.deletedCount;
    }
    if (typeof recordCount === "number" && problems.length === 0 && deleted !== recordCount) {
      problems.push(packageProblem(`names ${recordCount} records, but its entries prove the deletion of ${deleted} slots`));
    }
    return problems;
  }

  #kindOf(seq: number): string {
    return this.entries.find((e) => e.seq === seq)?.kind ?? "package";
  }

  report(): ChainReport {
    const problems = [
      ...this.head,
      ...this.entries.flatMap((e) => e.reasons.map((reason) => ({ seq: e.seq, kind: e.kind, reason }))),
      ...this.tail,
    ];
    const sisa = this.shardCount !== undefined;
    const report: ChainReport = {
      valid: problems.length === 0,
      readable: this.readable,
      entries: this.entries,
      ...(problems[0] ? { firstBreak: problems[0] } : {}),
      problems,
      profile: this.profile,
      ...(this.configHash !== undefined ? { configHash: this.configHash } : {}),
      ...(sisa ? { shardsCovered: [...this.covered].sort((a, b) => a - b), shardCount: this.shardCount } : {}),
      keys: [...this.keyChecks.values()].map((c) => c.report),
      requests: this.requests,
      summary: [],
    };
    report.summary = summarize(report);
    return report;
  }
}

/** "entry 4 (retrain): reason", or "package: reason" for a problem of the package as a whole. */
export function describeProblem(p: ChainProblem): string {
  return `${p.seq === 0 ? "package" : `entry ${p.seq} (${p.kind})`}: ${p.reason}`;
}

function packageProblem(reason: string): ChainProblem {
  return { seq: 0, kind: "package", reason };
}

function summarize(r: ChainReport): string[] {
  if (!r.readable) return [`UNUSABLE: ${r.firstBreak?.reason ?? "not an audit package"}`];
  const lines: string[] = [];
  const valid = r.entries.filter((e) => e.valid).length;
  lines.push(r.valid ? `VALID: ${r.entries.length} entries, every proof verifies and the states chain` : `BROKEN: ${valid} of ${r.entries.length} entries pass, ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
  if (r.firstBreak) lines.push(`first break: ${describeProblem(r.firstBreak)}`);
  const insecure = r.keys.filter((k) => k.security === "insecure-dev").map((k) => k.profile);
  lines.push(`profile ${r.profile}${insecure.includes(r.profile) ? " (INSECURE dev key)" : ""}`);
  if (r.configHash) lines.push(`config hash ${r.configHash}`);
  if (r.shardsCovered && r.shardCount !== undefined) lines.push(`shards covered by training proofs: ${r.shardsCovered.length} of ${r.shardCount}`);
  const proved = r.requests.filter((q) => q.proved).length;
  lines.push(`deletion requests: ${r.requests.length}, ${proved} proved and verified`);
  const otherInsecure = insecure.filter((p) => p !== r.profile);
  if (otherInsecure.length > 0) lines.push(`INSECURE dev keys also used for: ${otherInsecure.join(", ")}`);
  return lines;
}
