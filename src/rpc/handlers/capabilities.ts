import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  BatchFileFormat,
  type CapabilitiesResponseSchema,
} from "../../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFormat } from "../../batch/index.ts";

/** Capabilities: the batch file format chosen at server start (`--batch-file-format`). */
export function capabilities(format: BatchFormat): () => MessageInitShape<typeof CapabilitiesResponseSchema> {
  const batchFileFormat = format === "parquet" ? BatchFileFormat.PARQUET : BatchFileFormat.CSV;
  return () => ({ batchFileFormat });
}
