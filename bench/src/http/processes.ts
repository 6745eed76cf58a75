// Process facts read from /proc (Linux): which process listens on a port, and the resident memory of
// a process with its descendants. Independent of how a server was launched (next start, a custom
// front, a plain node:http server).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "HEXIP:HEXPORT"; state 0A is LISTEN; column 9 is the inode.
      if (cols.length > 9 && cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  return inodes;
}

function numericDirs(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The pid of the process holding the listening socket on `port` (127.0.0.1 or any address). */
export function pidListeningOn(port: number): number | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of numericDirs("/proc")) {
    let fds: number[];
    try {
      fds = numericDirs(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match && inodes.has(match[1]!)) return pid;
      } catch {
        // gone
      }
    }
  }
  return null;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid ...; comm may contain spaces, so read after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
  } catch {
    return null;
  }
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory in MB of `pid` and every descendant (a server and any workers it started). */
export function treeRssMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const candidate of numericDirs("/proc")) {
    const parent = parentOf(candidate);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), candidate]);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    total += rssKb(current);
    stack.push(...(children.get(current) ?? []));
  }
  return total / 1024;
}

/** The root of a server's process tree: walk up from the listener while the parent is a node process
 * of the same launch (e.g. `next start` forks nothing today, but a front could). */
export function serverRootPid(listenerPid: number, launcherPid: number = process.pid): number {
  let current = listenerPid;
  for (;;) {
    const parent = parentOf(current);
    if (parent === null || parent <= 1 || parent === launcherPid) return current;
    try {
      const comm = readFileSync(`/proc/${parent}/comm`, "utf8").trim();
      if (!comm.startsWith("node") && !comm.startsWith("next")) return current;
    } catch {
      return current;
    }
    current = parent;
  }
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime are fields 14-17 of stat (`rest` starts at field 3); the c* fields
    // hold exited children's time (PostgreSQL backends that closed during the run).
    return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) used so far by `pid` and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  for (const candidate of numericDirs("/proc")) {
    const parent = parentOf(candidate);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), candidate]);
  }
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    ticks += cpuTicks(current);
    stack.push(...(children.get(current) ?? []));
  }
  return ticks / 100;
}
