import { createToken, listTokens, revokeToken, TOKEN_SCOPES, type TokenScope } from "../../server/tokens.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";

export const tokenCommand: Command = {
  name: "token",
  summary: "create, revoke or list the API tokens of a workspace's server",
  help: `Usage: zkforget token create --scope intake|admin|auditor [--workspace DIR] [--note TEXT]
       zkforget token revoke ID_OR_TOKEN [--workspace DIR]
       zkforget token list [--workspace DIR]

create prints the new token on its last line (it is shown once: only its SHA-256 is kept, in
<workspace>/tokens.json). Scopes: intake files deletion requests and reads them; auditor reads
requests and the audit package; admin does both. revoke takes effect on the server's next request.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --scope S         ${TOKEN_SCOPES.join(", ")}
  --note TEXT       whom the token is for`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: "string" }, scope: { type: "string" }, note: { type: "string" } });
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const [action, ...rest] = positionals;
    if (action === "create") {
      if (rest.length > 0) throw new UsageError(`token create takes no arguments, got ${rest.join(" ")}`);
      if (!TOKEN_SCOPES.includes(values.scope as TokenScope)) throw new UsageError(`--scope must be one of ${TOKEN_SCOPES.join(", ")}, got ${JSON.stringify(values.scope)}`);
      const { token, stored } = await createToken(dir, values.scope as TokenScope, values.note);
      process.stdout.write(`token ${stored.id}, scope ${stored.scope} (shown once; keep it secret):\n${token}\n`);
      return 0;
    }
    if (action === "revoke") {
      if (rest.length !== 1) throw new UsageError("token revoke takes one token id (or the token itself)");
      const stored = await revokeToken(dir, rest[0]!);
      process.stdout.write(`revoked token ${stored.id} (scope ${stored.scope})\n`);
      return 0;
    }
    if (action === "list") {
      for (const t of await listTokens(dir)) process.stdout.write(`${t.id}  ${t.scope.padEnd(7)}  created ${t.createdAt}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ""}${t.note ? `  ${t.note}` : ""}\n`);
      return 0;
    }
    throw new UsageError(`give create, revoke or list, got ${JSON.stringify(action)}`);
  },
};
