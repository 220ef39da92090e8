#!/usr/bin/env bash
# A tiny deterministic stand-in for a coding agent, so the prompt path runs without a network.
# It reads the prompt on stdin and obeys lines of the form:
#   write <path>: <text>      create or overwrite <path> with <text>
#   append <path>: <text>     append a line to <path>
#   fail                      exit 1 (to exercise failures)
# It says who it works for from the WAVEPLAN_* variables.
set -euo pipefail
prompt=$(cat)
echo "agent for ${WAVEPLAN_INSTANCE} (${WAVEPLAN_ROLE}), task ${WAVEPLAN_TASK} in wave ${WAVEPLAN_WAVE}"
while IFS= read -r line; do
  case "$line" in
    write\ *:*) path=${line#write }; path=${path%%:*}; text=${line#*: }
      mkdir -p "$(dirname "$path")"; printf '%s\n' "$text" > "$path"; echo "wrote $path" ;;
    append\ *:*) path=${line#append }; path=${path%%:*}; text=${line#*: }
      mkdir -p "$(dirname "$path")"; printf '%s\n' "$text" >> "$path"; echo "appended to $path" ;;
    fail) echo "asked to fail" >&2; exit 1 ;;
  esac
done <<< "$prompt"
