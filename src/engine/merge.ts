/**
 * Combining parallel siblings whose changes touch the same paths: a three-way merge against the tree
 * they all started from, in plan order, with git's own merge machinery (`git merge-tree --write-tree`,
 * merge-ort: git ≥ 2.38). Each sibling's change is its verified patch applied onto that tree; the
 * merge of sibling n is (merge of 1..n-1) ⊕ n, each a commit on the start tree, so the merge base is
 * always the start tree. Nothing but the verified patches and the start tree goes in, so every consumer
 * (a task's materialize, a GitHub job, final-commit) computes the same tree.
 *
 * git runs with a git directory and config of waveplan's own (objects written to the repository's own
 * object store): no `merge.<driver>.driver` command, `merge.default`, `include.path` or attribute
 * source from any config a task could have written, the user's or the system's; attributes are the
 * start tree's `.gitattributes` (engine/merge-attributes.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type VerifiedCheckpoint, verifiedPatch } from "../checkpoint/verify.js";
import { GitError, git, gitRaw, gitScript, INTERNAL_IDENTITY } from "../git/git.js";
import { conflictHunks, conflictMessage, MergeConflictError, type PathConflict } from "./conflict-report.js";
import { attributeFolders, flattenAttributes } from "./merge-attributes.js";

/** `git merge-tree --write-tree` appeared in git 2.38 (Documentation/RelNotes/2.38.0.txt). */
export const MERGE_MIN_GIT = [2, 38] as const;

let gitVersion: Promise<string> | undefined;

/** Whether `git version` output names a git with `merge-tree --write-tree`. */
export function supportsMergeTree(version: string): boolean {
  const m = /(\d+)\.(\d+)/.exec(version);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return major > MERGE_MIN_GIT[0] || (major === MERGE_MIN_GIT[0] && minor >= MERGE_MIN_GIT[1]);
}

/**
 * Refuses, naming what needed the merge, on a git without `merge-tree --write-tree`. GitHub's hosted
 * runners install git from ppa:git-core/ppa, the latest release (actions/runner-images,
 * images/ubuntu/Ubuntu2404-Readme.md "Git"); Debian 12 ships 2.39, Ubuntu 22.04 2.34.
 */
export async function assertMergeCapableGit(cwd: string, why: string): Promise<void> {
  gitVersion ??= git(["version"], { cwd }).catch(() => "");
  const version = await gitVersion;
  if (supportsMergeTree(version)) return;
  throw new MergeConflictError(
    `${why}: merging them needs git ${MERGE_MIN_GIT.join(".")} or later (git merge-tree --write-tree), and this is ${version.trim() || "an unknown git"}; upgrade git (e.g. ppa:git-core/ppa on Ubuntu), or keep such tasks out of one parallel wave`,
  );
}

/**
 * The tree the siblings' changes combine to, onto `start` (the tree `index` holds), and `index` made
 * to hold it; throws MergeConflictError. `attributesFrom`: the tree whose `.gitattributes` rule the
 * merge (the one the wave started from).
 */
