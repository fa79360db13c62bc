import assert from "node:assert/strict";
import { test } from "node:test";
import { info, parseLogLevel, setLogLevel, setLogSink, severe, warning } from "../src/log.ts";

test("log lines are one JSON object with exactly level, message and message-origin", () => {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    setLogLevel("INFO");
    info('created table "s"."t"\nnext');
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith("\n"));
    assert.equal(lines[0]!.split("\n").length, 2, "exactly one line");
    assert.deepEqual(JSON.parse(lines[0]!), {
      level: "INFO",
      message: 'created table "s"."t"\nnext',
      "message-origin": "sdk_destination",
    });
  } finally {
    setLogSink(previous);
  }
});

test("levels below the threshold are dropped", () => {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    setLogLevel("WARNING");
    info("dropped");
    warning("kept");
    severe("kept too");
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).level),
      ["WARNING", "SEVERE"],
    );
  } finally {
    setLogLevel("INFO");
    setLogSink(previous);
  }
});

test("log levels parse case-insensitively, with common aliases", () => {
  assert.equal(parseLogLevel("info"), "INFO");
  assert.equal(parseLogLevel("Warn"), "WARNING");
  assert.equal(parseLogLevel("severe"), "SEVERE");
  assert.equal(parseLogLevel("error"), "SEVERE");
  assert.equal(parseLogLevel("debug"), undefined);
});
