// Shared helpers for the benchmarks: temp repositories, timing, and the one-table + JSON-line output.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = new URL("..", import.meta.url).pathname;
// BENCH_CLI=<another bin/waveplan.js>: measure another build with the same bench
export const cli = process.env.BENCH_CLI ?? join(root, "bin", "waveplan.js");

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `waveplan-bench-${prefix}-`));
}

/** A git repository with `files` small files spread over nested folders, committed. */
export function makeRepo(files) {
  const dir = tempDir(`repo${files}`);
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "bench");
  git("config", "user.email", "bench@localhost");
  for (let i = 0; i < files; i++) {
    const sub = join(dir, "src", `d${Math.floor(i / 100)}`, `e${Math.floor(i / 10) % 10}`);
    if (i % 10 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n`);
  }
  git("add", "-A");
  git("commit", "-qm", "bench repository");
  return dir;
}

export function timed(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
  return r;
}

export function printTable(title, headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ");
  console.log(`\n${title}\n${line(headers)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(line(r));
}

export const fixed = (n, d = 2) => Number(n.toFixed(d));
