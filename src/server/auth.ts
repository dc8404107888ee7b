import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { StoredToken, TokenScope, TokenVerifier } from "./tokens.ts";

/**
 * Bearer-token authentication. Every request is resolved to a caller: a live token, or
 * anonymous (no Authorization header). A header that is present but not a live token (malformed,
 * unknown, wrong secret, revoked) is refused with 401 on every route, public ones included, so a
 * client never silently falls back to anonymous.
 */

/** Who is calling. */
export type Caller = { kind: "token"; token: StoredToken } | { kind: "anonymous" };

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller;
  }
}

/** The bearer token text of a request, if it sent one. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : "";
}

/** The onRequest hook that sets `request.caller`, refusing a bad token with 401. */
export function authenticate(tokens: TokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const text = bearerOf(request);
    if (text === undefined) {
      request.caller = { kind: "anonymous" };
      return;
    }
    const token = text === "" ? undefined : await tokens.verify(text);
    if (!token) {
      await reply.code(401).header("www-authenticate", "Bearer").send(errorBody(request, "the bearer token is malformed, unknown or revoked"));
      return;
    }
    request.caller = { kind: "token", token };
  };
}

/** A preHandler that lets through only tokens with one of `scopes`: 401 without a token, 403 with another scope. */
export function requireScope(...scopes: TokenScope[]): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const caller = request.caller;
    if (caller.kind !== "token") {
      await reply.code(401).header("www-authenticate", "Bearer").send(errorBody(request, `this route needs a bearer token with scope ${scopes.join(" or ")}`));
      return;
    }
    if (!scopes.includes(caller.token.scope)) {
      await reply.code(403).send(errorBody(request, `a ${caller.token.scope} token may not use this route (it needs ${scopes.join(" or ")})`));
    }
  };
}

/** The body of every error response. */
export function errorBody(request: FastifyRequest, error: string): { error: string; requestId: string } {
  return { error, requestId: request.id };
}
