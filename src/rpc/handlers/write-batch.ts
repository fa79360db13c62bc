import type { WriteBatchRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../../batch/index.ts";
import { countRows } from "../../metrics.ts";
import { writeBatch as write } from "../../ops/write/batch.ts";
import type { PrepareThreads } from "../../ops/write/prepare-thread.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { batchSource } from "../file-params-from-proto.ts";

/**
 * WriteBatch: replace, update and delete files applied in that order; success only once the data
 * is refreshed. Files come in the format Capabilities announced.
 */
export function writeBatch(format: BatchFormat, limits: BatchFileLimits = {}, threads?: PrepareThreads) {
  return tableCall(async (req: WriteBatchRequest, call) => {
    const source = batchSource(req, format, limits);
    const counts = await write(
      call,
      source,
      { replaceFiles: req.replaceFiles, updateFiles: req.updateFiles, deleteFiles: req.deleteFiles },
      { concurrency: call.config.client.concurrency, threads },
    );
    countRows("WriteBatch", "replace", counts.replaced, source.ref);
    countRows("WriteBatch", "update", counts.updated, source.ref);
    countRows("WriteBatch", "delete", counts.deleted, source.ref);
    return SUCCESS;
  });
}
