/**
 * The store's schema as numbered migrations. Each migration runs in its own transaction and is
 * recorded in `schema_migrations`; a migration, once released, is never edited: change the
 * schema by appending a new one.
 *
 * Provenance: every market-data row carries `source` (where it came from: a file, a venue
 * endpoint, a materializer) and `run_id` (the `ingest_runs` row of the task that wrote it).
 *
 * @module
 */

/** One schema change. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The trigger statement that drops the cached block holding row `r` (NEW or OLD) of `bars`.
 * Block span = 4096 bars of the row's frequency; the start is floored for negative times too,
 * computed inline so the DELETE is one lookup on the unique key of `bar_blocks`.
 */
function dropBlockOf(r: "NEW" | "OLD"): string {
  const span = `CASE ${r}.freq WHEN '1s' THEN 4096000 WHEN '1m' THEN 245760000
      WHEN '5m' THEN 1228800000 WHEN '15m' THEN 3686400000 WHEN '1h' THEN 14745600000
      WHEN '4h' THEN 58982400000 WHEN '1d' THEN 353894400000 END`;
  return `  DELETE FROM bar_blocks
  WHERE venue = ${r}.venue AND symbol = ${r}.symbol AND freq = ${r}.freq
    AND block_start = ${r}.ts - ((${r}.ts % (${span})) + (${span})) % (${span});
`;
}

