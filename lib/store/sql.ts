/**
 * Small helpers over `node:sqlite` shared by the store modules.
 *
 * @module
 */
import type { StatementSync } from "node:sqlite";

/**
 * Make `stmt` return each row as an array instead of an object. Array rows skip building a
 * keyed object per row, which is most of the cost of reading large result sets. (The method
 * exists in Deno's `node:sqlite` but is missing from its type declarations.)
 */
export function returnArrays(stmt: StatementSync): StatementSync {
  (stmt as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
  return stmt;
}
