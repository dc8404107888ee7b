import { getProfile } from "../circuits/profiles.ts";
import type { DevKeyOptions, ProvingKey } from "../keys/devKeys.ts";
import type { AccuracyResult } from "../methods/workspaceMethod.ts";
import { methodOf } from "../methods/workspaceMethods.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { appendProof } from "./appendProof.ts";
import { ledgerRun, runKeys, withRestoredWorkspace } from "./train.ts";

/** Options for {@link proveWorkspaceAccuracy}. */
export interface ProveWorkspaceAccuracyOptions extends DevKeyOptions {
  /** Accuracy profile; by default the method's (SISA: the one matching the workspace's shards, features and test-set depth; ridge: the profile's accuracy companion). */
  profile?: string;
  /** Called when another process holds the workspace lock. */
  onWait?: (holderPid: number) => void;
}

/**
 * Proves the accuracy of a workspace's current model on its committed test set with its
 * method's `proveAccuracy` (SISA: the ensemble, ModelAccuracy; ridge: RidgeAccuracy) and appends
 * the proof to the ledger as an `accuracy` entry (it attests the current state and does not move
 * it), so that exports, `verify-chain` and the report carry it. The workspace lock is held
 * throughout, so no forget can move the state the proof names.
 * @throws Error for a method without a model (dataset deletion) or a workspace without a committed test set
 */
export async function proveWorkspaceAccuracy(
  dir: string,
  options: ProveWorkspaceAccuracyOptions = {},
): Promise<AccuracyResult & { key: ProvingKey; entry: AuditEntry; bundlePath: string }> {
  const { onWait, onProgress, profile, ...keyOptions } = options;
  const log = onProgress ?? (() => {});
  return withRestoredWorkspace(dir, { ...(onWait ? { onWait } : {}) }, async (ledger, ws) => {
    const method = methodOf(ws);
    if (!method.proveAccuracy) throw new Error(`${ledger.path}: profile ${ws.profile.name} proves ${method.description}; accuracy is proved for workspaces of a method with a model (SISA, ridge)`);
    const keys = runKeys(ws.profile, { ...keyOptions, log }, log);
    let result: AccuracyResult;
    try {
      result = await method.proveAccuracy(ws, ledgerRun(ledger, dir, keys, log, () => {}), profile === undefined ? undefined : getProfile(profile));
    } catch (error) {
      throw new Error(`${dir}: ${(error as Error).message}`);
    }
    const proved = await keys.bundleKeys(result.bundle);
    const { entry, bundlePath } = await appendProof(ledger, dir, { bundle: result.bundle, ...proved, after: ws, proveSeconds: result.proveSeconds });
    return { ...result, key: proved.key, entry, bundlePath };
  });
}
