import { getProfile, type CircuitProfile } from "../circuits/profiles.ts";
import { ensureDevKey, type ProvingKey } from "../keys/devKeys.ts";
import { methodOf } from "../methods/workspaceMethods.ts";
import { embeddedProfiles } from "../verifier/statements.ts";
import type { ProofBundle } from "../verifier/types.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ProvedStep, ProvingRun } from "../methods/workspaceMethod.ts";
import { appendProof, type ProvedTransition } from "./appendProof.ts";
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

/** A memoised loader of the workspace's proving key: loaded (or built) only when a proof needs it. */
export function provingKeyLoader(profile: CircuitProfile, options: TrainWorkspaceOptions, log: (message: string) => void): () => Promise<ProvingKey> {
  return runKeys(profile, options, log).key;
}

/** The proving keys of a workspace run: its profile's and any other profile's, each loaded once (see ProvingRun). */
export interface RunKeys {
  key(): Promise<ProvingKey>;
  keyFor(profile: CircuitProfile): Promise<ProvingKey>;
  /** The key of a bundle's profile and those of the proofs its statement embeds, to verify it before it is appended. */
  bundleKeys(bundle: ProofBundle): Promise<{ key: ProvingKey; embeddedKeys: ProvingKey[] }>;
}

/** Memoised key loaders of a run: `options.key` for the workspace's profile, dev keys for the others. */
export function runKeys(profile: CircuitProfile, options: TrainWorkspaceOptions, log: (message: string) => void): RunKeys {
  const loading = new Map<string, Promise<ProvingKey>>();
  const keyFor = (p: CircuitProfile): Promise<ProvingKey> => {
    let k = loading.get(p.name);
    if (k === undefined) {
      k = p.name === profile.name ? workspaceKey(p, options, log) : ensureDevKey(p, { onProgress: log, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
      loading.set(p.name, k);
    }
    return k;
  };
  return {
    key: () => keyFor(profile),
    keyFor,
    async bundleKeys(bundle) {
      const key = await keyFor(getProfile(bundle.profile));
      return { key, embeddedKeys: await Promise.all(embeddedProfiles(bundle.statement, key.manifest).map((n) => keyFor(getProfile(n)))) };
    },
  };
}

/**
 * Runs `body` under the workspace lock with the ledger open and the state restored from it
 * (train, forget-class, prove-accuracy); the ledger is closed afterwards.
 */
export async function withRestoredWorkspace<T>(
  dir: string, options: Pick<TrainWorkspaceOptions, "onWait">, body: (ledger: Ledger, ws: WorkspaceState) => Promise<T>,
): Promise<T> {
  return withWorkspaceLock(workspacePaths(dir).lock, async () => {
    const ledger = await openLedger(dir);
    try {
      return await body(ledger, await restoreState(ledger));
    } finally {
      ledger.close();
    }
  }, options.onWait ? { onWait: options.onWait } : {});
}

/**
 * The ProvingRun a method proves with in a workspace: keys from `keys`, and `record` appending
 * each step to the ledger (verified under its bundle's keys; `extra` adds the request fields),
 * then handing the appended entry to `appended`.
 */
export function ledgerRun<W extends WorkspaceState>(
  ledger: Ledger, dir: string, keys: RunKeys, log: (message: string) => void,
  appended: (step: ProvedStep<W>, entry: AuditEntry, bundlePath: string) => Promise<void> | void,
  extra: (step: ProvedStep<W>) => Pick<ProvedTransition, "requestId" | "completesRequest"> = () => ({}),
): ProvingRun<W> {
  return {
    key: keys.key,
    keyFor: keys.keyFor,
    log,
    record: async (step) => {
      const { entry, bundlePath } = await appendProof(ledger, dir, {
        bundle: step.bundle, ...(await keys.bundleKeys(step.bundle)), after: step.after, proveSeconds: step.proveSeconds, ...extra(step),
      });
      await appended(step, entry, bundlePath);
    },
  };
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
  return withRestoredWorkspace(dir, options, async (ledger, ws) => {
    const method = methodOf(ws);
    if (!method.train) throw new Error(`${ledger.path}: profile ${ws.profile.name} proves ${method.description}, which train no model; only workspaces of a method that trains one (SISA, ridge) are trained`);
    const done: TrainedShard[] = [];
    await method.train(ws, ledgerRun(ledger, dir, runKeys(ws.profile, options, log), log, (step, entry, bundlePath) => {
      // A training step names the unit it trained; guessing one would mislabel the result.
      if (step.unit === undefined) throw new Error(`internal error: a ${method.kind} training step names no training unit`);
      done.push({ shard: step.unit, entry, bundlePath });
      log(`${step.label} proved in ${step.proveSeconds.toFixed(1)} s → ledger entry ${entry.seq}, ${bundlePath}`);
    }));
    return done;
  });
}
