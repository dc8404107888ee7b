import type { FastifyInstance } from "fastify";
import { join } from "node:path";
import { auditPackageFromStore, EVALUATION_FILE } from "../../ledger/audit.ts";
import { verifyAuditPackage } from "../../verifier/chain.ts";
import { checkReceipt } from "../../verifier/receiptCheck.ts";
import { verifyBundle } from "../../verifier/verify.ts";
import { errorBody, requireScope } from "../auth.ts";
import type { ServerContext } from "../context.ts";
import { anyObject, errorResponses } from "../schemas.ts";

/** GET /v1/audit, POST /v1/verify and POST /v1/receipts/check: the library's verifiers behind HTTP. */
export function auditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const verifyOptions = { keys: ctx.keys, allowDev: ctx.allowDev };

  app.get("/v1/audit", {
    preHandler: requireScope("admin", "auditor"),
    schema: {
      summary: "The audit package of the ledger (as `zkforget export` writes audit.json): entries with bundles, requests without record ids, keys",
      response: { 200: anyObject, ...errorResponses },
      security: [{ bearer: [] }],
    },
  }, async () => auditPackageFromStore(ctx.ledger.store, ctx.keys, join(ctx.dir, EVALUATION_FILE)));

  app.post<{ Body: { bundle?: unknown; package?: unknown } }>("/v1/verify", {
    schema: {
      summary: "Verify a proof bundle or an audit package against the server's trusted keys",
      description: "Exactly one of bundle and package. Public: it reveals nothing but the verdict on what was sent.",
      body: {
        type: "object", additionalProperties: false,
        properties: { bundle: anyObject, package: anyObject },
        oneOf: [{ required: ["bundle"] }, { required: ["package"] }],
      },
      response: {
        200: {
          type: "object", required: ["valid", "kind", "allowDev"],
          properties: {
            valid: { type: "boolean" }, kind: { type: "string", enum: ["bundle", "package"] }, allowDev: { type: "boolean" },
            reasons: { type: "array", items: { type: "string" } }, report: anyObject,
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    if (req.body.bundle !== undefined) {
      const result = await verifyBundle(req.body.bundle, verifyOptions);
      return { valid: result.valid, kind: "bundle", allowDev: ctx.allowDev, reasons: result.reasons };
    }
    const report = await verifyAuditPackage(req.body.package, verifyOptions);
    return { valid: report.valid, kind: "package", allowDev: ctx.allowDev, report };
  });

  app.post<{ Body: { receipt: unknown; bundle?: unknown; audit?: unknown; heads?: unknown[]; controllerKey?: string } }>("/v1/receipts/check", {
    schema: {
      summary: "Check a data subject's inclusion, request or deletion receipt against the published chain",
      description: "A deletion or request receipt is confirmed only against an audit package (receipts v2): the one given as `audit` (e.g. the regulator's copy), else the package this server publishes at /v1/audit. With `heads` (heads.jsonl lines) and `controllerKey`, the package must also be the chain the controller's last signed head commits to. `bundle` checks an inclusion receipt against a deletion proof.",
      body: {
        type: "object", required: ["receipt"], additionalProperties: false,
        properties: {
          receipt: anyObject, bundle: anyObject, audit: anyObject,
          heads: { type: "array", maxItems: 100_000, items: anyObject }, controllerKey: { type: "string", pattern: "^(0x)?[0-9a-fA-F]{64}$" },
        },
      },
      response: {
        200: {
          type: "object", required: ["ok", "verdict", "reasons"],
          properties: {
            ok: { type: "boolean" }, finding: { type: "string" }, verdict: { type: "string" }, reasons: { type: "array", items: { type: "string" } },
            against: { type: "string", enum: ["given", "served"], description: "which audit package the receipt was checked against" },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req, reply) => {
    const { receipt, bundle, heads, controllerKey } = req.body;
    if (receipt === null) return reply.code(400).send(errorBody(req, "body/receipt must be a receipt object"));
    const given = req.body.audit !== undefined;
    const audit = given ? req.body.audit : await auditPackageFromStore(ctx.ledger.store, ctx.keys, join(ctx.dir, EVALUATION_FILE));
    const result = await checkReceipt(receipt, {
      ...verifyOptions, audit,
      ...(bundle !== undefined ? { bundle } : {}), ...(heads !== undefined ? { heads } : {}), ...(controllerKey !== undefined ? { controllerKey } : {}),
    });
    return { ...result, against: given ? "given" : "served" };
  });
}
