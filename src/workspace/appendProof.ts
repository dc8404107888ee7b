import { join } from "node:path";
import { getPoseidon } from "../crypto/poseidon.ts";
import { writeFileAtomically } from "../fsAtomic.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import { bundleFileName } from "../ledger/audit.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { ProofBundle } from "../verifier/types.ts";
import { snapshotOf, workspacePaths, type WorkspaceState } from "./workspace.ts";

/** A proof just made in a workspace, to be recorded. */
export interface ProvedTransition {
  bundle: ProofBundle;
  /** The key it was proved with: the ledger verifies the bundle under it before appending. */
  key: ProvingKey;
  /** The keys of the proofs its statement embeds (a ridge genesis' batches), verified with it. */
  embeddedKeys?: readonly ProvingKey[];
  /** The workspace state after the transition. */
  after: WorkspaceState;
  proveSeconds: number;
  requestId?: string;
  completesRequest?: boolean;
}

/**
 * Appends a proof to the workspace's ledger (one transaction: the entry, the new snapshot and
 * the request status), then writes a copy of the bundle to bundles/NNNN-<kind>.json, NNNN being
 * the entry's seq. The ledger is the record; the bundle file is a convenience copy.
 * @throws LedgerAppendError when the ledger refuses the entry (it is then unchanged)
 */
export async function appendProof(ledger: Ledger, dir: string, proved: ProvedTransition): Promise<{ entry: AuditEntry; bundlePath: string }> {
  const snapshot = snapshotOf(proved.after, await getPoseidon());
  // The controller checks its own proof under the key it proved with (a dev key included).
  const keys = new Map([proved.key, ...(proved.embeddedKeys ?? [])].map((k) => [k.manifest.profile, { vkey: k.vkey, manifest: k.manifest }]));
  const entry = await ledger.append({
    bundle: proved.bundle,
    proveSeconds: proved.proveSeconds,
    snapshot,
    ...(proved.requestId !== undefined ? { requestId: proved.requestId, completesRequest: proved.completesRequest === true } : {}),
  }, { keys, allowDev: true });
  return { entry, bundlePath: await writeBundleCopy(dir, entry) };
}

/** Writes the convenience copy of an appended entry's bundle, bundles/NNNN-<kind>.json; resolves to its path. */
export async function writeBundleCopy(dir: string, entry: AuditEntry): Promise<string> {
  const bundlePath = join(workspacePaths(dir).bundles, bundleFileName(entry));
  await writeFileAtomically(bundlePath, `${JSON.stringify(entry.bundle, null, 1)}\n`);
  return bundlePath;
}
