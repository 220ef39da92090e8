/**
 * The action as `compile` vendors it into a repository (`.github/actions/waveplan/`): the package's
 * action.yml, pointed at the one bundled file beside it, and that file. Pure: the CLI passes the bytes
 * it ships (its own action.yml and dist/index.js), so the copy is exactly what this version writes.
 */
import { VENDORED_ACTION_DIR } from "./header.js";

export interface VendoredFile {
  /** repository-relative path */
  path: string;
  content: Buffer;
}

const MAIN_LINE = /^(\s+main:\s*)dist\/index\.js\s*$/m;

export function vendoredAction(actionYml: string, bundle: Buffer, version: string): VendoredFile[] {
  if (!MAIN_LINE.test(actionYml)) throw new Error("the package's action.yml has no `main: dist/index.js` line to vendor");
  const header = [
    `# Vendored by ${version} (\`waveplan compile\`) — do not edit; recompile the plan to update it.`,
    "# The workflow's jobs run it as `uses: ./.github/actions/waveplan` after checking out the repository.",
  ].join("\n");
  // .mjs: the bundle is an ES module, and the vendored folder has no package.json saying so
  const yml = `${header}\n${actionYml.replace(MAIN_LINE, "$1index.mjs")}`;
  return [
    { path: `${VENDORED_ACTION_DIR}/action.yml`, content: Buffer.from(yml) },
    { path: `${VENDORED_ACTION_DIR}/index.mjs`, content: bundle },
  ];
}

/** Paths of the vendored copy that are missing or differ from `expected`. */
export function staleVendoredFiles(expected: VendoredFile[], read: (path: string) => Buffer | undefined): string[] {
  return expected.filter((f) => !read(f.path)?.equals(f.content)).map((f) => f.path);
}
