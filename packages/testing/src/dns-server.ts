// A tiny authoritative DNS server on loopback for tests: answers TXT queries from records it is
// given (in memory, or read from a JSON file on every query so another process can change them),
// NXDOMAIN for names it does not know. Enough for Node's dns.Resolver (c-ares) over UDP; no network.
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";

export interface DnsServer {
  /** "127.0.0.1:<port>", for Resolver.setServers / TENANCY_DNS_SERVERS. */
  address: string;
  port: number;
  /** Replaces the TXT records of `name` (in-memory mode); an empty list makes the name exist without TXT. */
  setTxt(name: string, values: string[]): void;
  deleteName(name: string): void;
  stop(): Promise<void>;
}

export interface DnsServerOptions {
  /** Initial TXT records by name. */
  records?: Record<string, string[]>;
  /** A JSON file `{ "<name>": ["txt", ...] }` read on each query instead of the in-memory records. */
  recordsFile?: string;
}

const TYPE_TXT = 16;
const CLASS_IN = 1;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = message[at];
    if (length === undefined) throw new Error("truncated name");
    if (length === 0) return { name: labels.join(".").toLowerCase(), end: at + 1 };
    if ((length & 0xc0) !== 0) throw new Error("compressed names are not expected in questions");
    labels.push(message.subarray(at + 1, at + 1 + length).toString("latin1"));
    at += 1 + length;
  }
}

/** TXT rdata: the value split into <=255-byte character strings, each with its length. */
function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

export function answer(query: Buffer, lookup: (name: string) => string[] | undefined): Buffer {
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const values = lookup(name);
  const answers = values !== undefined && type === TYPE_TXT ? values : [];
  const rcode = values === undefined ? 3 : 0; // NXDOMAIN for unknown names
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, the query's opcode and RD, AA and RA set.
  header.writeUInt16BE(0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((value) => {
    const rdata = txtRdata(value);
    const record = Buffer.alloc(12);
    record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    record.writeUInt16BE(TYPE_TXT, 2);
    record.writeUInt16BE(CLASS_IN, 4);
    record.writeUInt32BE(0, 6); // TTL 0: never cached
    record.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([record, rdata]);
  });
  return Buffer.concat([header, question, ...records]);
}

export async function startDnsServer(options: DnsServerOptions = {}): Promise<DnsServer> {
  const records = new Map(Object.entries(options.records ?? {}).map(([name, values]) => [name.toLowerCase(), values]));
  const lookup = (name: string): string[] | undefined => {
    if (!options.recordsFile) return records.get(name);
    try {
      const fromFile = JSON.parse(readFileSync(options.recordsFile, "utf8")) as Record<string, string[]>;
      const match = Object.entries(fromFile).find(([key]) => key.toLowerCase() === name);
      return match?.[1];
    } catch {
      return undefined;
    }
  };
  const socket: Socket = createSocket("udp4");
  socket.on("message", (message, remote) => {
    try {
      socket.send(answer(message, lookup), remote.port, remote.address);
    } catch {
      // A malformed query gets no answer, as from a real server that drops it.
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    port,
    setTxt: (name, values) => void records.set(name.toLowerCase(), values),
    deleteName: (name) => void records.delete(name.toLowerCase()),
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
