/**
 * The setup form's connection tests (form.ts `TEST`). Each answers `undefined` for success or a
 * failure text saying what is wrong and what to check; expected problems are never thrown.
 * Errors that are our own bugs still propagate, so they surface as such.
 */
import { randomBytes } from "node:crypto";
import type { CrateClient, NodeProbe } from "../cratedb/client/crate-client.ts";
import { CrateDbError } from "../cratedb/errors.ts";
import type { Sql } from "../cratedb/sql/ident.ts";
import {
  alterProbeTable,
  createProbeTable,
  deleteProbeRow,
  dropProbeTable,
  insertProbeRow,
  refreshProbeTable,
  selectProbeRows,
} from "../cratedb/sql/probe-table.ts";
import { DestinationError, shownTable } from "../errors.ts";
import type { TableRef } from "../table-def.ts";
import type { CallLog } from "./context.ts";

export const CONNECTION_TESTS = ["connect", "authenticate", "version", "permissions"] as const;
export type ConnectionTestName = (typeof CONNECTION_TESTS)[number];

/** Fivetran system columns start with `_`, which CrateDB accepts in column names from 6.2 on. */
export const MINIMUM_VERSION = [6, 2, 0] as const;

/** What a connection test needs of its call: node probes besides SQL, and the call's log. */
export interface TestCall {
  readonly client: CrateClient;
  readonly signal: AbortSignal | undefined;
  readonly log: CallLog;
}

/**
 * Runs one named test. `open` builds the call (parsing the configuration), so a bad
 * configuration is reported as the test's failure too.
 */
export async function runConnectionTest(
  name: string,
  open: () => TestCall,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (!(CONNECTION_TESTS as readonly string[]).includes(name)) {
    return `Unknown connection test "${name}"; this destination runs: ${CONNECTION_TESTS.join(", ")}.`;
  }
  let failure: string | undefined;
  try {
    failure = await runTest(name as ConnectionTestName, open());
  } catch (error) {
    // A test cut short (shutdown, caller gone) has no result: the abort's reason answers the call.
    signal?.throwIfAborted();
    if (error instanceof DestinationError && error.kind !== "bug") return error.message;
    throw error;
  }
  // Probes turn failed requests into failure texts, a cancelled one included.
  signal?.throwIfAborted();
  return failure;
}

async function runTest(name: ConnectionTestName, call: TestCall): Promise<string | undefined> {
  const { client, signal } = call;
  switch (name) {
    case "connect":
      return checkConnect(client, signal);
    case "authenticate":
      return checkAuthenticate(client, signal);
    case "version":
      return checkVersion(client, signal);
    case "permissions":
      return checkPermissions(client, signal, call.log);
  }
}

async function checkConnect(client: CrateClient, signal?: AbortSignal): Promise<string | undefined> {
  const probes = await client.probeNodes({ signal });
  const failures = probes.filter((p) => p.error !== undefined && !answered(p.error));
  if (failures.length === 0) return undefined;
  const list = failures.map((p) => `${p.url} (${reason(p.error!)})`).join("; ");
  const which =
    failures.length === probes.length
      ? "any CrateDB node"
      : `${failures.length} of ${probes.length} CrateDB nodes`;
  // Advice that fits every failure once, in the order they were listed.
  const hints = [...new Set(failures.map((p) => (p.error!.hint ?? REACH_HINT).replace(/\.$/, "")))];
  return `Could not connect to ${which}: ${list}. ${hints.join(". ")}.`;
}

const REACH_HINT =
  "Check the URL and port (usually 4200), that CrateDB is running, and that firewalls or IP allow-lists let Fivetran reach it.";

/** A node that answered with an auth or privilege refusal is reachable; that is for the next test. */
function answered(error: CrateDbError): boolean {
  return error.code === "CRATEDB_AUTH" || error.code === "CRATEDB_PRIVILEGE";
}

/** What went wrong at a node, without the node's URL the list already names. */
function reason(error: CrateDbError): string {
  return error.summary.replace(/^https?:\/\/\S+?:? /, "");
}

async function checkAuthenticate(client: CrateClient, signal?: AbortSignal): Promise<string | undefined> {
  const user = client.options.username;
  try {
    await client.sql("SELECT 1", [], { signal });
    return undefined;
  } catch (error) {
    if (error instanceof CrateDbError && error.code === "CRATEDB_AUTH") {
      return `CrateDB did not accept the credentials of user "${user}". Check the username and password, and that CrateDB's host-based authentication (auth.host_based) allows this user to connect over HTTP from Fivetran's addresses.`;
    }
    throw error;
  }
}

