/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), so `grpcurl -plaintext host:50052 list`
 * and `buf curl --list-services` work without proto files. Answers come from the descriptors
 * embedded in the generated code: list_services, file_by_filename, file_containing_symbol (the
 * file and every file it imports, transitively) and all_extension_numbers_of_type (no extensions
 * are defined, so known types get an empty list). v1alpha is wire-identical and shares the logic.
 */
import type { DescFile, DescMessage, DescService } from "@bufbuild/protobuf";
import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.ts";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.ts";

/** The request fields both reflection versions share. */
interface ReflectionRequest {
  host: string;
  messageRequest:
    | {
        case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices";
        value: string;
      }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

export class ReflectionIndex {
  readonly #serviceNames: string[];
  readonly #files = new Map<string, DescFile>();
  readonly #symbols = new Map<string, DescFile>();
  readonly #messages = new Set<string>();
  readonly #bytes = new Map<DescFile, Uint8Array>();

  constructor(services: readonly DescService[]) {
    this.#serviceNames = services.map((s) => s.typeName).sort();
    for (const service of services) this.#addFile(service.file);
  }

  get serviceNames(): readonly string[] {
    return this.#serviceNames;
  }

  #addFile(file: DescFile): void {
    if (this.#files.has(file.proto.name)) return;
    this.#files.set(file.proto.name, file);
    for (const dep of file.dependencies) this.#addFile(dep);
    for (const e of file.enums) this.#symbols.set(e.typeName, file);
    for (const x of file.extensions) this.#symbols.set(x.typeName, file);
    for (const m of file.messages) this.#addMessage(file, m);
    for (const s of file.services) {
      this.#symbols.set(s.typeName, file);
      for (const method of s.methods) this.#symbols.set(`${s.typeName}.${method.name}`, file);
    }
  }

  #addMessage(file: DescFile, message: DescMessage): void {
    this.#symbols.set(message.typeName, file);
    this.#messages.add(message.typeName);
    for (const f of message.fields) this.#symbols.set(`${message.typeName}.${f.name}`, file);
    for (const e of message.nestedEnums) this.#symbols.set(e.typeName, file);
    for (const x of message.nestedExtensions) this.#symbols.set(x.typeName, file);
    for (const m of message.nestedMessages) this.#addMessage(file, m);
  }

  /** The file first, then its imports, each once (clients resolve imports from the same answer). */
  #withDependencies(file: DescFile): Uint8Array[] {
    const order: DescFile[] = [];
    const visit = (f: DescFile) => {
      if (order.includes(f)) return;
      order.push(f);
      for (const dep of f.dependencies) visit(dep);
    };
    visit(file);
    return order.map((f) => this.#serialized(f));
  }

  #serialized(file: DescFile): Uint8Array {
    let bytes = this.#bytes.get(file);
    if (bytes === undefined) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.#bytes.set(file, bytes);
    }
    return bytes;
  }

  answer(request: ReflectionRequest): ReflectionAnswer {
    const r = request.messageRequest;
    const notFound = (what: string): ReflectionAnswer => ({
      case: "errorResponse",
      value: { errorCode: Code.NotFound, errorMessage: `${what} not found` },
    });
    switch (r.case) {
      case "listServices":
        return {
          case: "listServicesResponse",
          value: { service: this.#serviceNames.map((name) => ({ name })) },
        };
      case "fileByFilename": {
        const file = this.#files.get(r.value);
        return file === undefined
          ? notFound(`file ${JSON.stringify(r.value)}`)
          : { case: "fileDescriptorResponse", value: { fileDescriptorProto: this.#withDependencies(file) } };
      }
      case "fileContainingSymbol": {
        const file = this.#symbols.get(r.value.replace(/^\./, ""));
        return file === undefined
          ? notFound(`symbol ${JSON.stringify(r.value)}`)
          : { case: "fileDescriptorResponse", value: { fileDescriptorProto: this.#withDependencies(file) } };
      }
      case "fileContainingExtension":
        return notFound(`extension ${r.value.extensionNumber} of ${JSON.stringify(r.value.containingType)}`);
      case "allExtensionNumbersOfType": {
        const name = r.value.replace(/^\./, "");
        return this.#messages.has(name)
          ? { case: "allExtensionNumbersResponse", value: { baseTypeName: name, extensionNumber: [] } }
          : notFound(`type ${JSON.stringify(r.value)}`);
      }
      default:
        return {
          case: "errorResponse",
          value: {
            errorCode: Code.InvalidArgument,
            errorMessage: "reflection request without a message_request",
          },
        };
    }
  }
}

/** Echo of the request in the shape both versions accept (the original carries a version-specific type name). */
function echo(request: ReflectionRequest): ReflectionRequest {
  const r = request.messageRequest;
  const messageRequest: ReflectionRequest["messageRequest"] =
    r.case === "fileContainingExtension"
      ? {
          case: r.case,
          value: { containingType: r.value.containingType, extensionNumber: r.value.extensionNumber },
        }
      : r;
  return { host: request.host, messageRequest };
}

async function* serve(
  index: ReflectionIndex,
  requests: AsyncIterable<ReflectionRequest>,
  signal: AbortSignal,
) {
  // A client may hold the stream open indefinitely; stop waiting for it once the call is aborted
  // (shutdown deadline), so shutdown does not wait for the socket to be torn down.
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => reject(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  aborted.catch(() => {});
  const it = requests[Symbol.asyncIterator]();
  for (;;) {
    const next = await Promise.race([it.next(), aborted]);
    if (next.done === true) return;
    const request = next.value;
    yield { validHost: request.host, originalRequest: echo(request), messageResponse: index.answer(request) };
  }
}

/** Registers both reflection versions; `services` are the services to advertise (include these two). */
export function registerReflection(router: ConnectRouter, services: readonly DescService[]): void {
  const index = new ReflectionIndex([...services, ReflectionV1, ReflectionV1alpha]);
  router.service(ReflectionV1, {
    serverReflectionInfo: (requests, ctx) => serve(index, requests, ctx.signal),
  });
  router.service(ReflectionV1alpha, {
    serverReflectionInfo: (requests, ctx) => serve(index, requests, ctx.signal),
  });
}
