/**
 * A checkpoint holding the value of a secret is refused before it is published: on GitHub artifacts
 * are readable by anyone who can read the repository's Actions runs (the log's masking does not reach
 * them), and locally the change would land in a commit.
 * Like the log's masking this catches the value as written, not otherwise encoded; binary files are
 * covered through their content: git's binary hunks (zlib, base85) are decoded here, and the task's
 * changed files themselves are scanned when it is captured (engine/task.ts).
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { inflateSync } from "node:zlib";
import { WaveplanError } from "../errors.js";
import type { CheckpointStore } from "./store.js";

export class SecretLeakError extends WaveplanError {
  override readonly name = "SecretLeakError";
}

/** Values shorter than this occur by chance in any patch; they cannot be told apart from a leak. */
export const MIN_SECRET_LENGTH = 8;

/**
 * What to look for: each value, and each line of a multi-line value (a PEM key is written, printed
 * and wrapped a line at a time), as the runner masks secrets: actions/runner
 * src/Runner.Worker/Worker.cs (InitializeSecretMasker: every secret variable goes to `SecretMasker.AddValue`, then
 * "Also add each individual line": `value.Split(new[] { '\r', '\n' }, RemoveEmptyEntries |
 * TrimEntries)`, each line added on its own); `::add-mask::` does the same
 * (src/Runner.Worker/ActionCommandManager.cs, AddMaskCommandExtension). Unlike the log masker, a
 * checkpoint is refused only for values of MIN_SECRET_LENGTH characters or more.
 */
export function secretNeedles(secrets: { name: string; value: string }[]): { name: string; value: Buffer }[] {
  const needles: { name: string; value: Buffer }[] = [];
  for (const s of secrets) {
    const parts = new Set([s.value, ...s.value.split(/[\r\n]+/).map((l) => l.trim())]);
    for (const part of parts) if (part.length >= MIN_SECRET_LENGTH) needles.push({ name: s.name, value: Buffer.from(part) });
  }
  return needles;
}

/** Finds secret values in bytes; `find` answers the name of the first secret found. */
export class SecretScanner {
  private readonly needles: { name: string; value: Buffer }[];
  constructor(secrets: { name: string; value: string }[]) {
    this.needles = secretNeedles(secrets);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  find(data: Buffer): string | undefined {
    return this.needles.find((s) => data.includes(s.value))?.name;
  }

  /** The name of a secret in a patch: its text, and the content of its binary hunks decoded. */
  findInPatch(patch: Buffer): string | undefined {
    return (
      this.find(patch) ??
      binaryHunks(patch)
        .map((h) => this.find(h))
        .find(Boolean)
    );
  }

  /** The first secret in a checkpoint folder (its patch decoded), as {name, file}; undefined when clean. */
  async findInCheckpoint(dir: string): Promise<{ name: string; file: string } | undefined> {
    if (this.empty) return undefined;
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const data = await readFile(file);
      const name = entry.name === "change.patch" && entry.parentPath === dir ? this.findInPatch(data) : this.find(data);
      if (name) return { name, file: relative(dir, file) };
    }
    return undefined;
  }
}

export class SecretGuardStore implements CheckpointStore {
  readonly scanner: SecretScanner;

  constructor(
    private readonly inner: CheckpointStore,
    secrets: { name: string; value: string }[],
  ) {
    this.scanner = new SecretScanner(secrets);
  }

  fetch(taskId: string): Promise<string | undefined> {
    return this.inner.fetch(taskId);
  }

  async publish(taskId: string, dir: string): Promise<void> {
    const leaked = await this.scanner.findInCheckpoint(dir);
    if (leaked) {
      await rm(dir, { recursive: true, force: true }); // the staged copy must not linger either
      throw new SecretLeakError(
        `task "${taskId}" put the value of secret ${leaked.name} into its checkpoint (${leaked.file}); the checkpoint was refused`,
      );
    }
    await this.inner.publish(taskId, dir);
  }
}

/**
 * The payloads of git's binary hunks in a patch, inflated: "GIT binary patch", then "literal N" or
 * "delta N" and lines of base85, each starting with its byte count (A-Z: 1-26, a-z: 27-52), ended by
 * an empty line (git's diff.c emit_binary_diff_body, base85.c). A literal is the file's content; a
 * delta's inserted bytes appear in it as they are.
 */
export function binaryHunks(patch: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const lines = patch.toString("latin1").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^(literal|delta) \d+$/.test(lines[i]) || !/^GIT binary patch$|^(literal|delta) \d+$|^$/.test(lines[i - 1] ?? "")) continue;
    const chunks: Buffer[] = [];
    for (i++; i < lines.length && lines[i] !== ""; i++) {
      const decoded = base85Line(lines[i]);
      if (!decoded) break;
      chunks.push(decoded);
    }
    try {
      out.push(inflateSync(Buffer.concat(chunks)));
    } catch {
      // not a hunk git could apply either
    }
  }
  return out;
}

const B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

function base85Line(line: string): Buffer | undefined {
  const c = line.charCodeAt(0);
  const length = c >= 65 && c <= 90 ? c - 64 : c >= 97 && c <= 122 ? c - 96 + 26 : 0;
  if (!length) return undefined;
  const body = line.slice(1);
  const bytes: number[] = [];
  for (let at = 0; at + 5 <= body.length; at += 5) {
    let n = 0;
    for (let k = 0; k < 5; k++) {
      const d = B85.indexOf(body[at + k]);
      if (d < 0) return undefined;
      n = n * 85 + d;
    }
    bytes.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  }
  return bytes.length >= length ? Buffer.from(bytes.slice(0, length)) : undefined;
}