async function checkVersion(client: CrateClient, signal?: AbortSignal): Promise<string | undefined> {
  const probes = await client.probeNodes({ signal });
  const failed = probes.find((p) => p.error !== undefined);
  if (failed?.error !== undefined) {
    const { hint } = failed.error;
    return `Could not read the CrateDB version of ${failed.url}: ${reason(failed.error)}.${hint === undefined ? "" : ` ${hint}`}`;
  }
  const lowest = lowestVersion(probes);
  if (lowest === undefined) return undefined;
  if (compareVersions(parseVersion(lowest.version!), MINIMUM_VERSION) >= 0) return undefined;
  return `CrateDB ${lowest.version} runs on ${lowest.url}; this destination needs CrateDB ${MINIMUM_VERSION.slice(0, 2).join(".")} or newer, because Fivetran's system columns (such as _fivetran_synced) start with "_", which older versions reject as column names. Upgrade the cluster.`;
}

export function lowestVersion(probes: readonly NodeProbe[]): NodeProbe | undefined {
  let lowest: NodeProbe | undefined;
  for (const probe of probes) {
    if (probe.version === undefined) continue;
    if (
      lowest === undefined ||
      compareVersions(parseVersion(probe.version), parseVersion(lowest.version!)) < 0
    ) {
      lowest = probe;
    }
  }
  return lowest;
}

/** `6.2.4` / `6.3.0-SNAPSHOT` → [6, 2, 4] / [6, 3, 0]. */
export function parseVersion(text: string): number[] {
  return text
    .split(/[.-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Beyond 2^53, so a proxy or client that reads JSON numbers as doubles is caught; one short of
 * the 64-bit extremes, which CrateDB's BIGINT refuses (checked on CrateDB 6.4.3).
 */
const BIG = 9223372036854775806n;

/** What each step needs: the privilege named when CrateDB refuses it. */
const STEPS = {
  create: { action: "create a table in a new schema", privilege: "DDL" },
  insert: { action: "insert rows", privilege: "DML" },
  refresh: { action: "refresh a table", privilege: "DQL" },
  read: { action: "read rows", privilege: "DQL" },
  alter: { action: "add a column", privilege: "DDL" },
  delete: { action: "delete rows", privilege: "DML" },
  drop: { action: "drop a table", privilege: "DDL" },
} as const;

async function checkPermissions(
  client: CrateClient,
  signal: AbortSignal | undefined,
  log: CallLog,
): Promise<string | undefined> {
  const table: TableRef = {
    schema: `fivetran_probe_${Date.now().toString(36)}${randomBytes(3).toString("hex")}`,
    table: "probe",
  };
  const user = client.options.username;
  let step: keyof typeof STEPS = "create";
  let created = false;
  try {
    // CREATE, INSERT and ADD COLUMN would fail if run twice, so an open outcome is not retried.
    const run = async (next: keyof typeof STEPS, sql: Sql, idempotent = true) => {
      step = next;
      return client.sql(sql.stmt, sql.args, { signal, idempotent });
    };
    await run("create", createProbeTable(table), false);
    created = true;
    step = "insert";
    await client.bulk(
      insertProbeRow(table).bulk,
      [
        [1, BIG, "probe"],
        [2, -BIG, "probe"],
      ],
      { signal, idempotent: false },
    );
    await run("refresh", refreshProbeTable(table));
    const { rows } = await run("read", selectProbeRows(table));
    await run("alter", alterProbeTable(table), false);
    await run("delete", deleteProbeRow(table, 2));
    await run("drop", dropProbeTable(table));
    created = false;
    const big = rows.map((r) => r[1]);
    if (rows.length !== 2 || big[0] !== BIG || big[1] !== -BIG) {
      return `The probe table in schema "${table.schema}" did not return the BIGINT values written to it exactly (read ${rows.length} rows). Check for a proxy rewriting CrateDB's JSON responses.`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof CrateDbError && error.code === "CRATEDB_PRIVILEGE") {
      const { action, privilege } = STEPS[step];
      return `User "${user}" may not ${action}: CrateDB requires the ${privilege} privilege (${error.crateMessage ?? error.message}). Fivetran creates a schema per connector, so grant DQL, DML and DDL at cluster level: GRANT DQL, DML, DDL TO "${user}";`;
    }
    if (error instanceof DestinationError && error.kind !== "bug") {
      return `The permissions check failed while trying to ${STEPS[step].action} in schema "${table.schema}": ${error.message}`;
    }
    throw error;
  } finally {
    if (created) {
      // Clean up after a failure too, even a cancelled one (hence no signal); a probe table
      // left behind is named in the log.
      const drop = dropProbeTable(table);
      await client.sql(drop.stmt, drop.args).catch(() => {
        log.warning(
          `The connection test could not drop its probe table ${shownTable(table)}; drop it by hand.`,
        );
      });
    }
  }
}
