import type { DevKeyOptions } from "../keys/devKeys.ts";
import { proveAccuracy, type AccuracyProof } from "../prover/accuracy.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { appendProof } from "./appendProof.ts";
import { withWorkspaceLock } from "./lock.ts";
import { openLedger, restoreState, workspacePaths } from "./workspace.ts";

/** Options for {@link proveWorkspaceAccuracy}. */
export interface ProveWorkspaceAccuracyOptions extends DevKeyOptions {
  /** ModelAccuracy profile; by default the one matching the workspace's shards, features and test-set depth. */
  profile?: string;
  /** Called when another process holds the workspace lock. */
  onWait?: (holderPid: number) => void;
}

/**
 * Proves the accuracy of a SISA workspace's current ensemble on its committed test set and
 * appends the proof to the ledger as an `accuracy` entry (it attests the current state and
 * does not move it), so that exports, `verify-chain` and the report carry it. The workspace
 * lock is held throughout, so no forget can move the state the proof names.
 * @throws Error for a deletion workspace or one without a committed test set
 */
export async function proveWorkspaceAccuracy(
  dir: string,
  options: ProveWorkspaceAccuracyOptions = {},
): Promise<AccuracyProof & { entry: AuditEntry; bundlePath: string }> {
  const { onWait, ...proveOptions } = options;
  return withWorkspaceLock(workspacePaths(dir).lock, async () => {
    const ledger = await openLedger(dir);
    try {
      const ws = await restoreState(ledger);
      if (ws.kind !== "sisa") throw new Error(`${ledger.path}: profile ${ws.profile.name} proves dataset deletions; accuracy is proved for SISA workspaces`);
      if (ws.testSet === undefined) {
        throw new Error(`${dir} has no committed test set: commit the dataset with --test FILE or --test-split N (before training) to prove accuracy`);
      }
      options.onProgress?.(`proving accuracy on ${ws.testSet.size} committed test records…`);
      const result = await proveAccuracy(ws.system, ws.testSet, proveOptions);
      const { entry, bundlePath } = await appendProof(ledger, dir, { bundle: result.bundle, key: result.key, after: ws, proveSeconds: result.proveSeconds });
      return { ...result, entry, bundlePath };
    } finally {
      ledger.close();
    }
  }, onWait ? { onWait } : {});
}
