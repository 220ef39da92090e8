/**
 * Starts the artifact backend emulation for manual runs and prints, as one JSON line, its URL,
 * its folder and the environment a job of run `--run-id` (default 1) needs:
 *
 *   npx vite-node src/simulate/results-service-main.ts -- [--dir DIR] [--port N] [--run-id ID]
 *
 * It runs until interrupted.
 */
import { parseArgs } from "node:util";
import { startResultsService } from "./results-service.js";

const { values } = parseArgs({
  options: { dir: { type: "string" }, port: { type: "string" }, "run-id": { type: "string" } },
  allowPositionals: true,
});
const service = await startResultsService({
  ...(values.dir ? { dir: values.dir } : {}),
  port: Number(values.port ?? 0),
});
const runId = values["run-id"] ?? "1";
process.stdout.write(`${JSON.stringify({ url: service.url, dir: service.dir, env: service.env({ runId }) })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void service.close().then(() => process.exit(0)));
}
