/**
 * The sandbox (issue 24), through the real CLI with real processes: what a task writes outside its
 * folder reaches nothing (the user's working tree, the home, a shared /tmp path, a sibling's slot);
 * the host network is there by default (a server on 127.0.0.1) and gone with `network: false`; no
 * process a task starts outlives it, however it detaches. Each task reports what it could do in a
 * file of its own folder, which lands, so every expectation below is on what the run produced.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, makeRepo, requireBundle, tempDir } from "../support/repo.js";
import { expectOk, record, show, treeFiles, writePlan } from "./helpers.js";

beforeAll(requireBundle);

// The repositories of this file live outside /tmp, as a user's do: the sandbox replaces /tmp by a
// private one, under which a repository would be invisible rather than read-only.
process.env.TMPDIR = mkdtempSync("/var/tmp/waveplan-sandbox-test-");
afterAll(() => rmSync(process.env.TMPDIR as string, { recursive: true, force: true }));

/** The tool the runs of a describe block use: bubblewrap, or the fallback forced with WAVEPLAN_SANDBOX=unshare. */
let tool = "bwrap";

/** `waveplan run` with HOME pointing at a home made for the test (its real one is never written). */
async function runWithHome(repo: string, plan: string, home: string) {
  const r = await cli(repo, ["run", plan], { HOME: home, WAVEPLAN_SANDBOX: tool });
  expect(r.stdout + r.stderr).toContain(`tasks sandboxed (${tool})`);
  return r;
}

for (const sandboxTool of ["bwrap", "unshare"]) {
  describe(`with ${sandboxTool}`, () => {
    beforeAll(() => {
      tool = sandboxTool;
    });

    describe("the sandbox keeps a task's writes to its own folder", () => {
      it("a write to the user's working tree, the home, a shared /tmp path or a sibling's slot reaches none of them; the agent's config is a private copy", async () => {
        const repo = makeRepo();
        const home = tempDir();
        mkdirSync(join(home, ".claude"));
        writeFileSync(join(home, ".claude", "settings.json"), "real\n");
        const shared = join("/tmp", `waveplan-shared-${randomUUID()}`);
        // each attempt records "written" or "blocked" in the task's own folder
        const attempt = (what: string, cmd: string) =>
          `if ( ${cmd} ) 2>/dev/null; then echo "${what} written"; else echo "${what} blocked"; fi >> report.txt`;
        const plan = writePlan(repo, [
          // two slots exist after the first wave: the second wave's task finds its sibling folders
          {
            id: "W1",
            tasks: [
              { id: "one", instance: "I1", run: "echo 1 > one.txt" },
              { id: "two", instance: "I2", run: "echo 2 > two.txt" },
              // an agent task: the plan's agents are why their configuration reaches the private homes
              { id: "ask", instance: "I2", prompt: "read the repository" },
            ],
          },
          {
            id: "W2",
            tasks: [
              {
                id: "escape",
                instance: "I1",
                env: { REPO: repo, REAL_HOME: home, SHARED: shared },
                run: [
                  attempt("tree", 'echo x > "$REPO/leak.txt"'),
                  attempt("dotwaveplan", 'echo x > "$REPO/.waveplan/leak.txt"'),
                  attempt("realhome", 'echo x > "$REAL_HOME/leak.txt"'),
                  'echo x > "$HOME/own.txt" && echo "home $(cat "$HOME/own.txt")" >> report.txt',
                  attempt("claude-copy", 'echo changed > "$HOME/.claude/settings.json"'),
                  attempt("shared-tmp", 'echo x > "$SHARED"'),
                  'n=0; for s in ../s-*; do [ -d "$s" ] || continue; [ "$(cd "$s" && pwd)" = "$PWD" ] && continue; n=$((n+1)); if echo x > "$s/sibling.txt" 2>/dev/null; then echo "sibling written"; else echo "sibling blocked"; fi >> report.txt; done',
                  'echo "siblings $n" >> report.txt',
                ].join("\n"),
              },
            ],
          },
        ]);
        appendFileSync(plan, 'agent:\n  command: cat > /dev/null\n  setup: "true"\n');
        expectOk(await runWithHome(repo, plan, home));
        const report = show(repo, "HEAD", "report.txt").split("\n");
        expect(report).toEqual([
          "tree blocked",
          "dotwaveplan blocked",
          "realhome blocked",
          "home x",
          "claude-copy written",
          // its /tmp is its own: the write succeeds there and reaches nothing
          "shared-tmp written",
          // three slots after the first wave's three tasks: two siblings, neither writable
          "sibling blocked",
          "sibling blocked",
          "siblings 2",
        ]);
        expect(existsSync(join(repo, "leak.txt"))).toBe(false);
        expect(existsSync(join(repo, ".waveplan/leak.txt"))).toBe(false);
        // the task wrote nothing there; waveplan keeps its run ledger's key under ~/.local/state (XDG)
        expect(readdirSync(home).sort()).toEqual([".claude", ".local"]);
        expect(readdirSync(join(home, ".local"))).toEqual(["state"]);
        expect(readFileSync(join(home, ".claude", "settings.json"), "utf8")).toBe("real\n");
        expect(existsSync(shared)).toBe(false);
        // case 4 of the issue: nothing was written into the sibling's folder
        for (const slot of readdirSync(join(repo, ".waveplan/slots")))
          expect(existsSync(join(repo, ".waveplan/slots", slot, "sibling.txt"))).toBe(false);
        expect(treeFiles(repo)).toEqual(["README.md", "one.txt", "report.txt", "two.txt"]);
        expect(record(repo, "escape").patch.files).toEqual(["report.txt"]);
      });
    });

    describe("the network", () => {
      /** A server on 127.0.0.1 that counts its connections. */
      async function server(): Promise<{ port: number; connections: () => number; close: () => void }> {
        let n = 0;
        const s = createServer((c) => {
          n++;
          c.end("hello\n");
        });
        await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
        const port = (s.address() as { port: number }).port;
        return { port, connections: () => n, close: () => s.close() };
      }
      const reach = 'if exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then head -1 <&3 > net.txt; else echo blocked > net.txt; fi';

      it("is the host's by default: a task reaches a server on 127.0.0.1", async () => {
        const srv = await server();
        try {
          const repo = makeRepo();
          const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "net", env: { PORT: String(srv.port) }, run: reach }] }]);
          expectOk(await runWithHome(repo, plan, tempDir()));
          expect(show(repo, "HEAD", "net.txt")).toBe("hello");
          expect(srv.connections()).toBe(1);
        } finally {
          srv.close();
        }
      });

      it("is cut with `sandbox: { network: false }`: the same task cannot reach it", async () => {
        const srv = await server();
        try {
          const repo = makeRepo();
          const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "net", env: { PORT: String(srv.port) }, run: reach }] }]);
          appendFileSync(plan, "sandbox:\n  network: false\n");
          expectOk(await runWithHome(repo, plan, tempDir()));
          expect(show(repo, "HEAD", "net.txt")).toBe("blocked");
          expect(srv.connections()).toBe(0);
        } finally {
          srv.close();
        }
      });
    });

    /** Live (non-zombie) host processes whose environment holds NAME=value. */
    function processesWith(name: string, value: string): number[] {
      const needle = Buffer.from(`\0${name}=${value}\0`);
      const found: number[] = [];
      for (const entry of readdirSync("/proc")) {
        const pid = Number(entry);
        if (!Number.isInteger(pid)) continue;
        try {
          const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`), Buffer.from([0])]);
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          if (environ.includes(needle) && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") found.push(pid);
        } catch {}
      }
      return found;
    }

    describe("no process outlives its task", () => {
      it("on a timeout the task gets SIGTERM and its grace period (the sandbox's supervisor is not killed first)", async () => {
        const repo = makeRepo();
        const plan = writePlan(repo, [
          {
            id: "W1",
            tasks: [
              {
                id: "slow",
                timeout: "2s",
                run: "trap 'echo term > got-term.txt; exit 3' TERM\necho started > started.txt\nwhile :; do sleep 0.05; done",
              },
            ],
          },
        ]);
        const r = await cli(repo, ["run", plan], { HOME: tempDir(), WAVEPLAN_SANDBOX: tool });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('task "slow" (I1) failed: timed out after 2s');
        expect(record(repo, "slow").patch.files).toEqual(["got-term.txt", "started.txt"]);
      });

      it("processes that detached with setsid, a double fork or by making themselves non-dumpable are gone when the task ends", async () => {
        const repo = makeRepo();
        const marker = randomUUID();
        // each detached process writes its (namespace) pid once it runs, then sleeps; the task waits for all three
        const plan = writePlan(repo, [
          {
            id: "W1",
            tasks: [
              {
                id: "detach",
                env: { SANDBOX_TEST_MARKER: marker },
                run: [
                  "setsid bash -c 'echo $$ > setsid.pid; exec sleep 1000' < /dev/null > /dev/null 2>&1 &",
                  "( ( bash -c 'echo $$ > double.pid; exec sleep 1000' < /dev/null > /dev/null 2>&1 & ) & )",
                  `python3 -c 'import ctypes, os, time
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0, as ssh-agent does
if os.fork() == 0:
    os.setsid(); open("nondumpable.pid", "w").write(str(os.getpid())); time.sleep(1000)' < /dev/null > /dev/null 2>&1 &`,
                  "until [ -s setsid.pid ] && [ -s double.pid ] && [ -s nondumpable.pid ]; do sleep 0.01; done",
                  "echo started > started.txt",
                ].join("\n"),
              },
            ],
          },
        ]);
        expectOk(await runWithHome(repo, plan, tempDir()));
        expect(show(repo, "HEAD", "started.txt")).toBe("started");
        expect(processesWith("SANDBOX_TEST_MARKER", marker)).toEqual([]);
      });
    });
  });
}

