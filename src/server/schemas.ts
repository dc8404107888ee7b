/**
 * JSON schemas of the API (request bodies, parameters and responses). Fastify validates
 * requests and serialises responses with them, and @fastify/swagger turns them into the
 * OpenAPI document at /v1/openapi.json.
 */

/** Any JSON object (bundles, audit packages, receipts are checked by the verifier, not here). */
export const anyObject = { type: "object", additionalProperties: true } as const;

/** The body of every error response: what is wrong, and the request id to find it in the logs. */
export const errorSchema = {
  type: "object",
  required: ["error", "requestId"],
  properties: { error: { type: "string" }, requestId: { type: "string" } },
} as const;

/** A deletion request as published (no record ids). */
export const requestSchema = {
  type: "object",
  required: ["id", "recordCount", "status", "receivedAt", "updatedAt", "entries"],
  properties: {
    id: { type: "string" },
    recordCount: { type: "integer" },
    status: { type: "string", enum: ["received", "queued", "proving", "proved", "failed"] },
    receivedAt: { type: "string" },
    updatedAt: { type: "string" },
    provedAt: { type: "string" },
    entries: { type: "array", items: { type: "integer" } },
    error: { type: "string" },
    commitment: { type: "string", description: "0x-hex salted commitment to the requested slots, recorded in the chain's request entry" },
    salt: { type: "string", description: "the commitment's salt, published once the request is proved" },
  },
} as const;

/** A ledger entry with its bundle (public). */
export const entrySchema = {
  type: "object",
  required: ["seq", "kind", "oldState", "newState", "recordedAt"],
  properties: {
    seq: { type: "integer" },
    kind: { type: "string" },
    oldState: { type: "string" },
    newState: { type: "string" },
    recordedAt: { type: "string" },
    requestId: { type: "string" },
    proveSeconds: { type: "number" },
    requestCommitment: { type: "string" },
    recordCount: { type: "integer" },
    bundle: anyObject,
  },
} as const;

/** Request ids callers choose: letters, digits and . _ : - (they appear in logs, file names and URLs). */
export const REQUEST_ID_PATTERN = "^[A-Za-z0-9._:-]{1,128}$";

/** The error responses a route may give, for its response schemas. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 429: errorSchema, 503: errorSchema } as const;
