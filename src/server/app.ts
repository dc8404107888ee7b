import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { randomUUID } from "node:crypto";
import { authenticate, bearerOf, errorBody } from "./auth.ts";
import type { ServerContext } from "./context.ts";
import { auditRoutes } from "./routes/audit.ts";
import { deletionRequestRoutes } from "./routes/deletionRequests.ts";
import { opsRoutes } from "./routes/ops.ts";

/**
 * The HTTP API of `zkforget serve` (Fastify 5): routes under /v1 with JSON schemas, the OpenAPI
 * document at /v1/openapi.json, request ids (a client's X-Request-Id or a fresh UUID, echoed in
 * the response and in every log line), structured logs (pino), bearer-token auth and rate limits.
 */

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** Fastify's logger options (default: pino JSON logs at info level); false for none. */
  logger?: boolean | { level: string };
  /** Requests per minute per token (or per IP address without one); default 600. */
  rateLimitPerMinute?: number;
  /** Requests per minute per IP address for data subjects filing without a token; default 10. */
  subjectRateLimitPerMinute?: number;
  /** Directory of the built verification page (default web/dist of the package). */
  webDir?: string;
  /** Version string in the OpenAPI document. */
  version?: string;
}

/** POST routes a data subject calls without a token; they get the subject rate limit. */
const SUBJECT_ROUTES = ["/v1/deletion-requests", "/v1/receipts/check"];

/** Builds the Fastify app (not listening yet). */
export async function buildServer(ctx: ServerContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? { level: "info" };
  const app = Fastify({
    logger,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    // Audit packages sent to /v1/verify hold every bundle of a chain.
    bodyLimit: 64 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  });
  // Set by the authenticate hook on every request before any handler runs.
  app.decorateRequest("caller", undefined as never);
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    ctx.metrics.http.inc({ method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) });
  });
  app.setErrorHandler(async (error: { statusCode?: number; message?: unknown; error?: unknown }, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) req.log.error({ err: error }, "request failed");
    // Validation errors are Errors; the rate limiter throws the object its errorResponseBuilder made.
    const message = typeof error.message === "string" ? error.message : typeof error.error === "string" ? error.error : "request refused";
    return reply.code(status).send(errorBody(req, status >= 500 ? "internal error (see the server log for this request id)" : message));
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).send(errorBody(req, `no route ${req.method} ${req.url.split("?")[0]}`)));

  await app.register(swagger, {
    openapi: {
      info: { title: "zkforget", version: options.version ?? "1", description: "Deletion requests proved in zero knowledge, and their audit chain." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  const perMinute = options.rateLimitPerMinute ?? 600;
  const subjectPerMinute = options.subjectRateLimitPerMinute ?? 10;
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    // One bucket per token id, or per IP address without a token.
    keyGenerator: (req) => {
      const bearer = bearerOf(req);
      const id = bearer ? /^zkf_([0-9a-f]{8})_/.exec(bearer)?.[1] : undefined;
      return id !== undefined ? `token:${id}` : `ip:${req.ip}`;
    },
    // Without a token, filing and checking a receipt (which verifies the whole served chain) share the data subjects' limit.
    max: (req, key) => (key.startsWith("ip:") && req.method === "POST" && SUBJECT_ROUTES.some((r) => req.url.startsWith(r)) ? subjectPerMinute : perMinute),
    errorResponseBuilder: (req, context) => ({ statusCode: 429, error: `rate limit: at most ${context.max} requests per minute; retry in ${context.after}`, requestId: req.id }),
  });
  app.addHook("onRequest", authenticate(ctx.tokens));

  app.get("/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  deletionRequestRoutes(app, ctx);
  auditRoutes(app, ctx);
  opsRoutes(app, ctx, options.webDir);
  return app;
}
