import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pathExists, readJsonFile, writeFileAtomically } from "../fsAtomic.ts";

/**
 * API tokens of a workspace's server, in `<workspace>/tokens.json`. A token is
 * `zkf_<id>_<secret>` with a random 8-hex-digit id and 32 random bytes of secret (base64url);
 * only its SHA-256 is stored. A plain hash (no salt, no slow KDF) is enough because the token
 * has 256 bits of entropy: nobody can guess one from its hash, unlike a password. The id
 * lets an admin name a token to revoke without holding it. The file is replaced atomically.
 */

/** What a token may do. */
export const TOKEN_SCOPES = ["intake", "admin", "auditor"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** File name in the workspace. */
export const TOKENS_FILE = "tokens.json";
const FORMAT = "zkforget-tokens";

/** A stored token (no secret). */
export interface StoredToken {
  id: string;
  scope: TokenScope;
  /** Hex SHA-256 of the whole token text. */
  sha256: string;
  createdAt: string;
  revokedAt?: string;
  /** Free text saying whom it is for. */
  note?: string;
}

interface TokenFile {
  format: typeof FORMAT;
  version: 1;
  tokens: StoredToken[];
}

const TOKEN_PATTERN = /^zkf_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The tokens file of a workspace. */
export function tokensPath(dir: string): string {
  return join(dir, TOKENS_FILE);
}

async function readTokens(path: string): Promise<TokenFile> {
  if (!(await pathExists(path))) return { format: FORMAT, version: 1, tokens: [] };
  const data = await readJsonFile(path, "token file") as Partial<TokenFile>;
  if (data.format !== FORMAT || data.version !== 1 || !Array.isArray(data.tokens)) throw new Error(`${path} is not a zkforget token file (format ${FORMAT}, version 1)`);
  return data as TokenFile;
}

/** Creates a token with `scope`; resolves to the token text (shown once, never stored) and its record. */
export async function createToken(dir: string, scope: TokenScope, note?: string, now = new Date()): Promise<{ token: string; stored: StoredToken }> {
  if (!TOKEN_SCOPES.includes(scope)) throw new Error(`unknown scope ${JSON.stringify(scope)} (scopes: ${TOKEN_SCOPES.join(", ")})`);
  const path = tokensPath(dir);
  const file = await readTokens(path);
  let id: string;
  do id = randomBytes(4).toString("hex"); while (file.tokens.some((t) => t.id === id));
  const token = `zkf_${id}_${randomBytes(32).toString("base64url")}`;
  const stored: StoredToken = { id, scope, sha256: sha256Hex(token), createdAt: now.toISOString(), ...(note !== undefined ? { note } : {}) };
  file.tokens.push(stored);
  await writeFileAtomically(path, `${JSON.stringify(file, null, 1)}\n`);
  return { token, stored };
}

/** Revokes the token with `idOrToken` (its id, or the token itself). @throws Error for an unknown or already revoked one */
export async function revokeToken(dir: string, idOrToken: string, now = new Date()): Promise<StoredToken> {
  const path = tokensPath(dir);
  const file = await readTokens(path);
  const id = TOKEN_PATTERN.exec(idOrToken)?.[1] ?? idOrToken;
  const stored = file.tokens.find((t) => t.id === id);
  if (!stored) throw new Error(`no token ${JSON.stringify(id)} in ${path}`);
  if (stored.revokedAt !== undefined) throw new Error(`token ${id} was already revoked at ${stored.revokedAt}`);
  stored.revokedAt = now.toISOString();
  await writeFileAtomically(path, `${JSON.stringify(file, null, 1)}\n`);
  return stored;
}

/** Every stored token of a workspace. */
export async function listTokens(dir: string): Promise<StoredToken[]> {
  return (await readTokens(tokensPath(dir))).tokens;
}

/**
 * Checks bearer tokens against a workspace's token file, re-read whenever it changes, so that a
 * revocation takes effect on the next request without a restart.
 */
export class TokenVerifier {
  #cache: { key: string; tokens: Map<string, StoredToken> } | undefined;

  constructor(readonly dir: string) {}

  /** The live token `text` is, or undefined (malformed, unknown, wrong secret or revoked). */
  async verify(text: string): Promise<StoredToken | undefined> {
    const id = TOKEN_PATTERN.exec(text)?.[1];
    if (id === undefined) return undefined;
    const stored = (await this.#tokens()).get(id);
    const presented = Buffer.from(sha256Hex(text), "hex");
    // Constant-time comparison of the hashes, made (against zeros) even when the id is unknown.
    const expected = stored ? Buffer.from(stored.sha256, "hex") : Buffer.alloc(32);
    const same = expected.length === 32 && timingSafeEqual(presented, expected);
    return same && stored && stored.revokedAt === undefined ? stored : undefined;
  }

  async #tokens(): Promise<Map<string, StoredToken>> {
    const path = tokensPath(this.dir);
    const info = await stat(path).catch(() => undefined);
    const key = info ? `${info.mtimeMs}-${info.size}-${info.ino}` : "none";
    if (this.#cache?.key !== key) this.#cache = { key, tokens: new Map((await readTokens(path)).tokens.map((t) => [t.id, t])) };
    return this.#cache.tokens;
  }
}
