/**
 * The ridge (model-shifting) method: per-class sufficient statistics of a multi-class ridge
 * classifier, committed; genesis by batches, deletion by subtraction, class forgetting, each a
 * circuit with its TypeScript model here. Registered in the method tables: kinds.ts (verifier
 * side, src/methods/statementKinds.ts) and workspace.ts (src/methods/workspaceMethods.ts).
 */
export * from "./bounds.ts";
export * from "./config.ts";
export * from "./floatReference.ts";
export * from "./model.ts";
export * from "./packing.ts";
export * from "./solve.ts";
export * from "./state.ts";
export * from "./statements.ts";
export * from "./statistics.ts";
