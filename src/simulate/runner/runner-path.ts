/**
 * The PATH a simulated job runs with: a runner's, not the user's. A GitHub-hosted runner has git, node,
 * npm, python and the usual Unix tools, but not an agent CLI the workflow does not install — so a job
 * here sees only those tools (linked into one folder from wherever this machine has them), plus the
 * folders given with `--runner-path` (stand-ins the user puts on the runner on purpose). Without this,
 * `simulate` passed where GitHub fails: it found `claude` on the user's own PATH.
 */
import { existsSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";

/**
 * Tools of the ubuntu-latest runner image (actions/runner-images, images/ubuntu/Ubuntu2404-Readme.md:
 * "Language and Runtime", "Tools", plus coreutils and the shells) that jobs and the action use.
 */
export const RUNNER_TOOLS = [
  ..."bash sh env cat cp mv rm mkdir rmdir ls ln chmod chown touch grep egrep sed awk find xargs sort uniq head tail tr cut wc".split(" "),
  ..."date sleep dirname basename readlink realpath mktemp tee diff patch cmp uname id whoami ps kill setsid timeout true false".split(" "),
  ..."test expr printf echo seq yes nproc du df stat file sha256sum sha1sum md5sum base64 hostname which tar gzip gunzip zip unzip".split(
    " ",
  ),
  ..."xz bzip2 curl wget jq git ssh node npm npx corepack python3 pip3 python pip make gcc g++ cc perl ruby".split(" "),
];

/** Makes `<dir>/runner-bin` and returns the job PATH: the `--runner-path` folders first, then it. */
export async function runnerPath(dir: string, extra: readonly string[], hostPath = process.env.PATH ?? ""): Promise<string> {
  const bin = join(dir, "runner-bin");
  await mkdir(bin, { recursive: true });
  const hostDirs = hostPath.split(delimiter).filter(Boolean);
  // the node running waveplan is the runner's node, wherever it is installed
  hostDirs.unshift(dirname(process.execPath));
  for (const tool of RUNNER_TOOLS) {
    const found = hostDirs.map((d) => join(d, tool)).find((f) => existsSync(f));
    if (found && !existsSync(join(bin, tool))) await symlink(found, join(bin, tool));
  }
  return [...extra, bin].join(delimiter);
}
