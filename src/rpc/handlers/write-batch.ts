import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type {
  WriteBatchRequest,
  WriteBatchResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../../batch/index.ts";
import { writeBatch as write } from "../../ops/write/batch.ts";
import { callClient } from "../call-client.ts";
import { parseConfiguration } from "../config.ts";
import { batchSource } from "../file-params-from-proto.ts";
import { taskOr } from "../responses.ts";

/**
 * WriteBatch: replace, update and delete files applied in that order; success only once the data
 * is refreshed. Files come in the format Capabilities announced.
 */
export function writeBatch(
  format: BatchFormat,
  limits: BatchFileLimits = {},
): (
  req: WriteBatchRequest,
  ctx: HandlerContext,
) => Promise<MessageInitShape<typeof WriteBatchResponseSchema>> {
  return async (req, ctx) => ({
    response: await taskOr(async () => {
      const config = parseConfiguration(req.configuration);
      await write(
        callClient(config, ctx),
        batchSource(req, format, limits),
        { replaceFiles: req.replaceFiles, updateFiles: req.updateFiles, deleteFiles: req.deleteFiles },
        { concurrency: config.client.concurrency, signal: ctx.signal },
      );
      return { case: "success" as const, value: true };
    }),
  });
}
