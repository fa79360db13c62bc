/**
 * WriteBatch (fivetran-protocol.md §7.8): replace files upsert by primary key, update files set the
 * modified columns of existing rows, delete files remove rows by key. All files of one kind before
 * the next; each file streamed chunk by chunk, the next chunk parsed while earlier ones are being
 * written (KeyedPipeline bounds how many and keeps requests on the same key apart), and prepared in
 * a thread of its own when the step is large (prepare-thread.ts). One REFRESH at the end makes the
 * result visible to searches of the next call. See docs/write-batch.md.
 */

import { keyCastFor } from "../../cratedb/sql/fence.ts";
import { shownTable } from "../../errors.ts";
import { SYSTEM_COLUMN } from "../../table-def.ts";
import type { CallContext } from "../context.ts";
import { type BatchSource, checkRequestedNames, refresh, runWriteStep, type WriteSettings } from "./files.ts";
import type { WriteStepKind } from "./prepare.ts";
import { primaryKey, requireKey } from "./rows.ts";

export interface WriteBatchFiles {
  readonly replaceFiles: readonly string[];
  readonly updateFiles: readonly string[];
  readonly deleteFiles: readonly string[];
}

export interface WriteBatchCounts {
  replaced: number;
  updated: number;
  deleted: number;
}

export async function writeBatch(
  ctx: CallContext,
  source: BatchSource,
  files: WriteBatchFiles,
  settings: WriteSettings,
): Promise<WriteBatchCounts> {
  checkRequestedNames(source);
  const keyColumns = primaryKey(source.table);
  requireKey(source.ref, keyColumns);
  // Every file kind carries the full key and `_fivetran_synced` (§6.5).
  const required = [...keyColumns, SYSTEM_COLUMN.synced];
  const counts: WriteBatchCounts = { replaced: 0, updated: 0, deleted: 0 };
  const keyCast = keyCastFor(source.table.columns, keyColumns[0]);
  const steps: [readonly string[], WriteStepKind, boolean, keyof WriteBatchCounts][] = [
    [files.replaceFiles, "replace", false, "replaced"],
    [files.updateFiles, "update", true, "updated"],
    [files.deleteFiles, "delete", true, "deleted"],
  ];
  for (const [paths, kind, missingRowIsOk, count] of steps) {
    counts[count] = await runWriteStep(
      ctx,
      source,
      settings,
      paths,
      { required, keyColumns, missingRowIsOk },
      { kind, ref: source.ref, keyColumns, keyCast },
    );
  }
  await refresh(ctx, source.ref);
  ctx.log.info(
    `wrote batch to ${shownTable(source.ref)}: ${counts.replaced} replace, ${counts.updated} update, ${counts.deleted} delete rows`,
  );
  return counts;
}