/** All migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
CREATE TABLE instruments (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  base TEXT,
  quote TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('spot', 'perp', 'dex_pair')),
  source TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (venue, symbol)
) WITHOUT ROWID;

CREATE TABLE ingest_runs (
  run_id INTEGER PRIMARY KEY AUTOINCREMENT,
  task TEXT NOT NULL,
  params TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
  rows_written INTEGER NOT NULL DEFAULT 0,
  rows_quarantined INTEGER NOT NULL DEFAULT 0,
  message TEXT
);

CREATE TABLE trades (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  trade_id INTEGER NOT NULL,
  ts REAL NOT NULL,
  price REAL NOT NULL,
  qty REAL NOT NULL,
  side INTEGER NOT NULL CHECK (side IN (-1, 0, 1)),
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, trade_id)
);
CREATE INDEX trades_by_time ON trades (venue, symbol, ts);

CREATE TABLE bars (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  freq TEXT NOT NULL CHECK (freq IN ('1s', '1m', '5m', '15m', '1h', '4h', '1d')),
  ts INTEGER NOT NULL,
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  volume REAL NOT NULL,
  quote_volume REAL,
  trade_count INTEGER,
  vwap REAL,
  complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
  source TEXT NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, freq, ts)
) WITHOUT ROWID;

CREATE TABLE bar_gaps (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  freq TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  missing INTEGER NOT NULL,
  PRIMARY KEY (venue, symbol, freq, start_ts)
) WITHOUT ROWID;

CREATE TABLE spot_snapshots (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  ts INTEGER NOT NULL,
  price REAL NOT NULL,
  bid REAL,
  ask REAL,
  volume_24h REAL,
  stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, ts)
) WITHOUT ROWID;

CREATE TABLE dex_snapshots (
  chain_id TEXT NOT NULL,
  pair_address TEXT NOT NULL,
  ts INTEGER NOT NULL,
  dex_id TEXT,
  base_symbol TEXT,
  base_address TEXT,
  quote_symbol TEXT,
  quote_address TEXT,
  price_native REAL,
  price_usd REAL,
  liquidity_usd REAL,
  volume_h24 REAL,
  txns_h24_buys INTEGER,
  txns_h24_sells INTEGER,
  pair_created_at INTEGER,
  stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (chain_id, pair_address, ts)
) WITHOUT ROWID;

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  locator TEXT NOT NULL DEFAULT '',
  raw TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  UNIQUE (source, locator, reason)
);

CREATE TABLE provider_health (
  provider TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  opened_at INTEGER,
  updated_at INTEGER NOT NULL
);
`,
  },
  {
    // A columnar cache of bars: 4,096 bars per block (BLOCK_BARS in lib/store/blocks.ts; a
    // different block size needs a new migration), each column a little-endian Float64 BLOB,
    // so a 126-asset hourly panel loads from ~250 rows instead of 690,000. The triggers drop
    // the block a changed bar falls in, whoever writes to `bars`, so the cache is never stale;
    // each DELETE is one primary-key lookup: block_start = floor(ts / span) * span with
    // span = 4096 bars, written so it also floors negative times.
    version: 2,
    name: "bar_blocks columnar cache",
    sql: `
-- A rowid table with a unique key (not WITHOUT ROWID): its rows hold 6 BLOBs of up to 32 KiB,
-- and the triggers' key lookups must not wade through BLOB pages.
CREATE TABLE bar_blocks (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  freq TEXT NOT NULL,
  block_start INTEGER NOT NULL,
  n INTEGER NOT NULL,
  ts BLOB NOT NULL,
  open BLOB NOT NULL,
  high BLOB NOT NULL,
  low BLOB NOT NULL,
  close BLOB NOT NULL,
  volume BLOB NOT NULL,
  UNIQUE (venue, symbol, freq, block_start)
);

-- Any change to bars drops the cached block that holds it, whoever makes the change. The block
-- start is computed inline (block span = 4096 bars of the row's frequency, floored for negative
-- times too) so each DELETE is one lookup on the unique key.
CREATE TRIGGER bar_blocks_after_insert AFTER INSERT ON bars BEGIN
${dropBlockOf("NEW")}END;

CREATE TRIGGER bar_blocks_after_update
AFTER UPDATE OF venue, symbol, freq, ts, open, high, low, close, volume ON bars BEGIN
${dropBlockOf("OLD")}${dropBlockOf("NEW")}END;

CREATE TRIGGER bar_blocks_after_delete AFTER DELETE ON bars BEGIN
${dropBlockOf("OLD")}END;
`,
  },
  {
    // The DEX universe churn log (lib/ingest/dex_universe.ts): one row each time a pair enters
    // or leaves the polled universe, with the reason. Append only: the current universe is the
    // set of pairs whose latest row is 'added'.
    version: 3,
    name: "dex_universe_churn log",
    sql: `
CREATE TABLE dex_universe_churn (
  ts INTEGER NOT NULL,
  chain_id TEXT NOT NULL,
  pair_address TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('added', 'dropped')),
  reason TEXT NOT NULL,
  base_symbol TEXT,
  quote_symbol TEXT,
  liquidity_usd REAL,
  volume_h24 REAL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (chain_id, pair_address, ts, action)
) WITHOUT ROWID;
CREATE INDEX dex_universe_churn_by_time ON dex_universe_churn (ts);
`,
  },
  {
    // Factor-model runs (lib/research/factor_run.ts). A run is identified by `run_id`, the
    // SHA-256 of the canonical JSON of {dataset fingerprint, parameters, model version}, so the
    // same inputs always map to the same run and a second materialization is a no-op.
    // Provenance: the run row holds the dataset fingerprint, the parameters and the code
    // version; `source` names the materializer and `ingest_run_id` the task run that wrote it,
    // as bars carry `source` and `run_id`. The run row and all of its rows are written in one
    // transaction, so a run is either complete or absent. NaN is stored as NULL; grid points
    // without a fit are not stored.
    //
    // The per-bar tables reference the run by `run_key`, the run row's integer key, not by the
    // 64-character `run_id`: measured on the 126-asset hourly NFI universe (584,552 rows in
    // each table), the text key made a run 148 MB and its write 10.3 s; the integer key 59 MB
    // and 7.5 s. Join on run_key (or use lib/store/factors.ts) to select by run_id.
    version: 4,
    name: "factor model runs, betas and residual returns",
    sql: `
CREATE TABLE factor_runs (
  run_key INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE CHECK (length(run_id) = 64),
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  venue TEXT NOT NULL,
  freq TEXT NOT NULL CHECK (freq IN ('1s', '1m', '5m', '15m', '1h', '4h', '1d')),
  window_bars INTEGER NOT NULL CHECK (window_bars >= 2),
  min_obs INTEGER NOT NULL,
  causal INTEGER NOT NULL CHECK (causal IN (0, 1)),
  factors TEXT NOT NULL,
  params TEXT NOT NULL,
  dataset_sha256 TEXT NOT NULL,
  dataset_rows INTEGER NOT NULL,
  first_ts INTEGER,
  last_ts INTEGER,
  assets INTEGER NOT NULL,
  model_version TEXT NOT NULL,
  code_version TEXT,
  source TEXT NOT NULL,
  ingest_run_id INTEGER REFERENCES ingest_runs (run_id),
  beta_rows INTEGER NOT NULL DEFAULT 0,
  residual_rows INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX factor_runs_by_dataset ON factor_runs (venue, freq, created_at);

CREATE TABLE factor_betas (
  run_key INTEGER NOT NULL REFERENCES factor_runs (run_key) ON DELETE CASCADE,
  asset TEXT NOT NULL,
  ts INTEGER NOT NULL,
  alpha REAL,
  beta_btc REAL,
  beta_eth REAL,
  r_squared REAL,
  nobs INTEGER NOT NULL,
  PRIMARY KEY (run_key, asset, ts)
) WITHOUT ROWID;

CREATE TABLE residual_returns (
  run_key INTEGER NOT NULL REFERENCES factor_runs (run_key) ON DELETE CASCADE,
  asset TEXT NOT NULL,
  ts INTEGER NOT NULL,
  residual REAL,
  PRIMARY KEY (run_key, asset, ts)
) WITHOUT ROWID;
`,
  },
  {
    // Quarantine a user can work with (`deno task quarantine`): each refused row keeps what is
    // needed to read it again the way import read it (the file format, the lines before the
    // first data row, and the venue, symbol and frequency it was imported as), so `release`
    // can re-run it through the parser and the row rules. NULL for rows quarantined before
    // this version and for provider payloads. A released row leaves `quarantine` and is
    // recorded in `quarantine_releases` (append only): what it was, why it was refused, how it
    // was released (`passed` the rules again, or `forced` by hand) and where it was written.
    version: 5,
    name: "quarantine context and release audit",
    sql: `
ALTER TABLE quarantine ADD COLUMN format TEXT;
ALTER TABLE quarantine ADD COLUMN venue TEXT;
ALTER TABLE quarantine ADD COLUMN symbol TEXT;
ALTER TABLE quarantine ADD COLUMN freq TEXT;
ALTER TABLE quarantine ADD COLUMN preamble TEXT;
CREATE INDEX quarantine_by_reason ON quarantine (reason);

CREATE TABLE quarantine_releases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  quarantine_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  locator TEXT NOT NULL,
  raw TEXT NOT NULL,
  reason TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL,
  released_at INTEGER NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('passed', 'forced')),
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  freq TEXT,
  written TEXT NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id)
);
`,
  },
  {
    // Trade ids the live stream knows it has not stored (lib/store/stream_writes.ts): a REST
    // repair that could not run yet, or a frame refused by the row rules. `open` holes are
    // retried on the next batch and the next start until REST fills them; `lost` ones are ids
    // the venue's history no longer has. Bars over either are incomplete.
    version: 6,
    name: "stream holes",
    sql: `
CREATE TABLE stream_holes (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  from_id INTEGER NOT NULL,
  to_id INTEGER NOT NULL,
  from_ts REAL,
  to_ts REAL,
  status TEXT NOT NULL CHECK (status IN ('open', 'lost')),
  reason TEXT NOT NULL,
  found_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error TEXT,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, from_id),
  CHECK (to_id >= from_id)
) WITHOUT ROWID;
`,
  },
  {
    // Issue 8: non-finite values never enter the store. Earlier versions stored `Infinity`
    // (from a CSV) and `1e999` (from JSON) as Inf: such bars and trades move to `quarantine`
    // (raw values as CSV text, the reason), and the gaps of the series they leave are
    // recomputed (as lib/store/gaps.ts findGaps does). The bar_blocks triggers drop the
    // cached blocks they fall in.
    version: 7,
    name: "non-finite rows out of the store",
    sql: `
CREATE TEMP TABLE m7_bad_series AS
  SELECT DISTINCT venue, symbol, freq FROM bars
  WHERE abs(open) > 1.7976931348623157e308 OR abs(high) > 1.7976931348623157e308
     OR abs(low) > 1.7976931348623157e308 OR abs(close) > 1.7976931348623157e308
     OR abs(volume) > 1.7976931348623157e308 OR abs(quote_volume) > 1.7976931348623157e308
     OR abs(vwap) > 1.7976931348623157e308;

INSERT INTO quarantine (source, locator, raw, reason, at, run_id)
  SELECT source, 'bar ' || venue || ':' || symbol || ' ' || freq || ' ts=' || ts,
    ts || ',' || open || ',' || high || ',' || low || ',' || close || ',' || volume || ',' ||
      coalesce(quote_volume, '') || ',' || coalesce(trade_count, '') || ',' || coalesce(vwap, ''),
    CASE WHEN abs(open) > 1.7976931348623157e308 OR abs(high) > 1.7976931348623157e308
           OR abs(low) > 1.7976931348623157e308 OR abs(close) > 1.7976931348623157e308
           OR abs(vwap) > 1.7976931348623157e308
      THEN 'price is not a finite number' ELSE 'volume is not a finite number' END ||
      ': a value of this bar is infinite (stored by an earlier version; moved out of the ' ||
      'store by migration 7)',
    CAST(strftime('%s', 'now') AS INTEGER) * 1000, run_id
  FROM bars
  WHERE abs(open) > 1.7976931348623157e308 OR abs(high) > 1.7976931348623157e308
     OR abs(low) > 1.7976931348623157e308 OR abs(close) > 1.7976931348623157e308
     OR abs(volume) > 1.7976931348623157e308 OR abs(quote_volume) > 1.7976931348623157e308
     OR abs(vwap) > 1.7976931348623157e308
  ON CONFLICT (source, locator, reason) DO NOTHING;

DELETE FROM bars
  WHERE abs(open) > 1.7976931348623157e308 OR abs(high) > 1.7976931348623157e308
     OR abs(low) > 1.7976931348623157e308 OR abs(close) > 1.7976931348623157e308
     OR abs(volume) > 1.7976931348623157e308 OR abs(quote_volume) > 1.7976931348623157e308
     OR abs(vwap) > 1.7976931348623157e308;

DELETE FROM bar_gaps
  WHERE (venue, symbol, freq) IN (SELECT venue, symbol, freq FROM m7_bad_series);

INSERT INTO bar_gaps (venue, symbol, freq, start_ts, end_ts, missing)
  SELECT venue, symbol, freq, ts + ms, nxt, (nxt - ts + ms - 1) / ms - 1 FROM (
    SELECT b.venue, b.symbol, b.freq, b.ts,
      lead(b.ts) OVER (PARTITION BY b.venue, b.symbol, b.freq ORDER BY b.ts) AS nxt,
      CASE b.freq WHEN '1s' THEN 1000 WHEN '1m' THEN 60000 WHEN '5m' THEN 300000
        WHEN '15m' THEN 900000 WHEN '1h' THEN 3600000 WHEN '4h' THEN 14400000
        ELSE 86400000 END AS ms
    FROM bars b JOIN m7_bad_series s
      ON b.venue = s.venue AND b.symbol = s.symbol AND b.freq = s.freq)
  WHERE nxt - ts > ms;

DROP TABLE m7_bad_series;

INSERT INTO quarantine (source, locator, raw, reason, at, run_id)
  SELECT source, 'trade ' || venue || ':' || symbol || ' id=' || trade_id,
    trade_id || ',' || ts || ',' || price || ',' || qty || ',' || side,
    CASE WHEN abs(qty) > 1.7976931348623157e308 AND abs(price) <= 1.7976931348623157e308
      THEN 'quantity is not a finite number' ELSE 'price is not a finite number' END ||
      ': a value of this trade is infinite (stored by an earlier version; moved out of the ' ||
      'store by migration 7)',
    CAST(strftime('%s', 'now') AS INTEGER) * 1000, run_id
  FROM trades
  WHERE abs(price) > 1.7976931348623157e308 OR abs(qty) > 1.7976931348623157e308
     OR abs(ts) > 1.7976931348623157e308
  ON CONFLICT (source, locator, reason) DO NOTHING;

DELETE FROM trades
  WHERE abs(price) > 1.7976931348623157e308 OR abs(qty) > 1.7976931348623157e308
     OR abs(ts) > 1.7976931348623157e308;
`,
  },
  {
    // Issue 10: the trial ledger (lib/store/trials.ts). Every evaluation of a signal or strategy
    // is appended: families (a hypothesis name and its generation), trials (parameters, code
    // and dataset hashes, the per-period series as little-endian float64 and its summary) and
    // family closures (closing is an appended event, never an update). Triggers refuse UPDATE
    // and DELETE; every row carries the global `seq` of one hash chain over the three tables
    // (`hash` = SHA-256 of its canonical content and `prev_hash`), which verifyLedger checks.
    version: 8,
    name: "trial ledger",
    sql: `
CREATE TABLE trial_families (
  family_id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  generation INTEGER NOT NULL CHECK (generation >= 1),
  created_at INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (name, generation)
);

CREATE TABLE trial_family_closures (
  family_id INTEGER PRIMARY KEY REFERENCES trial_families (family_id),
  seq INTEGER NOT NULL UNIQUE,
  closed_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE trials (
  trial_id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  family_id INTEGER NOT NULL REFERENCES trial_families (family_id),
  recorded_at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('returns', 'ic')),
  origin TEXT NOT NULL,
  params TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  source_sha256 TEXT,
  dataset TEXT NOT NULL,
  freq TEXT NOT NULL,
  series BLOB NOT NULL,
  n INTEGER NOT NULL,
  mean REAL,
  std REAL,
  sharpe REAL,
  skewness REAL,
  kurtosis REAL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX trials_by_family ON trials (family_id, trial_id);

CREATE TRIGGER trial_families_no_update BEFORE UPDATE ON trial_families
BEGIN SELECT RAISE(ABORT, 'trial_families is append-only (the trial ledger): rows cannot be changed; close a family with deno task trials close'); END;
CREATE TRIGGER trial_families_no_delete BEFORE DELETE ON trial_families
BEGIN SELECT RAISE(ABORT, 'trial_families is append-only (the trial ledger): rows cannot be deleted'); END;
CREATE TRIGGER trial_families_chain BEFORE INSERT ON trial_families
WHEN NEW.seq IS NOT max(
    coalesce((SELECT max(seq) FROM trial_families), 0),
    coalesce((SELECT max(seq) FROM trial_family_closures), 0),
    coalesce((SELECT max(seq) FROM trials), 0)) + 1
  OR NEW.prev_hash IS NOT coalesce(
    (SELECT hash FROM trial_families WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trial_family_closures WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trials WHERE seq = NEW.seq - 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'trial_families: a ledger row must extend the hash chain (seq = last seq + 1, prev_hash = the last row''s hash); append through lib/store/trials.ts'); END;
CREATE TRIGGER trial_family_closures_no_update BEFORE UPDATE ON trial_family_closures
BEGIN SELECT RAISE(ABORT, 'trial_family_closures is append-only (the trial ledger): rows cannot be changed; close a family with deno task trials close'); END;
CREATE TRIGGER trial_family_closures_no_delete BEFORE DELETE ON trial_family_closures
BEGIN SELECT RAISE(ABORT, 'trial_family_closures is append-only (the trial ledger): rows cannot be deleted'); END;
CREATE TRIGGER trial_family_closures_chain BEFORE INSERT ON trial_family_closures
WHEN NEW.seq IS NOT max(
    coalesce((SELECT max(seq) FROM trial_families), 0),
    coalesce((SELECT max(seq) FROM trial_family_closures), 0),
    coalesce((SELECT max(seq) FROM trials), 0)) + 1
  OR NEW.prev_hash IS NOT coalesce(
    (SELECT hash FROM trial_families WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trial_family_closures WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trials WHERE seq = NEW.seq - 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'trial_family_closures: a ledger row must extend the hash chain (seq = last seq + 1, prev_hash = the last row''s hash); append through lib/store/trials.ts'); END;
CREATE TRIGGER trials_no_update BEFORE UPDATE ON trials
BEGIN SELECT RAISE(ABORT, 'trials is append-only (the trial ledger): rows cannot be changed; close a family with deno task trials close'); END;
CREATE TRIGGER trials_no_delete BEFORE DELETE ON trials
BEGIN SELECT RAISE(ABORT, 'trials is append-only (the trial ledger): rows cannot be deleted'); END;
CREATE TRIGGER trials_chain BEFORE INSERT ON trials
WHEN NEW.seq IS NOT max(
    coalesce((SELECT max(seq) FROM trial_families), 0),
    coalesce((SELECT max(seq) FROM trial_family_closures), 0),
    coalesce((SELECT max(seq) FROM trials), 0)) + 1
  OR NEW.prev_hash IS NOT coalesce(
    (SELECT hash FROM trial_families WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trial_family_closures WHERE seq = NEW.seq - 1
     UNION ALL SELECT hash FROM trials WHERE seq = NEW.seq - 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'trials: a ledger row must extend the hash chain (seq = last seq + 1, prev_hash = the last row''s hash); append through lib/store/trials.ts'); END;
CREATE TRIGGER trials_family_open BEFORE INSERT ON trials
WHEN EXISTS (SELECT 1 FROM trial_family_closures WHERE family_id = NEW.family_id)
BEGIN SELECT RAISE(ABORT, 'trials: the family is closed; later trials go to its next generation'); END;
`,
  },
  {
    // Issue 12: perpetual-futures data (lib/store/perp_*.ts). Funding rates at their funding
    // times, mark/index/premium-index klines, open-interest history and liquidation orders
    // (`forceOrder`). Every row carries `source` (file, endpoint or stream), `fetched_at` and
    // `run_id` like trades; writes are idempotent upserts (the same row again changes nothing;
    // changed values replace the stored ones and are counted). Funding times are stored as the
    // venue stamps them (Binance: a few ms after the hour, `1637193600017`).
    version: 9,
    name: "perp funding, price klines, open interest and liquidations",
    sql: `
CREATE TABLE funding_rates (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  funding_time INTEGER NOT NULL,
  rate REAL NOT NULL,
  mark_price REAL,
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, funding_time)
) WITHOUT ROWID;

CREATE TABLE perp_price_klines (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  price_kind TEXT NOT NULL CHECK (price_kind IN ('mark', 'index', 'premium')),
  freq TEXT NOT NULL CHECK (freq IN ('1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h',
    '8h', '12h', '1d')),
  ts INTEGER NOT NULL,
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, price_kind, freq, ts)
) WITHOUT ROWID;

CREATE TABLE open_interest (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period IN ('5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h',
    '1d')),
  ts INTEGER NOT NULL,
  open_interest REAL NOT NULL CHECK (open_interest >= 0),
  open_interest_value REAL CHECK (open_interest_value >= 0),
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  PRIMARY KEY (venue, symbol, period, ts)
) WITHOUT ROWID;

CREATE TABLE liquidations (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  ts INTEGER NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  order_type TEXT NOT NULL,
  time_in_force TEXT NOT NULL,
  price REAL NOT NULL CHECK (price > 0),
  avg_price REAL NOT NULL CHECK (avg_price >= 0),
  qty REAL NOT NULL CHECK (qty > 0),
  last_filled_qty REAL NOT NULL CHECK (last_filled_qty >= 0),
  filled_qty REAL NOT NULL CHECK (filled_qty >= 0),
  status TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  source TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  run_id INTEGER REFERENCES ingest_runs (run_id),
  UNIQUE (venue, symbol, ts, side, price, qty, filled_qty, status)
);
CREATE INDEX liquidations_by_time ON liquidations (venue, symbol, ts);
`,
  },
  {
    // Issue 12: regime runs (lib/store/regimes.ts, lib/research/regime_run.ts). A run is one
    // method (vol, markov, structure) over one dataset with one parameter set; `run_id` is the
    // SHA-256 of the canonical JSON of {dataset fingerprint, method, parameters, model version},
    // so the same inputs map to the same run and a second materialization writes nothing. The
    // run row and all of its rows are written in one transaction (complete or absent).
    // `regime_states` holds, per asset (`*` for a cross-sectional method) and bar, the state
    // known at the close of that bar, the FILTERED state probabilities p0..p2 (Markov; never
    // smoothed) and up to four features f0..f3 whose names the run row lists in `features`.
    version: 10,
    name: "regime runs and states",
    sql: `
CREATE TABLE regime_runs (
  run_key INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE CHECK (length(run_id) = 64),
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  method TEXT NOT NULL CHECK (method IN ('vol', 'markov', 'structure')),
  venue TEXT NOT NULL,
  freq TEXT NOT NULL CHECK (freq IN ('1s', '1m', '5m', '15m', '1h', '4h', '1d')),
  labels TEXT NOT NULL,
  features TEXT NOT NULL,
  train_end_ts INTEGER,
  params TEXT NOT NULL,
  fit TEXT NOT NULL,
  dataset_sha256 TEXT NOT NULL,
  dataset_rows INTEGER NOT NULL,
  first_ts INTEGER,
  last_ts INTEGER,
  assets INTEGER NOT NULL,
  model_version TEXT NOT NULL,
  code_version TEXT,
  source TEXT NOT NULL,
  ingest_run_id INTEGER REFERENCES ingest_runs (run_id),
  state_rows INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX regime_runs_by_dataset ON regime_runs (venue, freq, method, created_at);

CREATE TABLE regime_states (
  run_key INTEGER NOT NULL REFERENCES regime_runs (run_key) ON DELETE CASCADE,
  asset TEXT NOT NULL,
  ts INTEGER NOT NULL,
  state INTEGER NOT NULL,
  p0 REAL,
  p1 REAL,
  p2 REAL,
  f0 REAL,
  f1 REAL,
  f2 REAL,
  f3 REAL,
  PRIMARY KEY (run_key, asset, ts)
) WITHOUT ROWID;
`,
  },
  {
    // Issue 11: the live monitor (lib/store/monitor_alerts.ts, monitor_webhooks.ts,
    // monitor_paper.ts). Every table is append-only (triggers refuse UPDATE and DELETE): an
    // alert is stored once under its deterministic id (rule/subject/bar time, so a replay after
    // a restart inserts nothing new); the webhook outbox queues it per URL and each delivery
    // attempt is an appended row (a partial unique index allows one `delivered` per outbox row);
    // paper accounts, their orders, fills and per-bar marks (positions, cash, equity) are
    // appended in one transaction per bar, so a killed monitor resumes from the last mark.
    version: 11,
    name: "live monitor: alerts, webhook outbox, paper trading",
    sql: `
CREATE TABLE monitor_alerts (
  alert_id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('z-score', 'price', 'cointegration', 'stale')),
  subject TEXT NOT NULL,
  ts INTEGER NOT NULL,
  value REAL,
  threshold REAL NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('above', 'below')),
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX monitor_alerts_by_ts ON monitor_alerts (ts, alert_id);
CREATE TRIGGER monitor_alerts_no_update BEFORE UPDATE ON monitor_alerts
BEGIN SELECT RAISE(ABORT, 'monitor_alerts is append-only (alerts): rows cannot be changed'); END;
CREATE TRIGGER monitor_alerts_no_delete BEFORE DELETE ON monitor_alerts
BEGIN SELECT RAISE(ABORT, 'monitor_alerts is append-only (alerts): rows cannot be deleted'); END;

CREATE TABLE monitor_webhook_outbox (
  outbox_id INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL REFERENCES monitor_alerts (alert_id),
  url TEXT NOT NULL CHECK (length(url) > 0),
  created_at INTEGER NOT NULL,
  UNIQUE (alert_id, url)
);
CREATE TRIGGER monitor_webhook_outbox_no_update BEFORE UPDATE ON monitor_webhook_outbox
BEGIN SELECT RAISE(ABORT, 'monitor_webhook_outbox is append-only (the webhook outbox): rows cannot be changed'); END;
CREATE TRIGGER monitor_webhook_outbox_no_delete BEFORE DELETE ON monitor_webhook_outbox
BEGIN SELECT RAISE(ABORT, 'monitor_webhook_outbox is append-only (the webhook outbox): rows cannot be deleted'); END;

CREATE TABLE monitor_webhook_attempts (
  outbox_id INTEGER NOT NULL REFERENCES monitor_webhook_outbox (outbox_id),
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed', 'abandoned')),
  http_status INTEGER,
  error TEXT,
  next_attempt_at INTEGER,
  PRIMARY KEY (outbox_id, attempt)
);
CREATE UNIQUE INDEX monitor_webhook_one_delivery ON monitor_webhook_attempts (outbox_id)
  WHERE outcome IN ('delivered', 'abandoned');
CREATE TRIGGER monitor_webhook_attempts_no_update BEFORE UPDATE ON monitor_webhook_attempts
BEGIN SELECT RAISE(ABORT, 'monitor_webhook_attempts is append-only (webhook delivery attempts): rows cannot be changed'); END;
CREATE TRIGGER monitor_webhook_attempts_no_delete BEFORE DELETE ON monitor_webhook_attempts
BEGIN SELECT RAISE(ABORT, 'monitor_webhook_attempts is append-only (webhook delivery attempts): rows cannot be deleted'); END;

CREATE TABLE monitor_paper_accounts (
  account_id TEXT PRIMARY KEY,
  book TEXT NOT NULL CHECK (book IN ('rule', 'manual')),
  venue TEXT NOT NULL,
  y_symbol TEXT NOT NULL,
  x_symbol TEXT NOT NULL,
  freq TEXT NOT NULL,
  params TEXT NOT NULL,
  initial_equity REAL NOT NULL CHECK (initial_equity > 0),
  created_at INTEGER NOT NULL
);
CREATE TRIGGER monitor_paper_accounts_no_update BEFORE UPDATE ON monitor_paper_accounts
BEGIN SELECT RAISE(ABORT, 'monitor_paper_accounts is append-only (paper accounts): rows cannot be changed'); END;
CREATE TRIGGER monitor_paper_accounts_no_delete BEFORE DELETE ON monitor_paper_accounts
BEGIN SELECT RAISE(ABORT, 'monitor_paper_accounts is append-only (paper accounts): rows cannot be deleted'); END;

CREATE TABLE monitor_paper_orders (
  order_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES monitor_paper_accounts (account_id),
  source TEXT NOT NULL CHECK (source IN ('rule', 'manual')),
  action TEXT NOT NULL CHECK (action IN ('open-long', 'open-short', 'exit', 'stop', 'close')),
  decided_ts INTEGER NOT NULL,
  target_y REAL NOT NULL,
  target_x REAL NOT NULL,
  hedge_ratio REAL,
  z REAL,
  created_at INTEGER NOT NULL
);
CREATE INDEX monitor_paper_orders_by_account ON monitor_paper_orders (account_id, decided_ts);
CREATE TRIGGER monitor_paper_orders_no_update BEFORE UPDATE ON monitor_paper_orders
BEGIN SELECT RAISE(ABORT, 'monitor_paper_orders is append-only (paper orders): rows cannot be changed'); END;
CREATE TRIGGER monitor_paper_orders_no_delete BEFORE DELETE ON monitor_paper_orders
BEGIN SELECT RAISE(ABORT, 'monitor_paper_orders is append-only (paper orders): rows cannot be deleted'); END;

CREATE TABLE monitor_paper_fills (
  account_id TEXT NOT NULL REFERENCES monitor_paper_accounts (account_id),
  bar_ts INTEGER NOT NULL,
  leg INTEGER NOT NULL CHECK (leg IN (0, 1)),
  symbol TEXT NOT NULL,
  order_id TEXT,
  qty REAL NOT NULL,
  price REAL NOT NULL CHECK (price > 0),
  traded_weight REAL NOT NULL,
  cost REAL NOT NULL,
  costs TEXT NOT NULL,
  PRIMARY KEY (account_id, bar_ts, leg)
);
CREATE TRIGGER monitor_paper_fills_no_update BEFORE UPDATE ON monitor_paper_fills
BEGIN SELECT RAISE(ABORT, 'monitor_paper_fills is append-only (paper fills): rows cannot be changed'); END;
CREATE TRIGGER monitor_paper_fills_no_delete BEFORE DELETE ON monitor_paper_fills
BEGIN SELECT RAISE(ABORT, 'monitor_paper_fills is append-only (paper fills): rows cannot be deleted'); END;

CREATE TABLE monitor_paper_marks (
  account_id TEXT NOT NULL REFERENCES monitor_paper_accounts (account_id),
  bar_ts INTEGER NOT NULL,
  row INTEGER NOT NULL CHECK (row >= 0),
  price_y REAL,
  price_x REAL,
  equity REAL NOT NULL,
  cost REAL NOT NULL,
  cash REAL NOT NULL,
  units_y REAL NOT NULL,
  units_x REAL NOT NULL,
  position INTEGER NOT NULL CHECK (position IN (-1, 0, 1)),
  z REAL,
  hedge_ratio REAL,
  halted INTEGER NOT NULL CHECK (halted IN (0, 1)),
  PRIMARY KEY (account_id, bar_ts)
);
CREATE TRIGGER monitor_paper_marks_no_update BEFORE UPDATE ON monitor_paper_marks
BEGIN SELECT RAISE(ABORT, 'monitor_paper_marks is append-only (paper marks): rows cannot be changed'); END;
CREATE TRIGGER monitor_paper_marks_no_delete BEFORE DELETE ON monitor_paper_marks
BEGIN SELECT RAISE(ABORT, 'monitor_paper_marks is append-only (paper marks): rows cannot be deleted'); END;
`,
  },
];

/** The newest schema version this code knows. */
export const LATEST_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
