import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

let root: string | undefined;

/**
 * Directory holding zkforget's own package.json. Found by walking up from this module, so it is
 * right both in the repository and when zkforget is installed under node_modules.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && readPackageJson(manifest).name === "zkforget") return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find zkforget's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** zkforget's Circom sources (`circuits/` in the package). */
export function circuitsDir(): string {
  return join(packageRoot(), "circuits");
}

/** Default build cache: `$ZKFORGET_CACHE`, else `.zkforget-cache` in the package root. */
export function defaultCacheDir(): string {
  const fromEnv = process.env.ZKFORGET_CACHE;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(packageRoot(), ".zkforget-cache");
}

/** A dependency as resolved by Node from this package (wherever npm placed it). */
export interface ResolvedPackage {
  dir: string;
  version: string;
}

/** The circomlib package zkforget depends on; its templates are in `<dir>/circuits`. */
export function circomlib(): ResolvedPackage {
  return resolvePackage("circomlib");
}

/** The circom2 (WebAssembly Circom) package; its command-line entry is `<dir>/cli.js`. */
export function circom2(): ResolvedPackage {
  return resolvePackage("circom2");
}

function resolvePackage(name: string): ResolvedPackage {
  const manifest = require.resolve(`${name}/package.json`);
  const version = readPackageJson(manifest).version;
  if (typeof version !== "string") throw new Error(`${manifest} has no version`);
  return { dir: dirname(manifest), version };
}

function readPackageJson(path: string): { name?: unknown; version?: unknown } {
  return JSON.parse(readFileSync(path, "utf8")) as { name?: unknown; version?: unknown };
}
