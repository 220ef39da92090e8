/** Before any test file: the bundle the suites run is built from the current src/ (test/support/bundle.ts). */
import { fileURLToPath } from "node:url";
import { ensureFreshBundle } from "./support/bundle.js";

export default function setup(): void {
  // another build under test (WAVEPLAN_TEST_CLI) is the caller's to keep fresh
  if (process.env.WAVEPLAN_TEST_CLI) return;
  const done = ensureFreshBundle(fileURLToPath(new URL("..", import.meta.url)));
  if (done.startsWith("rebuilt")) console.log(`[global setup] ${done}`);
}
