/**
 * One decode-limit measurement in a fresh process: reads a DecodeSpec as JSON from stdin, prints
 * its DecodeResult as one JSON line.
 */
import { text } from "node:stream/consumers";
import { type DecodeSpec, runDecode } from "./decode.ts";

const spec = JSON.parse(await text(process.stdin)) as DecodeSpec;
process.stdout.write(`${JSON.stringify(await runDecode(spec))}\n`);
