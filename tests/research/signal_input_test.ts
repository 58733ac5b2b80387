/**
 * Reading a researcher's signal table: values that are not finite numbers (inf, Infinity,
 * 1e999, text) are refused naming the row, column and cell, never counted as missing; the
 * usual missing markers are NaN; a table that lands nowhere on the panel is refused naming the
 * assets and times that did not match.
 */
import assert from "node:assert/strict";
import {
  alignSignal,
  longSignalFromRecords,
  parseSignalCsv,
  requireSignalPlaced,
  SignalAlignmentError,
} from "@lib/research/signal_input.ts";

const H = 3_600_000;
const panel = {
  assets: ["BTCUSDT", "ETHUSDT"],
  index: Float64Array.from({ length: 4 }, (_, t) => Date.UTC(2021, 0, 1) + t * H),
  freq: "1h" as const,
};

Deno.test("parseSignalCsv: inf, Infinity, 1e999 and text are named as invalid, not missing", () => {
  const head = "ts,asset,score\n";
  for (const cell of ["inf", "-inf", "Infinity", "-Infinity", "1e999", "-1E999"]) {
    assert.throws(
      () => parseSignalCsv(`${head}2021-01-01T00:00:00Z,BTCUSDT,1\n2021-01-01,ETHUSDT,${cell}\n`),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.includes(`row 2 (ETHUSDT): "${cell}" is infinite`) &&
        e.message.includes("column score"),
      cell,
    );
  }
  assert.throws(
    () => parseSignalCsv(`${head}2021-01-01,BTCUSDT,high\n`),
    /1 value in column score is not a finite number: row 1 \(BTCUSDT\): "high" is not a number/,
  );
  // several: the count and the first five
  const many = Array.from({ length: 7 }, (_, i) => `2021-01-01T0${i}:00:00Z,BTCUSDT,inf`);
  assert.throws(
    () => parseSignalCsv(head + many.join("\n")),
    /7 values in column score are not finite numbers: row 1 .*row 5 \(BTCUSDT\): "inf" is infinite; \.\.\./,
  );
});

Deno.test("parseSignalCsv: empty cells and NaN markers are missing values", () => {
  const s = parseSignalCsv(
    "ts,asset,value\n" +
      ["", "nan", "NaN", "NA", "N/A", "<NA>", "null", "None", "-0.5e-3", "+2", ".5"]
        .map((v, i) => `2021-01-01T00:00:00Z,A${i},${v}`).join("\n"),
  );
  assert.ok([...s.value.slice(0, 8)].every((v) => Number.isNaN(v)));
  assert.deepEqual([...s.value.slice(8)], [-0.0005, 2, 0.5]);
});

Deno.test("longSignalFromRecords and alignSignal: infinite numbers are refused", () => {
  assert.throws(
    () =>
      longSignalFromRecords([
        { ts: 0, asset: "BTCUSDT", value: 1 },
        { ts: 0, asset: "ETHUSDT", value: Infinity },
      ], "sig.parquet"),
    /Cannot read sig\.parquet: 1 value in column value is not a finite number.*row 2 \(ETHUSDT\): Infinity is infinite/,
  );
  // null and NaN (Parquet's missing values) are missing
  const ok = longSignalFromRecords([
    { ts: 0, asset: "BTCUSDT", value: null },
    { ts: 0, asset: "ETHUSDT", value: NaN },
  ]);
  assert.ok(ok.value.every((v) => Number.isNaN(v)));
  // a table built in code
  const long = {
    ts: Float64Array.of(panel.index[0]!, panel.index[1]!),
    asset: ["BTCUSDT", "ETHUSDT"],
    value: Float64Array.of(1, -Infinity),
  };
  assert.throws(
    () => alignSignal(long, panel),
    /row 2 \(ETHUSDT at 2021-01-01T01:00Z\) has an infinite value \(-Infinity\)/,
  );
});

Deno.test("requireSignalPlaced: says which assets and times did not match", () => {
  const names = {
    ts: Float64Array.of(panel.index[0]!, panel.index[0]!, panel.index[1]!),
    asset: ["BTC", "ETH", "BTC"],
    value: Float64Array.of(1, 2, 3),
    source: "mine.csv",
  };
  assert.throws(
    () => requireSignalPlaced(alignSignal(names, panel), names, panel),
    (e: Error) =>
      e instanceof SignalAlignmentError &&
      /^Cannot use mine\.csv: no row of its 3 fell on a bar of the panel: 2 asset names are not in the panel: BTC \(2 rows\), ETH \(1 row\) \(the panel's assets: BTCUSDT, ETHUSDT\)/
        .test(e.message),
  );
  // half an hour off the grid
  const off = {
    ts: Float64Array.of(panel.index[0]! + H / 2, panel.index[0]! + H / 2, panel.index[2]! + H / 2),
    asset: ["BTCUSDT", "ETHUSDT", "BTCUSDT"],
    value: Float64Array.of(1, 2, 3),
  };
  assert.throws(
    () => requireSignalPlaced(alignSignal(off, panel), off, panel),
    /3 rows' times are not a bar open time of the panel, e\.g\. 2021-01-01T00:30Z, 2021-01-01T02:30Z; the file's times run from 2021-01-01T00:30Z to 2021-01-01T02:30Z, the panel has 4 1h bars opening from 2021-01-01T00:00Z to 2021-01-01T03:00Z/,
  );
  // epoch seconds
  const secs = {
    ts: Float64Array.of(panel.index[0]! / 1000),
    asset: ["BTCUSDT"],
    value: Float64Array.of(1),
  };
  assert.throws(
    () => requireSignalPlaced(alignSignal(secs, panel), secs, panel),
    /look like epoch SECONDS/,
  );
  // rows that land but have no value
  const empty = {
    ts: Float64Array.of(panel.index[0]!),
    asset: ["BTCUSDT"],
    value: Float64Array.of(NaN),
  };
  assert.throws(
    () => requireSignalPlaced(alignSignal(empty, panel), empty, panel),
    /its 1 rows on the panel's bars all have no value/,
  );
  // one row that lands is enough
  const one = {
    ts: Float64Array.of(panel.index[3]!),
    asset: ["ETHUSDT"],
    value: Float64Array.of(1),
  };
  requireSignalPlaced(alignSignal(one, panel), one, panel);
});
