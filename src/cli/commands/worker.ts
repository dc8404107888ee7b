import { once } from "node:events";
import pino from "pino";
import { openLedgerContext } from "../../jobs/context.ts";
import { startWorker } from "../../jobs/worker.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, positiveInt, UsageError, type Command } from "../command.ts";

export const workerCommand: Command = {
  name: "worker",
  summary: "prove the queued deletion jobs of a workspace (run any number, on any machine with the proving keys)",
  help: `Usage: zkforget worker --redis URL [--workspace DIR] [--ledger postgres://…] [--seed SEED] [--name NAME]
                       [--concurrency N] [--lock-seconds S]

Takes proof jobs from the workspace's queue on Redis, proves each with the profile's proving key
(the dev key is built, or read from $ZKFORGET_CACHE), and returns the bundle to the writer
(\`zkforget serve\`), which verifies and appends it. A job carries only its step number and plan
id; the worker reads the private state it proves from the ledger's database, so it needs the
workspace's ledger (the same file on this machine) or the PostgreSQL ledger (--ledger).
A worker killed mid-proof loses its job lock; another worker runs the job again after about
--lock-seconds. Logs are JSON lines on stdout. Stops on SIGINT or SIGTERM (finishing its proof).

Options:
  --redis URL        redis://host:port of the job queue (required)
  --workspace DIR    default ./${DEFAULT_WORKSPACE}
  --ledger URL       the PostgreSQL ledger the server uses (default the workspace's ledger.sqlite)
  --seed SEED        dev-key seed (default the committed keys' seed)
  --name NAME        shown in logs and metrics (default host:pid)
  --concurrency N    proofs at once (default 1; a proof already uses every core)
  --lock-seconds S   job lock (default 30)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      redis: { type: "string" }, workspace: { type: "string" }, ledger: { type: "string" }, seed: { type: "string" }, name: { type: "string" },
      concurrency: { type: "string" }, "lock-seconds": { type: "string" },
    }, false);
    if (values.redis === undefined) throw new UsageError("--redis URL is required (e.g. redis://127.0.0.1:6379)");
    const log = pino({ base: { component: "worker", pid: process.pid } });
    const ctx = await openLedgerContext(values.workspace ?? DEFAULT_WORKSPACE, values.ledger);
    try {
      const worker = await startWorker({
        ctx, redisUrl: values.redis, log,
        concurrency: positiveInt(values.concurrency, "concurrency", 1),
        lockMilliseconds: positiveInt(values["lock-seconds"], "lock-seconds", 30) * 1000,
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      log.info({ queue: worker.name, ledger: ctx.store.location }, "worker ready");
      await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
      await worker.close();
      return 0;
    } finally {
      await ctx.close();
      await releaseCurve();
    }
  },
};
