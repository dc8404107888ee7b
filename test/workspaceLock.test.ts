import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withWorkspaceLock } from "../src/workspace/lock.ts";

const exists = (path: string) => stat(path).then(() => true, () => false);

describe("workspace lock", function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "zkf-lock-"));
  });

  it("a second holder waits for the first, says so, and runs after it; the lock is released", async function () {
    const lock = join(dir, "a.lock");
    const events: string[] = [];
    let release!: () => void;
    const first = withWorkspaceLock(lock, async () => {
      events.push("first start");
      await new Promise<void>((resolve) => { release = resolve; });
      events.push("first end");
    });
    while (events.length === 0) await sleep(5);
    assert.equal((await readFile(lock, "utf8")).trim(), String(process.pid), "the lock holds the owner's pid");
    const waits: number[] = [];
    const second = withWorkspaceLock(lock, async () => { events.push("second"); }, { onWait: (pid) => waits.push(pid), pollMilliseconds: 10 });
    await sleep(100);
    assert.deepEqual(events, ["first start"], "the second holder does not run while the first holds the lock");
    release();
    await Promise.all([first, second]);
    assert.deepEqual(events, ["first start", "first end", "second"]);
    assert.deepEqual(waits, [process.pid], "the wait is announced once, naming the holder");
    assert.equal(await exists(lock), false);
  });

  it("takes over a stale lock left by a process that no longer runs", async function () {
    const lock = join(dir, "stale.lock");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    await writeFile(lock, `${dead.stdout}\n`);
    let ran = false;
    await withWorkspaceLock(lock, async () => {
      ran = true;
      assert.equal((await readFile(lock, "utf8")).trim(), String(process.pid));
    }, { onWait: () => assert.fail("a dead holder must not be waited for") });
    assert.ok(ran);
    assert.equal(await exists(lock), false);
  });

  it("releases the lock when the work fails", async function () {
    const lock = join(dir, "fail.lock");
    await assert.rejects(withWorkspaceLock(lock, async () => { throw new Error("boom"); }), /boom/);
    assert.equal(await exists(lock), false);
  });
});
