// Builds the static verification page and the browser build of the verifier.
// Usage: npm run build:web [-- --out DIR] [-- --keys DIR]   (default web/dist, keys/)
// Then open DIR/index.html in a browser, or serve DIR with any static file server.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, type Metafile } from "esbuild";
import { packageRoot } from "../src/circuits/paths.ts";
import { loadKeyRing } from "../src/verifier/keyRing.ts";
import type { KeyManifest } from "../src/keys/manifest.ts";

/** Options for {@link buildWeb}. */
export interface BuildWebOptions {
  /** Output directory (default `web/dist` in the package). */
  outDir?: string;
  /** Key directory whose pairs the page trusts (default the shipped `keys/`). */
  keysDir?: string;
  /** Minify the scripts (default true). */
  minify?: boolean;
}

/** What {@link buildWeb} wrote. */
export interface BuiltWeb {
  outDir: string;
  /** The page to open: `<outDir>/index.html`. */
  page: string;
  /** The ES-module browser build of the verifier, for other web apps: `<outDir>/zkforget-verifier.js`. */
  library: string;
  /** The page's trusted keys, as a script of data it loads before app.js: `<outDir>/trusted-keys.js`. */
  keysScript: string;
  /** The keys the page trusts. */
  keys: Pick<KeyManifest, "profile" | "security" | "vkeyHash">[];
  /** Per script (`app.js`, `zkforget-verifier.js`): its minified size and the files bundled into it. */
  scripts: BuiltScript[];
}

/** One bundled script, from esbuild's metafile. */
export interface BuiltScript {
  file: string;
  bytes: number;
  /** Input paths relative to the package root, e.g. `node_modules/@noble/curves/bn254.js`. */
  inputs: string[];
}

/** Global the trusted-keys script defines and web/trusted-keys.ts reads (see web/trusted-keys.d.ts). */
const TRUSTED_KEYS_GLOBAL = "zkforgetTrustedKeys";

/**
 * The page's trusted keys as a classic script of data, loaded before app.js: the keys are data
 * and grow with every shipped profile, so they stay out of the page's code budget, and a
 * <script src> (unlike fetch) also works from file://. JSON is a JavaScript expression; "<" is
 * escaped so no key text can close the script element.
 */
function trustedKeysScript(pairs: readonly unknown[]): string {
  return `globalThis.${TRUSTED_KEYS_GLOBAL} = Object.freeze(${JSON.stringify(pairs).replace(/</g, "\\u003c")});\n`;
}

function scriptsOf(metafile: Metafile, root: string): BuiltScript[] {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .map(([file, out]) => ({ file: resolve(root, file), bytes: out.bytes, inputs: Object.keys(out.inputs) }));
}

/**
 * Bundles web/app.ts (the page script) and web/verifier-entry.ts (the verifier as an ES module)
 * for browsers, writes the trusted keys as trusted-keys.js (data the page loads before app.js),
 * and copies index.html.
 * The keys are loaded with `loadKeyRing`, so a missing or corrupted key file fails the build
 * with its name instead of producing a page that trusts nothing.
 * @throws Error for an unreadable or invalid key directory, an empty one, or a bundling error.
 */
export async function buildWeb(options: BuildWebOptions = {}): Promise<BuiltWeb> {
  const root = packageRoot();
  const web = join(root, "web");
  const outDir = resolve(options.outDir ?? join(web, "dist"));
  const keysDir = options.keysDir ?? join(root, "keys");
  const ring = await loadKeyRing(keysDir);
  if (ring.size === 0) throw new Error(`no verification keys in ${keysDir}: the page would trust nothing`);
  const pairs = [...ring.values()];

  await mkdir(outDir, { recursive: true });
  const common = {
    bundle: true,
    // Also applies package.json's "browser" map: poseidonGrain.ts in place of poseidonTable.ts.
    platform: "browser",
    // BigInt literals and ** need ES2020.
    target: "es2020",
    minify: options.minify ?? true,
    sourcemap: "linked",
    legalComments: "linked",
    logLevel: "silent",
    absWorkingDir: root,
    metafile: true,
  } as const;
  const app = await build({
    ...common,
    entryPoints: [join(web, "app.ts")],
    format: "iife",
    outfile: join(outDir, "app.js"),
  });
  const keysScript = join(outDir, "trusted-keys.js");
  await writeFile(keysScript, trustedKeysScript(pairs));
  const library = join(outDir, "zkforget-verifier.js");
  const lib = await build({
    ...common,
    entryPoints: [join(web, "verifier-entry.ts")],
    format: "esm",
    outfile: library,
  });
  const page = join(outDir, "index.html");
  await copyFile(join(web, "index.html"), page);
  return {
    outDir,
    page,
    library,
    keysScript,
    keys: pairs.map(({ manifest: { profile, security, vkeyHash } }) => ({ profile, security, vkeyHash })),
    scripts: [...scriptsOf(app.metafile, root), ...scriptsOf(lib.metafile, root)],
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" }, keys: { type: "string" } }, strict: true });
  const built = await buildWeb({ ...(values.out ? { outDir: values.out } : {}), ...(values.keys ? { keysDir: values.keys } : {}) });
  const sizes = built.scripts.map((s) => `  ${s.file}: ${(s.bytes / 1000).toFixed(1)} kB minified`);
  const keys = built.keys.map((k) => `  ${k.profile.padEnd(24)} ${k.security === "insecure-dev" ? "INSECURE dev key" : "ceremony key"}  ${k.vkeyHash.slice(0, 16)}…`);
  console.log([
    `Built ${built.page}`,
    `  and ${built.library} (the verifier as an ES module for other pages; it embeds no keys)`,
    ...sizes,
    `Trusted keys of the page (${built.keysScript}):`,
    ...keys,
    `Open ${built.page} in a browser, or serve ${built.outDir} with any static file server.`,
  ].join("\n"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
