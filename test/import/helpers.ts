/** `waveplan …` in process, stdout and stderr collected (as test/import/cli.test.ts does). */
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import { main } from "../../src/cli/main.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function waveplan(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  process.exitCode = undefined;
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}
