// Prepared statements kept per database and SQL text. Preparing costs more than running a small query (measured
// in bench/gateway.bench.ts: ~0.4 ms of the proxy's ~2 ms a call went to prepare), and the stores run the same few
// statements on every call. A statement is tied to its connection, so a reopened database gets its own.
import type Database from 'better-sqlite3';

const kept = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export interface Statements {
  prepare(sql: string): Database.Statement;
}

export function statements(db: Database.Database): Statements {
  let byText = kept.get(db);
  if (!byText) kept.set(db, (byText = new Map()));
  const cache = byText;
  return {
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) cache.set(sql, (statement = db.prepare(sql)));
      return statement;
    },
  };
}
