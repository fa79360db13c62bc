/**
 * The benchmark's workloads: tables, rows and the batch files of each measured call. Every value is
 * a hash of the row's key, its version and its column under a fixed seed, so every run (and every
 * format) gets the same rows, and any row can be made again on its own — the direct client and
 * COPY FROM of the engine limits use exactly the rows the files hold.
 */
import { UNMODIFIED } from "../../src/batch/values.ts";
import type { ColumnDef, TableDef } from "../../src/table-def.ts";
import type { Cell } from "../../test/helpers/batch-writer.ts";

export const WORKLOADS = ["narrow", "wide", "update", "delete", "soft-delete", "history"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
export const FORMATS = ["csv", "parquet"] as const;
export type Format = (typeof FORMATS)[number];
export type FileKind = "replace" | "update" | "delete" | "earliest";

const SEED = 0x5eed_2026;

/** A 32-bit hash of (key, version, column): the only source of variety in the rows. */
export function mix(a: number, b: number, c: number): number {
  let h = SEED ^ Math.imul(a, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ Math.imul(c + 0x165667b1, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

const WORDS = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliett",
  "kilo",
  "lima",
  "mike",
  "november",
  "oscar",
  "papa",
];
const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** 4096 consecutive calendar days from 2000-01-01 as `YYYY-MM-DD`. */
const DAYS = Array.from({ length: 4096 }, (_, d) =>
  new Date(Date.UTC(2000, 0, 1) + d * 86_400_000).toISOString().slice(0, 10),
);
const timestamp = (h: number) =>
  `${DAYS[h & 4095]}T${pad((h >>> 12) % 24, 2)}:${pad((h >>> 17) % 60, 2)}:${pad((h >>> 23) % 60, 2)}.${pad(h % 1000, 3)}Z`;

export const SYNCED = ["2024-01-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z"] as const;
const syncedAt = (version: number, key: number) => `${SYNCED[version]!.slice(0, 20)}${pad(key % 1000, 3)}Z`;
/** History versions: preloaded ones start at T0, the measured batch's at T1. */
export const T0 = "2024-01-01T00:00:00.000Z";
export const T1 = "2024-06-01T00:00:00.000Z";
const T1_MINUS_1 = "2024-05-31T23:59:59.999Z";
export const MAX_END = "9999-12-31T23:59:59.999Z";

function cellText(type: ColumnDef["type"], h: number, key: number): string {
  switch (type) {
    case "STRING":
      return `${WORDS[h & 15]} ${(h >>> 4) % 100_000}`;
    case "LONG":
      return String(h + key);
    case "INT":
      return String(h % 100_000);
    case "DOUBLE":
      return String((h % 1_000_000) / 7);
    case "DECIMAL":
      return `${h % 1_000_000}.${pad((h >>> 20) % 10_000, 4)}`;
    case "BOOLEAN":
      return h & 1 ? "true" : "false";
    case "UTC_DATETIME":
      return timestamp(h);
    case "NAIVE_DATE":
      return DAYS[h & 4095]!;
    case "JSON":
      return `{"n":${h % 1000},"s":"${WORDS[(h >>> 10) & 15]}"}`;
    default:
      throw new Error(`no generator for ${type}`);
  }
}

const col = (name: string, type: ColumnDef["type"], primaryKey = false): ColumnDef =>
  type === "DECIMAL"
    ? { name, type, primaryKey, decimal: { precision: 18, scale: 4 } }
    : { name, type, primaryKey };

const SYSTEM: ColumnDef[] = [col("_fivetran_synced", "UTC_DATETIME"), col("_fivetran_deleted", "BOOLEAN")];

/** Ten columns, ~150 bytes of CSV per row: text with quotes and commas, decimals, doubles, dates, JSON. */
export const NARROW: TableDef = {
  name: "narrow",
  columns: [
    col("id", "LONG", true),
    col("name", "STRING"),
    col("amount", "DECIMAL"),
    col("ratio", "DOUBLE"),
    col("flag", "BOOLEAN"),
    col("day", "NAIVE_DATE"),
    col("note", "STRING"),
    col("payload", "JSON"),
    ...SYSTEM,
  ],
};

/** The narrow table's data columns in history mode (no `_fivetran_deleted`, three history columns). */
export const HISTORY: TableDef = {
  name: "history",
  columns: [
    ...NARROW.columns.slice(0, 9),
    col("_fivetran_start", "UTC_DATETIME", true),
    col("_fivetran_end", "UTC_DATETIME"),
    col("_fivetran_active", "BOOLEAN"),
  ],
};

const WIDE_TYPES: ColumnDef["type"][] = [
  "STRING",
  "LONG",
  "DOUBLE",
  "DECIMAL",
  "BOOLEAN",
  "UTC_DATETIME",
  "INT",
  "STRING",
  "NAIVE_DATE",
  "JSON",
];

/** A hundred columns (~1,100 bytes of CSV per row), the types of the narrow table in rotation. */
export const WIDE: TableDef = {
  name: "wide",
  columns: [
    col("id", "LONG", true),
    ...Array.from({ length: 97 }, (_, k) => col(`c${pad(k + 1, 3)}`, WIDE_TYPES[k % WIDE_TYPES.length]!)),
    ...SYSTEM,
  ],
};

/** The eight data values of the narrow table (after `id`), version `v` of key `i`. */
function narrowData(i: number, v: number): Cell[] {
  const h = mix(i, v, 0);
  const g = mix(i, v, 1);
  const note =
    h % 10 === 0
      ? null
      : h % 10 === 1
        ? `note ${i}, with "quotes" and a comma`
        : `${WORDS[g & 15]} ${WORDS[(g >>> 4) & 15]} ${WORDS[(g >>> 8) & 15]} ${g % 10_000}`;
  return [
    `${WORDS[h & 15]} ${WORDS[(h >>> 4) & 15]} ${(h >>> 8) % 100_000}`,
    cellText("DECIMAL", g, i),
    cellText("DOUBLE", h, i),
    cellText("BOOLEAN", g >>> 3, i),
    cellText("NAIVE_DATE", g >>> 7, i),
    note,
    `{"id":${i},"v":${v},"tags":["${WORDS[h & 15]}","${WORDS[g & 15]}"],"score":${g % 1000}}`,
    syncedAt(v, i),
  ];
}

export function narrowRow(i: number, v: number): Cell[] {
  return [String(i), ...narrowData(i, v), "false"];
}

function wideRow(i: number, v: number): Cell[] {
  const row: Cell[] = [String(i)];
  for (let k = 1; k <= 97; k++) row.push(cellText(WIDE.columns[k]!.type, mix(i, v, k), i));
  row.push(syncedAt(v, i), "false");
  return row;
}

export function historyRow(i: number, v: number): Cell[] {
  return [String(i), ...narrowData(i, v), v === 0 ? T0 : T1, MAX_END, "true"];
}

/**
 * Partial updates: each row modifies one of four column sets. Parquet can carry the "unmodified"
 * marker only in string columns (docs/batch-files.md), so only the text-typed columns (`name`,
 * `day`, `note`, `payload` — `day` travels as text in Parquet) are ever left unmodified, and the
 * rows are the same in both formats. Positions are the narrow table's.
 */
const UNMODIFIED_SETS: readonly (readonly number[])[] = [[5, 6, 7], [1, 5], [6, 7], []];

export const updateSetOf = (i: number): number => mix(i, 7, 99) % UNMODIFIED_SETS.length;

function partial(row: Cell[], i: number): Cell[] {
  for (const k of UNMODIFIED_SETS[updateSetOf(i)]!) row[k] = UNMODIFIED;
  return row;
}

export interface FileSpec {
  readonly kind: FileKind;
  readonly columns: readonly ColumnDef[];
  readonly count: number;
  /** Made again on every call, so large files are written streaming. */
  readonly rows: () => Iterable<Cell[]>;
}

export interface Workload {
  readonly name: WorkloadName;
  readonly title: string;
  readonly table: TableDef;
  readonly history: boolean;
  /** Keys 0..keys-1 the workload touches. */
  readonly keys: number;
  /** Rows the table holds before the measured call (written outside the measured time). */
  readonly preload?: FileSpec;
  /** The measured call's files, in the order of their kind. */
  files(format: Format): FileSpec[];
}

function* range(n: number, keep: (i: number) => boolean, make: (i: number) => Cell[]): Generator<Cell[]> {
  for (let i = 0; i < n; i++) if (keep(i)) yield make(i);
}
const all = () => true;
const count = (n: number, keep: (i: number) => boolean) => {
  let c = 0;
  for (let i = 0; i < n; i++) if (keep(i)) c++;
  return c;
};

/** History groups: half the keys get a new version by replace, a quarter by update, a quarter are deleted. */
export const historyGroup = (i: number): "replace" | "update" | "delete" =>
  i % 4 < 2 ? "replace" : i % 4 === 2 ? "update" : "delete";

export function workload(name: WorkloadName, n: number): Workload {
  const narrowPreload: FileSpec = {
    kind: "replace",
    columns: NARROW.columns,
    count: n,
    rows: () => range(n, all, (i) => narrowRow(i, 0)),
  };
  switch (name) {
    case "narrow":
      return {
        name,
        title: "narrow upsert (10 columns) into an empty table",
        table: NARROW,
        history: false,
        keys: n,
        files: () => [narrowPreload],
      };
    case "wide":
      return {
        name,
        title: "wide upsert (100 columns) into an empty table",
        table: WIDE,
        history: false,
        keys: n,
        files: () => [
          {
            kind: "replace",
            columns: WIDE.columns,
            count: n,
            rows: () => range(n, all, (i) => wideRow(i, 0)),
          },
        ],
      };
    case "update":
      return {
        name,
        title: "partial updates of every row, four column sets",
        table: NARROW,
        history: false,
        keys: n,
        preload: narrowPreload,
        files: () => [
          {
            kind: "update",
            columns: NARROW.columns,
            count: n,
            rows: () => range(n, all, (i) => partial(narrowRow(i, 1), i)),
          },
        ],
      };
    case "delete":
      return {
        name,
        title: "deletes of every row",
        table: NARROW,
        history: false,
        keys: n,
        preload: narrowPreload,
        files: () => [
          {
            kind: "delete",
            columns: NARROW.columns,
            count: n,
            rows: () =>
              range(n, all, (i) => {
                const row: Cell[] = NARROW.columns.map(() => null);
                row[0] = String(i);
                row[8] = syncedAt(1, i);
                return row;
              }),
          },
        ],
      };
    case "soft-delete":
      return {
        name,
        title: "soft deletes (updates setting _fivetran_deleted) of every row",
        table: NARROW,
        history: false,
        keys: n,
        preload: narrowPreload,
        files: (format) => [
          format === "csv"
            ? {
                kind: "update",
                columns: NARROW.columns,
                count: n,
                rows: () =>
                  range(n, all, (i) => [
                    String(i),
                    ...NARROW.columns.slice(1, 8).map((): Cell => UNMODIFIED),
                    syncedAt(1, i),
                    "true",
                  ]),
              }
            : {
                // Parquet can't mark non-string columns unmodified: the file leaves them out,
                // which an update file may (absent columns are not written).
                kind: "update",
                columns: [NARROW.columns[0]!, NARROW.columns[8]!, NARROW.columns[9]!],
                count: n,
                rows: () => range(n, all, (i) => [String(i), syncedAt(1, i), "true"]),
              },
        ],
      };
    case "history": {
      const changed = (i: number) => historyGroup(i) !== "delete";
      return {
        name,
        title: "history mode: earliest-start, replace, update and delete files",
        table: HISTORY,
        history: true,
        keys: n,
        preload: {
          kind: "replace",
          columns: HISTORY.columns,
          count: n,
          rows: () => range(n, all, (i) => historyRow(i, 0)),
        },
        files: () => [
          {
            kind: "earliest",
            columns: [HISTORY.columns[0]!, HISTORY.columns[9]!],
            count: count(n, changed),
            rows: () => range(n, changed, (i) => [String(i), T1]),
          },
          {
            kind: "replace",
            columns: HISTORY.columns,
            count: count(n, (i) => historyGroup(i) === "replace"),
            rows: () =>
              range(
                n,
                (i) => historyGroup(i) === "replace",
                (i) => historyRow(i, 1),
              ),
          },
          {
            kind: "update",
            columns: HISTORY.columns,
            count: count(n, (i) => historyGroup(i) === "update"),
            rows: () =>
              range(
                n,
                (i) => historyGroup(i) === "update",
                (i) => partial(historyRow(i, 1), i),
              ),
          },
          {
            kind: "delete",
            columns: HISTORY.columns,
            count: count(n, (i) => historyGroup(i) === "delete"),
            rows: () =>
              range(
                n,
                (i) => historyGroup(i) === "delete",
                (i) => {
                  const row: Cell[] = HISTORY.columns.map(() => null);
                  row[0] = String(i);
                  row[8] = syncedAt(1, i);
                  row[10] = T1_MINUS_1;
                  row[11] = "false";
                  return row;
                },
              ),
          },
        ],
      };
    }
  }
}

/** Rows per workload for each size; `full` is the sizes. */
export interface SizePreset {
  readonly rows: Readonly<Record<WorkloadName, number>>;
  /** The simulator (PGlite, one core, ~15,000 rows/s) gets at most this many rows (wide: a tenth). */
  readonly simulatorRows: number;
  /** Decompressed CSV sizes of the memory runs, MB (the issue's: 100 and 200). */
  readonly memoryMB: readonly number[];
  /** Rows of each call in the concurrency runs (1, 2, 4, 8 calls at once). */
  readonly concurrentRows: number;
}

export const SIZES: Readonly<Record<"small" | "medium" | "full", SizePreset>> = {
  small: {
    rows: {
      narrow: 50_000,
      wide: 5_000,
      update: 20_000,
      delete: 20_000,
      "soft-delete": 20_000,
      history: 10_000,
    },
    simulatorRows: 2_000,
    memoryMB: [25, 50],
    concurrentRows: 25_000,
  },
  medium: {
    rows: {
      narrow: 300_000,
      wide: 30_000,
      update: 100_000,
      delete: 100_000,
      "soft-delete": 100_000,
      history: 50_000,
    },
    simulatorRows: 10_000,
    memoryMB: [100, 200],
    concurrentRows: 100_000,
  },
  full: {
    rows: {
      narrow: 1_000_000,
      wide: 100_000,
      update: 250_000,
      delete: 250_000,
      "soft-delete": 250_000,
      // Keys; the call has 1.75 rows per key. History steps are searches on CrateDB (~2,500 rows/s).
      history: 100_000,
    },
    simulatorRows: 20_000,
    memoryMB: [100, 200],
    concurrentRows: 250_000,
  },
};

/** Rows a workload gets against a target: the simulator is capped, wide tables at a tenth. */
export function rowsFor(preset: SizePreset, name: WorkloadName, target: string): number {
  const rows = preset.rows[name];
  if (target !== "simulator") return rows;
  return Math.min(rows, name === "wide" ? preset.simulatorRows / 10 : preset.simulatorRows);
}
