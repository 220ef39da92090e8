export const id = 526;
export const ids = [526];
export const modules = {

/***/ 12298:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  R: () => (/* binding */ jobContext)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: ./src/checkpoint/record.ts
var checkpoint_record = __webpack_require__(83361);
// EXTERNAL MODULE: ./src/checkpoint/verify.ts
var verify = __webpack_require__(26681);
;// CONCATENATED MODULE: ./src/checkpoint/artifact-store.ts
/**
 * Checkpoints of a GitHub run, one artifact per task and run attempt (`waveplan-<task>.<attempt>`).
 *
 * Re-runs ("Re-run failed jobs" / "Re-run all jobs") work because of these facts about artifacts v4
 * (`@actions/artifact` 2+), all exercised against the emulated results service in the tests:
 *   - an artifact is immutable: uploading a name that already exists in the run fails with 409;
 *   - every attempt of a run shares the run id and sees the artifacts of earlier attempts;
 *   - jobs that succeeded in attempt 1 are not re-run in attempt 2, so their artifacts are the valid
 *     checkpoints of attempt 2 as well.
 * So a job uploads under its own attempt number — a re-run never collides with the artifact its
 * failed predecessor left — and a reader takes, per task, the highest attempt not above its own:
 * the newest result, and never one from an attempt that started after it.
 *
 * Stores move bytes, they are not trusted: a downloaded tree is checked here for its shape (only
 * record.json, change.patch and regular files under outputs/) and then verified by verify.ts.
 */





/** Downloads at once: enough to hide per-request latency, few enough not to trip rate limits. */
const DOWNLOAD_CONCURRENCY = 6;
/** Per task, the artifact with the highest attempt not above `attempt`. */
function selectCheckpointArtifacts(artifacts, attempt) {
    const best = new Map();
    for (const artifact of artifacts) {
        const parsed = (0,checkpoint_record/* parseArtifactName */.TZ)(artifact.name);
        if (!parsed || parsed.attempt > attempt)
            continue;
        const seen = best.get(parsed.taskId);
        // Two artifacts of one name cannot exist (409), but a deleted-and-reuploaded one may be listed
        // next to its replacement by an eventually consistent listing: the higher id is the newer.
        if (!seen || parsed.attempt > seen.attempt || (parsed.attempt === seen.attempt && artifact.id > seen.artifact.id))
            best.set(parsed.taskId, { artifact, attempt: parsed.attempt });
    }
    return new Map([...best].map(([task, v]) => [task, v.artifact]));
}
class ArtifactCheckpointStore {
    options;
    listing;
    client;
    active = 0;
    waiting = [];
    constructor(options) {
        this.options = options;
    }
    async fetch(taskId) {
        const artifact = (await this.list()).get(taskId);
        if (!artifact)
            return undefined;
        return this.bounded(() => this.download(taskId, artifact));
    }
    async publish(taskId, dir) {
        const name = (0,checkpoint_record/* artifactName */.Cs)(taskId, this.options.attempt);
        const files = [(0,external_node_path_.join)(dir, checkpoint_record/* RECORD_FILE */.lt), (0,external_node_path_.join)(dir, checkpoint_record/* PATCH_FILE */.mO), ...(await filesUnder((0,external_node_path_.join)(dir, checkpoint_record/* OUTPUTS_DIR */.JQ)))];
        const client = await this.artifactClient();
        try {
            await client.uploadArtifact(name, files, dir);
        }
        catch (e) {
            throw new Error(`cannot upload the checkpoint of task "${taskId}" as artifact ${name}: ${e.message}`);
        }
    }
    /** The artifact name of a task's checkpoint as this job publishes it. */
    nameFor(taskId) {
        return (0,checkpoint_record/* artifactName */.Cs)(taskId, this.options.attempt);
    }
    list() {
        // One listing per job: every upstream task is looked up in it, and the upstream jobs finished
        // before this one started, so nothing relevant appears later.
        this.listing ??= this.artifactClient().then(async (client) => {
            try {
                return selectCheckpointArtifacts((await client.listArtifacts()).artifacts, this.options.attempt);
            }
            catch (e) {
                throw new Error(`cannot list the artifacts of this run: ${e.message}`);
            }
        });
        return this.listing;
    }
    async download(taskId, artifact) {
        const client = await this.artifactClient();
        const parent = this.options.tempDir ?? (0,external_node_os_.tmpdir)();
        await (0,promises_.mkdir)(parent, { recursive: true });
        const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(parent, `${taskId}-`));
        let result;
        try {
            result = await client.downloadArtifact(artifact.id, { path: dir, expectedHash: artifact.digest });
        }
        catch (e) {
            throw new verify/* CheckpointError */.jg(taskId, `artifact ${artifact.name} cannot be downloaded: ${e.message}`);
        }
        if (result.digestMismatch)
            throw new verify/* CheckpointError */.jg(taskId, `artifact ${artifact.name} does not match the digest it was uploaded with`);
        await checkTree(taskId, artifact.name, dir);
        return dir;
    }
    artifactClient() {
        // Loaded on first use: the artifact client is most of the bundle and validate never needs it.
        this.client ??= this.options.client
            ? Promise.resolve(this.options.client)
            : Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(645)]).then(__webpack_require__.bind(__webpack_require__, 9645)).then((m) => new m.DefaultArtifactClient());
        return this.client;
    }
    async bounded(fn) {
        const limit = this.options.concurrency ?? DOWNLOAD_CONCURRENCY;
        if (this.active >= limit)
            await new Promise((go) => this.waiting.push(go));
        this.active++;
        try {
            return await fn();
        }
        finally {
            this.active--;
            this.waiting.shift()?.();
        }
    }
}
/**
 * A checkpoint artifact holds record.json, change.patch and regular files under outputs/, nothing
 * else. The client's unzip rewrites `..` components and absolute paths into the target folder and
 * turns symlink entries into files rather than refusing them, so an entry that tried to escape shows
 * up here as a file with an unexpected name — and is refused with it.
 */
