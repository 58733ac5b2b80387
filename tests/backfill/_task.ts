/**
 * The command line the backfill task tests give `tasks/backfill.ts`.
 *
 * @module
 */

/** Flags of an hourly Binance backfill of `symbols` (comma list or `top:N`) into `db`. */
export function binanceBackfillArgs(
  symbols: string,
  since: string,
  until: string,
  db: string,
): string[] {
  return [
    "--venue",
    "binance",
    "--symbols",
    symbols,
    "--freq",
    "1h",
    "--since",
    since,
    "--until",
    until,
    "--db",
    db,
  ];
}
