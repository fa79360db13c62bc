/**
 * grpc.health.v1.Health: SERVING while the server is up, NOT_SERVING from the moment shutdown
 * begins, so load balancers and probes stop sending new work before connections close.
 * Known service names: "" (the whole server) and every registered service.
 */
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  Health,
  type HealthCheckRequest,
  HealthCheckResponse_ServingStatus as Status,
} from "../../gen/grpc/health/v1/health_pb.ts";

type ServingStatus = (typeof Status)[keyof typeof Status];

export class HealthState {
  readonly #services: ReadonlySet<string>;
  #serving = true;
  // Watchers are told about the change and then their stream ends, so shutdown is not held up.
  readonly #draining = new AbortController();

  constructor(serviceNames: readonly string[]) {
    this.#services = new Set(["", ...serviceNames]);
  }

  get serving(): boolean {
    return this.#serving;
  }

  get services(): readonly string[] {
    return [...this.#services];
  }

  /** Shutdown has begun: report NOT_SERVING from now on. */
  setNotServing(): void {
    this.#serving = false;
    this.#draining.abort();
  }

  statusOf(service: string): ServingStatus | undefined {
    if (!this.#services.has(service)) return undefined;
    return this.#serving ? Status.SERVING : Status.NOT_SERVING;
  }

  get drainingSignal(): AbortSignal {
    return this.#draining.signal;
  }
}

export function registerHealth(router: ConnectRouter, state: HealthState): void {
  router.service(Health, {
    check(req: HealthCheckRequest) {
      const status = state.statusOf(req.service);
      if (status === undefined)
        throw new ConnectError(`unknown service ${JSON.stringify(req.service)}`, Code.NotFound);
      return { status };
    },
    async *watch(req: HealthCheckRequest, ctx) {
      yield { status: state.statusOf(req.service) ?? Status.SERVICE_UNKNOWN };
      if (!state.serving) return;
      const done = AbortSignal.any([ctx.signal, state.drainingSignal]);
      if (!done.aborted) {
        await new Promise<void>((resolve) => done.addEventListener("abort", () => resolve(), { once: true }));
      }
      if (ctx.signal.aborted) return;
      yield { status: state.statusOf(req.service) ?? Status.SERVICE_UNKNOWN };
    },
    list() {
      return {
        statuses: Object.fromEntries(
          state.services.map((name) => [name, { status: state.statusOf(name) ?? Status.SERVICE_UNKNOWN }]),
        ),
      };
    },
  });
}
