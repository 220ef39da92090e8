export const id = 678;
export const ids = [678];
export const modules = {

/***/ 4678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_AUTHOR: () => (/* binding */ DEFAULT_AUTHOR),
  finalize: () => (/* binding */ finalize)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
// EXTERNAL MODULE: ./src/checkpoint/verify.ts
var verify = __webpack_require__(26681);
// EXTERNAL MODULE: ./src/engine/gate.ts
var gate = __webpack_require__(14347);
// EXTERNAL MODULE: ./src/report/summary.ts + 2 modules
var summary = __webpack_require__(18269);
// EXTERNAL MODULE: ./src/engine/materialize.ts
var materialize = __webpack_require__(93867);
// EXTERNAL MODULE: ./src/git/git.ts
var git_git = __webpack_require__(10308);
// EXTERNAL MODULE: ./src/plan/hash.ts
var hash = __webpack_require__(22239);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/run/snapshot.ts
/**
 * `--allow-dirty`: the run is based on a snapshot of the working tree (tracked changes and untracked,
 * not ignored, files) committed off-branch through a private index — the user's index, working tree
 * and branches are not touched. Landing later moves only the plan's own change onto HEAD.
 */




async function snapshotWorkingTree(repo, head) {
    const tmp = await mkdtemp(join(tmpdir(), "waveplan-snapshot-"));
    const env = { GIT_INDEX_FILE: join(tmp, "index") };
    try {
        await git(["read-tree", head], { cwd: repo, env });
        await git(["add", "-A", "--", ".", ":(exclude).waveplan"], { cwd: repo, env });
        const tree = await git(["write-tree"], { cwd: repo, env });
        return await commitTree(repo, tree, [head], "waveplan: snapshot of the uncommitted working tree");
    }
    finally {
        await rm(tmp, { recursive: true, force: true });
    }
}
/**
 * The change from `base` to `result`, re-applied onto `onto` as one commit (parent `onto`). Used when
 * the run's base was a snapshot: the landed commit carries the plan's change, not the user's edits.
 */
async function moveChange(repo, base, result, onto, message, identity) {
    // bytes, not text: a patch may carry file contents that are not UTF-8
    const patch = (await (0,git_git/* gitRaw */.Pm)(["diff", "--binary", "--full-index", "--no-renames", base, result], { cwd: repo })).stdout;
    const tmp = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), "waveplan-move-"));
    const env = { GIT_INDEX_FILE: (0,external_node_path_.join)(tmp, "index") };
    try {
        await (0,git_git/* git */.$Y)(["read-tree", onto], { cwd: repo, env });
        if (patch.length > 0) {
            await (0,git_git/* git */.$Y)(["apply", "--cached", "--binary", "--whitespace=nowarn", "-"], { cwd: repo, env, input: patch }).catch((e) => {
                throw new Error(`the plan's change does not apply to HEAD without your uncommitted edits (${e.message.split("\n")[1] ?? ""}); land it on a new branch with --resume <run> --branch NAME (a snapshot commit of your edits, then the plan's commit)`);
            });
        }
        const tree = await (0,git_git/* git */.$Y)(["write-tree"], { cwd: repo, env });
        return await (0,git_git/* commitTree */.SC)(repo, tree, [onto], message, identity);
    }
    finally {
        await (0,promises_.rm)(tmp, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/run/land.ts





class LandError extends (/* unused pure expression or super */ null && (Error)) {
}
function commitMessage(plan, runId) {
    const instances = [...new Set(plan.tasks.map((t) => t.instance))].map((id) => `${id} (${plan.instances.find((i) => i.id === id)?.role ?? "?"})`);
    return [
        plan.land.message ?? `waveplan: ${plan.name}`,
        "",
        `Plan: ${plan.name} (${(0,hash/* planHash */.SH)(plan).slice(0, 12)})`,
        `Run: ${runId}`,
        `Waves: ${plan.waves.map((w) => w.id).join(", ")} (${plan.tasks.length} tasks)`,
        `Instances: ${instances.join(", ")}`,
    ].join("\n");
}
/** Identity for the landed commit: `override` (the action's input), else plan.land.author, else the user's git config, else waveplan. */
async function identity(repo, plan, override) {
    const wanted = override || plan.land.author;
    const author = wanted && /^(.+) <(.+)>$/.exec(wanted);
    if (author)
        return { GIT_AUTHOR_NAME: author[1], GIT_AUTHOR_EMAIL: author[2], GIT_COMMITTER_NAME: author[1], GIT_COMMITTER_EMAIL: author[2] };
    const configured = await (0,git_git/* git */.$Y)(["var", "GIT_AUTHOR_IDENT"], { cwd: repo }).then(() => true, () => false);
    return configured
        ? {}
        : {
            GIT_AUTHOR_NAME: "waveplan",
            GIT_AUTHOR_EMAIL: "waveplan@localhost",
            GIT_COMMITTER_NAME: "waveplan",
            GIT_COMMITTER_EMAIL: "waveplan@localhost",
        };
}
/** Build the landing commit (not yet on any branch). `author` ("Name <email>") overrides the plan's. */
async function landingCommit(repo, plan, runId, base, all, options = {}) {
    (0,gate/* assertNoConflicts */.Vx)(plan, all);
    const combined = await (0,materialize/* materializeCommit */.h)(repo, base, all, options.trees);
    const who = await identity(repo, plan, options.author);
    if (options.onto && options.onto !== base)
        return moveChange(repo, base, combined, options.onto, commitMessage(plan, runId), who);
    const tree = await (0,git_git/* git */.$Y)(["rev-parse", `${combined}^{tree}`], { cwd: repo });
    return (0,git_git/* commitTree */.SC)(repo, tree, [base], commitMessage(plan, runId), who);
}
/**
 * The landing target already holds this result: one commit on top of the base with the same tree. That
 * is what a run killed after landing but before recording it left behind; its resume must not fail.
 */
async function alreadyLanded(repo, rev, commit, base) {
    const parents = await git(["rev-list", "--parents", "-n", "1", rev], { cwd: repo });
    if (parents.split(" ").slice(1).join(" ") !== base)
        return undefined;
    const [have, want] = await Promise.all([
        git(["rev-parse", `${rev}^{tree}`], { cwd: repo }),
        git(["rev-parse", `${commit}^{tree}`], { cwd: repo }),
    ]);
    return have === want ? git(["rev-parse", rev], { cwd: repo }) : undefined;
}
/** Put `commit` on the target; returns the branch and the commit that holds the result there. */
async function land(repo, commit, base, branch) {
    if (branch) {
        const ref = `refs/heads/${branch}`;
        await git(["check-ref-format", ref], { cwd: repo }).catch(() => {
            throw new LandError(`"${branch}" is not a valid branch name`);
        });
        const current = await git(["rev-parse", "-q", "--verify", ref], { cwd: repo, okCodes: [1] });
        if (current && current !== base) {
            const landed = await alreadyLanded(repo, current, commit, base);
            if (landed)
                return { branch, commit: landed };
            throw new LandError(`branch ${branch} exists and is not at the run's base ${base.slice(0, 12)}; choose another --branch`);
        }
        await git(["update-ref", ref, commit, current || "0000000000000000000000000000000000000000"], { cwd: repo });
        return { branch, commit };
    }
    const head = await headCommit(repo);
    const current = async () => (await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: repo, okCodes: [1] })) || "HEAD (detached)";
    if (head !== base) {
        const landed = await alreadyLanded(repo, head, commit, base);
        if (landed)
            return { branch: await current(), commit: landed };
        throw new LandError(`HEAD moved since the run started (${base.slice(0, 12)} → ${head.slice(0, 12)}); land on a new branch with --resume <run> --branch NAME`);
    }
    try {
        await git(["merge", "-q", "--ff-only", commit], { cwd: repo });
    }
    catch (e) {
        const why = e instanceof GitError ? e.stderr.trim().split("\n").slice(0, 4).join("; ") : String(e);
        throw new LandError(`cannot fast-forward the working tree to the result (${why}); your files were not changed — commit or stash local edits, or use --branch NAME`);
    }
    return { branch: await current(), commit };
}

