import type { Queue } from "bullmq";
import type { LedgerContext } from "../jobs/context.ts";
import type { ProofJobData, ProofJobResult } from "../jobs/queue.ts";
import type { KeyRing } from "../verifier/types.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { LiveRecords } from "./subject.ts";
import type { TokenVerifier } from "./tokens.ts";

/** What the routes work with. */
export interface ServerContext {
  /** The workspace directory. */
  dir: string;
  ledger: LedgerContext;
  queue: Queue<ProofJobData, ProofJobResult>;
  tokens: TokenVerifier;
  live: LiveRecords;
  /** Trusted verification keys (for /v1/verify, receipts and the audit package). */
  keys: KeyRing;
  /** Accept INSECURE dev keys (the server was started with --allow-dev). */
  allowDev: boolean;
  metrics: ServerMetrics;
}
