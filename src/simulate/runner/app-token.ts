/**
 * `actions/create-github-app-token` at the pinned release, emulated (the simulator downloads no
 * action): it does what the action's v3.1.1 `main.js` and `lib/main.js` do, against the simulated
 * GitHub instead of api.github.com —
 *
 * - an empty `client-id` (and `app-id`) fails with the action's own message (main.js);
 * - an empty `private-key` fails with `@octokit/auth-app`'s "[@octokit/auth-app] privateKey option
 *   is required" (dist/main.cjs, createAppAuth), which the action reports through `core.setFailed`;
 * - no `owner`/`repositories`: a token for the current repository (lib/main.js, with its log line);
 * - `permission-*` inputs become the token's permissions; none at all gives the installation's
 *   (get-permissions-from-inputs.js: "Inherit app permissions if no permissions inputs are set");
 * - the token is masked (`core.setSecret`) and set as the step output `token` (lib/main.js).
 *
 * The simulated App is installed on the repository with every repository permission, `workflows`
 * included; its tokens' pushes and pull requests start workflows (github-api/git-http.ts).
 */
import { createPrivateKey } from "node:crypto";
import { PINS, pinnedRef } from "../../compile/pins.js";
import { asString } from "../expressions.js";
import { StepError, type StepOutcome, type StepRun } from "./step.js";

export const APP_TOKEN_ACTION = pinnedRef(PINS.appToken);

/** The message of lib/main.js v3.1.1 for an empty client ID. */
export const EMPTY_CLIENT_ID =
  "The 'client-id' (or deprecated 'app-id') input must be set to a non-empty string. If using a secret or variable, ensure it is available in this workflow context.";
/** `@octokit/auth-app`'s check, thrown by createAppAuth (create-github-app-token v3.1.1 dist/main.cjs). */
export const EMPTY_PRIVATE_KEY = "[@octokit/auth-app] privateKey option is required";

const KNOWN = new Set(["client-id", "app-id", "private-key", "owner", "repositories", "skip-token-revoke", "github-api-url"]);
const LEVELS = new Set(["read", "write", "admin"]);

export async function createAppToken(s: StepRun): Promise<StepOutcome> {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.step.with)) inputs[k] = asString(v, s.contexts).trim();
  const permissions: Record<string, "read" | "write"> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (name.startsWith("permission-")) {
      if (!value) continue;
      if (!LEVELS.has(value)) throw new StepError(`${s.step.where}: ${name} must be read or write, got "${value}"`);
      permissions[name.slice("permission-".length)] = value === "read" ? "read" : "write";
    } else if (!KNOWN.has(name)) throw new StepError(`${s.step.where}: actions/create-github-app-token has no input "${name}"`);
  }
  const fail = (message: string): StepOutcome => {
    s.log.stepLine(`::error::${message}`);
    return "failure";
  };
  const clientId = inputs["client-id"] || inputs["app-id"];
  if (!clientId) return fail(EMPTY_CLIENT_ID);
  if (!inputs["private-key"]) return fail(EMPTY_PRIVATE_KEY);
  // the real action signs a JWT with the key; a value that is no private key cannot sign
  try {
    createPrivateKey(inputs["private-key"].replace(/\\n/g, "\n"));
  } catch (e) {
    return fail(`the private key cannot sign the App's JWT (simulator: ${(e as Error).message})`);
  }

  const [owner, name] = s.run.repository.split("/");
  const repositories = (inputs.repositories ?? "")
    .split(/[\n,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  if ((inputs.owner && inputs.owner !== owner) || repositories.some((r) => r !== name))
    throw new StepError(
      `${s.step.where}: the simulated App is installed on ${s.run.repository} only (owner "${inputs.owner}", repositories "${repositories.join(",")}")`,
    );
  if (!inputs.owner && !repositories.length)
    s.log.info(`Inputs 'owner' and 'repositories' are not set. Creating token for this repository (${owner}/${name}).`);

  const token = s.run.github.appToken(clientId, Object.keys(permissions).length ? permissions : undefined);
  // core.setSecret, then core.setOutput (lib/main.js)
  s.log.stepLine(`::add-mask::${token}`);
  s.log.stepOutputs.token = token;
  return "success";
}
