/**
 * Issue 28: the live view in a real terminal. `waveplan run` of the 13-wave example runs inside tmux
 * at 80×50 and 160×100 (its own tmux server on a private socket); the whole scrollback is read back
 * with `capture-pane`. At 80 columns no progress line may be left behind (each footer line is cut to
 * the width in visible columns, so the redraw moves up exactly as many rows as it drew), the waves
 * show k/N, the tasks their titles, a failure its stderr in place, and `landed …` is said once.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { CLI, git, ROOT, tempDir } from "../support/repo.js";

const haveTmux = (() => {
  try {
    execFileSync("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
})();
const SOCKET = `waveplan-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8" });

afterAll(() => {
  if (haveTmux) {
    try {
      tmux("kill-server");
    } catch {
      // no session was started
    }
  }
});

const EXAMPLE = join(ROOT, "examples/auth-integration");

function exampleRepo(): string {
  const repo = join(tempDir("waveplan-tty-"), "repo");
  execFileSync("bash", [join(EXAMPLE, "scratch-repo.sh"), repo]);
  writeFileSync(join(repo, "plan.yml"), readFileSync(join(EXAMPLE, "plan.yml")));
  git(repo, "add", "plan.yml");
  git(repo, "commit", "-qm", "plan");
  return repo;
}

/**
 * Runs `waveplan run <plan>` in a tmux pane of the given size and returns every line of the pane's
 * history. The test waits on tmux's `wait-for` channel, signalled when the command exits.
 */
function runInTmux(repo: string, plan: string, columns: number, rows: number): { lines: string[]; code: number } {
  const name = `run${columns}x${rows}${Math.random().toString(36).slice(2, 6)}`;
  const codeFile = join(repo, "..", `${name}.code`);
  const command = `cd ${JSON.stringify(repo)} && node ${JSON.stringify(CLI)} run ${JSON.stringify(plan)}; echo $? > ${JSON.stringify(codeFile)}; tmux -L ${SOCKET} wait-for -S ${name}`;
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    String(columns),
    "-y",
    String(rows),
    "-e",
    "TERM=xterm-256color",
    "bash",
    "--norc",
    "-c",
    `${command}; sleep 600`,
  );
  tmux("set-option", "-t", name, "history-limit", "10000");
  tmux("wait-for", name);
  // -J joins the lines the terminal wrapped (closing lines longer than the width are not cut)
  const text = tmux("capture-pane", "-p", "-J", "-t", name, "-S", "-", "-E", "-");
  tmux("kill-session", "-t", name);
  return { lines: text.replace(/\n+$/, "").split("\n"), code: Number(readFileSync(codeFile, "utf8").trim()) };
}

describe.skipIf(!haveTmux)("the live view under tmux", () => {
  it("at 80 columns: no stale progress lines, wave k/N, titles, a folded closing table, `landed` once", { timeout: 300_000 }, () => {
    const repo = exampleRepo();
    const { lines, code } = runInTmux(repo, "plan.yml", 80, 50);
    const screen = lines.join("\n");
    expect(code, screen).toBe(0);
    process.stdout.write(`[tmux 80x50]\n${screen}\n`);
    // the footer ("wave k/N … elapsed · n done") is gone once the run ends: any copy left is stale
    expect(lines.filter((l) => /elapsed · \d+ done/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes("●"))).toEqual([]);
    for (let k = 1; k <= 13; k++) expect(screen).toMatch(new RegExp(`▶ wave ${k}/13 W${k - 1} `));
    expect(screen).toMatch(/✓ I3-W3-1 \(I3\) [\d.]+m?s {2}Generate the migration from the schema/);
    expect(lines.filter((l) => l.startsWith("landed "))).toHaveLength(1);
    const run = /landed [0-9a-f]{12} \(run (\S+)\)/.exec(screen)?.[1];
    // 32 rows would take most of a 50-row screen: folded to the totals, the full table one command away
    expect(screen).toContain(`32 tasks: 32 done, 0 failed\nthe full table: waveplan status ${run}\n`);
    expect(screen).toMatch(/report: \.waveplan\/runs\/\S+\/report\.html/);
  });

  it("at 160 columns: the full closing table with titles", { timeout: 300_000 }, () => {
    const { lines, code } = runInTmux(exampleRepo(), "plan.yml", 160, 100);
    const screen = lines.join("\n");
    expect(code, screen).toBe(0);
    process.stdout.write(`[tmux 160x100]\n${screen}\n`);
    expect(lines.filter((l) => /elapsed · \d+ done/.test(l))).toEqual([]);
    expect(screen).toMatch(/^I3-W3-1 +I3 +W3 +success +[\d.]+m?s +Generate the migration from the schema diff$/m);
    expect(screen).toMatch(/^wall time .* measured speedup \d+\.\d\dx/m);
    expect(lines.filter((l) => l.startsWith("landed "))).toHaveLength(1);
  });

  it("a failure at 80 columns: its stderr in place, wide titles cut without wrapping, the tasks that never ran", {
    timeout: 300_000,
  }, () => {
    const repo = exampleRepo();
    const plan = parse(readFileSync(join(EXAMPLE, "plan.yml"), "utf8"));
    const w3 = plan.waves.find((w: { id: string }) => w.id === "W3");
    w3.tasks[0].title = "Générer la migration — 迁移脚本 🚀 from the schema diff, with a title longer than any terminal line";
    w3.tasks[0].run = 'echo "reading schema/users.current"\necho "migration: users.email would become NOT NULL" >&2\nexit 1\n';
    const file = join(repo, "..", "failing.yml");
    writeFileSync(file, stringify(plan));
    const { lines, code } = runInTmux(repo, file, 80, 50);
    const screen = lines.join("\n");
    expect(code).toBe(1);
    process.stdout.write(`[tmux 80x50, failing]\n${screen}\n`);
    expect(lines.filter((l) => /elapsed · \d+ done/.test(l))).toEqual([]);
    const failed = lines.findIndex((l) => /✗ I3-W3-1 \(I3\)/.test(l));
    expect(failed).toBeGreaterThan(0);
    // the reason (quoting the output's last lines) and the task's own stderr right under it
    expect(lines[failed + 1].trim()).toBe(
      "exited with code 1: reading schema/users.current | migration: users.email would become NOT NULL",
    );
    expect(lines.slice(failed + 2, failed + 4).map((l) => l.trim())).toEqual([
      "│ reading schema/users.current",
      "│ migration: users.email would become NOT NULL",
    ]);
    expect(screen).toMatch(/not run \(24\): I4-W4-1, I5-W4-1, I6-W4-1, I4-W5-1/);
    // folded: the totals, then the failed row only
    expect(screen).toMatch(/^32 tasks: 7 done, 1 failed, 24 not run\nthe full table: waveplan status \S+$/m);
    expect(screen).not.toMatch(/^I4-W4-1 /m);
    expect(screen).not.toMatch(/^I2-W1-1 /m);
    expect(lines.filter((l) => l.startsWith("landed "))).toEqual([]);
    // wide characters: the table's columns still line up after the CJK and emoji title
    const header = lines.find((l) => l.startsWith("task ")) ?? "";
    const row = lines.find((l) => l.startsWith("I3-W3-1 ")) ?? "";
    expect(row.indexOf("Générer")).toBe(header.indexOf("title"));
  });
});
