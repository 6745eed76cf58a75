import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  loadAverage: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: loadAverage(),
  };
}

export function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return [one, five, fifteen];
}

export const formatLoad = (load: [number, number, number]) => load.map((n) => n.toFixed(2)).join(" ");

/** CPU seconds (user + system) this machine spent since boot, from /proc/stat, to tell idle from busy. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}
