/**
 * Every service the server answers: the Fivetran destination service (each RPC under the per-call
 * log line and the worker limit), gRPC health and gRPC reflection.
 */
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { DestinationConnector } from "../../gen/fivetran_sdk/v2/destination_sdk_pb.ts";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import type { BatchFileLimits, BatchFormat } from "../batch/index.ts";
import type { PrepareThreads } from "../ops/write/prepare-thread.ts";
import { callLogInterceptor } from "./call-log.ts";
import { alterTable } from "./handlers/alter-table.ts";
import { capabilities } from "./handlers/capabilities.ts";
import { configurationForm } from "./handlers/configuration-form.ts";
import { createTable } from "./handlers/create-table.ts";
import { describeTable } from "./handlers/describe-table.ts";
import { migrate } from "./handlers/migrate.ts";
import { test } from "./handlers/test.ts";
import { truncate } from "./handlers/truncate.ts";
import { writeBatch } from "./handlers/write-batch.ts";
import { writeHistoryBatch } from "./handlers/write-history-batch.ts";
import { type HealthState, registerHealth } from "./health.ts";
import { registerReflection } from "./reflection.ts";
import { KeyedLocks, tableLockInterceptor } from "./table-locks.ts";
import { type WorkerLimit, workerLimitInterceptor } from "./worker-limit.ts";

export type DestinationImpl = ServiceImpl<typeof DestinationConnector>;

export interface RouteOptions {
  readonly batchFileFormat: BatchFormat;
  /** What batch file reads are allowed (`--batch-file-*` flags); absent fields take defaults. */
  readonly batchFiles?: BatchFileLimits | undefined;
  /** Shared by every call's WriteBatch steps; absent: each step is prepared on its call's thread. */
  readonly prepareThreads?: PrepareThreads | undefined;
  readonly workerLimit: WorkerLimit;
  readonly health: HealthState;
  /** Replaces single destination handlers, e.g. with slow or failing ones in server tests. */
  readonly handlers?: Partial<DestinationImpl> | undefined;
}

/** Names health reports on, besides "" for the whole server. */
export const HEALTH_SERVICES = [DestinationConnector.typeName] as const;

export function routes(options: RouteOptions): (router: ConnectRouter) => void {
  const destination: DestinationImpl = {
    configurationForm,
    capabilities: capabilities(options.batchFileFormat),
    test,
    describeTable,
    createTable,
    alterTable,
    truncate,
    writeBatch: writeBatch(options.batchFileFormat, options.batchFiles, options.prepareThreads),
    writeHistoryBatch: writeHistoryBatch(options.batchFileFormat, options.batchFiles, options.prepareThreads),
    migrate,
    ...options.handlers,
  };
  const locks = new KeyedLocks();
  return (router) => {
    // The log interceptor is outermost, so its duration includes the waits for the table's lock
    // and a worker slot; the lock comes first, so waiting for a busy table takes no slot.
    router.service(DestinationConnector, destination, {
      interceptors: [
        callLogInterceptor(),
        tableLockInterceptor(locks),
        workerLimitInterceptor(options.workerLimit),
      ],
    });
    registerHealth(router, options.health);
    registerReflection(router, [DestinationConnector, Health]);
  };
}
