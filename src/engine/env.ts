/** The environment a task starts from: the caller's, minus what must not leak into it. */

/** Variables that would point a task's git at another repository than its own slot's. */
const GIT_POINTERS = /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|COMMON_DIR)$/;

/** The values of the variables `names` that are set and non-empty, with their names. */
export function namedSecrets(
  names: readonly string[],
  env: Record<string, string | undefined> = process.env,
): { name: string; value: string }[] {
  return names.flatMap((name) => {
    const value = env[name];
    return typeof value === "string" && value !== "" ? [{ name, value }] : [];
  });
}

/** process.env without git pointers and without any variable matching `drop` (e.g. a runner's credentials). */
export function inheritedEnv(drop?: RegExp): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || GIT_POINTERS.test(k) || drop?.test(k)) continue;
    env[k] = v;
  }
  return env;
}
