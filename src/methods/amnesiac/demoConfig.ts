/**
 * The amnesiac demo/benchmark system: the demo data's 256 committed records (data/demo.csv, 16
 * features) in one model, batches of 16 slots, 4 epochs (64 steps), and the hyperparameters
 * (small enough that validateAmnesiacConfig's weight bound holds over all 64 steps).
 */
import type { TrainingHyperparameters } from "../../ml/config.ts";
import type { AmnesiacShape } from "./config.ts";

/** D = 8, b = 4, F = 16, E = 4: the shape of the amnesiac-*-d8-b4-f16-e4-* profiles. */
export const AMNESIAC_DEMO_SHAPE: AmnesiacShape = { dataDepth: 8, batchLog2: 4, features: 16, epochs: 4 };

/** η = 0.5, λ = 1/256, zero initial weights. */
export const AMNESIAC_DEMO_HYPERPARAMETERS: TrainingHyperparameters = { learningRate: 0.5, l2: 1 / 256, initialWeights: "zeros" };