// EXTERNAL MODULE: ./src/action/context.ts + 1 modules
var context = __webpack_require__(12298);
// EXTERNAL MODULE: ./src/action/errors.ts
var errors = __webpack_require__(78055);
;// CONCATENATED MODULE: ./src/action/needs.ts
/** The `needs` input of final-commit: `toJSON(needs)`, every job it waits for with its result. */

/** What the workflow passes; written out for messages (not a template string). */
const EXPRESSION = ["$", "{{ toJSON(needs) }}"].join("");
/**
 * Jobs whose result is not `success`. Skipped and cancelled count as failures: a required check
 * that passes because the waves before it were skipped would land nothing yet look green.
 */
function unsuccessfulJobs(text) {
    let needs;
    try {
        needs = JSON.parse(text);
    }
    catch {
        throw new errors.ActionError(`input "needs" is not JSON; pass \`needs: ${EXPRESSION}\``);
    }
    if (!needs || typeof needs !== "object" || Array.isArray(needs) || Object.keys(needs).length === 0)
        throw new errors.ActionError(`input "needs" must be the object \`${EXPRESSION}\` naming every wave job, got ${text.slice(0, 80)}`);
    return Object.entries(needs)
        .map(([job, v]) => ({ job, result: typeof v?.result === "string" ? v.result : "unknown" }))
        .filter((j) => j.result !== "success");
}

