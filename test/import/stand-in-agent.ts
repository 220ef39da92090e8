/**
 * A stand-in for a coding agent, put on PATH under the name the imported plan's agent runs
 * (`claude`), so imported prompt tasks run without a network. It obeys prompt lines
 * `write <path>: <text>` (as examples/agent-prompts/agent.sh does); a prompt without any gets one
 * file named after the task, so every task makes a change the run lands.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
prompt=$(cat)
wrote=0
while IFS= read -r line; do
  case "$line" in
    write\\ *:*) path=\${line#write }; path=\${path%%:*}; text=\${line#*: }
      mkdir -p "$(dirname "$path")"; printf '%s\\n' "$text" > "$path"; wrote=1 ;;
  esac
done <<< "$prompt"
[ "$wrote" = 1 ] && exit 0
mkdir -p agent-work
printf 'task %s of %s (%s)\\n%s\\n' "$WAVEPLAN_TASK" "$WAVEPLAN_INSTANCE" "$WAVEPLAN_ROLE" "$(printf '%s' "$prompt" | head -n 1)" > "agent-work/$WAVEPLAN_TASK.txt"
`;

/** Writes `<dir>/claude` and returns the PATH to run with. */
export function standInAgentPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "claude");
  writeFileSync(file, SCRIPT);
  chmodSync(file, 0o755);
  return `${dir}:${process.env.PATH ?? ""}`;
}
