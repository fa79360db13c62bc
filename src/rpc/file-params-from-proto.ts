/** Protobuf `FileParams` → the batch reader's own FileParams (src/batch/file-params.ts). */
import type { Table } from "../../gen/fivetran_sdk/v2/common_pb.ts";
import {
  Compression,
  Encryption,
  type FileParams as ProtoFileParams,
} from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import type { BatchFileLimits, BatchFormat, FileParams } from "../batch/index.ts";
import { DestinationError } from "../errors.ts";
import type { BatchSource } from "../ops/write/files.ts";
import { requestedTable } from "./table-def-from-proto.ts";

const COMPRESSIONS = new Map<number, FileParams["compression"]>([
  [Compression.OFF, "none"],
  [Compression.ZSTD, "zstd"],
  [Compression.GZIP, "gzip"],
]);

const ENCRYPTIONS = new Map<number, FileParams["encryption"]>([
  [Encryption.NONE, "none"],
  [Encryption.AES, "aes"],
]);

/** An enum value from a newer SDK is refused by name rather than guessed at. */
export function fileParamsFromProto(params: ProtoFileParams | undefined): FileParams {
  const compression = COMPRESSIONS.get(params?.compression ?? Compression.OFF);
  const encryption = ENCRYPTIONS.get(params?.encryption ?? Encryption.NONE);
  if (compression === undefined || encryption === undefined) {
    throw new DestinationError(
      "FILE_PARAMS_UNSUPPORTED",
      `The batch files use ${compression === undefined ? `compression ${params?.compression}` : `encryption ${params?.encryption}`}, which this destination version does not know.`,
    );
  }
  return {
    compression,
    encryption,
    nullString: params?.nullString ?? "",
    unmodifiedString: params?.unmodifiedString ?? "",
  };
}

/** What a WriteBatch or WriteHistoryBatch request says about its table and files. */
export function batchSource(
  req: {
    readonly schemaName: string;
    readonly table?: Table | undefined;
    readonly keys: { readonly [path: string]: Uint8Array };
    readonly fileParams?: ProtoFileParams | undefined;
  },
  format: BatchFormat,
  limits: BatchFileLimits = {},
): BatchSource {
  const { ref, def } = requestedTable(req);
  return { ref, table: def, keys: req.keys, fileParams: fileParamsFromProto(req.fileParams), format, limits };
}
