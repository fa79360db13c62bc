import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  WriteBatchResponseSchema,
  WriteHistoryBatchRequest,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../../batch/index.ts";
import { writeHistoryBatch as write } from "../../ops/write/history.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { batchSource } from "../file-params-from-proto.ts";
import { taskOr } from "../responses.ts";

/** WriteHistoryBatch: earliest-start, replace, update and delete files on a history mode table. */
export function writeHistoryBatch(
  format: BatchFormat,
  limits: BatchFileLimits = {},
): (
  req: WriteHistoryBatchRequest,
  ctx: HandlerContext,
) => Promise<MessageInitShape<typeof WriteBatchResponseSchema>> {
  return async (req, ctx) => ({
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      await write(
        callClient(config, ctx),
        batchSource(req, format, limits),
        {
          earliestStartFiles: req.earliestStartFiles,
          replaceFiles: req.replaceFiles,
          updateFiles: req.updateFiles,
          deleteFiles: req.deleteFiles,
        },
        { concurrency: config.client.concurrency, signal: ctx.signal },
      );
      return { case: "success" as const, value: true };
    }),
  });
}
