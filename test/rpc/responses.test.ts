import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { DestinationError } from "../../src/errors.ts";
import { setLogSink } from "../../src/log.ts";
import {
  cutMessage,
  MAX_ANSWER_TEXT_BYTES,
  taskOr,
  toConnectError,
  warningOf,
} from "../../src/rpc/responses.ts";

/** Runs `fn` with log lines captured instead of printed. */
async function capturingLogs<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; lines: { level: string; message: string }[] }> {
  const lines: { level: string; message: string }[] = [];
  const previous = setLogSink((line) => lines.push(JSON.parse(line)));
  try {
    return { result: await fn(), lines };
  } finally {
    setLogSink(previous);
  }
}

const success = { case: "success" as const, value: true };

const cases: {
  name: string;
  thrown: unknown;
  expect: { task: string } | { code: Code; message: string | RegExp; severe: boolean };
}[] = [
  {
    name: "a user error becomes a Task with its message",
    thrown: new DestinationError(
      "CRATEDB_AUTH",
      "CrateDB rejected the credentials: check username and password",
      {
        hint: null,
      },
    ),
    expect: { task: "CrateDB rejected the credentials: check username and password" },
  },
  {
    name: "a transient error becomes UNAVAILABLE with its message",
    thrown: new DestinationError("CRATEDB_UNREACHABLE", "no CrateDB node answered within 10 s"),
    expect: { code: Code.Unavailable, message: "no CrateDB node answered within 10 s", severe: false },
  },
  {
    name: "a bug becomes INTERNAL with a generic message",
    thrown: new DestinationError("CRATEDB_BAD_STATEMENT", "no mapping for type 99 in table secret_table"),
    expect: { code: Code.Internal, message: /^internal error in the CrateDB destination/, severe: true },
  },
  {
    name: "a plain Error becomes INTERNAL without its text",
    thrown: new TypeError("Cannot read properties of undefined (reading 'password=hunter2')"),
    expect: { code: Code.Internal, message: /^internal error in the CrateDB destination/, severe: true },
  },
  {
    name: "a thrown non-Error value becomes INTERNAL",
    thrown: "just a string",
    expect: { code: Code.Internal, message: /^internal error in the CrateDB destination/, severe: true },
  },
  {
    name: "an aborted operation (client gone, shutdown) becomes UNAVAILABLE",
    thrown: new DOMException("This operation was aborted", "AbortError"),
    expect: {
      code: Code.Unavailable,
      message: "the request was cancelled before it finished",
      severe: false,
    },
  },
  {
    name: "a ConnectError passes through unchanged",
    thrown: new ConnectError("deadline exceeded", Code.DeadlineExceeded),
    expect: { code: Code.DeadlineExceeded, message: "deadline exceeded", severe: false },
  },
];

for (const c of cases) {
  test(`taskOr: ${c.name}`, async () => {
    const { result, lines } = await capturingLogs(() =>
      taskOr(async (): Promise<typeof success> => {
        throw c.thrown;
      }).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    if ("task" in c.expect) {
      assert.deepEqual(result, { value: { case: "task", value: { message: c.expect.task } } });
      assert.equal(lines.length, 0);
      return;
    }
    assert.ok("error" in result && result.error instanceof ConnectError, "a gRPC status is thrown");
    const err = result.error;
    assert.equal(err.code, c.expect.code);
    if (typeof c.expect.message === "string") assert.equal(err.rawMessage, c.expect.message);
    else assert.match(err.rawMessage, c.expect.message);
    const severe = lines.filter((l) => l.level === "SEVERE");
    assert.equal(severe.length, c.expect.severe ? 1 : 0, "the cause of unexpected errors is logged SEVERE");
    if (c.expect.severe) {
      // The cause goes to the log only: the sent message never carries it.
      assert.doesNotMatch(err.rawMessage, /hunter2|secret_table|just a string/);
      assert.match(severe[0]!.message, /hunter2|secret_table|just a string/);
    }
  });
}

test("taskOr passes a successful result through untouched", async () => {
  assert.deepEqual(await taskOr(async () => success), success);
  const warning = warningOf("column type changed");
  assert.deepEqual(await taskOr(async () => warning), {
    case: "warning",
    value: { message: "column type changed" },
  });
});

test("Task and status messages are cut at 8,000 bytes", async () => {
  const long = "x".repeat(20_000);
  const task = await taskOr(async (): Promise<typeof success> => {
    throw new DestinationError("INVALID_NAME", long);
  });
  assert.equal(task.case, "task");
  assert.ok(Buffer.byteLength((task.value as { message: string }).message) <= MAX_ANSWER_TEXT_BYTES);
  const status = toConnectError(new DestinationError("CRATEDB_TIMEOUT", long));
  assert.ok(Buffer.byteLength(status.rawMessage) <= MAX_ANSWER_TEXT_BYTES);
});

test("cutting never splits a UTF-8 character and marks the cut", () => {
  for (const unit of ["a", "é", "€", "𝄞"]) {
    for (let pad = 0; pad < 4; pad++) {
      const text = "a".repeat(pad) + unit.repeat(10_000);
      const cut = cutMessage(text);
      const bytes = Buffer.from(cut, "utf8");
      assert.ok(bytes.length <= MAX_ANSWER_TEXT_BYTES, `${unit}/${pad}: ${bytes.length} bytes`);
      assert.ok(bytes.length > MAX_ANSWER_TEXT_BYTES - 8, `${unit}/${pad}: cut no more than needed`);
      assert.ok(!cut.includes("\uFFFD"), "no replacement character");
      assert.ok(cut.endsWith("…"));
      assert.ok(text.startsWith(cut.slice(0, -1)), "the kept part is a prefix of the original");
    }
  }
  assert.equal(cutMessage("short"), "short");
  assert.equal(cutMessage("€".repeat(2_666)), "€".repeat(2_666), "exactly 7,998 bytes stay whole");
});