async function checkTree(taskId, name, dir) {
    const reject = (why) => {
        throw new verify/* CheckpointError */.jg(taskId, `artifact ${name} ${why}`);
    };
    for (const entry of await (0,promises_.readdir)(dir, { recursive: true, withFileTypes: true })) {
        const path = (0,external_node_path_.relative)(dir, (0,external_node_path_.join)(entry.parentPath, entry.name)).split(external_node_path_.sep).join("/");
        const inOutputs = path.startsWith(`${checkpoint_record/* OUTPUTS_DIR */.JQ}/`);
        if (entry.isDirectory()) {
            if (path !== checkpoint_record/* OUTPUTS_DIR */.JQ && !inOutputs)
                reject(`contains an unexpected folder ${path}`);
        }
        else if (!entry.isFile()) {
            reject(`contains ${path}, which is not a regular file`);
        }
        else if (path !== checkpoint_record/* RECORD_FILE */.lt && path !== checkpoint_record/* PATCH_FILE */.mO && !inOutputs) {
            reject(`contains an unexpected file ${path} (only ${checkpoint_record/* RECORD_FILE */.lt}, ${checkpoint_record/* PATCH_FILE */.mO} and ${checkpoint_record/* OUTPUTS_DIR */.JQ}/ belong in a checkpoint)`);
        }
    }
    for (const required of [checkpoint_record/* RECORD_FILE */.lt, checkpoint_record/* PATCH_FILE */.mO]) {
        const st = await (0,promises_.lstat)((0,external_node_path_.join)(dir, required)).catch(() => undefined);
        if (!st?.isFile())
            reject(`has no ${required}`);
    }
    const attempt = (0,checkpoint_record/* parseArtifactName */.TZ)(name)?.attempt;
    let record;
    try {
        record = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(dir, checkpoint_record/* RECORD_FILE */.lt), "utf8"));
    }
    catch {
        record = undefined; // not JSON: verify.ts refuses it with the reason
    }
    // verify.ts judges the record itself; this only ties the artifact's name to its content.
    if (record?.run && record.run.attempt !== attempt)
        reject(`is named for attempt ${attempt} but holds a record of attempt ${JSON.stringify(record.run.attempt)}`);
}
async function filesUnder(root) {
    const entries = await (0,promises_.readdir)(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => (0,external_node_path_.join)(e.parentPath, e.name));
}

// EXTERNAL MODULE: ./src/checkpoint/secret-guard.ts
var secret_guard = __webpack_require__(57588);
// EXTERNAL MODULE: ./src/engine/env.ts
var env = __webpack_require__(98725);
// EXTERNAL MODULE: ./src/plan/hash.ts
var hash = __webpack_require__(22239);
// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(75242);
;// CONCATENATED MODULE: ./src/action/context.ts
/** The engine's RunContext for a job of a GitHub run: artifacts as the store, the checkout as the repository. */








/**
 * Masks every secret the plan names (and the token) in the job log, and returns the context. The
 * values are also kept, so a checkpoint that contains one is never uploaded.
 */
