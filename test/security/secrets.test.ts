/**
 * Secrets: the values of the variables named in `agent.secrets` never reach a log, a checkpoint, the
 * run's state, the terminal or the landed commit. Output is redacted as it is written (including a
 * secret split across writes); the test greps every file the run produced.
 *
 * A task that writes a secret into the repository's files puts it into its change: that is content,
 * not output, and redacting it would corrupt the patch. So the checkpoint is refused, naming the
 * secret (src/checkpoint/secret-guard.ts) — also when only one line of a multi-line secret is written,
 * in the change or in a declared output.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { REDACTED, Redactor, secretValues } from "../../src/engine/process.js";
import { cli, git, makeRepo, requireBundle, tempDir, writeFiles } from "../support/repo.js";

const SECRET = "sk-test-7f3a9c1e5b2d4f6a8c0e";
const OTHER = "hunter2-correct-horse";

function redactInChunks(values: string[], chunks: Buffer[]): string {
  const r = new Redactor(values);
  return Buffer.concat([...chunks.map((c) => r.push(c)), r.flush()]).toString("utf8");
}

describe("the redacting writer", () => {
  it("replaces whole secrets and secrets split at every possible chunk boundary", () => {
    const text = `before ${SECRET} middle ${OTHER}${SECRET} after`;
    const want = `before ${REDACTED} middle ${REDACTED}${REDACTED} after`;
    for (let cut = 0; cut <= text.length; cut++) {
      const b = Buffer.from(text);
      expect(redactInChunks([SECRET, OTHER], [b.subarray(0, cut), b.subarray(cut)])).toBe(want);
    }
    const bytes = Buffer.from(text);
    expect(
      redactInChunks(
        [SECRET, OTHER],
        [...bytes].map((x) => Buffer.from([x])),
      ),
    ).toBe(want);
  });

  it("property: any text of filler and secrets, cut into any chunks, comes out with every secret masked", () => {
    const piece = fc.oneof(fc.constant(SECRET), fc.constant(OTHER), fc.stringMatching(/^[xyz \n.-]{0,12}$/));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const data = Buffer.from(pieces.join(""));
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(data.subarray(last, p));
          last = p;
        }
        chunks.push(data.subarray(last));
        const want = pieces.map((p) => (p === SECRET || p === OTHER ? REDACTED : p)).join("");
        expect(redactInChunks([SECRET, OTHER], chunks)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it("masks each line of a multi-line secret, and leaves output alone when there are no secrets", () => {
    expect(redactInChunks(["line-one-secret\nline-two-secret"], [Buffer.from("a line-two-secret b")])).toBe(`a ${REDACTED} b`);
    expect(redactInChunks([], [Buffer.from("plain")])).toBe("plain");
    expect(secretValues(["A", "B", "C"], { A: "x1", B: "", C: undefined })).toEqual(["x1"]);
  });
});

/** Every regular file under `dir`, recursively (symlinks not followed). */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const PLAN = `version: 1
name: Secret handling
instances:
  I1: { role: Printer }
  I2: { role: Agent }
agent:
  # the stand-in agent runs its prompt as a script (so no preamble): secrets reach prompt tasks only
  command: bash -eo pipefail
  setup: "true"
  preamble: false
  secrets: [LEAKY_API_KEY]
land:
  message: "secret handling"
waves:
  - id: W1
    mode: sequential
    tasks:
      - id: print
        instance: I1
        title: Print the secret in every way
        prompt: |
          echo "whole: $LEAKY_API_KEY"
          echo "stderr: $LEAKY_API_KEY" >&2
          half=\${#LEAKY_API_KEY}; half=$((half / 2))
          printf '%s' "split: \${LEAKY_API_KEY:0:$half}"; sleep 0.3; printf '%s\\n' "\${LEAKY_API_KEY:$half}"
          for i in $(seq 0 \${#LEAKY_API_KEY}); do printf '%s' "\${LEAKY_API_KEY:$i:1}"; sleep 0.01; done; echo
          printf '%s' "$LEAKY_API_KEY" | head -c 5; sleep 0.2; printf '%s' "$LEAKY_API_KEY" | tail -c +6 >&1; echo
          echo "task output" > result.txt
        outputs: [result.txt]
      - id: ask
        instance: I2
        title: Agent task
        prompt: |
          echo "agent got key $LEAKY_API_KEY"; echo "again: $LEAKY_API_KEY" >&2
      - id: script
        instance: I1
        title: A run task, which does not get the secret
        run: echo "run task sees [\${LEAKY_API_KEY:-}]" > run-env.txt
`;

