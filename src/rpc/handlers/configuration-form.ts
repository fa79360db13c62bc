import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ConfigurationFormResponseSchema } from "../../../gen/fivetran_sdk/v2/common_pb.ts";
import { configurationForm as form } from "../form.ts";

/** ConfigurationForm: the setup form and the connection tests Fivetran runs (src/rpc/form.ts). */
export function configurationForm(): MessageInitShape<typeof ConfigurationFormResponseSchema> {
  return form();
}