async function jobContext(r, plan) {
    const secrets = (0,env/* namedSecrets */.p)(plan.agent?.secrets ?? []);
    const token = process.env.INPUT_TOKEN;
    if (token)
        secrets.push({ name: "token", value: token });
    for (const s of secrets)
        core/* setSecret */.Pq(s.value);
    const store = new ArtifactCheckpointStore({ attempt: r.attempt, tempDir: (0,external_node_path_.join)(r.temp, "checkpoints") });
    const ctx = {
        plan,
        planHash: (0,hash/* planHash */.SH)(plan),
        runId: r.runId,
        attempt: r.attempt,
        base: r.sha,
        repoDir: r.workspace,
        store: new secret_guard/* SecretGuardStore */.L(store, secrets),
        logDir: (0,external_node_path_.join)(r.temp, "logs"),
        scratchDir: (0,external_node_path_.join)(r.temp, "scratch"),
        env: (0,runner/* taskBaseEnv */.We)(),
        // on GitHub the workflow was compiled from one exact plan: a checkpoint of any other is stale
        strictPlanHash: true,
        verified: new Map(),
        trees: new Map(),
    };
    await (0,promises_.mkdir)(ctx.scratchDir, { recursive: true });
    await (0,promises_.mkdir)(ctx.logDir, { recursive: true });
    return { ctx, store };
}


/***/ }),

/***/ 93867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y: () => (/* binding */ checkoutClean),
/* harmony export */   h: () => (/* binding */ materializeCommit)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _checkpoint_record_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(83361);
/* harmony import */ var _git_git_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(10308);
/* harmony import */ var _plan_hash_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(22239);
/**
 * Materialize: the task's starting tree is the base commit plus every upstream patch, in plan order.
 * The tree is built in a private index (no working tree involved) and checked out into the task's
 * workspace with one incremental `git checkout`, so a reused worktree only rewrites what changed.
 */






/**
 * Commit (never on any branch) whose tree is base + patches. Upstream lists are always a prefix of
 * the plan order, so with a cache each patch is applied once per run: the longest cached prefix is the
 * starting point and the remaining patches go to one `git apply` call.
 */
async function materializeCommit(repoDir, base, upstream, cache) {
    const keys = [];
    let key = base;
    for (const cp of upstream) {
        key = (0,_plan_hash_js__WEBPACK_IMPORTED_MODULE_4__/* .sha256 */ .sc)(`${key}\n${cp.recordSha256}`);
        keys.push(key);
    }
    const full = keys[keys.length - 1];
    if (full === undefined)
        return base;
    // Parallel tasks of one wave share their upstream: the first one builds the tree, the others await it.
    const cached = cache?.get(full);
    if (cached)
        return cached;
    let start = 0;
    let from = Promise.resolve(base);
    for (let i = upstream.length - 1; i > 0 && cache; i--) {
        const hit = cache.get(keys[i - 1]);
        if (hit) {
            start = i;
            from = hit;
            break;
        }
    }
    const built = from.then((commit) => applyPatches(repoDir, base, commit, upstream.slice(start)));
    cache?.set(full, built);
    built.catch(() => cache?.delete(full));
    return built;
}
async function applyPatches(repoDir, base, from, upstream) {
    const rest = upstream.filter((cp) => cp.record.patch.bytes > 0);
    if (rest.length === 0)
        return from;
    const tmp = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), "waveplan-index-"));
    const env = { GIT_INDEX_FILE: (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(tmp, "index") };
    try {
        await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .git */ .$Y)(["read-tree", from], { cwd: repoDir, env });
        try {
            await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .git */ .$Y)(["apply", "--cached", "--binary", "--whitespace=nowarn", ...rest.map((cp) => cp.patchFile)], { cwd: repoDir, env });
        }
        catch (e) {
            throw new Error(`the changes of tasks ${rest.map((cp) => `"${cp.record.task.id}"`).join(", ")} do not apply on top of their upstream: ${e.message}`);
        }
        const tree = await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .git */ .$Y)(["write-tree"], { cwd: repoDir, env });
        return await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .commitTree */ .SC)(repoDir, tree, [base], "waveplan: materialized upstream");
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(tmp, { recursive: true, force: true });
    }
}
/** Make `workspace` exactly `commit`: tracked files, no untracked or ignored leftovers, then upstream outputs. */
async function checkoutClean(workspace, commit, upstream) {
    await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .git */ .$Y)(["checkout", "-q", "-f", "--detach", commit], { cwd: workspace });
    await (0,_git_git_js__WEBPACK_IMPORTED_MODULE_3__/* .git */ .$Y)(["clean", "-q", "-ffdx"], { cwd: workspace });
    await restoreOutputs(workspace, upstream);
}
/** Declared outputs that are not part of the tree (git-ignored) still reach downstream tasks. */
async function restoreOutputs(workspace, upstream) {
    for (const cp of upstream) {
        for (const out of cp.record.outputs) {
            const target = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(workspace, out.path);
            const exists = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.lstat)(target).then(() => true, () => false);
            if (exists)
                continue;
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(target), { recursive: true });
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.copyFile)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(cp.dir, _checkpoint_record_js__WEBPACK_IMPORTED_MODULE_5__/* .OUTPUTS_DIR */ .JQ, out.path), target);
        }
    }
}


