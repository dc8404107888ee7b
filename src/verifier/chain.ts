import type { KeyManifest } from "../keys/manifest.ts";
import type { TrainingPolicy } from "../ml/publicConfig.ts";
import { statementTransition } from "./transition.ts";
import { AUDIT_FORMAT, AUDIT_VERSION } from "./auditTypes.ts";
import {
  compareKey, entryFieldProblems, hexText, isPositiveInteger, KINDS, requestFieldProblems, seqProblems, short,
} from "./chainFields.ts";
import { parseHex32, toHex32 } from "./fieldText.ts";
import { requestCommitment } from "./requestCommitment.ts";
import { isObject } from "./statements.ts";
import type { KeyRing } from "./types.ts";
import { statementKindOf, statementKindOfTemplate } from "../methods/statementKinds.ts";
import type { ModelRules } from "../methods/statementKind.ts";
import { verifyBundle } from "./verify.ts";

/**
 * Audit-chain verification: checks a whole audit package (what `zkforget export` writes) from
 * an untrusted controller. A chain is valid when every proof verifies under the verifier's own
 * trusted keys, the states link up entry by entry, every model-bearing state is pinned to one
 * published config that passes the verifier's policy, training starts from the empty model and
 * covers every shard, and every request is recorded in the chain before it is answered and, when
 * marked proved, answered by verified entries that delete exactly the slots its commitment
 * names. Which of these checks apply follows from the statements the chain contains, never from
 * a label the controller writes. Browser-safe: no node:*, no prover.
 */

/** Options for {@link verifyAuditPackage}. */
export interface ChainOptions {
  /** The verification keys the verifier trusts, by profile. The package's own keys are only compared with these. */
  keys: KeyRing;
  /** Accept proofs under INSECURE dev keys (anyone can forge them): demos and tests only. */
  allowDev?: boolean;
  /** 0x-hex config hash the verifier expects every model-bearing state to be pinned to (published by the controller). */
  configHash?: string;
  /** Training-config policy applied to every model-bearing statement (see verifyBundle); default DEFAULT_TRAINING_POLICY. */
  policy?: TrainingPolicy;
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

/** Verdict on one deletion request, derived from the chain (its `request` entry and the entries answering it). */
export interface ChainRequestReport {
  id: string;
  /** The status the controller states (a claim; `proved` and `pending` are what the chain shows). */
  status: string;
  /** True when verified entries delete exactly the slots the request's commitment names. */
  proved: boolean;
  /** True when the chain records the request but no verified entries answer it (yet). */
  pending: boolean;
  /** Seq of the chain's `request` entry, when there is one. */
  seq?: number;
  /** When the chain recorded it (the controller's clock, a claim). */
  receivedAt?: string;
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
  /** Profile of the chain's state transitions (from its proofs; the package's own label when it has none). */
  profile: string;
  configHash?: string;
  /** Model-bearing chains: shards with at least one verified training proof, increasing. */
  shardsCovered?: number[];
  /** Model-bearing chains: number of shards, from the published (and proved) config. */
  shardCount?: number;
  /** Model-bearing chains: what a training unit is called ("shard"; ridge: "ridge genesis"), from the statement kind. */
  unitNoun?: string;
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

/** What the chain's `request` entry for one request records. */
interface RecordedRequest {
  seq: number;
  commitment: string;
  recordCount: number;
  recordedAt: string;
}

/** A verified entry that names a request: what it deleted and whether it passed. */
interface AnsweringEntry {
  seq: number;
  deleted: { index: number; leaf: string }[];
  valid: boolean;
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
  /** The package's own profile label (a claim, compared with what the proofs show). */
  #label = "";
  /** Profile of the chain's state transitions: that of its first transition proof. */
  #transitionProfile?: string;
  /** The statement-kind family of those transitions, when their method proves under several profiles. */
  #transitionFamily?: string | undefined;
  /** Whether those transitions carry a trained model (from their statement kind). */
  #transitionCarriesModel?: boolean;
  /** Name of those transitions' template, for messages. */
  #transitionTemplate?: string;
  configHash?: string;
  #claimedConfigHash?: string;
  /** The published config of the model-bearing statements (all must agree with the first). */
  #config?: unknown;
  /** Training units the config defines (SISA: shards) and what they are called. */
  shardCount?: number;
  #unitNoun = "shard";
  /** State the chain starts from: the first entry's old state. */
  #genesisState?: string;
  #lastRecordedAt?: number;
  /** Whether any statement about a trained model appeared (verified or not). */
  #modelSeen = false;
  readonly #recordedRequests = new Map<string, RecordedRequest>();
  readonly #answers = new Map<string, AnsweringEntry[]>();
  /** Profiles of the bundles that verified, in any entry. */
  readonly #provedProfiles = new Set<string>();
  /** The package's own keys (untrusted, only compared with the trusted ones). */
  #packageKeys: Record<string, unknown> = {};

