import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { LedgerStore } from "../ledger/store.ts";

/**
 * The BullMQ side of the proof jobs: the Redis connection, the queue of a ledger and the job
 * options. A job carries no private data (see {@link ProofJobData}); Redis is only the
 * transport between the writer and the workers, the plans and the ledger are the record.
 */

/** What a job carries: where its plan is, nothing else (no record ids, salts or weights). */
export interface ProofJobData {
  /** Job kind (jobs/kinds.ts). */
  kind: string;
  /** Planned step (jobs/plans.ts; not a ledger seq). */
  step: number;
  /** Plan id (step and the start of the planned public new state). */
  planId: string;
  /** The deletion request it answers (an id, as in the public audit package). */
  requestId: string;
}

/** What a worker returns: the public bundle, and who proved it how fast. */
export interface ProofJobResult {
  /** Set when the plan was gone or replaced when the worker looked (nothing proved). */
  obsolete?: boolean;
  bundle?: unknown;
  proveSeconds?: number;
  worker?: string;
}

/** Retries: a failed proof is tried 5 times, 1 s, 2 s, 4 s, 8 s apart; the writer removes jobs it has consumed. */
export const PROOF_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: false,
  removeOnFail: false,
};

/** BullMQ connection options from a `redis://[user:pass@]host:port[/db]` URL. @throws Error naming a bad URL */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis ${JSON.stringify(url)} is not a URL (expected redis://host:port)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`--redis ${JSON.stringify(url)} must start with redis:// or rediss://`);
  const db = u.pathname.replace(/^\//, "");
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ needs ioredis to retry forever rather than fail a command after a restart.
    maxRetriesPerRequest: null,
  };
}

/**
 * The queue name of a ledger: its profile and the start of its genesis state, so that several
 * workspaces can share one Redis without their jobs mixing.
 */
export async function queueNameOf(store: LedgerStore): Promise<string> {
  const [commit] = await store.entries();
  if (!commit) throw new Error(`${store.location}: the ledger has no commit entry`);
  return `zkforget.${store.info.profile}.${commit.newState.replace(/^0x/, "").slice(0, 16)}`;
}

/** Opens the proof queue of `store` on `redisUrl`. */
export async function openProofQueue(store: LedgerStore, redisUrl: string): Promise<Queue<ProofJobData, ProofJobResult>> {
  return new Queue<ProofJobData, ProofJobResult>(await queueNameOf(store), { connection: redisConnection(redisUrl) });
}