/***/ }),

/***/ 10308:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Y: () => (/* binding */ git),
/* harmony export */   Pm: () => (/* binding */ gitRaw),
/* harmony export */   SC: () => (/* binding */ commitTree),
/* harmony export */   XS: () => (/* binding */ GitError)
/* harmony export */ });
/* unused harmony exports repoRoot, headCommit */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/** Thin adapter over the git executable: every git call in waveplan goes through here. */

class GitError extends Error {
    args;
    code;
    stderr;
    constructor(args, code, stderr) {
        super(`git ${args.join(" ")} failed (${code}): ${stderr.trim().split("\n").slice(0, 6).join("\n")}`);
        this.args = args;
        this.code = code;
        this.stderr = stderr;
    }
}
/** Identity used for the commits waveplan makes internally (materialized trees); never pushed. */
const INTERNAL_IDENTITY = {
    GIT_AUTHOR_NAME: "waveplan",
    GIT_AUTHOR_EMAIL: "waveplan@localhost",
    GIT_COMMITTER_NAME: "waveplan",
    GIT_COMMITTER_EMAIL: "waveplan@localhost",
    GIT_AUTHOR_DATE: "1700000000 +0000",
    GIT_COMMITTER_DATE: "1700000000 +0000",
};
const trace = process.env.WAVEPLAN_TRACE_GIT === "1";
function gitRaw(args, opts) {
    const started = trace ? performance.now() : 0;
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)("git", args, {
            cwd: opts.cwd,
            env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...opts.env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        const out = [];
        const err = [];
        child.stdout.on("data", (b) => out.push(b));
        child.stderr.on("data", (b) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => {
            const stdout = Buffer.concat(out);
            if (code === 0 || (code !== null && opts.okCodes?.includes(code)))
                resolve({ stdout, code: code ?? 0 });
            else
                reject(new GitError(args, code, Buffer.concat(err).toString()));
        });
        child.stdin.on("error", () => { });
        child.stdin.end(opts.input ?? "");
    }).finally(() => {
        if (trace)
            process.stderr.write(`[git ${(performance.now() - started).toFixed(1)}ms] ${args.slice(0, 4).join(" ")}\n`);
    });
}
async function git(args, opts) {
    return (await gitRaw(args, opts)).stdout.toString().replace(/\n$/, "");
}
/** Make a commit object from a tree without touching any ref, index or working tree. */
async function commitTree(cwd, tree, parents, message, identity) {
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    return git(args, { cwd, input: `${message}\n`, env: identity ?? INTERNAL_IDENTITY });
}
async function repoRoot(cwd) {
    return git(["rev-parse", "--show-toplevel"], { cwd });
}
async function headCommit(cwd) {
    return git(["rev-parse", "--verify", "HEAD^{commit}"], { cwd });
}


/***/ }),

/***/ 18269:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  yB: () => (/* binding */ renderFailedWavesSummary),
  H$: () => (/* binding */ renderFinalSummary),
  ah: () => (/* binding */ renderTaskNotStarted),
  sZ: () => (/* binding */ renderTaskSummary)
});

// UNUSED EXPORTS: MAX_DIAGRAM_CHARS, MAX_TABLE_ROWS, measure, renderGantt, renderTaskTable, renderUtilization

