/**
 * Extraction of a checkpoint zip (src/checkpoint/unzip.ts): what a checkpoint may hold is written,
 * anything else is refused by its name before a byte is written. Zips made by archiver (what
 * `uploadArtifact` uses, deflated) and crafted ones (test/support/zip.ts: names taken verbatim).
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCheckpointZip, ZipRefused } from "../../src/checkpoint/unzip.js";
import { cleanEnv } from "../support/repo.js";
import { craftZip } from "../support/zip.js";

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "waveplan-unzip-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function zipFile(bytes: Buffer): Promise<{ zip: string; into: string }> {
  const base = join(work, `case-${++n}`);
  await mkdir(join(base, "into"), { recursive: true });
  await writeFile(join(base, "a.zip"), bytes);
  return { zip: join(base, "a.zip"), into: join(base, "into") };
}

/** A deflated zip from an independent writer: `git archive --format=zip` of a tree holding `files` (folders as entries too). */
async function gitZip(files: Record<string, string>): Promise<string> {
  const base = join(work, `case-${++n}`);
  const repo = join(base, "repo");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env: cleanEnv(), encoding: "utf8" }).trim();
  git("init", "-q");
  git("add", "-A");
  const tree = git("write-tree");
  git("archive", "--format=zip", "-6", "-o", join(base, "a.zip"), tree);
  return join(base, "a.zip");
}

const tree = async (dir: string): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  return out;
};

describe("extracting a checkpoint zip", () => {
  const files = { "record.json": '{"a":1}\n', "change.patch": "diff --git a/x b/x\n".repeat(200), "outputs/deep/r.txt": "report\n" };

  it("writes record.json, change.patch and outputs/ of a deflated zip, in memory and streamed alike", async () => {
    const zip = await gitZip(files);
    for (const limit of [undefined, 0]) {
      const into = await mkdtemp(join(work, "into-"));
      await extractCheckpointZip(zip, into, limit);
      expect(await tree(into)).toEqual(files);
    }
  });

  it("refuses names that leave the folder, absolute names, and files outside the checkpoint's shape, writing nothing", async () => {
    for (const [name, why] of [
      ["../../escaped.txt", "contains an unexpected file ../../escaped.txt (a name that is not a plain relative path)"],
      ["outputs/../../x.txt", "contains an unexpected file outputs/../../x.txt"],
      ["/etc/cron.d/x", "contains an unexpected file /etc/cron.d/x"],
      ["outputs/./x", "contains an unexpected file outputs/./x"],
      ["evil.txt", "contains an unexpected file evil.txt (only record.json, change.patch and outputs/ belong in a checkpoint)"],
      ["a/", "contains an unexpected folder a"],
    ]) {
      const { zip, into } = await zipFile(
        craftZip([
          { name: "record.json", data: "{}" },
          { name, data: "x" },
        ]),
      );
      const refused = await extractCheckpointZip(zip, into).catch((e) => e);
      expect(refused).toBeInstanceOf(ZipRefused);
      expect(refused.message).toContain(why);
      expect(await readdir(into)).toEqual([]);
    }
  });

  it("refuses a symbolic link, a name given twice or as file and folder, and bytes that do not match their CRC-32", async () => {
    const link = await zipFile(
      craftZip([
        { name: "record.json", data: "{}" },
        { name: "outputs/pw", data: "/etc/passwd", symlink: true },
      ]),
    );
    await expect(extractCheckpointZip(link.zip, link.into)).rejects.toThrow("contains outputs/pw, which is not a regular file");
    expect(await readdir(link.into)).toEqual([]);

    const twice = await zipFile(
      craftZip([
        { name: "record.json", data: "{}" },
        { name: "record.json", data: "{}" },
      ]),
    );
    await expect(extractCheckpointZip(twice.zip, twice.into)).rejects.toThrow("contains record.json twice");

    for (const other of ["outputs/a/b", "outputs/a/"]) {
      const clash = await zipFile(
        craftZip([
          { name: "outputs/a", data: "file" },
          { name: other, data: "" },
        ]),
      );
      await expect(extractCheckpointZip(clash.zip, clash.into)).rejects.toThrow("contains outputs/a both as a file and as a folder");
      expect(await readdir(clash.into)).toEqual([]);
    }

    const bytes = craftZip([{ name: "record.json", data: "{good}" }]);
    bytes.write("{evil}", 30 + "record.json".length); // the stored data, CRC left as it was
    const corrupt = await zipFile(bytes);
    await expect(extractCheckpointZip(corrupt.zip, corrupt.into)).rejects.toThrow("entry record.json does not match its CRC-32");
  });

  it("refuses an entry that inflates past the size its headers declare (a zip bomb), in memory and streamed", async () => {
    for (const limit of [undefined, 0]) {
      const bomb = await zipFile(
        craftZip([
          { name: "record.json", data: "{}" },
          { name: "outputs/big.bin", data: Buffer.alloc(4 << 20), deflate: true, declaredSize: 1024 },
        ]),
      );
      const refused = await extractCheckpointZip(bomb.zip, bomb.into, limit).catch((e) => e);
      expect(refused).toBeInstanceOf(ZipRefused);
      expect(refused.message).toMatch(
        /entry outputs\/big\.bin (inflates past the 1024 bytes its header says|cannot be inflated: too many bytes in the stream)/,
      );
    }
    // a truthful deflated entry, for contrast, extracts
    const fine = await zipFile(craftZip([{ name: "record.json", data: '{"ok":1}', deflate: true }]));
    await extractCheckpointZip(fine.zip, fine.into);
    expect(await tree(fine.into)).toEqual({ "record.json": '{"ok":1}' });
  });

  it("refuses what is not a zip", async () => {
    const { zip, into } = await zipFile(Buffer.from("record.json\n"));
    await expect(extractCheckpointZip(zip, into)).rejects.toThrow("is not a zip archive");
  });
});
