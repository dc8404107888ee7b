import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isOverdue, publicRequest, type StoredRequest } from "../../ledger/ledger.ts";
import type { DeletionRequestRecord } from "../../verifier/auditTypes.ts";
import { UnknownRecordError } from "../../dataset/commitment.ts";
import { newRequestId, requestOpeningFor } from "../../workspace/forget.ts";
import { requestReceipt, writeRequestAcknowledgement } from "../../workspace/receipts.ts";
import { workspacePaths } from "../../workspace/workspace.ts";
import { errorBody, requireScope } from "../auth.ts";
import type { ServerContext } from "../context.ts";
import { anyObject, entrySchema, errorResponses, REQUEST_ID_PATTERN, requestSchema } from "../schemas.ts";
import { subjectRequestId } from "../subject.ts";

/** The one answer a data subject gets for an unknown id, a deleted record or a wrong salt alike. */
export const SUBJECT_REFUSAL = "no live record has this id and salt";

/** A request as the API shows it: the ledger's status, with `queued` for one planned but not being proved yet. */
export type ApiRequest = Omit<DeletionRequestRecord, "status"> & { status: DeletionRequestRecord["status"] | "queued" };

interface FileBody {
  recordIds: string[];
  requestId?: string;
  salt?: string;
}

/** POST/GET /v1/deletion-requests and GET /v1/deletion-requests/:id. */
export function deletionRequestRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store } = ctx.ledger;

  const apiStatus = async (request: StoredRequest): Promise<ApiRequest> => {
    const published = publicRequest(request);
    if (request.status !== "proving") return published;
    const plans = (await ctx.ledger.plans.all()).filter((p) => p.requestId === request.id);
    for (const plan of plans) {
      if ((await ctx.queue.getJob(plan.id).then((job) => job?.getState())) === "active") return published;
    }
    return { ...published, status: "queued" };
  };

  /** Keeps the data subject's acknowledgement, with the commitment's opening, in receipts/ as the CLI's `forget` does. */
  const acknowledge = (request: StoredRequest) =>
    writeRequestAcknowledgement(workspacePaths(ctx.dir).receipts, store.info.profile, request, { onlyIfMissing: true });

  /** Records a request (or returns the same one again: request ids are idempotent). */
  const file = async (req: FastifyRequest, reply: FastifyReply, id: string, recordIds: string[]) => {
    const existing = await store.request(id);
    if (existing) {
      if (JSON.stringify([...existing.recordIds].sort()) !== JSON.stringify([...recordIds].sort())) {
        return reply.code(409).send(errorBody(req, `deletion request ${id} exists with other record ids; choose another requestId`));
      }
      // Filing a failed request again retries it.
      if (existing.status === "failed") await store.setRequestStatus(id, "proving");
      const again = (await store.request(id))!;
      // Written again when missing: a crash between recording the request and writing it must not lose it.
      await acknowledge(again);
      return reply.code(202).send({ request: await apiStatus(again), receipt: requestReceipt(store.info.profile, again) });
    }
    const pending = (await store.requests()).filter((r) => r.status !== "proved" && r.status !== "failed");
    const taken = recordIds.flatMap((rid) => pending.filter((r) => r.recordIds.includes(rid)).map((r) => `${rid} (request ${r.id})`));
    if (taken.length > 0) return reply.code(409).send(errorBody(req, `already named by a pending deletion request: ${taken.join(", ")}`));
    // The request's salted commitment to its slots (index and leaf at the head) goes into the chain before any proof.
    let opening;
    try {
      opening = requestOpeningFor(await ctx.live.dataset(), recordIds);
    } catch (error) {
      if (!(error instanceof UnknownRecordError)) throw error;
      return reply.code(422).send(errorBody(req, "a record id is unknown or was deleted meanwhile"));
    }
    const request = await store.receiveRequest(id, recordIds, opening);
    await acknowledge(request);
    req.log.info({ deletionRequest: id, records: recordIds.length }, "deletion request received");
    return reply.code(202).send({ request: await apiStatus(request), receipt: requestReceipt(store.info.profile, request) });
  };

  app.post<{ Body: FileBody }>("/v1/deletion-requests", {
    schema: {
      summary: "File a deletion request",
      description: "With an intake or admin token: any live record ids. Without a token: a data subject files for their own record, giving exactly one record id and the salt from its inclusion receipt (the request id is then derived from both). Returns 202 with the request; filing the same request id with the same ids again returns it again.",
      body: {
        type: "object",
        required: ["recordIds"],
        additionalProperties: false,
        properties: {
          recordIds: { type: "array", minItems: 1, maxItems: 10_000, uniqueItems: true, items: { type: "string", minLength: 1, maxLength: 256 } },
          requestId: { type: "string", pattern: REQUEST_ID_PATTERN },
          salt: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" },
        },
      },
      response: { 202: { type: "object", required: ["request", "receipt"], properties: { request: requestSchema, receipt: { ...anyObject, description: "the request receipt (receipts v2): the opening of the request's commitment, for the data subject to keep" } } }, ...errorResponses },
      security: [{ bearer: [] }, {}],
    },
  }, async (req, reply) => {
    const { recordIds, requestId, salt } = req.body;
    const caller = req.caller;
    if (caller.kind === "token") {
      if (caller.token.scope !== "intake" && caller.token.scope !== "admin") {
        return reply.code(403).send(errorBody(req, `a ${caller.token.scope} token may not file deletion requests (it needs intake or admin)`));
      }
      if (salt !== undefined) return reply.code(400).send(errorBody(req, "body/salt is for data subjects filing without a token; an intake request names record ids only"));
      const live = await ctx.live.salts();
      const unknown = recordIds.filter((id) => !live.has(id));
      if (unknown.length > 0) return reply.code(422).send(errorBody(req, `unknown or already deleted record id${unknown.length > 1 ? "s" : ""}: ${unknown.slice(0, 20).join(", ")}${unknown.length > 20 ? ", …" : ""}`));
      return file(req, reply, requestId ?? newRequestId(), recordIds);
    }
    if (salt === undefined || recordIds.length !== 1 || requestId !== undefined) {
      return reply.code(401).header("www-authenticate", "Bearer").send(errorBody(req, "give a bearer token with scope intake, or file for your own record: recordIds with exactly your record id, and salt from your inclusion receipt (no requestId)"));
    }
    const recordId = recordIds[0]!;
    const id = subjectRequestId(recordId, salt);
    // The salt must match even for a request filed before, so nothing is learned without it.
    if (!(await store.request(id)) && !(await ctx.live.matches(recordId, salt))) {
      req.log.warn({ event: "subject-refused" }, "data-subject request refused");
      return reply.code(403).send(errorBody(req, SUBJECT_REFUSAL));
    }
    return file(req, reply, id, [recordId]);
  });

  app.get<{ Params: { id: string } }>("/v1/deletion-requests/:id", {
    schema: {
      summary: "A deletion request, its status and its ledger entries",
      description: "Any token; without a token only a data subject's own request (its id is derived from the record's salt, so only they can name it).",
      params: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: REQUEST_ID_PATTERN } } },
      response: { 200: { type: "object", required: ["request", "entries"], properties: { request: requestSchema, entries: { type: "array", items: entrySchema } } }, ...errorResponses },
      security: [{ bearer: [] }, {}],
    },
  }, async (req, reply) => {
    const id = req.params.id;
    if (req.caller.kind === "anonymous" && !id.startsWith("subject-")) {
      return reply.code(401).header("www-authenticate", "Bearer").send(errorBody(req, "this route needs a bearer token (data subjects: use the id of your own request)"));
    }
    const request = await store.request(id);
    if (!request) return reply.code(404).send(errorBody(req, "no such deletion request"));
    const entries = (await store.entries()).filter((e) => e.requestId === id);
    return { request: await apiStatus(request), entries };
  });

  app.get<{ Querystring: { overdueHours?: number } }>("/v1/deletion-requests", {
    preHandler: requireScope("admin", "auditor"),
    schema: {
      summary: "Every deletion request, or only the overdue ones",
      description: "overdueHours=H lists the requests not proved and received more than H hours ago.",
      querystring: { type: "object", additionalProperties: false, properties: { overdueHours: { type: "number", minimum: 0 } } },
      response: { 200: { type: "object", required: ["requests"], properties: { requests: { type: "array", items: requestSchema } } }, ...errorResponses },
      security: [{ bearer: [] }],
    },
  }, async (req) => {
    const hours = req.query.overdueHours;
    const now = new Date();
    const requests = (await store.requests()).filter((r) => hours === undefined || isOverdue(r, hours, now));
    return { requests: await Promise.all(requests.map(apiStatus)) };
  });
}