;// CONCATENATED MODULE: ./src/graph/estimate.ts
/** A task's estimate: its own, else its wave's (split over a sequential chain), else 0. */
function taskEstimate(wave, task) {
    if (task.estimateMs !== undefined)
        return task.estimateMs;
    if (wave.estimateMs === undefined)
        return 0;
    return wave.mode === "sequential" ? wave.estimateMs / wave.tasks.length : wave.estimateMs;
}
/** Wall time of a wave: the slowest task of a parallel wave, the sum of a chain; the wave's own figure wins. */
function estimate_waveEstimate(wave) {
    if (wave.estimateMs !== undefined)
        return wave.estimateMs;
    const times = wave.tasks.map((t) => taskEstimate(wave, t));
    return wave.mode === "sequential" ? times.reduce((a, b) => a + b, 0) : Math.max(0, ...times);
}
function estimate_planTiming(plan, jobOverheadMs = 0) {
    const criticalPathMs = plan.waves.reduce((s, w) => s + estimate_waveEstimate(w), 0);
    const sequentialMs = plan.waves.reduce((s, w) => s + w.tasks.reduce((a, t) => a + taskEstimate(w, t), 0), 0);
    // plan job + each wave's jobs on the critical path + final-commit
    const jobsOnPath = 2 + plan.waves.reduce((n, w) => n + (w.mode === "sequential" ? w.tasks.length : 1), 0);
    return {
        criticalPathMs,
        sequentialMs,
        speedup: criticalPathMs > 0 ? sequentialMs / criticalPathMs : undefined,
        jobOverheadMs,
        pipelineMs: criticalPathMs + jobsOnPath * jobOverheadMs,
    };
}

// EXTERNAL MODULE: ./src/plan/duration.ts
var duration = __webpack_require__(72983);
;// CONCATENATED MODULE: ./src/graph/render.ts
/**
 * The wave graph as Mermaid (also used in the GitHub job summary), Graphviz DOT and a plain-text
 * timeline in the style of a markdown plan. All three draw the same edges: the chain inside a
 * sequential wave, the barrier between consecutive waves (exit tasks → entry tasks) and `needs`.
 */


const GRAPH_FORMATS = (/* unused pure expression or super */ null && (["mermaid", "dot", "text"]));
/**
 * Above this many exit×entry pairs a barrier is drawn as one wave-to-wave edge: two parallel waves of
 * 8 tasks would otherwise draw 64 crossing lines that say nothing more than "wave after wave".
 */
const MAX_BARRIER_EDGES = 12;
/** Tasks that finish a wave: the last of a chain, or every task of a parallel wave. */
function exitTasks(wave) {
    return wave.mode === "sequential" ? wave.tasks.slice(-1) : wave.tasks;
}
/** Tasks that start a wave: the first of a chain, or every task of a parallel wave. */
function entryTasks(wave) {
    return wave.mode === "sequential" ? wave.tasks.slice(0, 1) : wave.tasks;
}
function edgesOf(plan) {
    const chain = [];
    for (const w of plan.waves) {
        if (w.mode === "sequential")
            for (let i = 1; i < w.tasks.length; i++)
                chain.push([w.tasks[i - 1], w.tasks[i]]);
    }
    const barriers = [];
    const waves = plan.waves.filter((w) => w.tasks.length > 0);
    for (let i = 1; i < waves.length; i++) {
        const pairs = exitTasks(waves[i - 1]).flatMap((a) => entryTasks(waves[i]).map((b) => [a, b]));
        barriers.push({ from: waves[i - 1], to: waves[i], pairs, grouped: pairs.length > MAX_BARRIER_EDGES });
    }
    const solid = new Set([...chain, ...barriers.filter((b) => !b.grouped).flatMap((b) => b.pairs)].map(([a, b]) => `${a.index}>${b.index}`));
    const byId = new Map(plan.tasks.map((t) => [t.id, t]));
    const needs = [];
    for (const t of plan.tasks) {
        for (const n of t.needs) {
            const from = byId.get(n);
            if (from && !solid.has(`${from.index}>${t.index}`))
                needs.push([from, t]);
        }
    }
    return { chain, barriers, needs };
}
function waveLabel(wave) {
    const est = estimate_waveEstimate(wave);
    const title = wave.name === wave.id ? wave.id : `${wave.id}: ${wave.name}`;
    return [title, wave.mode, est > 0 ? (0,duration/* formatDuration */.a3)(est) : undefined].filter(Boolean).join(" · ");
}
function taskLabel(task) {
    return `${task.id}: ${task.title} (${task.instance})`;
}
/** One line of label text: plan text may hold newlines and control characters. */
function oneLine(text) {
    return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}
/**
 * Mermaid label text inside `"…"`: quotes, `#` (which starts an entity) and the characters Mermaid
 * treats as shape or markup syntax become numeric entities, so no label can break the diagram.
 */
