import type { FastifyInstance } from "fastify";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { packageRoot } from "../../circuits/paths.ts";
import { pathExists } from "../../fsAtomic.ts";
import { errorBody } from "../auth.ts";
import type { ServerContext } from "../context.ts";
import { errorSchema } from "../schemas.ts";

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".css": "text/css", ".map": "application/json" };

/** /healthz, /readyz, /metrics and the static verification page at /verify/. */
export function opsRoutes(app: FastifyInstance, ctx: ServerContext, webDir = join(packageRoot(), "web", "dist")): void {
  app.get("/healthz", {
    schema: { summary: "Liveness: the process answers", response: { 200: { type: "object", properties: { status: { type: "string" } } } } },
    config: { rateLimit: false },
  }, async () => ({ status: "ok" }));

  app.get("/readyz", {
    schema: {
      summary: "Readiness: the ledger is readable and Redis answers",
      response: { 200: { type: "object", properties: { status: { type: "string" }, head: { type: "integer" } } }, 503: errorSchema },
    },
    config: { rateLimit: false },
  }, async (req, reply) => {
    try {
      const head = await ctx.ledger.store.head();
      await Promise.race([ctx.queue.getJobCounts("waiting"), new Promise((_, reject) => setTimeout(() => reject(new Error("Redis did not answer within 2 s")), 2000))]);
      return { status: "ready", head: head.seq };
    } catch (error) {
      return reply.code(503).send(errorBody(req, `not ready: ${(error as Error).message}`));
    }
  });

  app.get("/metrics", {
    schema: { summary: "Prometheus metrics", response: { 200: { type: "string" } } },
    config: { rateLimit: false },
  }, async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });

  app.get("/verify", { schema: { hide: true } }, async (_req, reply) => reply.redirect("/verify/"));
  app.get<{ Params: { file?: string } }>("/verify/:file", {
    schema: { summary: "The static verification page (web/dist, built by `npm run build:web`)", params: { type: "object", properties: { file: { type: "string" } } } },
  }, async (req, reply) => {
    const name = req.params.file || "index.html";
    // Only plain file names of web/dist: no directories, no traversal.
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name)) return reply.code(404).send(errorBody(req, "no such file"));
    if (!(await pathExists(join(webDir, "index.html")))) {
      return reply.code(503).send(errorBody(req, "the verification page is not built: run `npm run build:web` on the server"));
    }
    const path = join(webDir, name);
    if (!(await pathExists(path))) return reply.code(404).send(errorBody(req, "no such file"));
    return reply.type(CONTENT_TYPES[extname(name)] ?? "application/octet-stream").send(await readFile(path));
  });
}
