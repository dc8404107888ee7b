import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A workspace lock, so that two runs that change one workspace (two `forget`s, a `train` and a
 * `forget`) run one after the other instead of interleaving their proofs and appends. The lock
 * is a file created with O_EXCL that holds the owner's pid. A lock whose pid is no longer
 * running (the owner crashed or was killed) is stale and is taken over; the takeover itself is
 * guarded by a second O_EXCL file so that two waiters cannot both remove it and both proceed.
 */

/** Options for {@link withWorkspaceLock}. */
export interface LockOptions {
  /** Called once when the lock is held by another live process and we start waiting. */
  onWait?: (holderPid: number) => void;
  /** Poll interval while waiting (default 200 ms). */
  pollMilliseconds?: number;
}

/** Runs `fn` while holding the lock file `path`; waits while another live process holds it. */
export async function withWorkspaceLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await acquire(path, options);
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

/** How long an empty lock file is given to receive its owner's pid. */
const EMPTY_LOCK_GRACE_MS = 5000;

async function acquire(path: string, options: LockOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let announced = false;
  for (;;) {
    if (await createExclusive(path)) return;
    const holder = await readPid(path);
    if (holder === undefined || !isRunning(holder)) {
      await takeOverStale(path, holder);
      await sleep(20);
      continue;
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder);
    }
    await sleep(options.pollMilliseconds ?? 200);
  }
}

/** Creates `path` holding our pid; false when it exists already. */
async function createExclusive(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await file.writeFile(`${process.pid}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  return true;
}

/** The pid in a lock file; undefined when it is gone, empty (being written) or unreadable. */
async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a stale lock, but only while holding `<path>.takeover` and only if the lock still
 * names the same dead pid: another waiter may have taken it over and re-locked meanwhile.
 */
async function takeOverStale(path: string, stalePid: number | undefined): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard))) {
    const guardPid = await readPid(guard);
    if (guardPid !== undefined && !isRunning(guardPid)) await rm(guard, { force: true });
    return;
  }
  try {
    const current = await readPid(path);
    // An empty lock file is normally being written by its creator; only one left empty for
    // longer than EMPTY_LOCK_GRACE_MS belongs to a process that died between create and write.
    const stale = stalePid !== undefined
      ? current === stalePid
      : current === undefined && Date.now() - (await stat(path).then((s) => s.mtimeMs, () => Date.now())) > EMPTY_LOCK_GRACE_MS;
    if (stale) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}
