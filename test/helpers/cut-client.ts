/** A SqlClient that passes requests through until it is cut, then fails every one: a crash. */
import type {
  BulkArgs,
  BulkOptions,
  BulkResult,
  RequestOptions,
  SqlClient,
  SqlResult,
  SqlValue,
} from "../../src/cratedb/sql-client.ts";

export class CutClient implements SqlClient {
  cut = false;
  readonly #inner: SqlClient;

  constructor(inner: SqlClient) {
    this.#inner = inner;
  }

  sql(stmt: string, args?: readonly SqlValue[], options?: RequestOptions): Promise<SqlResult> {
    if (this.cut) return Promise.reject(new Error("connection cut"));
    return this.#inner.sql(stmt, args, options);
  }

  bulk(stmt: string, bulkArgs: BulkArgs, options?: BulkOptions): Promise<BulkResult> {
    if (this.cut) return Promise.reject(new Error("connection cut"));
    return this.#inner.bulk(stmt, bulkArgs, options);
  }
}
