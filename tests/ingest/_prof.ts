import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
const dir = Deno.args[0]!;
try {
  Deno.removeSync("/tmp/ing/p.db");
} catch { /* none */ }
const { db } = openStore("/tmp/ing/p.db");
if (Deno.args[1] === "notrig") {
  for (const t of ["insert", "update", "delete"]) db.exec(`DROP TRIGGER bar_blocks_after_${t}`);
}
let t = performance.now();
const r = await importPaths(db, [dir]);
console.log("first", (performance.now() - t).toFixed(0), "ms", r.rowsRead, "rows", r.inserted);
t = performance.now();
const r2 = await importPaths(db, [dir]);
console.log("second", (performance.now() - t).toFixed(0), "ms", r2.rowsRead, "rows", r2.inserted);