// EXTERNAL MODULE: ./src/action/plan.ts + 4 modules
var plan = __webpack_require__(10849);
;// CONCATENATED MODULE: ./src/action/push.ts
/**
 * Landing on GitHub: push the landing commit to a branch of the checkout's `origin`, and for the
 * pull-request strategy open or update a pull request.
 *
 * The token travels as an `http.<server>/.extraheader` Authorization header, as actions/checkout
 * does, but through GIT_CONFIG_* environment variables: never in a URL, an argument list, the
 * repository's config file or the log.
 */



/** The token as HTTP basic credentials, the form git sends (and the log must mask as well). */
function basicCredentials(token) {
    return Buffer.from(`x-access-token:${token}`).toString("base64");
}
function authEnv(token) {
    if (!token)
        return {};
    const header = `AUTHORIZATION: basic ${basicCredentials(token)}`;
    const server = (process.env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
    return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: `http.${server}/.extraheader`, GIT_CONFIG_VALUE_0: header };
}
/**
 * Pushes `commit` to `refs/heads/<branch>` of origin. Without `force` the push only fast-forwards,
 * so a branch that moved since the run started is never overwritten.
 */
async function pushCommit(repo, commit, branch, token, force = false) {
    await (0,git_git/* git */.$Y)(["check-ref-format", `refs/heads/${branch}`], { cwd: repo }).catch(() => {
        throw new errors.ActionError(`"${branch}" is not a valid branch name`);
    });
    if (token)
        core/* setSecret */.Pq(basicCredentials(token));
    const refspec = `${force ? "+" : ""}${commit}:refs/heads/${branch}`;
    try {
        await (0,git_git/* git */.$Y)(["push", "--quiet", "--no-verify", "origin", refspec], { cwd: repo, env: authEnv(token) });
    }
    catch (e) {
        const why = e instanceof git_git/* GitError */.XS ? e.stderr.trim().split("\n").slice(0, 4).join("; ") : e.message;
        const moved = /non-fast-forward|fetch first|rejected/.test(why);
        throw new errors.ActionError(moved
            ? `branch ${branch} moved since the run started, so the change was not pushed (it would overwrite newer commits); run the workflow again from the new head (${why})`
            : `cannot push to branch ${branch} of origin: ${why}`);
    }
}
/** Opens a pull request from `head` into `base`, or updates the open one; returns its URL. */
async function openOrUpdatePullRequest(spec) {
    // loaded here only: the GitHub client is large and only this path needs it
    const { getOctokit, context } = await __webpack_require__.e(/* import() */ 351).then(__webpack_require__.bind(__webpack_require__, 61351));
    const octokit = getOctokit(spec.token);
    const { owner, repo } = context.repo;
    const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${spec.head}`, base: spec.base, state: "open" });
    if (open.data.length > 0) {
        const pr = open.data[0];
        await octokit.rest.pulls.update({ owner, repo, pull_number: pr.number, title: spec.title, body: spec.body });
        return pr.html_url;
    }
    const created = await octokit.rest.pulls.create({ owner, repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body });
    return created.data.html_url;
}

// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(75242);
;// CONCATENATED MODULE: ./src/action/finalize.ts
/**
 * `finalize` (the final-commit job, `if: always()`): fails listing every wave job that did not
 * succeed; otherwise downloads every checkpoint of the run, verifies the complete chain with the
 * gate's own expectations, builds the one landing commit and, when asked to, pushes it or opens a
 * pull request. Writes the run's job summary either way.
 */











/** Who authors the landed commit when neither the `author` input nor the plan says. */
const DEFAULT_AUTHOR = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>";
async function finalize() {
    const r = (0,runner/* runner */.lj)();
    const loaded = await (0,plan/* loadPlan */.Y)(r);
    core/* setOutput */.uH("status", "failure");
    const failed = unsuccessfulJobs((0,runner/* input */.hF)("needs"));
    if (failed.length) {
        const list = failed.map((f) => `${f.job} (${f.result})`).join(", ");
        (0,errors.annotate)(`not landed: ${failed.length} job${failed.length === 1 ? "" : "s"} of the run did not succeed: ${list}`, {
            file: loaded.file,
        });
        await core/* summary */.z.addRaw((0,summary/* renderFailedWavesSummary */.yB)(loaded.plan, loaded.file, failed)).write();
        process.exitCode = core/* ExitCode */.yU.Failure;
        return;
    }
    const verified = await core/* group */.Os("Verify every checkpoint", () => verifyAll(r, loaded.plan));
    const records = verified.map((v) => v.record);
    const author = core/* getInput */.V4("author") || loaded.plan.land.author || DEFAULT_AUTHOR;
    const commit = await landingCommit(r.workspace, loaded.plan, r.runId, r.sha, verified, { author });
    core/* info */.pq(`landing commit ${commit} (${records.reduce((n, c) => n + c.patch.files.length, 0)} file changes from ${records.length} tasks)`);
    core/* setOutput */.uH("commit", commit);
    const outcome = await finalize_land(r, loaded, commit);
    core/* setOutput */.uH("status", outcome.status);
    await core/* summary */.z.addRaw(finalize_summary(r, loaded, records, outcome.text)).write();
}
/** Fetches every checkpoint at once, then verifies them in plan order (each record cites the ones before it). */
async function verifyAll(r, plan) {
    const { ctx } = await (0,context/* jobContext */.R)(r, plan);
    const dirs = await Promise.all(plan.tasks.map((t) => ctx.store.fetch(t.id)));
    plan.tasks.forEach((t, i) => {
        if (!dirs[i])
            throw new gate/* GateError */.ue(`cannot land: task "${t.id}" has no checkpoint in run ${r.runId}`);
    });
    for (const [i, t] of plan.tasks.entries()) {
        ctx.verified.set(t.id, await (0,verify/* verifyCheckpoint */.om)(dirs[i], (0,gate/* expectationsFor */.rJ)(ctx, t)));
        core/* info */.pq(`✓ ${t.id} (${t.instance})`);
    }
    return plan.tasks.map((t) => ctx.verified.get(t.id));
}
function parseBoolean(name) {
    const value = core/* getInput */.V4(name).trim().toLowerCase();
    if (value === "" || value === "false")
        return false;
    if (value === "true")
        return true;
    throw new errors.ActionError(`input "${name}" must be true or false, got "${value}"`);
}
async function finalize_land(r, loaded, commit) {
    const { plan } = loaded;
    const short = commit.slice(0, 12);
    if (!parseBoolean("land"))
        return {
            status: "verified",
            text: `All checkpoints verified. Landing commit \`${short}\` was built but not pushed (\`land\` is false).`,
        };
    const token = core/* getInput */.V4("token") || undefined;
    const startBranch = process.env.GITHUB_REF_NAME || "";
    const branch = core/* getInput */.V4("branch") || plan.land.branch;
    if (plan.land.strategy === "pull-request") {
        if (!token)
            throw new errors.ActionError('the plan lands as a pull request, which needs the "token" input');
        const head = branch ||
            `waveplan/${plan.name
                .toLowerCase()
                .replace(/[^a-z0-9._-]+/g, "-")
                .replace(/^-+|-+$/g, "") || "change"}`;
        if (head === startBranch)
            throw new errors.ActionError(`the pull request branch ${head} is the branch the run started on; choose another branch`);
        // the head branch belongs to waveplan: each run replaces the previous run's commit
        await pushCommit(r.workspace, commit, head, token, true);
        const [title, , ...body] = commitMessage(plan, r.runId).split("\n");
        const url = await openOrUpdatePullRequest({ token, head, base: startBranch, title, body: body.join("\n") });
        core/* info */.pq(`pushed ${short} to ${head}; pull request ${url}`);
        return { status: "landed", text: `Landed as \`${short}\` on branch \`${head}\`: pull request ${url}` };
    }
    const target = branch || startBranch;
    if (!target)
        throw new errors.ActionError("no branch to land on: set the branch input (GITHUB_REF_NAME is empty)");
    await pushCommit(r.workspace, commit, target, token);
    core/* info */.pq(`pushed ${short} to ${target}`);
    return { status: "landed", text: `Landed as \`${short}\` on \`${target}\`.` };
}
function finalize_summary(r, loaded, records, outcome) {
    return (0,summary/* renderFinalSummary */.H$)({ plan: loaded.plan, planFile: loaded.file, runId: r.runId, attempt: r.attempt, records, outcome });
}


/***/ })

};
