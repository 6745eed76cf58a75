// One load run with autocannon: fixed request (reads) or a fresh request per call (accept, join),
// for a duration or a fixed number of requests. Latency percentiles are computed here from each
// response's time in fractional milliseconds (autocannon's own histogram truncates to whole ms).
import autocannon from "autocannon";

import type { BenchRequest } from "./targets";

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Stop after this many requests. */
  amount?: number;
  /** The same request every time... */
  request?: BenchRequest;
  /** ...or a new one per request (each accept needs its own invitation). */
  next?: () => BenchRequest;
  /** The status a correct answer has (default: any 2xx). Latencies count correct answers only. */
  expectStatus?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Errors plus answers with another status than expected. */
  bad: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const fixed = options.request;
  const opts: autocannon.Options = {
    url: options.baseUrl,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
  };
  if (fixed) {
    Object.assign(opts, { url: `${options.baseUrl}${fixed.path}`, method: fixed.method, headers: fixed.headers });
    if (fixed.body !== undefined) opts.body = fixed.body;
  } else if (options.next) {
    const next = options.next;
    opts.requests = [
      {
        setupRequest: (request) => {
          const r = next();
          return { ...request, method: r.method, path: r.path, headers: r.headers, body: r.body };
        },
      },
    ];
  } else {
    throw new Error("runLoad needs `request` or `next`");
  }

  const expected = (status: number) =>
    options.expectStatus ? status === options.expectStatus : status >= 200 && status < 300;
  let good = 0;
  const latencies: number[] = [];
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      const statusCodes: Record<string, number> = {};
      for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
      const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      // From the start to the last response: autocannon's own start/finish stamps are whole seconds
      // apart for runs that end on a request count.
      const seconds = (lastResponse - started) / 1000;
      resolve({
        requests,
        seconds,
        rps: requests / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        errors: result.errors,
        non2xx: result.non2xx,
        bad: result.errors + requests - good,
        statusCodes,
      });
    });
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      lastResponse = performance.now();
      if (expected(statusCode)) {
        good++;
        latencies.push(responseTime);
      }
    });
  });
}
