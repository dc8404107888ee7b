import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../../src/circuits/profiles.ts";
import { ensureDevKey, publishKey } from "../../src/keys/devKeys.ts";
import { proveShardRetrain, type SisaSystem } from "../../src/prover/shardRetrain.ts";
import { proveUnlearning } from "../../src/prover/unlearn.ts";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditPackage, type DeletionRequestRecord } from "../../src/verifier/auditTypes.ts";
import { toHex32 } from "../../src/verifier/fieldText.ts";
import { requestCommitment } from "../../src/verifier/requestCommitment.ts";
import { loadKeyRing, type KeyRing } from "../../src/verifier/index.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./sisaFixture.ts";

/** A real SISA audit chain on the tiny profile, and the trusted keys it verifies under. */
export interface AuditChainFixture {
  /**
   * commit, genesis 0, genesis 1, then request req-1 (recorded at entry 4; r1 in shard 0, r9 in
   * shard 1: entries 5, 6) and req-2 (recorded at entry 7; r2: entry 8).
   */
  pkg: AuditPackage;
  keys: KeyRing;
  /** Directory holding the trusted key (for `--keys`). */
  keyDir: string;
  /** The controller's system after the last entry (records, salts, models). */
  system: SisaSystem;
}

let built: Promise<AuditChainFixture> | undefined;

/** Builds the chain once per process (five Groth16 proofs, about 2 s each); callers get deep copies via {@link clonePackage}. */
export function auditChainFixture(): Promise<AuditChainFixture> {
  built ??= build();
  return built;
}

/** A deep copy of a package, to tamper with. */
export function clonePackage(pkg: AuditPackage): AuditPackage {
  return JSON.parse(JSON.stringify(pkg)) as AuditPackage;
}

const T0 = Date.parse("2025-03-01T09:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function build(): Promise<AuditChainFixture> {
  const fx = await sisaFixture();
  const profile = getProfile(SISA_TEST_PROFILE);
  const key = await ensureDevKey(profile);
  const keyDir = await mkdtemp(join(tmpdir(), "zkf-chain-keys-"));
  await publishKey(key, keyDir);
  const keys = await loadKeyRing(keyDir);

  let system: SisaSystem = { config: fx.config, dataset: fx.dataset, models: fx.emptyModels };
  const entries: AuditEntry[] = [];
  const append = (entry: Omit<AuditEntry, "seq" | "recordedAt">) => {
    const seq = entries.length + 1;
    entries.push({ seq, recordedAt: at(seq * 10), ...entry });
  };
  for (const shard of [0, 1]) {
    const r = await proveShardRetrain(system, shard, [], { profile, key });
    if (shard === 0) append({ kind: "commit", oldState: r.bundle.statement.oldState, newState: r.bundle.statement.oldState });
    const s = r.bundle.statement;
    append({ kind: "genesis", oldState: s.oldState, newState: s.newState, proveSeconds: r.proveSeconds, bundle: r.bundle });
    system = r.system;
  }
  const requests: DeletionRequestRecord[] = [];
  for (const [requestId, ids, salt] of [["req-1", ["r1", "r9"], 11n], ["req-2", ["r2"], 12n]] as const) {
    const slots = system.dataset.slotsOf(ids).map((slot) => ({ index: slot.index, leaf: slot.leaf }));
    const commitment = toHex32(requestCommitment(salt, slots));
    const state = entries[entries.length - 1]!.newState;
    append({ kind: "request", oldState: state, newState: state, requestId, requestCommitment: commitment, recordCount: ids.length });
    const receivedAt = entries[entries.length - 1]!.recordedAt;
    const result = await proveUnlearning(system, ids, { profile, key });
    for (const step of result.steps) {
      const s = step.bundle.statement;
      append({ kind: "retrain", oldState: s.oldState, newState: s.newState, requestId, proveSeconds: step.proveSeconds, bundle: step.bundle });
    }
    system = result.system;
    const answers = entries.filter((e) => e.requestId === requestId && e.kind !== "request");
    const provedAt = answers[answers.length - 1]!.recordedAt;
    requests.push({
      id: requestId, recordCount: ids.length, status: "proved", receivedAt, updatedAt: provedAt, provedAt,
      entries: answers.map((e) => e.seq), commitment, salt: toHex32(salt),
    });
  }
  const pkg: AuditPackage = {
    format: AUDIT_FORMAT,
    version: AUDIT_VERSION,
    exportedAt: at(100),
    profile: SISA_TEST_PROFILE,
    configHash: entries[1]!.bundle!.statement.type === "shard-retrain" ? entries[1]!.bundle!.statement.configHash : "",
    shards: 2,
    entries,
    requests,
    keys: Object.fromEntries([...keys].map(([name, k]) => [name, { vkey: k.vkey, manifest: k.manifest }])),
  };
  return { pkg: clonePackage(pkg), keys, keyDir, system };
}
