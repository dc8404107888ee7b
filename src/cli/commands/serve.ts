import { once } from "node:events";
import { startService } from "../../server/service.ts";
import { withWorkspaceLock } from "../../workspace/lock.ts";
import { DEFAULT_WORKSPACE, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, positiveInt, UsageError, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "HTTP API for deletion requests; queues their proofs on Redis and appends the workers' proofs to the ledger",
  help: `Usage: zkforget serve --redis URL [--workspace DIR] [--port N] [--host H] [--ledger postgres://…]
                      [--keys DIR] [--allow-dev] [--lookahead N] [--rate-limit N] [--subject-rate-limit N]

Serves the API under /v1 (OpenAPI at /v1/openapi.json; see the README's Server section) and is
the ledger's one writer: it plans each deletion request as proof jobs on the Redis queue, and
appends the proofs that \`zkforget worker\` processes return, in order, after verifying each.
Holds the workspace lock while it runs (a \`zkforget forget\` on the same workspace waits).
Logs are JSON lines (pino) on stdout. Stops on SIGINT or SIGTERM.

Options:
  --redis URL            redis://host:port of the job queue (required)
  --workspace DIR        default ./${DEFAULT_WORKSPACE} (tokens.json, receipts/, bundles/ live there)
  --port N               default 8080
  --host H               default 127.0.0.1 (loopback; put a TLS proxy in front for other hosts)
  --ledger URL           a PostgreSQL ledger (postgres://user:pass@host/db[?schema=S]) made with
                         \`zkforget ledger import\`; default the workspace's ledger.sqlite
  --keys DIR             trusted verification keys (default the package's keys/)
  --allow-dev            accept INSECURE dev keys (the writer verifies every proof under the trusted key)
  --lookahead N          proofs planned ahead of the ledger's head (default 8; about 2 per worker)
  --rate-limit N         requests per minute per token (default 600)
  --subject-rate-limit N data-subject filings and receipt checks per minute per IP address
                         without a token (default 10)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      redis: { type: "string" }, workspace: { type: "string" }, port: { type: "string" }, host: { type: "string" }, ledger: { type: "string" },
      keys: { type: "string" }, "allow-dev": { type: "boolean" }, lookahead: { type: "string" }, "rate-limit": { type: "string" }, "subject-rate-limit": { type: "string" },
    }, false);
    if (values.redis === undefined) throw new UsageError("--redis URL is required (e.g. redis://127.0.0.1:6379)");
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a TCP port, got ${JSON.stringify(values.port)}`);
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    return withWorkspaceLock(workspacePaths(dir).lock, async () => {
      const service = await startService({
        dir, redisUrl: values.redis!, port, host: values.host ?? "127.0.0.1", allowDev: values["allow-dev"] === true,
        lookahead: positiveInt(values.lookahead, "lookahead", 8),
        rateLimitPerMinute: positiveInt(values["rate-limit"], "rate-limit", 600),
        subjectRateLimitPerMinute: positiveInt(values["subject-rate-limit"], "subject-rate-limit", 10),
        ...(values.ledger !== undefined ? { ledger: values.ledger } : {}),
        ...(values.keys !== undefined ? { keysDir: values.keys } : {}),
      });
      process.stderr.write(`zkforget serve: ${service.url} (ledger ${service.ctx.store.location}, queue ${service.queue.name})\n`);
      await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
      await service.close();
      return 0;
    }, { onWait: waitingForLock(dir) });
  },
};