  constructor(options: ChainOptions) {
    // A pinned config hash is compared with the lowercase hex statements carry, whoever typed it.
    this.#options = options.configHash === undefined ? options : { ...options, configHash: options.configHash.toLowerCase() };
  }

  /**
   * The chain's profile as the proofs show it: the package's label when a verified proof was made
   * under it (a method proving under several profiles is labelled with its workspace's one), else
   * the first transition's profile. A label of the family that no proof used is not reported.
   */
  get profile(): string {
    return this.#labelInFamily() && this.#provedProfiles.has(this.#label) ? this.#label : this.#transitionProfile ?? this.#label;
  }

  /** Whether the package's profile label is a profile of the chain's transition family (ridge: its deletion profile). */
  #labelInFamily(): boolean {
    if (this.#transitionFamily === undefined || this.#label === "") return false;
    const template = this.#options.keys.get(this.#label)?.manifest.template;
    return template !== undefined && statementKindOfTemplate(template)?.family === this.#transitionFamily;
  }

  async run(input: unknown): Promise<void> {
    const pkg = this.#parse(input);
    if (!pkg) return;
    this.readable = true;
    this.#label = typeof pkg.profile === "string" ? pkg.profile : "";
    this.#packageFields(pkg);
    this.#packageKeys = isObject(pkg.keys) ? pkg.keys : {};

    const entries = pkg.entries as unknown[];
    if (entries.length === 0) this.head.push(packageProblem("the package has no entries: there is no chain to verify"));
    let maxSeq = 0;
    let current: string | undefined;
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
      reasons.push(...this.#timeOrder(raw.recordedAt));

      const oldState = hexText(raw.oldState);
      const newState = hexText(raw.newState);
      if (position === 0) this.#genesisState = oldState;
      if (current !== undefined && oldState !== undefined && oldState !== current) {
        reasons.push(`continuity: oldState ${short(oldState)} is not the previous entry's newState ${short(current)}`);
      }
      if ((kind === "accuracy" || kind === "request") && oldState !== undefined && newState !== undefined && oldState !== newState) {
        reasons.push(`${kind === "accuracy" ? "an" : "a"} ${kind} entry does not move the state, but oldState ${short(oldState)} ≠ newState ${short(newState)}`);
      }
      if (kind === "commit") {
        if (position > 0) reasons.push("a commit entry has no proof, so it may only open the chain; here it would move the state without proof");
        if (raw.bundle !== undefined) reasons.push("a commit entry carries no proof bundle");
        if (oldState !== newState) reasons.push("the commit entry records one state: its oldState and newState must be equal");
      } else if (kind === "request") {
        reasons.push(...this.#requestEntry(raw, seq));
      } else if (raw.bundle === undefined) {
        if (KINDS.includes(kind)) reasons.push(`a ${kind} entry must carry a proof bundle`);
      } else {
        const deleted = await this.#bundle(raw, kind, { oldState, newState }, reasons);
        const profile = typeof raw.bundle === "object" && raw.bundle !== null ? (raw.bundle as { profile?: unknown }).profile : undefined;
        if (reasons.length === 0 && typeof profile === "string") this.#provedProfiles.add(profile);
        if (typeof raw.requestId === "string") {
          if (!this.#recordedRequests.has(raw.requestId)) {
            reasons.push(`answers request ${JSON.stringify(raw.requestId)}, which the chain has not recorded before this entry (a request is recorded in a request entry when it is received)`);
          }
          const list = this.#answers.get(raw.requestId) ?? [];
          list.push({ seq, deleted, valid: reasons.length === 0 });
          this.#answers.set(raw.requestId, list);
        }
      }
      current = newState ?? current;
      this.entries.push({ seq, kind, valid: reasons.length === 0, reasons });
    }
    this.#remainingKeys();
    this.#modelChecks();
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

  /** Package-level fields other than entries. The package's configHash and profile are claims, checked against the proofs. */
  #packageFields(pkg: Record<string, unknown>): void {
    const problems: string[] = [];
    if (this.#label === "") problems.push("profile is missing");
    if (typeof pkg.exportedAt !== "string") problems.push("exportedAt must be an ISO time string");
    if (pkg.configHash !== undefined) {
      if (hexText(pkg.configHash) === undefined) problems.push("configHash must be a 0x-prefixed 64-digit lowercase hex field element");
      else this.#claimedConfigHash = pkg.configHash as string;
    }
    const pinned = this.#options.configHash;
    if (pinned !== undefined && hexText(pinned) === undefined) {
      problems.push(`the expected config hash ${JSON.stringify(pinned)} is not a 0x-prefixed 64-digit lowercase hex field element`);
    }
    if (!Array.isArray(pkg.requests)) problems.push("requests must be a list of deletion requests");
    if (!isObject(pkg.keys)) problems.push("keys must be an object of verification keys by profile");
    this.head.push(...problems.map(packageProblem));
  }

  /** Entries are appended in time order: a recordedAt earlier than the previous entry's is a problem (times are claims, but must at least be consistent). */
  #timeOrder(recordedAt: unknown): string[] {
    if (typeof recordedAt !== "string") return [];
    const t = Date.parse(recordedAt);
    if (Number.isNaN(t)) return [`recordedAt ${JSON.stringify(recordedAt)} is not an ISO time`];
    const before = this.#lastRecordedAt;
    this.#lastRecordedAt = Math.max(t, before ?? t);
    return before !== undefined && t < before ? [`recordedAt ${recordedAt} is earlier than the previous entry's: entries must be appended in time order`] : [];
  }

  /** A `request` entry: no proof, a commitment and a record count, one per request id. */
  #requestEntry(raw: Record<string, unknown>, seq: number): string[] {
    const reasons: string[] = [];
    if (raw.bundle !== undefined) reasons.push("a request entry carries no proof bundle");
    if (typeof raw.requestId !== "string") reasons.push("a request entry must name its requestId");
    if (hexText(raw.requestCommitment) === undefined) reasons.push("a request entry must carry its requestCommitment as a 0x-hex field element");
    if (!isPositiveInteger(raw.recordCount)) reasons.push("a request entry must carry a recordCount of at least 1");
    if (typeof raw.requestId === "string" && this.#recordedRequests.has(raw.requestId)) {
      reasons.push(`request ${JSON.stringify(raw.requestId)} is already recorded at entry ${this.#recordedRequests.get(raw.requestId)!.seq}`);
    }
    if (reasons.length === 0) {
      this.#recordedRequests.set(raw.requestId as string, {
        seq, commitment: raw.requestCommitment as string, recordCount: raw.recordCount as number, recordedAt: raw.recordedAt as string,
      });
    }
    return reasons;
  }

