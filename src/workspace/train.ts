import type { CircuitProfile } from "../circuits/profiles.ts";
import { ensureDevKey, type ProvingKey } from "../keys/devKeys.ts";
import { proveShardRetrain } from "../prover/shardRetrain.ts";
import { shardCount } from "../sisa/shards.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { appendProof } from "./appendProof.ts";
import { withWorkspaceLock } from "./lock.ts";
import { openLedger, restoreState, workspacePaths, type WorkspaceState } from "./workspace.ts";

/** Options of a proving run in a workspace ({@link trainWorkspace}, forgetInWorkspace). */
export interface TrainWorkspaceOptions {
  /** Dev-key seed (default: the seed of the committed keys). */
  seed?: string;
  /** Progress lines. */
  log?: (message: string) => void;
  /** Called when another process holds the workspace lock. */
  onWait?: (holderPid: number) => void;
  /** Proving key of the workspace's profile, when the caller already holds it (default: its dev key). */
  key?: ProvingKey;
}

/** The proving key of a workspace run: `options.key` (checked against the profile) or the profile's dev key. */
export async function workspaceKey(profile: CircuitProfile, options: TrainWorkspaceOptions, log: (message: string) => void): Promise<ProvingKey> {
  if (options.key !== undefined) {
    if (options.key.manifest.profile !== profile.name) throw new Error(`the key given is for profile ${options.key.manifest.profile}, but the workspace proves ${profile.name}`);
    return options.key;
  }
  return ensureDevKey(profile, { onProgress: log, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** One genesis training recorded by {@link trainWorkspace}. */
export interface TrainedShard {
  shard: number;
  entry: AuditEntry;
  bundlePath: string;
}

/**
 * Proves the genesis training of every untrained shard of a SISA workspace, in shard order,
 * appending each proof to the ledger as it is made (an interrupted run keeps the shards proved
 * so far; running again trains the rest). Resolves to the shards trained now (none when every
 * shard already is).
 * @throws Error for a dataset-deletion workspace; LedgerError, StateFileError for a bad ledger
 */
export async function trainWorkspace(dir: string, options: TrainWorkspaceOptions = {}): Promise<TrainedShard[]> {
  const log = options.log ?? (() => {});
  return withWorkspaceLock(workspacePaths(dir).lock, async () => {
    const ledger = await openLedger(dir);
    try {
      const restored = await restoreState(ledger);
      if (restored.kind !== "sisa") throw new Error(`${ledger.path}: profile ${restored.profile.name} proves dataset deletions; only SISA workspaces are trained`);
      let ws: Extract<WorkspaceState, { kind: "sisa" }> = restored;
      const trained = new Set(ws.system.models.trained().map(([k]) => k));
      const todo = Array.from({ length: shardCount(ws.system.config) }, (_, k) => k).filter((k) => !trained.has(k));
      if (todo.length === 0) return [];
      const key = await workspaceKey(ws.profile, options, log);
      const done: TrainedShard[] = [];
      for (const [i, shard] of todo.entries()) {
        log(`training shard ${shard} (${i + 1}/${todo.length}) and proving it under ${ws.profile.name}…`);
        const result = await proveShardRetrain(ws.system, shard, [], { profile: ws.profile, key });
        const next = { ...ws, system: result.system };
        const { entry, bundlePath } = await appendProof(ledger, dir, { bundle: result.bundle, key, after: next, proveSeconds: result.proveSeconds });
        ws = next;
        done.push({ shard, entry, bundlePath });
        log(`shard ${shard} proved in ${result.proveSeconds.toFixed(1)} s → ledger entry ${entry.seq}, ${bundlePath}`);
      }
      return done;
    } finally {
      ledger.close();
    }
  }, options.onWait ? { onWait: options.onWait } : {});
}
