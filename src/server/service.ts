import type { FastifyInstance } from "fastify";
import type { Queue } from "bullmq";
import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import { openLedgerContext, type LedgerContext } from "../jobs/context.ts";
import { openProofQueue, type ProofJobData, type ProofJobResult } from "../jobs/queue.ts";
import { ProofWriter } from "../jobs/writer.ts";
import { loadKeyRing } from "../verifier/keyRing.ts";
import type { KeyRing } from "../verifier/types.ts";
import { buildServer, type ServerOptions } from "./app.ts";
import { ServerMetrics } from "./metrics.ts";
import { LiveRecords } from "./subject.ts";
import { TokenVerifier } from "./tokens.ts";

/** Options of {@link startService}. */
export interface ServiceOptions extends ServerOptions {
  /** The workspace directory. */
  dir: string;
  redisUrl: string;
  /** A postgres:// URL; default the workspace's SQLite ledger. */
  ledger?: string;
  /** Trusted verification keys (default the package's keys/). */
  keysDir?: string;
  /** Accept INSECURE dev keys, for the ledger's own appends and for /v1/verify. */
  allowDev?: boolean;
  /** Steps planned ahead of the head (default 8). */
  lookahead?: number;
  host?: string;
  /** TCP port; 0 picks a free one (see the result's `url`). */
  port?: number;
}

/** A running `zkforget serve`: the HTTP API and the ledger's writer. */
export interface RunningService {
  app: FastifyInstance;
  url: string;
  ctx: LedgerContext;
  queue: Queue<ProofJobData, ProofJobResult>;
  writer: ProofWriter;
  close(): Promise<void>;
}

/**
 * Opens the ledger and the queue, starts the writer and the HTTP API. The writer verifies every
 * bundle under the trusted key of the ledger's profile before appending, so that key must be
 * in `keysDir` (and, for a dev key, `allowDev` set).
 * @throws Error naming what is missing: the ledger, the key, an unreachable Redis
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const keys: KeyRing = await loadKeyRing(options.keysDir ?? join(packageRoot(), "keys"));
  const ctx = await openLedgerContext(options.dir, options.ledger);
  let queue: Queue<ProofJobData, ProofJobResult> | undefined;
  let writer: ProofWriter | undefined;
  try {
    const profile = ctx.store.info.profile;
    const key = keys.get(profile);
    if (!key) throw new Error(`no trusted verification key for the ledger's profile ${profile} in ${options.keysDir ?? "the package's keys/"}; the writer verifies every proof before appending it`);
    if (key.manifest.security === "insecure-dev" && !options.allowDev) throw new Error(`the key of ${profile} is an INSECURE dev key (anyone can forge proofs under it); start with --allow-dev to accept it anyway`);
    queue = await openProofQueue(ctx.store, options.redisUrl);
    queue.on("error", () => {}); // reconnects by itself; /readyz reports it
    const metrics = new ServerMetrics(ctx.store, queue);
    const app = await buildServer({
      dir: options.dir, ledger: ctx, queue, tokens: new TokenVerifier(options.dir), live: new LiveRecords(ctx.store),
      keys, allowDev: options.allowDev === true, metrics,
    }, options);
    writer = new ProofWriter({
      dir: options.dir, ctx, queue, verify: { keys, allowDev: options.allowDev === true }, log: app.log.child({ component: "writer" }),
      ...(options.lookahead !== undefined ? { lookahead: options.lookahead } : {}),
      onAppended: (step) => metrics.appended(step),
    });
    writer.start();
    const url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
    const started = { writer, queue };
    return {
      app, url, ctx, queue, writer,
      async close() {
        await app.close();
        await started.writer.stop();
        await started.queue.close();
        await ctx.close();
      },
    };
  } catch (error) {
    await writer?.stop();
    await queue?.close();
    await ctx.close();
    throw error;
  }
}