function mermaidEscape(text) {
    return oneLine(text).replace(/["#<>[\]{}|`&;\\]/g, (c) => `#${c.charCodeAt(0)};`);
}
/** Mermaid flowchart, left to right, one subgraph per wave. Node ids are synthetic (`t0`…), never user text. */
function renderMermaid(plan) {
    const lines = ["flowchart LR"];
    const node = (t) => `t${t.index}`;
    for (const w of plan.waves) {
        lines.push(`  subgraph w${w.index}["${mermaidEscape(waveLabel(w))}"]`);
        if (w.tasks.length === 0)
            lines.push(`    w${w.index}_empty["(no tasks)"]`);
        for (const t of w.tasks)
            lines.push(`    ${node(t)}["${mermaidEscape(taskLabel(t))}"]`);
        lines.push("  end");
    }
    const { chain, barriers, needs } = edgesOf(plan);
    for (const [a, b] of chain)
        lines.push(`  ${node(a)} --> ${node(b)}`);
    for (const b of barriers) {
        if (b.grouped)
            lines.push(`  w${b.from.index} --> w${b.to.index}`);
        else
            for (const [x, y] of b.pairs)
                lines.push(`  ${node(x)} --> ${node(y)}`);
    }
    for (const [a, b] of needs)
        lines.push(`  ${node(a)} -.->|needs| ${node(b)}`);
    return `${lines.join("\n")}\n`;
}
/** A DOT double-quoted string: backslash and quote escaped, so `\n` in a title stays literal text. */
function dotString(text) {
    return `"${oneLine(text).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
/** Graphviz digraph, left to right, one cluster per wave. */
function renderDot(plan) {
    const lines = [
        "digraph waveplan {",
        "  rankdir=LR;",
        // compound lets a grouped barrier edge start and end at cluster borders
        "  compound=true;",
        `  label=${dotString(plan.name)};`,
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
    ];
    const node = (t) => `t${t.index}`;
    for (const w of plan.waves) {
        lines.push(`  subgraph cluster_${w.index} {`, `    label=${dotString(waveLabel(w))};`);
        if (w.mode === "sequential")
            lines.push("    style=dashed;");
        if (w.tasks.length === 0)
            lines.push(`    w${w.index}_empty [label="(no tasks)", style=dotted];`);
        for (const t of w.tasks)
            lines.push(`    ${node(t)} [label=${dotString(taskLabel(t))}];`);
        lines.push("  }");
    }
    const { chain, barriers, needs } = edgesOf(plan);
    for (const [a, b] of chain)
        lines.push(`  ${node(a)} -> ${node(b)};`);
    for (const b of barriers) {
        if (b.grouped) {
            const [x, y] = b.pairs[0];
            lines.push(`  ${node(x)} -> ${node(y)} [ltail=cluster_${b.from.index}, lhead=cluster_${b.to.index}];`);
        }
        else
            for (const [x, y] of b.pairs)
                lines.push(`  ${node(x)} -> ${node(y)};`);
    }
    for (const [a, b] of needs)
        lines.push(`  ${node(a)} -> ${node(b)} [style=dashed, label="needs"];`);
    lines.push("}");
    return `${lines.join("\n")}\n`;
}
/**
 * A timeline like a markdown plan's:
 *   W4: Backend Features Pt1 (12m) │ PARALLEL │ I4, I5, I6
 *     I4-W4-1  I4  Implement login endpoint
 *   ↓
 */
function renderText(plan) {
    const timing = planTiming(plan);
    const out = [`${oneLine(plan.name)} — ${planSize(plan)}`];
    if (timing.speedup !== undefined) {
        out.push(`critical path ${formatDuration(timing.criticalPathMs)} · sequential ${formatDuration(timing.sequentialMs)} · ${timing.speedup.toFixed(1)}x`);
    }
    out.push("");
    const idWidth = Math.max(0, ...plan.tasks.map((t) => t.id.length));
    const instWidth = Math.max(0, ...plan.tasks.map((t) => t.instance.length));
    plan.waves.forEach((w, i) => {
        if (i > 0)
            out.push("  ↓");
        const est = waveEstimate(w);
        const title = w.name === w.id ? w.id : `${w.id}: ${oneLine(w.name)}`;
        const who = w.mode === "sequential" ? w.tasks.map((t) => t.instance).join("→") : [...new Set(w.tasks.map((t) => t.instance))].join(", ");
        out.push(`${title}${est > 0 ? ` (${formatDuration(est)})` : ""} │ ${w.mode.toUpperCase()} │ ${who || "no tasks"}`);
        w.tasks.forEach((t, n) => {
            const step = w.mode === "sequential" ? `${n + 1}. ` : "";
            const needs = t.needs.length ? `  (needs ${t.needs.join(", ")})` : "";
            out.push(`  ${step}${t.id.padEnd(idWidth)}  ${t.instance.padEnd(instWidth)}  ${oneLine(t.title)}${needs}`);
        });
    });
    return `${out.join("\n")}\n`;
}
/** "4 waves, 8 tasks, 1 instance" */
function planSize(plan) {
    const n = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
    return [n(plan.waves.length, "wave"), n(plan.tasks.length, "task"), n(plan.instances.length, "instance")].join(", ");
}
function renderGraph(plan, format) {
    if (format === "mermaid")
        return renderMermaid(plan);
    if (format === "dot")
        return renderDot(plan);
    return renderText(plan);
}

;// CONCATENATED MODULE: ./src/report/summary.ts



const time = (iso) => new Date(iso).getTime();
/** Wall time, task time and per-instance busy time of the records. */
function measure(plan, records) {
    const startMs = Math.min(...records.map((r) => time(r.startedAt)));
    const endMs = Math.max(...records.map((r) => time(r.finishedAt)));
    const wallMs = records.length ? Math.max(0, endMs - startMs) : 0;
    const taskMs = records.reduce((s, r) => s + r.durationMs, 0);
    const instances = plan.instances
        .map((i) => {
        const mine = records.filter((r) => r.task.instance === i.id);
        const busyMs = mine.reduce((s, r) => s + r.durationMs, 0);
        return { id: i.id, role: i.role, tasks: mine.length, busyMs, utilization: wallMs > 0 ? busyMs / wallMs : undefined };
    })
        .filter((i) => i.tasks > 0);
    return {
        startMs: records.length ? startMs : 0,
        endMs: records.length ? endMs : 0,
        wallMs,
        taskMs,
        speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : undefined,
        instances,
    };
}
/** Text for a gantt section title: a colon, `#` or `;` would end or break the line. */
function ganttText(text) {
    return text
        .replace(/[\u0000-\u001f\u007f]+/g, " ")
        .replace(/[:#;]/g, " ")
        .replace(/\s+/g, " ")
        .trim();
}
/**
 * Mermaid gantt of the measured run: a section per instance, a bar per task from its start to its
 * end (wall clock, `dateFormat x` = ms since the epoch). Bar labels are task ids, which are
 * `[A-Za-z0-9._-]` and so cannot break the syntax.
 */
function renderGantt(plan, records) {
    const lines = ["gantt", "  title Measured timeline", "  dateFormat x", "  axisFormat %H:%M:%S"];
    for (const instance of plan.instances) {
        const mine = records.filter((r) => r.task.instance === instance.id).sort((a, b) => time(a.startedAt) - time(b.startedAt));
        if (mine.length === 0)
            continue;
        lines.push(`  section ${ganttText(`${instance.id} ${instance.role}`)}`);
        for (const r of mine) {
            const start = time(r.startedAt);
            // a bar needs a length to be drawn
            const end = Math.max(time(r.finishedAt), start + 1);
            lines.push(`  ${r.task.id} :${r.status === "success" ? "done" : "crit"}, ${start}, ${end}`);
        }
    }
    return `${lines.join("\n")}\n`;
}
/** A markdown table cell: pipes and newlines would split the row. */
function cell(text) {
    return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}
function table(headers, rows) {
    return [
        `| ${headers.join(" | ")} |`,
        `| ${headers.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    ].join("\n");
}
/**
 * Mermaid refuses diagrams above 50,000 characters (its default maxTextSize) and GitHub caps a step
 * summary at 1 MiB: larger plans get a note instead of a diagram, and a capped task table.
 */
const MAX_DIAGRAM_CHARS = 50_000;
const MAX_TABLE_ROWS = 500;
function mermaidBlock(text, what) {
    if (text.length > MAX_DIAGRAM_CHARS)
        return `_The ${what} is too large for Mermaid to draw (${text.length} characters); \`waveplan graph\` renders it locally._`;
    return ["```mermaid", text.trimEnd(), "```"].join("\n");
}
const percent = (x) => (x === undefined ? "–" : `${Math.round(x * 100)}%`);
/** The task table: plan order, with tasks that have no record shown as missing. */
function renderTaskTable(plan, records) {
    const byTask = new Map(records.map((r) => [r.task.id, r]));
    // past the cap, failed and missing tasks are the rows worth the space
    const failedFirst = plan.tasks.length > MAX_TABLE_ROWS;
    const shown = failedFirst
        ? [
            ...plan.tasks.filter((t) => byTask.get(t.id)?.status !== "success"),
            ...plan.tasks.filter((t) => byTask.get(t.id)?.status === "success"),
        ].slice(0, MAX_TABLE_ROWS)
        : plan.tasks;
    const rows = table(["Wave", "Task", "Instance", "Status", "Duration", "Tries", "Change"], shown.map((t) => {
        const r = byTask.get(t.id);
        if (!r)
            return [t.waveId, `${t.id}: ${t.title}`, t.instance, "no checkpoint", "–", "–", "–"];
        const status = r.status === "success" ? "✅ success" : `❌ ${r.error ?? "failure"}`;
        const change = r.patch.files.length ? `${r.patch.files.length} files, +${r.patch.insertions} −${r.patch.deletions}` : "none";
        return [t.waveId, `${t.id}: ${t.title}`, t.instance, status, (0,duration/* formatDuration */.a3)(r.durationMs), String(r.tries), change];
    }));
    return failedFirst ? `${rows}\n\n_${plan.tasks.length - shown.length} more successful tasks not shown._` : rows;
}
function renderUtilization(m) {
    return table(["Instance", "Role", "Tasks", "Busy", "Utilization"], m.instances.map((i) => [i.id, i.role, String(i.tasks), (0,duration/* formatDuration */.a3)(i.busyMs), percent(i.utilization)]));
}
function renderFinalSummary(s) {
    const m = measure(s.plan, s.records);
    const estimate = estimate_planTiming(s.plan).speedup;
    const speedup = [
        `**Wall time** ${(0,duration/* formatDuration */.a3)(m.wallMs)} (first task start → last task end) vs **${(0,duration/* formatDuration */.a3)(m.taskMs)}** of task time:`,
        `measured speedup **${m.speedup === undefined ? "–" : `${m.speedup.toFixed(2)}x`}**`,
        `(plan estimate ${estimate === undefined ? "– (no estimates in the plan)" : `${estimate.toFixed(2)}x`}).`,
    ].join(" ");
    return [
        `## waveplan: ${cell(s.plan.name)}`,
        "",
        `Plan \`${cell(s.planFile)}\` · run ${s.runId} attempt ${s.attempt} · ${s.plan.tasks.length} tasks in ${s.plan.waves.length} waves`,
        "",
        s.outcome,
        "",
        "### Wave graph",
        "",
        mermaidBlock(renderMermaid(s.plan), "wave graph"),
        "",
        "### Measured timeline",
        "",
        mermaidBlock(renderGantt(s.plan, s.records), "timeline"),
        "",
        speedup,
        "",
        "### Tasks",
        "",
        renderTaskTable(s.plan, s.records),
        "",
        "### Instances",
        "",
        renderUtilization(m),
        "",
    ].join("\n");
}
/** final-commit when waves did not succeed: which ones, and the graph to place them. */
function renderFailedWavesSummary(plan, planFile, failed) {
    return [
        `## waveplan: ${cell(plan.name)} — not landed`,
        "",
        `Plan \`${cell(planFile)}\`: ${failed.length} job${failed.length === 1 ? "" : "s"} did not succeed, so nothing was verified or landed.`,
        "",
        table(["Job", "Result"], failed.map((f) => [f.job, f.result])),
        "",
        "### Wave graph",
        "",
        mermaidBlock(renderMermaid(plan), "wave graph"),
        "",
    ].join("\n");
}
/** The short summary a task job writes about its one task. */
function renderTaskSummary(plan, record, artifact) {
    const task = plan.tasks.find((t) => t.id === record.task.id);
    const ok = record.status === "success";
    const change = record.patch.files.length
        ? `${record.patch.files.length} file${record.patch.files.length === 1 ? "" : "s"} changed, +${record.patch.insertions} −${record.patch.deletions}`
        : "no change";
    return [
        `### ${ok ? "✅" : "❌"} ${cell(record.task.id)}${task ? `: ${cell(task.title)}` : ""}`,
        "",
        `Wave ${record.task.wave} · instance ${record.task.instance} · ${(0,duration/* formatDuration */.a3)(record.durationMs)}${record.tries > 1 ? ` · ${record.tries} tries` : ""} · ${change}`,
        ...(record.outputs.length ? ["", `Outputs: ${record.outputs.map((o) => `\`${cell(o.path)}\``).join(", ")}`] : []),
        ...(ok ? [] : ["", `**Failed:** ${cell(record.error ?? "failure")}`]),
        "",
        `Checkpoint artifact \`${artifact}\``,
        "",
    ].join("\n");
}
/** The summary of a task job whose task never started (its gate refused, setup failed). */
function renderTaskNotStarted(plan, taskId, reason) {
    const task = plan.tasks.find((t) => t.id === taskId);
    return [
        `### ⛔ ${cell(taskId)}${task ? `: ${cell(task.title)}` : ""} did not run`,
        "",
        ...(task ? [`Wave ${task.waveId} · instance ${task.instance}`, ""] : []),
        cell(reason),
        "",
    ].join("\n");
}


/***/ })

};
