import type { WriteBatchRequest } from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../../batch/index.ts";
import { writeBatch as write } from "../../ops/write/batch.ts";
import { SUCCESS, tableCall } from "../call.ts";
import { batchSource } from "../file-params-from-proto.ts";

/**
 * WriteBatch: replace, update and delete files applied in that order; success only once the data
 * is refreshed. Files come in the format Capabilities announced.
 */
export function writeBatch(format: BatchFormat, limits: BatchFileLimits = {}) {
  return tableCall(async (req: WriteBatchRequest, call) => {
    await write(
      call,
      batchSource(req, format, limits),
      { replaceFiles: req.replaceFiles, updateFiles: req.updateFiles, deleteFiles: req.deleteFiles },
      { concurrency: call.config.client.concurrency },
    );
    return SUCCESS;
  });
}
