/**
 * The browser build of the zkforget verifier (bundled by scripts/build-web.ts into
 * `web/dist/zkforget-verifier.js`, an ES module): src/verifier/browser.ts, the verifier
 * without its Node-only key-file loader.
 */
export * from "../src/verifier/browser.ts";