export async function mergeSiblings(
  repoDir: string,
  index: string,
  start: string,
  attributesFrom: string,
  siblings: VerifiedCheckpoint[],
): Promise<string> {
  const names = siblings.map((cp) => cp.record.task.id);
  const shared = sharedPaths(siblings);
  await assertMergeCapableGit(
    repoDir,
    `parallel tasks ${names.map((n) => `"${n}"`).join(", ")} of wave "${siblings[0].record.task.wave}" change the same paths (${shared.slice(0, 3).join(", ")}${shared.length > 3 ? ", …" : ""})`,
  );
  const scratch = await mkdtemp(join(tmpdir(), "waveplan-merge-"));
  try {
    const env = await privateGitEnv(repoDir, attributesFrom, siblings, scratch);
    // each sibling's patch read once and checked against its record: git applies those very bytes, on pipes
    const patches = await Promise.all(siblings.map(verifiedPatch));
    const out = await gitScript(MERGE_SCRIPT, [start, String(siblings.length)], {
      cwd: repoDir,
      files: patches,
      env: {
        ...INTERNAL_IDENTITY,
        WAVEPLAN_INDEX: index,
        WAVEPLAN_TMP_INDEX: join(scratch, "index"),
        WAVEPLAN_MESSAGE: MERGED,
        WAVEPLAN_MERGE_GIT: env.GIT_DIR as string,
        WAVEPLAN_OBJECTS: env.GIT_OBJECT_DIRECTORY as string,
        WAVEPLAN_HOME: scratch,
      },
    }).catch((e) => {
      if (e instanceof GitError && e.code === 99)
        throw new Error(
          `the changes of tasks ${names.map((n) => `"${n}"`).join(", ")} do not apply on the tree they started from: ${e.stderr.trim()}`,
        );
      throw e;
    });
    const lines = out.stdout.toString().trim().split("\n");
    const commits = (lines.find((l) => l.startsWith("commits ")) ?? "").split(" ").slice(1);
    const last = lines[lines.length - 1].split(" ");
    if (last[0] === "merged") return last[1];
    if (last[0] !== "conflict") throw new Error(`internal: the merge of ${names.join(", ")} said ${out.stdout.toString()}`);
    const i = Number(last[1]);
    const combined = last[2];
    throw await conflictError(env, scratch, siblings, commits, i, combined, await mergeTree(env, scratch, combined, commits[i]));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const MERGED = "waveplan: merged siblings";

type GitEnv = Record<string, string | undefined>;

/**
 * The whole merge in one process (git.ts gitScript): a commit of the start tree; per sibling, its
 * patch applied to a copy of the start tree's index and committed on it; the merges, in plan order, by
 * a git that knows only waveplan's own git directory and config (the subshell `m`: objects are the
 * repository's); then the index moved from the start tree to the merge — only the entries that differ
 * (removals first, so a file may replace a folder and the other way round), no read of the whole tree.
 * Sibling k's patch is read from descriptor 3 + k (its verified bytes, GitOptions.files). Prints `commits <ids>`, then `merged <tree>` or `conflict <sibling index> <merge so far>`.
 */
const MERGE_SCRIPT = `
start=$1; n=$2
b=$(git commit-tree "$start" -m "$WAVEPLAN_MESSAGE") || exit 1
commits=
k=0
while [ "$k" -lt "$n" ]; do
  cp "$WAVEPLAN_INDEX" "$WAVEPLAN_TMP_INDEX" || exit 1
  GIT_INDEX_FILE=$WAVEPLAN_TMP_INDEX git apply --cached --binary --whitespace=nowarn - <&$((3 + k)) || exit 99
  t=$(GIT_INDEX_FILE=$WAVEPLAN_TMP_INDEX git write-tree) && c=$(git commit-tree "$t" -p "$b" -m "$WAVEPLAN_MESSAGE") || exit 1
  commits="$commits $c"
  k=$((k + 1))
done
echo "commits$commits"
m() (
  unset GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_ATTR_SOURCE GIT_WORK_TREE GIT_COMMON_DIR GIT_INDEX_FILE
  GIT_DIR=$WAVEPLAN_MERGE_GIT GIT_OBJECT_DIRECTORY=$WAVEPLAN_OBJECTS GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
    HOME=$WAVEPLAN_HOME XDG_CONFIG_HOME=$WAVEPLAN_HOME exec git "$@"
)
set -- $commits
r=$1; shift; i=1
for c; do
  t=$(m merge-tree --write-tree --no-messages "$r" "$c"); s=$?
  if [ "$s" -eq 1 ]; then echo "conflict $i $r"; exit 0; fi
  [ "$s" -eq 0 ] || exit 1
  r=$(m commit-tree "$t" -p "$b" -m "$WAVEPLAN_MESSAGE") || exit 1
  i=$((i + 1))
done
{ git diff-tree -r --no-renames --diff-filter=D "$start" "$t" && git diff-tree -r --no-renames --diff-filter=d "$start" "$t"; } |
  awk 'BEGIN { FS = OFS = "\t" } { split($1, m, " "); print (m[5] == "D" ? "0" : m[2]) " " m[4], $2 }' |
  GIT_INDEX_FILE=$WAVEPLAN_INDEX git update-index --index-info || exit 1
w=$(GIT_INDEX_FILE=$WAVEPLAN_INDEX git write-tree) || exit 1
[ "$w" = "$t" ] || { echo "the index of the merge $t wrote $w" >&2; exit 97; }
echo "merged $t"
`;

/** Paths more than one sibling changes (for the messages). */
function sharedPaths(siblings: VerifiedCheckpoint[]): string[] {
  const seen = new Map<string, number>();
  for (const cp of siblings) for (const f of cp.record.patch.files) seen.set(f, (seen.get(f) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([f]) => f);
}

const facts = new Map<string, Promise<string[]>>();

/** The repository's git common dir (its objects are under it) and object format, asked once per process. */
function repositoryFacts(repoDir: string): Promise<string[]> {
  let known = facts.get(repoDir);
  if (!known) {
    known = git(["rev-parse", "--path-format=absolute", "--git-common-dir", "--show-object-format"], { cwd: repoDir }).then((out) =>
      out.split("\n"),
    );
    known.catch(() => facts.delete(repoDir));
    facts.set(repoDir, known);
  }
  return known;
}

/**
 * The environment of a git that knows only waveplan's own config: a git directory in `scratch` whose
 * objects are the repository's, its config written here, no global or system config.
 */
async function privateGitEnv(repoDir: string, attributesFrom: string, siblings: VerifiedCheckpoint[], scratch: string): Promise<GitEnv> {
  const [commonDir, format] = await repositoryFacts(repoDir);
  const gitDir = join(scratch, "git");
  const attributes = join(scratch, "attributes");
  await mkdir(join(gitDir, "refs"), { recursive: true });
  await mkdir(join(gitDir, "objects"), { recursive: true });
  const config = [
    "[core]",
    `\trepositoryformatversion = ${format === "sha1" ? 0 : 1}`,
    "\tbare = true",
    `\tattributesFile = ${JSON.stringify(attributes)}`,
    ...(format === "sha1" ? [] : ["[extensions]", `\tobjectFormat = ${format}`]),
  ];
  await Promise.all([
    writeFile(join(gitDir, "HEAD"), "ref: refs/heads/waveplan-merge\n"),
    writeFile(join(gitDir, "config"), `${config.join("\n")}\n`),
    writeFile(attributes, await treeAttributes(repoDir, attributesFrom, siblings)),
  ]);
  return {
    ...INTERNAL_IDENTITY,
    GIT_DIR: gitDir,
    GIT_OBJECT_DIRECTORY: join(commonDir, "objects"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    HOME: scratch,
    XDG_CONFIG_HOME: scratch,
    // unset: what the caller's environment could bring in (other config, attributes, work tree)
    GIT_CONFIG_PARAMETERS: undefined,
    GIT_CONFIG_COUNT: undefined,
    GIT_ATTR_SOURCE: undefined,
    GIT_WORK_TREE: undefined,
    GIT_COMMON_DIR: undefined,
    GIT_INDEX_FILE: undefined,
  };
}

/** The `.gitattributes` of `tree` that can apply to the siblings' paths, as one file. */
async function treeAttributes(repoDir: string, tree: string, siblings: VerifiedCheckpoint[]): Promise<string> {
  const dirs = attributeFolders(siblings.flatMap((cp) => cp.record.patch.files)).filter((d) => !d.includes("\n"));
  const input = dirs.map((d) => `${tree}:${d ? `${d}/` : ""}.gitattributes\n`).join("");
  const out = (await gitRaw(["cat-file", "--batch"], { cwd: repoDir, input })).stdout;
  const files: { dir: string; content: string }[] = [];
  let at = 0;
  for (const dir of dirs) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString();
    at = eol + 1;
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) continue; // "… missing", or not a file
    const size = Number(m[1]);
    files.push({ dir, content: out.subarray(at, at + size).toString() });
    at += size + 1;
  }
  return flattenAttributes(files);
}

interface MergeResult {
  clean: boolean;
  tree: string;
  /** conflicted paths (from the conflicted file info) */
  paths: string[];
  /** git's conflict messages: the paths each is about, its type and its text */
  messages: { paths: string[]; type: string; text: string }[];
}

/** `git merge-tree --write-tree -z --messages ours theirs`, parsed (Documentation/git-merge-tree.txt, OUTPUT). */
async function mergeTree(env: GitEnv, cwd: string, ours: string, theirs: string): Promise<MergeResult> {
  const { stdout, code } = await gitRaw(["merge-tree", "--write-tree", "-z", "--messages", ours, theirs], { cwd, env, okCodes: [1] });
  const fields = stdout.toString().split("\0");
  const tree = fields[0];
  let i = 1;
  const paths = new Set<string>();
  for (; i < fields.length && fields[i] !== ""; i++) paths.add(fields[i].slice(fields[i].indexOf("\t") + 1));
  i++; // the empty field that ends the conflicted file info
  const messages: MergeResult["messages"] = [];
  while (i < fields.length && /^\d+$/.test(fields[i])) {
    const n = Number(fields[i]);
    const about = fields.slice(i + 1, i + 1 + n);
    messages.push({ paths: about, type: fields[i + 1 + n], text: (fields[i + 2 + n] ?? "").trim() });
    i += n + 3;
  }
  return { clean: code === 0, tree, paths: [...paths], messages };
}

/**
 * Who conflicts with sibling `i`, on which paths and lines: each earlier sibling that changed a
 * conflicting path is merged with it alone, the first that conflicts is named; when none does alone,
 * the combination of the earlier ones is.
 */
async function conflictError(
  env: GitEnv,
  scratch: string,
  siblings: VerifiedCheckpoint[],
  commits: string[],
  i: number,
  combinedCommit: string,
  combined: MergeResult,
): Promise<MergeConflictError> {
  const theirs = siblings[i].record.task.id;
  const wave = siblings[i].record.task.wave;
  const conflicted = conflictPaths(combined);
  for (let j = 0; j < i; j++) {
    if (!conflicted.some((p) => touches(siblings[j].record.patch.files, p))) continue;
    const pair = await mergeTree(env, scratch, commits[j], commits[i]);
    if (pair.clean) continue;
    const ours = siblings[j].record.task.id;
    const sides: [Side, Side] = [
      { name: ours, files: siblings[j].record.patch.files },
      { name: theirs, files: siblings[i].record.patch.files },
    ];
    return new MergeConflictError(
      conflictMessage({ wave, ours, theirs, conflicts: await describe(env, scratch, pair, commits[j], commits[i], sides) }),
    );
  }
  const earlier = siblings.slice(0, i).filter((cp) => conflicted.some((p) => touches(cp.record.patch.files, p)));
  const ours = earlier.map((cp) => cp.record.task.id).join(" + ");
  const sides: [Side, Side] = [
    { name: ours, files: earlier.flatMap((cp) => cp.record.patch.files) },
    { name: theirs, files: siblings[i].record.patch.files },
  ];
  return new MergeConflictError(
    conflictMessage({
      wave,
      ours,
      theirs,
      combined: earlier.map((cp) => cp.record.task.id),
      conflicts: await describe(env, scratch, combined, combinedCommit, commits[i], sides),
    }),
  );
}

function conflictPaths(r: MergeResult): string[] {
  const fromMessages = r.messages.filter((m) => m.type.startsWith("CONFLICT") || /^CONFLICT/.test(m.text)).flatMap((m) => m.paths);
  return [...new Set([...r.paths, ...fromMessages])].sort();
}

/** A side of a conflict: its task name(s) and the paths its change touches. */
interface Side {
  name: string;
  files: string[];
}

/** Whether a change to `files` touches `path` (the path itself, something in it as a folder, or a file it is in). */
function touches(files: string[], path: string): boolean {
  return files.some((f) => f === path || f.startsWith(`${path}/`) || path.startsWith(`${f}/`));
}

/**
 * Each conflicting path the two sides changed (not the side paths git invents, such as `x~<commit>`
 * for a file moved out of a folder's way): its regions when git left markers in it, else what clashed.
 */
async function describe(
  env: GitEnv,
  scratch: string,
  r: MergeResult,
  ours: string,
  theirs: string,
  sides: [Side, Side],
): Promise<PathConflict[]> {
  const labels = new Map([
    [ours, sides[0].name],
    [theirs, sides[1].name],
  ]);
  const named = (text: string) => text.replace(/\b[0-9a-f]{40,64}\b/g, (id) => (labels.has(id) ? `"${labels.get(id)}"` : id));
  const all = conflictPaths(r);
  const changed = all.filter((p) => sides.some((side) => touches(side.files, p)));
  const out: PathConflict[] = [];
  for (const path of changed.length ? changed : all) {
    const notes = r.messages.filter((m) => m.paths.includes(path) && /CONFLICT/.test(`${m.type} ${m.text}`));
    if (notes.some((m) => /^CONFLICT \(contents?\)/.test(m.type) || /Merge conflict in/.test(m.text))) {
      const blob = await git(["cat-file", "blob", `${r.tree}:${path}`], { cwd: scratch, env }).catch(() => "");
      const hunks = conflictHunks(blob, ours, theirs);
      if (hunks.length) {
        out.push({ path, hunks });
        continue;
      }
    }
    const asFile = sides.find((side) => side.files.includes(path));
    const asFolder = sides.find((side) => side !== asFile && side.files.some((f) => f.startsWith(`${path}/`)));
    if (notes.some((m) => m.type === "CONFLICT (file/directory)") && asFile && asFolder) {
      out.push({ path, message: `a file in "${asFile.name}", a folder in "${asFolder.name}" (CONFLICT (file/directory))` });
      continue;
    }
    out.push({ path, message: [...new Set(notes.map((m) => named(m.text)))].join("; ") || "both change it" });
  }
  return out;
}