describe("a run whose tasks print a secret", () => {
  let repo: string;
  let out: string;

  beforeAll(async () => {
    requireBundle();
    repo = makeRepo({ "README.md": "secrets test\n" });
    writeFiles(repo, { "plan.yml": PLAN });
    git(repo, "add", "plan.yml");
    git(repo, "commit", "-q", "-m", "plan");
    const r = await cli(repo, ["run", "plan.yml"], { LEAKY_API_KEY: SECRET });
    out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
  }, 120_000);

  it("redacts it in the task logs (which show that the tasks did print it)", () => {
    const logs = allFiles(join(repo, ".waveplan")).filter((f) => f.endsWith(".log"));
    expect(logs.length).toBeGreaterThanOrEqual(2);
    const print = readFileSync(logs.find((f) => f.endsWith("print.log")) as string, "utf8");
    expect(print).toContain(`whole: ${REDACTED}`);
    expect(print).toContain(`stderr: ${REDACTED}`);
    expect(print).toContain(`split: ${REDACTED}`);
    expect(print.split(REDACTED).length - 1).toBeGreaterThanOrEqual(5);
    const ask = readFileSync(logs.find((f) => f.endsWith("ask.log")) as string, "utf8");
    expect(ask).toContain(`agent got key ${REDACTED}`);
  });

  it("no file under .waveplan holds the value, nor any part of it longer than half", () => {
    const files = allFiles(join(repo, ".waveplan"));
    expect(files.some((f) => f.endsWith("record.json"))).toBe(true);
    const half = SECRET.slice(0, Math.ceil(SECRET.length / 2));
    const tail = SECRET.slice(Math.floor(SECRET.length / 2));
    for (const f of files) {
      if (statSync(f).size > 50 * 1024 * 1024) continue;
      const data = readFileSync(f);
      expect(data.includes(SECRET), f).toBe(false);
      expect(data.includes(half) || data.includes(tail), `${f} holds half of the secret`).toBe(false);
    }
  });

  it("neither the terminal output nor the landed commit (message and tree) holds it", () => {
    expect(out).not.toContain(SECRET);
    const message = git(repo, "log", "-1", "--format=%B");
    expect(message).toContain("secret handling");
    expect(message).not.toContain(SECRET);
    expect(git(repo, "show", "HEAD:result.txt")).toBe("task output");
    expect(git(repo, "show", "HEAD:run-env.txt")).toBe("run task sees []");
    const grep = spawnSync("git", ["grep", "-c", "-e", SECRET, "HEAD", "--", "."], { cwd: repo, encoding: "utf8" });
    expect(grep.status, grep.stdout + grep.stderr).toBe(1); // 1: no match (2 would be an error)
  });
});

describe("a task that writes a secret into the repository", () => {
  it("is refused: its checkpoint is not published, nothing lands, the message names task and secret", async () => {
    requireBundle();
    const repo = makeRepo({ "README.md": "secrets test\n" });
    const plan = PLAN.replace(
      'echo "task output" > result.txt',
      'echo "key=$LEAKY_API_KEY" > config.env && echo "task output" > result.txt',
    );
    writeFiles(repo, { "plan.yml": plan });
    git(repo, "add", "plan.yml");
    git(repo, "commit", "-q", "-m", "plan");
    const head = git(repo, "rev-parse", "HEAD");
    const r = await cli(repo, ["run", "plan.yml"], { LEAKY_API_KEY: SECRET });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('task "print" put the value of secret LEAKY_API_KEY into its checkpoint');
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    for (const f of allFiles(join(repo, ".waveplan", "runs"))) expect(readFileSync(f).includes(SECRET), f).toBe(false);
  }, 120_000);
});

// A PEM key: GitHub masks each line of a multi-line secret on its own (actions/runner
// src/Runner.Worker/Worker.cs, InitializeSecretMasker), and a task that writes one line leaks the key.
const PEM = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
  "Zq9mXw4Vt8pQ2rLkJ1nB5sYcHd3fGa6WuE0iTo7MvRxNyPlKbCz",
  "-----END PRIVATE KEY-----",
].join("\n");

