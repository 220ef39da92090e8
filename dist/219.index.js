export const id = 219;
export const ids = [219];
export const modules = {

/***/ 43219:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  task: () => (/* binding */ task)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
;// CONCATENATED MODULE: ./src/compile/pins.ts
/**
 * The third-party actions a compiled workflow uses, pinned to full commit SHAs.
 *
 * How pins are chosen: the newest release of the action's current major, taken from the action's own
 * repository — the commit its release tag points to (`git show-ref --tags -d`, peeled for annotated
 * tags), never a branch, with the version in a trailing comment so humans and Dependabot can read it.
 *
 * How pins are updated: edit this table (and recompile the examples), or let Dependabot
 * (`package-ecosystem: github-actions`) bump the pin inside a compiled workflow. Pins are not part of
 * the plan hash, so a bumped workflow still passes the `plan` job's hash check, and
 * `compile --check` accepts a `uses:` line whose ref was replaced by another full commit SHA.
 */
const pins_PINS = {
    // https://github.com/actions/checkout/releases/tag/v7.0.1 — lightweight tag on commit 3d3c42e
    // ("prep v7.0.1 release", 2026-07-17); node24 runtime.
    checkout: { action: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
};
function pins_pinnedRef(pin) {
    return `${pin.action}@${pin.sha}`;
}
/** The version comment for a `uses:` value, if it is one of our pins. */
function pinComment(uses) {
    return Object.values(pins_PINS).find((p) => pins_pinnedRef(p) === uses)?.version;
}

;// CONCATENATED MODULE: ./src/compile/jobs.ts
/**
 * The jobs of one wave. A parallel wave is one matrix job (several when it has more tasks than a
 * matrix allows); a sequential wave is a chain of single-task jobs in plan order; a wave of one
 * task, either mode, is one plain job. Each wave's first job(s) `needs:` the previous wave's last
 * job(s), so the barrier between waves is GitHub's own.
 *
 * What a job knows about its task is the id only (`matrix.task`, or a literal id in a chain job): the
 * action reads the script or prompt, env, timeout and retries from the plan file. Plan text never
 * reaches a `run:` script or a `${{ }}` expression.
 *
 * `agent.setup` is not a workflow step: the action runs it (once per job, before a prompt task) from
 * the hash-checked plan file, like any other plan script. `agent.secrets` become `env:` from
 * `secrets.*` on the action step of prompt tasks only; a matrix mixing prompt and script tasks gets
 * two action steps, selected by `matrix.kind`, so script tasks never see the secrets.
 */



/** GitHub's limit on the jobs one matrix may generate. */
const MAX_MATRIX_JOBS = 256;
/** Minutes added to the longest task for checkout, upstream checkpoints and the checkpoint upload. */
const JOB_OVERHEAD_MINUTES = 5;
/** Minutes added when the job runs `agent.setup` before a prompt task. */
const SETUP_MINUTES = 10;
function checkoutStep(withFullHistory = false) {
    return {
        name: "Check out",
        uses: pinnedRef(PINS.checkout),
        with: withFullHistory ? { "persist-credentials": false, "fetch-depth": 0 } : { "persist-credentials": false },
    };
}
/** The jobs of `wave`, in order, and the ids the next wave must wait for. */
function waveJobs(ctx, wave, previous) {
    const base = jobIdBase(wave.id);
    if (wave.tasks.length === 1) {
        // A single task needs neither a matrix nor a chain: a plain job with a literal id shows the same name.
        const [task] = wave.tasks;
        const id = ctx.ids.allocate(base);
        return { jobs: [[id, taskJob(ctx, `${wave.id} · ${task.instance} · ${task.id}`, previous, [task], task.id)]], last: [id] };
    }
    if (wave.mode === "sequential") {
        const jobs = [];
        let needs = previous;
        wave.tasks.forEach((task, i) => {
            const id = ctx.ids.allocate(`${base}-${i + 1}`);
            const name = `${wave.id} · ${i + 1}/${wave.tasks.length} · ${task.instance} · ${task.id}`;
            jobs.push([id, taskJob(ctx, name, needs, [task], task.id)]);
            needs = [id];
        });
        return { jobs, last: needs };
    }
    const parts = splitEvenly(wave.tasks, Math.ceil(wave.tasks.length / MAX_MATRIX_JOBS));
    const jobs = parts.map((tasks, i) => {
        const single = parts.length === 1;
        const id = ctx.ids.allocate(single ? base : `${base}-part${i + 1}`);
        const label = single ? wave.id : `${wave.id} (part ${i + 1}/${parts.length})`;
        return [id, taskJob(ctx, `${label} · ${expr("matrix.instance")} · ${expr("matrix.task")}`, previous, tasks)];
    });
    return { jobs, last: jobs.map(([id]) => id) };
}
/** A job running `tasks`: one literal task (`taskId`) or a matrix over them. */
function taskJob(ctx, name, needs, tasks, taskId) {
    const { plan } = ctx;
    const mixed = new Set(tasks.map((t) => t.kind)).size > 1;
    const job = { name };
    if (needs.length)
        job.needs = needs.length === 1 ? needs[0] : needs;
    job["runs-on"] = plan.github.runsOn;
    job["timeout-minutes"] = timeoutMinutes(plan, tasks);
    if (taskId === undefined) {
        const include = tasks.map((t) => ({
            task: t.id,
            instance: t.instance,
            role: literalText(instanceOf(plan, t.instance)?.role ?? ""),
            ...(mixed ? { kind: t.kind } : {}),
        }));
        job.strategy = { "fail-fast": true, matrix: { include } };
    }
    const ref = taskId ?? expr("matrix.task");
    const secrets = plan.agent?.secrets ?? [];
    const env = Object.fromEntries(secrets.map((s) => [s, expr(`secrets.${s}`)]));
    const step = (extra) => ({
        ...extra,
        uses: ctx.actionRef,
        with: { command: "task", plan: ctx.planPath, task: ref },
    });
    const hasPrompt = tasks.some((t) => t.kind === "prompt");
    let steps;
    if (!hasPrompt || secrets.length === 0)
        steps = [step({ name: "Run task" })];
    else if (!mixed)
        steps = [{ ...step({ name: "Run task" }), env }];
    else
        steps = [
            { ...step({ name: "Run task (agent)", if: "matrix.kind == 'prompt'" }), env },
            step({ name: "Run task", if: "matrix.kind != 'prompt'" }),
        ];
    job.steps = [checkoutStep(), ...steps];
    return job;
}
/** The longest task with all its retries, rounded up to minutes, plus the job's own overhead. */
function timeoutMinutes(plan, tasks) {
    const longest = Math.max(...tasks.map((t) => Math.ceil((t.timeoutMs * (t.retries + 1)) / 60_000)));
    const setup = plan.agent?.setup && tasks.some((t) => t.kind === "prompt") ? SETUP_MINUTES : 0;
    return longest + JOB_OVERHEAD_MINUTES + setup;
}
/** `n` consecutive slices whose sizes differ by at most one. */
function splitEvenly(items, n) {
    const out = [];
    let start = 0;
    for (let i = 0; i < n; i++) {
        const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
        out.push(items.slice(start, start + size));
        start += size;
    }
    return out;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./src/engine/env.ts
var engine_env = __webpack_require__(98725);
;// CONCATENATED MODULE: ./src/engine/process.ts
/**
 * Runs a task's process: its own process group so a timeout (or the task ending) kills every child,
 * including background processes the script left behind; output goes to the task log with the
 * values of secrets replaced by `***`.
 */



function runProcess(spec) {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const log = (0,external_node_fs_.createWriteStream)(spec.logFile, { flags: "a" });
        const child = (0,external_node_child_process_.spawn)(spec.command, spec.args, {
            cwd: spec.cwd,
            env: spec.env,
            detached: true,
            stdio: ["pipe", "pipe", "pipe"],
        });
        let timedOut = false;
        const killGroup = (signal) => {
            try {
                if (child.pid)
                    process.kill(-child.pid, signal);
            }
            catch { }
        };
        const timer = setTimeout(() => {
            timedOut = true;
            log.write(`\n[waveplan] timeout after ${spec.timeoutMs} ms: killing the task's process group\n`);
            killGroup("SIGTERM");
            setTimeout(() => killGroup("SIGKILL"), spec.killGraceMs ?? 2000).unref();
        }, spec.timeoutMs);
        const emit = (b) => {
            if (b.length === 0)
                return;
            log.write(b);
            spec.onOutput?.(b);
        };
        // stdout and stderr interleave into one log, so each gets its own redactor: a secret split
        // across two writes of one stream is still found when the other stream writes in between
        const redactors = [new Redactor(spec.redact ?? []), new Redactor(spec.redact ?? [])];
        const flushOutput = () => {
            for (const r of redactors)
                emit(r.flush());
        };
        child.stdout.on("data", (b) => emit(redactors[0].push(b)));
        child.stderr.on("data", (b) => emit(redactors[1].push(b)));
        child.stdin.on("error", () => { });
        child.stdin.end(spec.stdin ?? "");
        child.on("error", (e) => {
            clearTimeout(timer);
            flushOutput();
            log.end(() => reject(e));
        });
        // 'exit' rather than 'close': a background process holding the pipes open must not hang the task.
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            killGroup("SIGKILL");
            const finish = () => {
                child.stdout.destroy();
                child.stderr.destroy();
                flushOutput();
                log.end(() => resolve({ exitCode: code, signal, timedOut, durationMs: Date.now() - started }));
            };
            // let already-buffered output drain briefly
            setTimeout(finish, 20);
        });
    });
}
/** The values of the environment variables named as secrets (unset or empty ones are skipped). */
function secretValues(names, env) {
    return (0,engine_env/* namedSecrets */.p)(names, env).map((s) => s.value);
}
const REDACTED = "***";
/**
 * Replaces secret values in a byte stream with `***`. Output arrives in arbitrary chunks, so the
 * last bytes of each chunk that could be the start of a secret are held back until the next chunk
 * (or flush) shows whether they are. A multi-line secret is also redacted line by line, since
 * programs often print it wrapped or a line at a time.
 */
