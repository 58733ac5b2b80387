/**
 * SIGKILL a process and every process below it, for test cleanups. `deno task X` runs a shell,
 * which runs the launcher (`tasks/_launch.ts`), which runs the task: a SIGKILL of the process a
 * test spawned leaves the task itself running (holding its ports and sockets, so closing the local
 * exchange never finishes and the suite hangs). Linux only (reads /proc); elsewhere it kills the
 * process alone.
 *
 * @module
 */

/** The pids below `pid` (children first, then theirs), read from /proc. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        parent.set(Number(e.name), ppid);
      } catch { /* exited meanwhile */ }
    }
  } catch {
    return [];
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [c, pp] of parent) {
      if (pp === p) {
        out.push(c);
        queue.push(c);
      }
    }
  }
  return out;
}

/** SIGKILL `child` and all its descendants; never throws. */
export function killTree(child: Deno.ChildProcess): void {
  const below = descendants(child.pid);
  try {
    child.kill("SIGKILL");
  } catch { /* ended */ }
  for (const p of below) {
    try {
      Deno.kill(p, "SIGKILL");
    } catch { /* ended */ }
  }
}