  /** Checks an entry's bundle; adds reasons; returns the slots it deletes. */
  async #bundle(
    entry: Record<string, unknown>,
    kind: string,
    { oldState, newState }: { oldState?: string | undefined; newState?: string | undefined },
    reasons: string[],
  ): Promise<{ index: number; leaf: string }[]> {
    const result = await verifyBundle(entry.bundle, {
      keys: this.#options.keys, allowDev: this.#options.allowDev === true, ...(this.#options.policy ? { policy: this.#options.policy } : {}),
    });
    reasons.push(...result.reasons.map((r) => `proof: ${r}`));
    const bundle = result.bundle;
    if (!bundle) return [];
    reasons.push(...this.#keyProblemsOnce(bundle.profile));
    const s = bundle.statement as unknown as Record<string, unknown>;
    const type = typeof s.type === "string" ? s.type : "";
    const rules = statementKindOf(s)?.model;
    const deleted = Array.isArray(s.deleted) ? (s.deleted as { index: number; leaf: string }[]) : [];
    const moves = statementTransition(s);
    if (typeof moves === "string") {
      reasons.push(moves);
      return deleted;
    }
    if (moves.kind !== kind) reasons.push(`the entry says ${JSON.stringify(kind)}, but its ${type} statement makes a ${moves.kind} entry`);
    if (oldState !== undefined && moves.oldState !== oldState) reasons.push(`the entry's oldState ${short(oldState)} is not its statement's old state ${short(moves.oldState)}`);
    if (newState !== undefined && moves.newState !== newState) reasons.push(`the entry's newState ${short(newState)} is not its statement's new state ${short(moves.newState)}`);
    const template = this.#options.keys.get(bundle.profile)?.manifest.template;
    if (moves.kind !== "accuracy") {
      // One kind of state transition per chain: its profile comes from the first proof, not from a label.
      // A method that proves its transitions under several profiles names a family: then any kind of it may follow.
      const family = statementKindOf(s)?.family;
      if (this.#transitionProfile === undefined) {
        this.#transitionProfile = bundle.profile;
        this.#transitionTemplate = template;
        this.#transitionCarriesModel = rules?.carriesModel === true;
        this.#transitionFamily = family;
      } else if (bundle.profile !== this.#transitionProfile && (family === undefined || family !== this.#transitionFamily)) {
        reasons.push(`the bundle is for profile ${bundle.profile}, but the chain's state transitions are proved under ${this.#transitionProfile}`);
      }
    }
    if (rules) {
      this.#modelSeen = true;
      this.#modelBearing(s, rules, moves.oldState, reasons);
      const unit = rules.covers(s);
      if (reasons.length === 0 && unit !== undefined) this.covered.add(unit);
    }
    return deleted;
  }

  /**
   * A statement about a committed model: its published config (already checked against its
   * configHash and the policy by verifyBundle) must be the chain's one config; the first time the
   * model is seen at the chain's starting state, the model tree must be empty.
   */
  #modelBearing(s: Record<string, unknown>, rules: ModelRules, oldState: string, reasons: string[]): void {
    const hash = rules.configHash(s) ?? "";
    const pinned = this.#options.configHash;
    if (this.configHash === undefined) {
      // Only a verified statement's config (checked against its hash and the policy) defines the chain's.
      if (reasons.length > 0) return;
      this.configHash = hash;
      this.#config = rules.config(s);
      const coverage = rules.coverage(this.#config);
      this.shardCount = coverage.count;
      this.#unitNoun = coverage.noun;
    } else if (hash !== this.configHash) {
      reasons.push(`config pin: the statement's configHash ${short(hash)} is not the chain's ${short(this.configHash)} (every model-bearing state is pinned to one config)`);
    }
    if (this.#claimedConfigHash !== undefined && hash !== this.#claimedConfigHash) {
      reasons.push(`config pin: the statement's configHash ${short(hash)} is not the package's ${short(this.#claimedConfigHash)}`);
    }
    if (pinned !== undefined && hash !== pinned) reasons.push(`config pin: the statement's configHash ${short(hash)} is not the expected ${short(pinned)}`);
    if (oldState === this.#genesisState && this.#config !== undefined) {
      const problem = rules.emptyModelProblem(s, this.#config);
      if (problem !== undefined) reasons.push(problem);
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

  /** Keys no entry used (and the package label's key) are compared too, as package-level problems. */
  #remainingKeys(): void {
    const profiles = new Set([...Object.keys(this.#packageKeys), ...(this.#label ? [this.#label] : [])]);
    for (const profile of profiles) {
      const reasons = this.#keyProblemsOnce(profile);
      this.head.push(...reasons.map(packageProblem));
    }
  }

  /** Chain-level checks that follow from the statements: the label, the config, training coverage. */
  #modelChecks(): void {
    if (this.#transitionProfile !== undefined && this.#label !== "" && this.#label !== this.#transitionProfile && !this.#labelInFamily()) {
      this.tail.push(packageProblem(`the package says profile ${this.#label}, but its state transitions are proved under ${this.#transitionProfile}`));
    }
    if (this.configHash === undefined) {
      if (this.#modelSeen) {
        this.tail.push(packageProblem("no statement about the trained model verifies, so the chain's config and its training coverage are not established"));
        return;
      }
      if (this.#claimedConfigHash !== undefined) this.tail.push(packageProblem("the package names a configHash, but no proof in it is about a trained model"));
      if (this.#options.configHash !== undefined) this.tail.push(packageProblem(`config pin: a config hash ${short(this.#options.configHash)} is expected, but no proof in the package is about a trained model`));
      return;
    }
    if (this.#transitionCarriesModel === false) {
      this.tail.push(packageProblem(`the chain's transitions are ${this.#transitionTemplate} proofs, which carry no model, yet it holds statements about a trained model`));
    }
    const missing = Array.from({ length: this.shardCount! }, (_, k) => k).filter((k) => !this.covered.has(k));
    if (missing.length > 0) {
      const noun = this.#unitNoun;
      this.tail.push(packageProblem(`training coverage: ${noun}${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${this.shardCount} ` +
        `${missing.length > 1 ? "have" : "has"} no verified training proof in the chain, so ${missing.length > 1 ? "their" : "its"} model is not covered`));
    }
  }

  /**
   * Requests: every request the chain records must be listed, every listed one must be recorded;
   * a request is proved when verified entries delete exactly the slots its commitment names (the
   * package publishes the salt to open it). Entries are counted once each.
   */
  #requests(raw: unknown): void {
    if (!Array.isArray(raw)) return;
    const listed = new Set<string>();
    for (const [position, request] of raw.entries()) {
      if (!isObject(request) || typeof request.id !== "string") {
        this.tail.push(packageProblem(`the request at position ${position + 1} is not an object with a string id`));
        continue;
      }
      const problems = requestFieldProblems(request);
      if (listed.has(request.id)) problems.push("the request id appears twice");
      listed.add(request.id);
      const report = this.#request(request, problems);
      this.tail.push(...problems.map((p) => packageProblem(`request ${JSON.stringify(request.id)}: ${p}`)));
      this.requests.push({ ...report, reasons: problems });
    }
    for (const [id, recorded] of this.#recordedRequests) {
      if (!listed.has(id)) {
        this.tail.push({ seq: recorded.seq, kind: "request", reason: `the chain records request ${JSON.stringify(id)} here, but the package's request list leaves it out` });
        this.requests.push({ id, status: "unlisted", proved: false, pending: true, seq: recorded.seq, receivedAt: recorded.recordedAt, reasons: ["left out of the package's request list"] });
      }
    }
  }

  /** The verdict on one listed request; adds its problems. */
  #request(request: Record<string, unknown>, problems: string[]): Omit<ChainRequestReport, "reasons"> {
    const id = request.id as string;
    const status = String(request.status);
    const recorded = this.#recordedRequests.get(id);
    const answers = this.#answers.get(id) ?? [];
    const base = { id, status, ...(recorded ? { seq: recorded.seq, receivedAt: recorded.recordedAt } : {}) };
    if (!recorded) {
      problems.push("the chain has no request entry for it: a request is recorded in the chain when it is received");
      return { ...base, proved: false, pending: false };
    }
    if (request.commitment !== recorded.commitment) problems.push(`its commitment is not the one the chain recorded at entry ${recorded.seq}`);
    if (request.recordCount !== recorded.recordCount) problems.push(`names ${JSON.stringify(request.recordCount)} records, but the chain recorded ${recorded.recordCount}`);
    const seqs = Array.isArray(request.entries) ? request.entries : [];
    const expected = answers.map((a) => a.seq);
    if (new Set(seqs).size !== seqs.length) problems.push(`lists entries ${seqs.join(", ")}: an entry is listed more than once`);
    else if (JSON.stringify([...seqs].sort((a, b) => Number(a) - Number(b))) !== JSON.stringify(expected)) {
      problems.push(`lists entries [${seqs.join(", ")}], but the entries answering it are [${expected.join(", ")}]`);
    }
    if (typeof request.receivedAt === "string" && typeof request.provedAt === "string" && Date.parse(request.provedAt) < Date.parse(request.receivedAt)) {
      problems.push(`provedAt ${request.provedAt} is before receivedAt ${request.receivedAt}`);
    }
    const opened = this.#opened(request.salt, answers, recorded);
    if (status === "proved") {
      if (answers.length === 0) problems.push("marked proved but no entry answers it");
      const broken = answers.filter((a) => !a.valid).map((a) => a.seq);
      if (broken.length > 0) problems.push(`marked proved, but its entr${broken.length > 1 ? "ies" : "y"} ${broken.join(", ")} do${broken.length > 1 ? "" : "es"} not verify`);
      if (typeof opened === "string") problems.push(`marked proved, but ${opened}`);
    }
    const proved = opened === true && answers.every((a) => a.valid) && problems.length === 0;
    return { ...base, proved, pending: !proved && status !== "proved" };
  }

  /** Whether the answering entries' deleted slots open the request's commitment with the published salt; else why not. */
  #opened(salt: unknown, answers: AnsweringEntry[], recorded: RecordedRequest): true | string {
    const slots = answers.flatMap((a) => a.deleted);
    const indices = new Set(slots.map((d) => d.index));
    if (indices.size !== slots.length) return "its entries delete the same slot more than once";
    if (slots.length !== recorded.recordCount) return `its entries delete ${slots.length} slot${slots.length === 1 ? "" : "s"} while it names ${recorded.recordCount} records`;
    const saltValue = parseHex32(salt);
    if (saltValue === undefined) return "the package does not publish the salt that opens its commitment";
    const leaves = slots.map((d) => ({ index: d.index, leaf: parseHex32(d.leaf) ?? 0n }));
    return toHex32(requestCommitment(saltValue, leaves)) === recorded.commitment
      ? true
      : "the slots its entries delete are not the ones its commitment names: deleting other records does not answer this request";
  }

  report(): ChainReport {
    const problems = [
      ...this.head,
      ...this.entries.flatMap((e) => e.reasons.map((reason) => ({ seq: e.seq, kind: e.kind, reason }))),
      ...this.tail,
    ];
    const model = this.shardCount !== undefined;
    const report: ChainReport = {
      valid: problems.length === 0,
      readable: this.readable,
      entries: this.entries,
      ...(problems[0] ? { firstBreak: problems[0] } : {}),
      problems,
      profile: this.profile,
      ...(this.configHash !== undefined ? { configHash: this.configHash } : {}),
      ...(model ? { shardsCovered: [...this.covered].sort((a, b) => a - b), shardCount: this.shardCount, unitNoun: this.#unitNoun } : {}),
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
  if (r.shardsCovered && r.shardCount !== undefined) lines.push(`${unitsCovered(r)} covered by training proofs`);
  const proved = r.requests.filter((q) => q.proved).length;
  lines.push(`deletion requests: ${r.requests.length}, ${proved} proved and verified`);
  const pending = r.requests.filter((q) => q.pending);
  if (pending.length > 0) {
    lines.push(`NOT ANSWERED: ${pending.length} request${pending.length === 1 ? "" : "s"} recorded but not answered by verified proofs: ` +
      pending.map((q) => `${q.id}${q.receivedAt ? ` (received ${q.receivedAt})` : ""}`).join(", "));
  }
  lines.push("times are the controller's claims: their order is checked, their values are not proved");
  const otherInsecure = insecure.filter((p) => p !== r.profile);
  if (otherInsecure.length > 0) lines.push(`INSECURE dev keys also used for: ${otherInsecure.join(", ")}`);
  return lines;
}

/**
 * "3 of 8 shards" / "1 of 1 ridge genesis": a model-bearing chain's training coverage, with the
 * unit's noun from its statement kind, plural by the count (the kind names one unit, "shard").
 */
export function unitsCovered(r: Pick<ChainReport, "shardsCovered" | "shardCount" | "unitNoun">): string {
  const count = r.shardCount ?? 0;
  return `${r.shardsCovered?.length ?? 0} of ${count} ${r.unitNoun ?? "shard"}${count === 1 ? "" : "s"}`;
}
