/** Running a built statement (`{ stmt, args }` from src/cratedb/sql) — the one way ops send SQL. */
import type { Sql } from "../cratedb/sql/ident.ts";
import type { RequestOptions, SqlClient, SqlResult } from "../cratedb/sql-client.ts";

export const run = (client: SqlClient, sql: Sql, options: RequestOptions = {}): Promise<SqlResult> =>
  client.sql(sql.stmt, sql.args, options);

/** The first column of the first row as a number: `SELECT count(*) …`. */
export async function count(client: SqlClient, sql: Sql, options: RequestOptions = {}): Promise<number> {
  const result = await run(client, sql, options);
  return Number(result.rows[0]?.[0] ?? 0);
}