describe("a multi-line secret is caught line by line", () => {
  for (const [where, script, outputs] of [
    ["its change", 'printf "%s\\n" "$PEM_KEY" | sed -n 3p > key-part.txt', "[]"],
    ["a declared output", 'mkdir -p build && printf "%s\\n" "$PEM_KEY" | sed -n 2p > build/line.txt', "[build/line.txt]"],
  ] as const) {
    it(`one line of it in ${where} refuses the checkpoint, naming the secret; nothing lands`, async () => {
      requireBundle();
      const repo = makeRepo({ "README.md": "pem\n", ".gitignore": "build/\n" });
      writeFiles(repo, {
        "plan.yml": `version: 1
name: pem
instances: { I1: { role: Writer } }
agent: { command: "bash -eo pipefail", setup: "true", preamble: false, secrets: [PEM_KEY] }
waves:
  - id: W1
    tasks:
      - id: leak
        instance: I1
        outputs: ${outputs}
        prompt: |
          ${script}
`,
      });
      git(repo, "add", "-A");
      git(repo, "commit", "-q", "-m", "plan");
      const head = git(repo, "rev-parse", "HEAD");
      const r = await cli(repo, ["run", "plan.yml"], { PEM_KEY: PEM });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain('task "leak" put the value of secret PEM_KEY into its checkpoint');
      expect(git(repo, "rev-parse", "HEAD")).toBe(head);
      for (const line of PEM.split("\n").slice(1, 3))
        for (const f of allFiles(join(repo, ".waveplan", "runs"))) expect(readFileSync(f).includes(line), f).toBe(false);
    }, 120_000);
  }
});

describe("issue 24 case 6: binary content, run tasks, reused checkpoints", () => {
  const KEY = "sk-binary-case-0f9e8d7c6b5a";

  function repoWith(plan: string): string {
    const repo = makeRepo({ "README.md": "case 6\n" });
    writeFiles(join(repo, ".."), { "plan.yml": plan });
    return repo;
  }

  it("a binary file (NUL bytes) holding the secret is refused, though git's patch holds it compressed", async () => {
    requireBundle();
    const repo = repoWith(`version: 1
name: binary leak
instances: { I1: { role: Writer } }
agent: { command: "bash -eo pipefail", setup: "true", preamble: false, secrets: [BIN_KEY] }
waves:
  - id: W1
    tasks:
      - id: leak
        instance: I1
        prompt: |
          head -c 4096 /dev/urandom > blob.bin
          printf '\\0%s\\0' "$BIN_KEY" >> blob.bin
`);
    const head = git(repo, "rev-parse", "HEAD");
    const r = await cli(repo, ["run", "../plan.yml"], { BIN_KEY: KEY });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('task "leak" put the value of secret BIN_KEY into its checkpoint (blob.bin, a changed file)');
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
  }, 120_000);

  it("a reused checkpoint is scanned with the secrets of the resuming run: holding one, it is not reused and nothing lands", async () => {
    requireBundle();
    const allow = join(tempDir(), "allow");
    const repo = repoWith(`version: 1
name: reused leak
instances: { I1: { role: Writer } }
agent: { command: "bash -eo pipefail", setup: "true", preamble: false, secrets: [LATE_KEY] }
waves:
  - id: W1
    tasks:
      - { id: A, instance: I1, run: "echo token=${KEY} > a.txt" }
  - id: W2
    tasks:
      - { id: B, instance: I1, run: 'test -f "$ALLOW"' }
`);
    const head = git(repo, "rev-parse", "HEAD");
    // the first attempt runs without the secret set: A's checkpoint is made, B fails
    const first = await cli(repo, ["run", "../plan.yml"], { ALLOW: allow });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    writeFileSync(allow, "");
    const resumed = await cli(repo, ["run", "../plan.yml", "--resume"], { ALLOW: allow, LATE_KEY: KEY });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(1);
    expect(resumed.stdout).not.toMatch(/A \(I1\) skipped/);
    expect(resumed.stderr).toContain('task "A" put the value of secret LATE_KEY into its checkpoint');
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
  }, 120_000);
});
