/**
 * One webhook delivery pass on a store, for the kill -9 test in alerts_store_test.ts (the
 * receiver kills this process while it waits for the response).
 *
 * Usage: deno run --allow-read --allow-write --allow-net=127.0.0.1 _webhook_child.ts <store>
 *
 * @module
 */
import { openStore } from "@lib/store/db.ts";
import { deliverDueWebhooks } from "@lib/pipeline/monitor/webhook.ts";

if (import.meta.main) {
  const store = openStore(Deno.args[0]!);
  await deliverDueWebhooks(store.db, { timeoutMs: 30_000 });
  store.close();
}