class Redactor {
    needles;
    holdBack;
    pending = Buffer.alloc(0);
    constructor(values) {
        const all = new Set();
        for (const v of values) {
            if (v.trim() === "")
                continue;
            all.add(v);
            for (const line of v.split(/\r?\n/))
                if (line.trim().length >= 4)
                    all.add(line);
        }
        // longest first: at one position the longer secret wins over a secret that is its prefix
        this.needles = [...all].map((v) => Buffer.from(v)).sort((a, b) => b.length - a.length);
        this.holdBack = Math.max(0, ...this.needles.map((n) => n.length - 1));
    }
    /** Bytes that are safe to write now. */
    push(chunk) {
        if (this.needles.length === 0)
            return chunk;
        const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
        const out = [];
        let from = 0;
        for (;;) {
            let at = -1;
            let len = 0;
            for (const n of this.needles) {
                const i = data.indexOf(n, from);
                if (i !== -1 && (at === -1 || i < at)) {
                    at = i;
                    len = n.length;
                }
            }
            if (at === -1)
                break;
            out.push(data.subarray(from, at), Buffer.from(REDACTED));
            from = at + len;
        }
        // a secret starting in the last holdBack bytes may continue in the next chunk
        const keepFrom = Math.max(from, data.length - this.holdBack);
        out.push(data.subarray(from, keepFrom));
        this.pending = Buffer.from(data.subarray(keepFrom));
        return Buffer.concat(out);
    }
    /** The held-back tail, at the end of the stream: it holds no complete secret. */
    flush() {
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        return rest;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/checkpoint/record.ts
var checkpoint_record = __webpack_require__(83361);
// EXTERNAL MODULE: ./src/graph/upstream.ts
var graph_upstream = __webpack_require__(48075);
// EXTERNAL MODULE: ./src/plan/hash.ts
var hash = __webpack_require__(22239);
// EXTERNAL MODULE: ./src/checkpoint/verify.ts
var verify = __webpack_require__(26681);
// EXTERNAL MODULE: ./src/git/git.ts
var git = __webpack_require__(10308);
;// CONCATENATED MODULE: ./src/engine/capture.ts
/**
 * Capture: the task's change as a binary-safe patch against its materialized tree (renames are
 * recorded as delete + add so patches apply without rename detection), plus its declared outputs.
 */





async function captureChange(workspace, materialized, task, checkpointDir) {
    await (0,git/* git */.$Y)(["add", "-A"], { cwd: workspace });
    const diffArgs = ["diff", "--cached", "--no-renames", "--no-ext-diff", "--no-textconv", materialized];
    const patch = (await (0,git/* gitRaw */.Pm)([...diffArgs, "--binary", "--full-index"], { cwd: workspace })).stdout;
    const patchFile = (0,external_node_path_.join)(checkpointDir, checkpoint_record/* PATCH_FILE */.mO);
    await (0,promises_.writeFile)(patchFile, patch);
    const numstat = (await (0,git/* gitRaw */.Pm)([...diffArgs, "--numstat", "-z"], { cwd: workspace })).stdout.toString("utf8");
    const { files, insertions, deletions } = parseNumstat(numstat);
    const outputs = [];
    const missing = [];
    for (const path of task.outputs) {
        const src = (0,external_node_path_.join)(workspace, path);
        const st = await (0,promises_.lstat)(src).catch(() => undefined);
        if (!st?.isFile()) {
            missing.push(st ? `${path} (not a regular file)` : path);
            continue;
        }
        const dest = (0,external_node_path_.join)(checkpointDir, checkpoint_record/* OUTPUTS_DIR */.JQ, path);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(dest), { recursive: true });
        await (0,promises_.copyFile)(src, dest);
        outputs.push({ path, sha256: await (0,verify/* sha256File */.Q3)(dest), bytes: st.size });
    }
    return {
        patch: { sha256: await (0,verify/* sha256File */.Q3)(patchFile), bytes: patch.length, files, insertions, deletions },
        outputs,
        error: missing.length ? `declared output${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}` : undefined,
    };
}
/** `git diff --numstat -z`: "added\tdeleted\tpath\0" per file; binary files show "-". */
function parseNumstat(text) {
    const files = [];
    let insertions = 0;
    let deletions = 0;
    for (const entry of text.split("\0")) {
        const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(entry);
        if (!m)
            continue;
        files.push(m[3]);
        insertions += m[1] === "-" ? 0 : Number(m[1]);
        deletions += m[2] === "-" ? 0 : Number(m[2]);
    }
    return { files, insertions, deletions };
}
async function guardGitState(workspace) {
    const [commonDir, gitDir] = (await (0,git/* git */.$Y)(["rev-parse", "--path-format=absolute", "--git-common-dir", "--git-dir"], { cwd: workspace })).split("\n");
    const dotGit = (0,external_node_path_.join)(workspace, ".git");
    const linked = (await (0,promises_.lstat)(dotGit).catch(() => undefined))?.isFile() ?? false;
    const hooksDir = (0,external_node_path_.join)(commonDir, "hooks");
    const watched = [(0,external_node_path_.join)(commonDir, "config"), (0,external_node_path_.join)(commonDir, "HEAD"), (0,external_node_path_.join)(gitDir, "config.worktree"), ...(linked ? [dotGit] : [])];
    for (const name of await (0,promises_.readdir)(hooksDir).catch(() => []))
        watched.push((0,external_node_path_.join)(hooksDir, name));
    const files = new Map(await Promise.all(watched.map(async (f) => [f, await readWatched(f)])));
    const parent = linked ? { dir: (0,external_node_path_.dirname)(workspace), entries: new Set(await (0,promises_.readdir)((0,external_node_path_.dirname)(workspace))) } : undefined;
    return { gitDir, commonDir, hooksDir, files, refs: await listRefs(commonDir), dotGit: linked ? dotGit : undefined, parent };
}
/** Undefined when nothing changed; otherwise why the task is refused (files it changed are restored; refs are only reported). */
async function checkGitState(guard) {
    const changed = [];
    const stuck = [];
    const shown = (f) => (0,external_node_path_.relative)((0,external_node_path_.dirname)(guard.commonDir), f);
    const undo = (what, p) => p.catch(() => stuck.push(what));
    for (const [file, before] of guard.files) {
        const now = await readWatched(file);
        if (now === before || (now && before && now.mode === before.mode && now.data.equals(before.data)))
            continue;
        const name = file === guard.dotGit ? ".git" : shown(file);
        changed.push(name);
        await undo(name, restoreWatched(file, before));
    }
    for (const name of await (0,promises_.readdir)(guard.hooksDir).catch(() => [])) {
        const file = (0,external_node_path_.join)(guard.hooksDir, name);
        if (guard.files.has(file))
            continue;
        changed.push(shown(file));
        await undo(shown(file), (0,promises_.rm)(file, { recursive: true, force: true }));
    }
    // Branches and tags are reported, never rewritten: the user may have moved one meanwhile.
    const refs = await listRefs(guard.commonDir);
    const moved = [];
    for (const ref of new Set([...guard.refs.keys(), ...refs.keys()])) {
        const before = guard.refs.get(ref);
        const now = refs.get(ref);
        if (before !== now)
            moved.push(`${ref} ${before ? (now ? `moved from ${before.slice(0, 12)} to ${now.slice(0, 12)}` : "deleted") : "created"}`);
    }
    const outside = [];
    if (guard.parent) {
        for (const name of await (0,promises_.readdir)(guard.parent.dir)) {
            // the pool adds worktrees (wt-<n>) for parallel tasks while this one runs
            if (guard.parent.entries.has(name) || /^wt-\d+$/.test(name))
                continue;
            outside.push(`../${name}`);
            await undo(`../${name}`, (0,promises_.rm)((0,external_node_path_.join)(guard.parent.dir, name), { recursive: true, force: true }));
        }
    }
    const reasons = [
        ...(changed.length ? [`changed the repository's git state (${changed.join(", ")})`] : []),
        ...(outside.length ? [`wrote outside its worktree (${outside.join(", ")})`] : []),
    ];
    const parts = [
        ...(reasons.length ? [`${reasons.join(" and ")}${stuck.length ? `; could not undo: ${stuck.join(", ")}` : "; undone"}`] : []),
        ...(moved.length ? [`changed branches or tags, left as they are for you to check (${moved.join(", ")})`] : []),
    ];
    return parts.length ? `refused: the task ${parts.join("; and it ")}` : undefined;
}
async function readWatched(file) {
    const st = await (0,promises_.lstat)(file).catch(() => undefined);
    if (!st?.isFile())
        return st ? { data: Buffer.from(`<${st.isDirectory() ? "directory" : "special file"}>`), mode: st.mode } : undefined;
    return { data: await (0,promises_.readFile)(file), mode: st.mode };
}
async function restoreWatched(file, before) {
    await (0,promises_.rm)(file, { recursive: true, force: true });
    if (!before)
        return;
    await (0,promises_.writeFile)(file, before.data, { mode: before.mode & 0o7777 });
    await (0,promises_.chmod)(file, before.mode & 0o7777);
}
/** The repository's branches and tags (not remote-tracking refs: a background fetch may update those). */
async function listRefs(commonDir) {
    const out = await (0,git/* git */.$Y)([`--git-dir=${commonDir}`, "for-each-ref", "--format=%(objectname) %(refname) %(symref)", "refs/heads", "refs/tags"], { cwd: commonDir });
    const refs = new Map();
    for (const line of out.split("\n")) {
        const [oid, ref, symref] = line.split(" ");
        if (ref && !symref)
            refs.set(ref, oid);
    }
    return refs;
}

;// CONCATENATED MODULE: ./src/engine/execute.ts
/**
 * Execute: a `run:` task is its script under `bash -eo pipefail`; a `prompt:` task is the plan's agent
 * command with the prompt on stdin. Both get the WAVEPLAN_* variables and run in the task workspace.
 */



function taskEnv(o) {
    const { plan, task } = o;
    const role = plan.instances.find((i) => i.id === task.instance)?.role ?? "";
    return {
        ...o.env,
        ...plan.env,
        ...task.env,
        WAVEPLAN_RUN: o.runId,
        WAVEPLAN_PLAN: plan.name,
        WAVEPLAN_TASK: task.id,
        WAVEPLAN_TASK_TITLE: task.title,
        WAVEPLAN_INSTANCE: task.instance,
        WAVEPLAN_ROLE: role,
        WAVEPLAN_WAVE: task.waveId,
    };
}
async function executeTask(o) {
    const env = taskEnv(o);
    // agent.secrets name the variables whose values are secret: never in a log, whichever task prints them
    const redact = secretValues(o.plan.agent?.secrets ?? [], env);
    if (o.task.kind === "run") {
        const script = (0,external_node_path_.join)(o.scratchDir, `${o.task.id}.sh`);
        await (0,promises_.writeFile)(script, o.task.body);
        return runProcess({
            command: "bash",
            args: ["-eo", "pipefail", script],
            cwd: o.workspace,
            env,
            timeoutMs: o.task.timeoutMs,
            logFile: o.logFile,
            onOutput: o.onOutput,
            redact,
        });
    }
    const command = o.plan.agent?.command;
    if (!command)
        throw new Error(`task "${o.task.id}" is a prompt task but the plan has no agent.command`);
    return runProcess({
        command: "bash",
        args: ["-eo", "pipefail", "-c", command],
        cwd: o.workspace,
        env,
        stdin: o.task.body,
        timeoutMs: o.task.timeoutMs,
        logFile: o.logFile,
        onOutput: o.onOutput,
        redact,
    });
}

// EXTERNAL MODULE: ./src/engine/gate.ts
var gate = __webpack_require__(14347);
// EXTERNAL MODULE: ./src/engine/materialize.ts
var materialize = __webpack_require__(93867);
;// CONCATENATED MODULE: ./src/engine/task.ts
/**
 * The one execution path for a task, shared by `waveplan run` and the GitHub action:
 * gate → materialize → execute → capture → checkpoint.
 */










async function runTask(ctx, task, workspace, hooks = {}) {
    const upstream = await (0,gate/* gate */.Gj)(ctx, task);
    const materialized = await (0,materialize/* materializeCommit */.h)(ctx.repoDir, ctx.base, upstream, ctx.trees);
    await (0,materialize/* checkoutClean */.Y)(workspace, materialized, upstream);
    await (0,promises_.mkdir)(ctx.logDir, { recursive: true });
    const logFile = (0,external_node_path_.join)(ctx.logDir, `${task.id}.log`);
    await (0,promises_.writeFile)(logFile, "");
    const guard = await guardGitState(workspace);
    hooks.onStart?.(task);
    const startedAt = new Date();
    let result = { exitCode: null, timedOut: false, signal: null };
    let tries = 0;
    let refused;
    for (;;) {
        tries++;
        if (tries > 1) {
            await (0,promises_.appendFile)(logFile, `\n[waveplan] retry ${tries - 1} of ${task.retries}: starting again from the materialized tree\n`);
            await (0,materialize/* checkoutClean */.Y)(workspace, materialized, upstream);
        }
        result = await executeTask({
            plan: ctx.plan,
            task,
            workspace,
            scratchDir: ctx.scratchDir,
            logFile,
            env: ctx.env,
            runId: ctx.runId,
            onOutput: ctx.onOutput && ((chunk) => ctx.onOutput?.(task.id, chunk)),
        });
        // a task that touched the repository's git state or other worktrees is refused, not retried
        refused = await checkGitState(guard);
        if (refused || (result.exitCode === 0 && !result.timedOut) || tries > task.retries)
            break;
    }
    const finishedAt = new Date();
    const dir = (0,external_node_path_.join)(ctx.scratchDir, "checkpoints", `${task.id}-${(0,external_node_crypto_.randomBytes)(4).toString("hex")}`);
    await (0,promises_.mkdir)(dir, { recursive: true });
    const captured = await captureChange(workspace, materialized, task, dir);
    const processError = result.timedOut
        ? `timed out after ${Math.round(task.timeoutMs / 1000)}s`
        : result.exitCode !== 0
            ? `exited with ${result.exitCode === null ? `signal ${result.signal}` : `code ${result.exitCode}`}`
            : undefined;
    const error = refused ?? processError ?? captured.error;
    const record = {
        schema: checkpoint_record/* CHECKPOINT_SCHEMA */.DE,
        plan: { name: ctx.plan.name, hash: ctx.planHash },
        run: { id: ctx.runId, attempt: ctx.attempt },
        base: ctx.base,
        task: { id: task.id, wave: task.waveId, instance: task.instance, hash: (0,hash/* taskHash */.UP)(ctx.plan, task) },
        status: error ? "failure" : "success",
        exitCode: result.exitCode,
        ...(error ? { error } : {}),
        tries,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        patch: captured.patch,
        outputs: captured.outputs,
        upstream: (0,graph_upstream/* upstreamOf */.Fw)(ctx.plan, task).map((u) => ({ task: u.id, record: ctx.verified.get(u.id)?.recordSha256 ?? "" })),
    };
    await writeAtomic((0,external_node_path_.join)(dir, checkpoint_record/* RECORD_FILE */.lt), `${JSON.stringify(record, null, 2)}\n`);
    await ctx.store.publish(task.id, dir);
    return { task, status: record.status, record, logFile, error };
}
async function writeAtomic(file, data) {
    const tmp = `${file}.${process.pid}.${(0,external_node_crypto_.randomBytes)(3).toString("hex")}.tmp`;
    await (0,promises_.writeFile)(tmp, data);
    await (0,promises_.rename)(tmp, file);
}

// EXTERNAL MODULE: ./src/plan/model.ts
var model = __webpack_require__(38582);
// EXTERNAL MODULE: ./src/report/summary.ts + 2 modules
var summary = __webpack_require__(18269);
// EXTERNAL MODULE: ./src/action/context.ts + 1 modules
var context = __webpack_require__(12298);
// EXTERNAL MODULE: ./src/action/errors.ts
var errors = __webpack_require__(78055);
// EXTERNAL MODULE: ./src/action/plan.ts + 4 modules
var plan = __webpack_require__(10849);
// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(75242);
;// CONCATENATED MODULE: ./src/action/task.ts
/**
 * `task` (a wave job): one task through the engine's execution path — gate (download and verify every
 * upstream checkpoint), materialize, execute, capture — with the checkpoint uploaded as this
 * attempt's artifact. Output streams into the job log; failures are annotated at the task in the plan.
 */












async function task() {
    const r = (0,runner/* runner */.lj)();
    const loaded = await (0,plan/* loadPlan */.Y)(r);
    const id = (0,runner/* input */.hF)("task");
    const t = (0,model/* findTask */.VX)(loaded.plan, id);
    if (!t)
        throw new errors.ActionError(`no task "${id}" in ${loaded.file} (tasks: ${loaded.plan.tasks.map((x) => x.id).join(", ")})`);
    core/* setOutput */.uH("status", "failure");
    try {
        await runOne(r, loaded, t);
    }
    catch (e) {
        // gate refusals, setup failures, upload errors: all belong to this task's place in the plan
        (0,errors.fail)(e, { file: loaded.file, at: loaded.locate(t.source) });
        await core/* summary */.z
            .addRaw((0,summary/* renderTaskNotStarted */.ah)(loaded.plan, t.id, e?.message ?? String(e)))
            .write()
            .catch(() => { }); // the annotation above already says it all
    }
}
async function runOne(r, loaded, t) {
    const { plan } = loaded;
    const { ctx, store } = await (0,context/* jobContext */.R)(r, plan);
    if (t.kind === "prompt" && plan.agent?.setup)
        await agentSetup(r, ctx, loaded, plan.agent.setup);
    ctx.onOutput = (_task, chunk) => process.stdout.write(chunk);
    core/* startGroup */.Oh(`Upstream checkpoints of ${t.id}`);
    const outcome = await runTask(ctx, t, r.workspace, {
        onStart: () => {
            core/* info */.pq(`${ctx.verified.size} upstream checkpoint${ctx.verified.size === 1 ? "" : "s"} verified and applied`);
            core/* endGroup */.N4();
            core/* startGroup */.Oh(`${t.waveId} · ${t.instance} · ${t.id}: ${t.title}`);
        },
    }).finally(() => core/* endGroup */.N4());
    const { record } = outcome;
    const artifact = store.nameFor(t.id);
    core/* info */.pq(`checkpoint of ${t.id} uploaded as artifact ${artifact}: ${record.status}, ${record.patch.files.length} files changed, ${record.outputs.length} outputs`);
    core/* setOutput */.uH("status", record.status);
    core/* setOutput */.uH("checkpoint", artifact);
    await core/* summary */.z.addRaw((0,summary/* renderTaskSummary */.sZ)(plan, record, artifact)).write();
    if (outcome.status === "failure") {
        (0,errors.annotate)(`task "${t.id}" (${t.instance}) failed: ${outcome.error}`, { file: loaded.file, at: loaded.locate(t.source) }, `waveplan ${t.id}`);
        process.exitCode = core/* ExitCode */.yU.Failure;
    }
}
/** `agent.setup`, from the hash-checked plan file: once per job, before a prompt task. */
async function agentSetup(r, ctx, loaded, script) {
    const file = (0,external_node_path_.join)(ctx.scratchDir, "agent-setup.sh");
    await (0,promises_.writeFile)(file, script);
    const result = await core/* group */.Os("Agent setup (agent.setup)", () => runProcess({
        command: "bash",
        args: ["-eo", "pipefail", file],
        // Whatever it leaves in the checkout is removed when the task's tree is materialized: setup
        // is for tools (installed globally or under $HOME), never part of the change.
        cwd: r.workspace,
        env: (0,runner/* taskBaseEnv */.We)(),
        timeoutMs: SETUP_MINUTES * 60_000,
        logFile: (0,external_node_path_.join)(ctx.logDir, "agent-setup.log"),
        onOutput: (chunk) => process.stdout.write(chunk),
    }));
    if (result.exitCode !== 0 || result.timedOut) {
        const why = result.timedOut ? `timed out after ${SETUP_MINUTES} minutes` : `exited with ${result.exitCode ?? result.signal}`;
        throw new errors.ActionError(`agent.setup (${loaded.file}) ${why}; the task did not run`);
    }
}


/***/ })

};