describe("a machine that cannot sandbox", () => {
  /** A PATH whose bwrap and unshare fail as they do where user namespaces are restricted (Ubuntu ≥ 23.10 without a profile). */
  function restrictedPath(): string {
    const bin = tempDir();
    writeFileSync(join(bin, "bwrap"), "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n", { mode: 0o755 });
    writeFileSync(
      join(bin, "unshare"),
      "#!/bin/sh\necho 'unshare: write failed /proc/self/uid_map: Operation not permitted' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    return `${bin}:${process.env.PATH}`;
  }

  it("fails the run before any task starts, saying why, and nothing is recorded as landed", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "t", run: "echo t > t.txt" }] }]);
    const r = await cli(repo, ["run", plan], { PATH: restrictedPath(), HOME: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tasks cannot be sandboxed here: bwrap fails (bwrap: setting up uid map: Permission denied)");
    expect(r.stderr).toContain("unshare fails (unshare: write failed /proc/self/uid_map: Operation not permitted)");
    expect(r.stderr).toContain("`sandbox: off`");
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(treeFiles(repo)).toEqual(["README.md"]);
  });

  it("runs with `sandbox: off`, and says the tasks were not sandboxed", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "t", run: "echo t > t.txt" }] }]);
    appendFileSync(plan, "sandbox: off\n");
    const r = await cli(repo, ["run", plan], { PATH: restrictedPath(), HOME: tempDir() });
    expectOk(r);
    expect(r.stdout).toContain("tasks are NOT sandboxed (sandbox: off)");
    expect(treeFiles(repo)).toEqual(["README.md", "t.txt"]);
  });
});
