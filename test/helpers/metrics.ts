/** Reading the server's /metrics (Prometheus text) in tests and the bench. */

/** The value of one series, found by its name and exact label set; undefined when absent. */
export function seriesValue(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** One of the destination's own series (prefix added) from a running server; throws when absent. */
export async function destinationSeries(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = seriesValue(text, `cratedb_fivetran_destination_${name}`);
  if (value === undefined) throw new Error(`the server's /metrics has no ${name}`);
  return value;
}
