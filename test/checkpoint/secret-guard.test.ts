/** The secret guard in front of a real local checkpoint store: what it looks for, and what it refuses. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalCheckpointStore } from "../../src/checkpoint/local-store.js";
import { binaryHunks, MIN_SECRET_LENGTH, SecretGuardStore, SecretLeakError, secretNeedles } from "../../src/checkpoint/secret-guard.js";
import { cleanEnv, git, makeRepo, tempDir } from "../support/repo.js";

const needles = (value: string) => secretNeedles([{ name: "S", value }]).map((n) => n.value.toString());

describe("secretNeedles (as actions/runner masks: the value, then each trimmed line of it)", () => {
  it("splits a multi-line value at CR and LF, trims each line, and drops lines too short to tell from chance", () => {
    const pem = "-----BEGIN KEY-----\r\n  MIIBOgIBAAJBAKj34GkxFhD9  \nshort\n\n-----END KEY-----\n";
    expect(needles(pem)).toEqual([pem, "-----BEGIN KEY-----", "MIIBOgIBAAJBAKj34GkxFhD9", "-----END KEY-----"]);
  });

  it(`a value shorter than ${MIN_SECRET_LENGTH} characters is not looked for; one line is one needle`, () => {
    expect(needles("a".repeat(MIN_SECRET_LENGTH - 1))).toEqual([]);
    expect(needles("a".repeat(MIN_SECRET_LENGTH))).toEqual(["a".repeat(MIN_SECRET_LENGTH)]);
  });
});

describe("SecretGuardStore", () => {
  function staged(files: Record<string, string>): string {
    const dir = join(tempDir("waveplan-guard-"), "staged");
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }

  it("publishes a checkpoint without a secret through to the store", async () => {
    const inner = new LocalCheckpointStore(tempDir("waveplan-store-"));
    const store = new SecretGuardStore(inner, [{ name: "API_KEY", value: "sk-0123456789" }]);
    await store.publish("t", staged({ "record.json": "{}", "change.patch": "+hello\n" }));
    const dir = await store.fetch("t");
    expect(dir && readFileSync(join(dir, "change.patch"), "utf8")).toBe("+hello\n");
  });

  it("refuses one that holds a line of a multi-line secret in a nested output, naming secret and file, and removes the staged copy", async () => {
    const inner = new LocalCheckpointStore(tempDir("waveplan-store-"));
    const store = new SecretGuardStore(inner, [{ name: "DEPLOY_KEY", value: "-----BEGIN-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END-----" }]);
    const dir = staged({ "record.json": "{}", "change.patch": "", "outputs/logs/run.txt": "key: MIIBOgIBAAJBAKj34GkxFhD9 (oops)\n" });
    const error = await store.publish("t", dir).catch((e) => e);
    expect(error).toBeInstanceOf(SecretLeakError);
    expect(error.message).toBe(
      'task "t" put the value of secret DEPLOY_KEY into its checkpoint (outputs/logs/run.txt); the checkpoint was refused',
    );
    expect(existsSync(dir)).toBe(false);
    expect(await inner.fetch("t")).toBeUndefined();
  });
});

describe("binary hunks (git's patch holds a binary file compressed, base85)", () => {
  it("a secret inside a binary file is found in the decoded hunk, though not in the patch's text", async () => {
    const secret = "sk-inside-a-binary-0123456789";
    const repo = makeRepo();
    writeFileSync(join(repo, "blob.bin"), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(secret), Buffer.alloc(300, 7)]));
    git(repo, "add", "blob.bin");
    const patch = execFileSync("git", ["diff", "--cached", "--binary", "--full-index"], { cwd: repo, env: cleanEnv() });
    expect(patch.toString()).toContain("GIT binary patch");
    expect(patch.includes(secret)).toBe(false);
    expect(binaryHunks(patch).some((h) => h.includes(secret))).toBe(true);
    const store = new SecretGuardStore(new LocalCheckpointStore(tempDir("waveplan-store-")), [{ name: "BIN", value: secret }]);
    const dir = join(tempDir("waveplan-guard-"), "staged");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "record.json"), "{}");
    writeFileSync(join(dir, "change.patch"), patch);
    await expect(store.publish("t", dir)).rejects.toThrow('task "t" put the value of secret BIN into its checkpoint (change.patch)');
  });
});
