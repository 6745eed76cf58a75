// Observes every SQL statement Prisma sends through its driver adapter (PrismaPg or PrismaPGlite),
// plus transaction begins, commits and rollbacks, without changing what is sent. Used to count the
// statements a procedure costs (`pnpm bench:statements`, statement-budget tests); off by default.
//
// Both adapters are wrapped at the same seam (the factory's `connect()`), so the counts agree across
// databases: PrismaPg sends BEGIN/COMMIT as queries, PGlite's adapter runs them inside
// `pglite.transaction()`; here both show up as one `begin` and one `commit` event, never as statements.

export type StatementEventKind = "statement" | "begin" | "commit" | "rollback";

export interface StatementEvent {
  kind: StatementEventKind;
  /** The SQL text for statements; empty for transaction events. */
  sql: string;
  /** Whether the statement ran inside an interactive or batch transaction. */
  inTransaction: boolean;
}

export type StatementListener = (event: StatementEvent) => void;

interface SqlQueryLike {
  sql: string;
}

// Transaction control that PrismaPg sends as plain queries; reported as begin/commit events instead.
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SET TRANSACTION)\b/i;

function forward(target: object, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop, target);
  return typeof value === "function" ? value.bind(target) : value;
}

function wrapQueryable<T extends object>(queryable: T, listener: StatementListener, inTransaction: boolean): T {
  // A transaction ends once: by a COMMIT/ROLLBACK query (PrismaPg) and/or commit()/rollback().
  let ended = false;
  const end = (kind: "commit" | "rollback") => {
    if (ended) return;
    ended = true;
    listener({ kind, sql: "", inTransaction: true });
  };
  return new Proxy(queryable, {
    get(target, prop) {
      if (prop === "queryRaw" || prop === "executeRaw") {
        const method = Reflect.get(target, prop, target) as (query: SqlQueryLike) => Promise<unknown>;
        return (query: SqlQueryLike) => {
          const control = TRANSACTION_CONTROL.exec(query.sql)?.[1]?.toUpperCase();
          if (!control) listener({ kind: "statement", sql: query.sql, inTransaction });
          else if (inTransaction && control === "COMMIT") end("commit");
          else if (inTransaction && control === "ROLLBACK") end("rollback");
          return method.call(target, query);
        };
      }
      if (inTransaction && (prop === "commit" || prop === "rollback")) {
        const method = Reflect.get(target, prop, target) as () => Promise<unknown>;
        return () => {
          end(prop);
          return method.call(target);
        };
      }
      if (!inTransaction && prop === "startTransaction") {
        const method = Reflect.get(target, prop, target) as (...args: unknown[]) => Promise<object>;
        return async (...args: unknown[]) => {
          listener({ kind: "begin", sql: "", inTransaction: true });
          return wrapQueryable(await method.apply(target, args), listener, true);
        };
      }
      return forward(target, prop);
    },
  });
}

/** Wraps a Prisma driver adapter factory so every statement and transaction event reaches `listener`. */
export function observeAdapter<F extends { connect(): Promise<object> }>(factory: F, listener: StatementListener): F {
  return new Proxy(factory, {
    get(target, prop) {
      if (prop === "connect") {
        return async () => wrapQueryable(await target.connect(), listener, false);
      }
      return forward(target, prop);
    },
  });
}

export interface StatementCount {
  /** Data statements (SELECT/INSERT/UPDATE/DELETE/...), inside or outside transactions. */
  statements: number;
  transactions: number;
  commits: number;
  rollbacks: number;
  /** Writes outside any transaction: each is committed on its own (an implicit commit). */
  autocommitWrites: number;
  /** Statements + BEGIN + COMMIT/ROLLBACK: what travels to the server. */
  roundTrips: number;
  statementList: { sql: string; inTransaction: boolean }[];
}

// A statement that changes data: INSERT/UPDATE/DELETE/MERGE, or a WITH whose CTEs do.
const WRITE =
  /^\s*(INSERT|UPDATE|DELETE|MERGE)\b|^\s*WITH\b[\s\S]*\b(INSERT\s+INTO|UPDATE\s+"?\w+"?(\s+AS)?\s+\w*\s*SET|DELETE\s+FROM)\b/i;

/**
 * A listener plus a way to count what one piece of work issues. Counting is global to the database
 * handle: run the measured work alone (nothing else may use the handle meanwhile).
 */
export function createStatementRecorder() {
  let events: StatementEvent[] | null = null;
  const listener: StatementListener = (event) => {
    events?.push(event);
  };
  async function count<T>(work: () => Promise<T>): Promise<{ result: T; count: StatementCount }> {
    if (events) throw new Error("createStatementRecorder: count() calls must not overlap");
    events = [];
    try {
      const result = await work();
      return { result, count: summarise(events) };
    } finally {
      events = null;
    }
  }
  /** Inside count(): a mark, then what was issued since it (e.g. the part a request context cost). */
  const snapshot = () => events?.length ?? 0;
  const since = (mark: number) => summarise(events?.slice(mark) ?? []);
  return { listener, count, snapshot, since };
}

function summarise(events: StatementEvent[]): StatementCount {
  const of = (kind: StatementEventKind) => events.filter((e) => e.kind === kind).length;
  const statements = of("statement");
  const transactions = of("begin");
  const commits = of("commit");
  const rollbacks = of("rollback");
  const statementList = events
    .filter((e) => e.kind === "statement")
    .map(({ sql, inTransaction }) => ({ sql, inTransaction }));
  return {
    statements,
    transactions,
    commits,
    rollbacks,
    autocommitWrites: statementList.filter((s) => !s.inTransaction && WRITE.test(s.sql)).length,
    roundTrips: statements + transactions + commits + rollbacks,
    statementList,
  };
}
