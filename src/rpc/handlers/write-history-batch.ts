import type { WriteHistoryBatchRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../../batch/index.ts";
import { countRows } from "../../metrics.ts";
import { writeHistoryBatch as write } from "../../ops/write/history.ts";
import type { PrepareThreads } from "../../ops/write/prepare-thread.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { batchSource } from "../file-params-from-proto.ts";

/** WriteHistoryBatch: earliest-start, replace, update and delete files on a history mode table. */
export function writeHistoryBatch(
  format: BatchFormat,
  limits: BatchFileLimits = {},
  threads?: PrepareThreads,
) {
  return tableCall(async (req: WriteHistoryBatchRequest, call) => {
    const source = batchSource(req, format, limits);
    const counts = await write(
      call,
      source,
      {
        earliestStartFiles: req.earliestStartFiles,
        replaceFiles: req.replaceFiles,
        updateFiles: req.updateFiles,
        deleteFiles: req.deleteFiles,
      },
      { concurrency: call.config.client.concurrency, threads },
    );
    countRows("WriteHistoryBatch", "earliest_start", counts.earliest, source.ref);
    countRows("WriteHistoryBatch", "replace", counts.replaced, source.ref);
    countRows("WriteHistoryBatch", "update", counts.updated, source.ref);
    countRows("WriteHistoryBatch", "delete", counts.deleted, source.ref);
    return SUCCESS;
  });
}
