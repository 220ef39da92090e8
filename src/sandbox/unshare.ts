/**
 * The sandbox through util-linux `unshare`, where bubblewrap is not installed: new mount, PID, IPC
 * (and, with `network: false`, network) namespaces, as root or — for another user — inside a user
 * namespace where it is root (`--map-root-user`). A shell script inside does what bwrap's options do:
 *
 *   every mount read-only (remounted with the flags it had: a user namespace may not clear locked
 *   nosuid/nodev/noexec), /dev/shm and /tmp private tmpfs, the private home and the task's folder
 *   bound back writable, its script and git objects read-only; then every capability dropped
 *   (setpriv: empty bounding set, no new privileges), so the task cannot undo a mount.
 *
 * `--kill-child` makes the kernel SIGKILL the namespace's init when unshare dies; the init's death
 * kills every process in the namespace, and `--mount-proc` gives it a /proc of its own.
 */
import { spawn } from "node:child_process";
import { gitConfigOf, privateHome } from "./home.js";
import { type Sandbox, type SandboxedCommand, type SandboxOptions, underPrivateTmp } from "./sandbox.js";

/**
 * $1 network (1/0), $2 home, $3 writable folder, $4 count of readable folders, then those, then `--`
 * and the command. Sources under /tmp are staged on a tmpfs at /mnt before /tmp is replaced.
 */
const SETUP = String.raw`set -eu
net=$1 home=$2 writable=$3 n=$4; shift 4
readable=""; i=0
while [ "$i" -lt "$n" ]; do readable="$readable
$1"; shift; i=$((i + 1)); done
[ "$1" = "--" ] && shift
# every mount read-only, keeping the flags a user namespace may not clear; /dev, /proc stay as they are
awk '{print $5, $6}' /proc/self/mountinfo | while read -r mp opts; do
  mp=$(printf '%b' "$(printf '%s' "$mp" | sed 's/\\0*\([0-7][0-7]*\)/\\0\1/g')")
  case "$mp" in /dev|/dev/*|/proc|/proc/*) continue ;; esac
  extra=""
  for f in nosuid nodev noexec; do case ",$opts," in *",$f,"*) extra="$extra,$f" ;; esac; done
  mount -n -o "remount,bind,ro$extra" "$mp" 2>/dev/null || :
done
mount -n -t tmpfs -o nosuid,nodev tmpfs /dev/shm
# stage what must stay reachable, then a private /tmp, then put it back
mount -n -t tmpfs tmpfs /mnt
k=0
printf '%s\n' "$home" "$writable" "$readable" | while IFS= read -r p; do
  [ -n "$p" ] && [ -e "$p" ] || continue
  k=$((k + 1))
  if [ -d "$p" ]; then mkdir -p "/mnt/$k"; else : > "/mnt/$k"; fi
  mount -n --bind "$p" "/mnt/$k"; printf '%s\n' "$p" >> /mnt/list
done
mount -n -t tmpfs -o nosuid,nodev tmpfs /tmp
k=0
while IFS= read -r p; do
  k=$((k + 1))
  if [ -d "/mnt/$k" ]; then mkdir -p "$p" 2>/dev/null || :; else mkdir -p "$(dirname "$p")" && : > "$p"; fi
  mount -n --move "/mnt/$k" "$p"
done < /mnt/list
umount -n /mnt
printf '%s\n' "$readable" | while IFS= read -r p; do
  [ -n "$p" ] && [ -e "$p" ] && mount -n -o remount,bind,ro "$p" || :
done
mount -n -o remount,bind,rw "$home" && mount -n -o remount,bind,rw "$writable"
[ "$net" = 1 ] || ip link set lo up 2>/dev/null || :
cd "$writable"
exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"
`;

function unshareArgs(network: boolean): string[] {
  const args = ["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc"];
  if (!network) args.push("--net");
  if (process.getuid?.() !== 0) args.push("--map-root-user");
  return args;
}

export function unshareSandbox(bin: string, options: SandboxOptions): Sandbox {
  return {
    tool: "unshare",
    async wrap(r): Promise<SandboxedCommand> {
      const home = await privateHome(options.homeShare);
      const readable = [...new Set(underPrivateTmp(r))].sort((a, b) => a.length - b.length);
      return {
        command: bin,
        args: [
          ...unshareArgs(options.network),
          "--",
          "/bin/sh",
          "-c",
          SETUP,
          "waveplan-sandbox",
          options.network ? "1" : "0",
          home.dir,
          r.writable,
          String(readable.length),
          ...readable,
          "--",
          r.command,
          ...r.args,
        ],
        env: { ...r.env, ...gitConfigOf(r.env), HOME: home.dir, TMPDIR: "/tmp" },
        supervisor: true,
        dispose: home.dispose,
      };
    },
  };
}

export function probeUnshare(bin: string, network: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(
      bin,
      [...unshareArgs(network), "--", "/bin/sh", "-c", "mount -n -t tmpfs tmpfs /tmp && command -v setpriv >/dev/null"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", (e) => resolve(`${bin}: ${e.message}`));
    child.on("close", (code, signal) =>
      resolve(code === 0 ? undefined : err.trim() || `${bin} exited with ${code ?? signal} (is setpriv installed?)`),
    );
  });
}
