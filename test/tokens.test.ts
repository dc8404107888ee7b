import { strict as assert } from "node:assert";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TokenVerifier, tokensPath } from "../src/server/tokens.ts";
import { startCli } from "./helpers/childCli.ts";

describe("API tokens (zkforget token)", function () {
  it("create prints the token on its last line and stores only its hash; revoke and forgeries are refused", async function () {
    const ws = await mkdtemp(join(tmpdir(), "zkf-tokens-"));
    const created = await startCli(["token", "create", "--workspace", ws, "--scope", "intake", "--note", "web form"]).done;
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trimEnd().split("\n").at(-1)!;
    assert.match(token, /^zkf_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const file = await readFile(tokensPath(ws), "utf8");
    assert.ok(!file.includes(token.split("_")[2]!), "the secret is not stored");
    const verifier = new TokenVerifier(ws);
    assert.equal((await verifier.verify(token))?.scope, "intake");
    for (const forged of [`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, token.replace(/^zkf_[0-9a-f]{8}/, "zkf_00000000"), "", "zkf_x"]) {
      assert.equal(await verifier.verify(forged), undefined, forged);
    }
    const bad = await startCli(["token", "create", "--workspace", ws, "--scope", "root"]).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--scope must be one of intake, admin, auditor/);
    const id = token.split("_")[1]!;
    const revoked = await startCli(["token", "revoke", id, "--workspace", ws]).done;
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await verifier.verify(token), undefined, "revoked: refused at once, without a restart");
    const again = await startCli(["token", "revoke", id, "--workspace", ws]).done;
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already revoked/);
    const list = await startCli(["token", "list", "--workspace", ws]).done;
    assert.match(list.stdout, new RegExp(`${id}  intake .*REVOKED`));
  });
});
