/**
 * The dashboard's own browser code, as one string the page inlines verbatim (its CSP hash is
 * computed by dashboard.ts). Plain ES2017 in an IIFE: no eval, no inline styles or handlers,
 * requests only to this server (the CSP's `connect-src 'self'`). It reads the page's JSON
 * config (`#monitor-config`), draws each pair's charts with `window.cryptolabCharts.lineChart`
 * (lib/report/interactive), subscribes to `/api/events` (Server-Sent Events) and falls back to
 * polling `/api/poll` every 2 s when EventSource is missing or the stream fails; every text from
 * the server is inserted with `textContent`, never as HTML.
 *
 * The source is a raw template literal: it must contain no backtick, no dollar sign followed by
 * a brace, and not the text `</script` (tests/monitor/server_dashboard_test.ts checks).
 *
 * @module
 */

/** The dashboard script (see the module notes). */
export const DASHBOARD_JS: string = String.raw`(function () {
"use strict";
var cfg = JSON.parse(document.getElementById("monitor-config").textContent);
var token = new URLSearchParams(location.search).get("token");
var charts = {};
var state = { freq: cfg.freq, window: cfg.window, z: cfg.z, hedge: cfg.hedge };
var lastSeq = 0;
var mode = "connecting";
var freshness = {};
var pending = null;

function api(path, params) {
  var q = new URLSearchParams(params || {});
  if (token) q.set("token", token);
  var s = q.toString();
  return path + (s ? "?" + s : "");
}
function $(id) { return document.getElementById(id); }
function text(id, v) { var e = $(id); if (e) e.textContent = v; }
function fmt(v, d) {
  if (v === null || v === undefined || !isFinite(v)) return "n/a";
  return Number(v).toFixed(d === undefined ? 3 : d);
}
function pairId(p) { return p.replace(":", "-"); }
function setMode(m) { mode = m; text("conn", m); $("conn").className = "conn " + m.split(" ")[0]; }
function getJson(url, opts) {
  return fetch(url, opts).then(function (r) {
    return r.json().then(function (b) {
      if (!r.ok) throw new Error(b && b.error ? b.error : "HTTP " + r.status);
      return b;
    });
  });
}
// errors by source (the controls, each pair's refresh, an order): a successful refresh clears
// its own, never the controls' (an invalid window stays said until it is corrected)
var errors = {};
function setError(key, msg) {
  if (msg) errors[key] = msg; else delete errors[key];
  var all = Object.keys(errors).map(function (k) { return errors[k]; }).join("\n");
  text("error", all);
  $("error").hidden = !all;
}

// the venue banner: shown while the venue is not connected (status events, /api/health)
function showVenue(v) {
  if (!v || !v.state) return;
  var b = $("venue-banner");
  if (v.connected || v.state === "connecting") { b.hidden = true; b.textContent = ""; return; }
  var since = v.since ? new Date(v.since).toISOString().replace(".000Z", "Z") : "?";
  var what = v.state === "down" ? "cannot be reached (never connected)" : "is disconnected, reconnecting";
  var err = v.message || v.lastProblem;
  b.textContent = "Venue " + (v.venue || cfg.venue || "") + " " + what + " since " + since + (err ? "; last error: " + err : "") +
    ". Charts show the stored bars; new bars resume when it is back.";
  b.hidden = false;
}
function refreshHealth() {
  return getJson(api("/api/health")).then(function (h) {
    if (h.venueConnection) showVenue(Object.assign({ venue: h.venue }, h.venueConnection));
  }).catch(function () {});
}

function chart(key, el, options) {
  if (!window.cryptolabCharts) return;
  if (charts[key]) charts[key].update(options);
  else charts[key] = window.cryptolabCharts.lineChart(el, options);
}

function drawPair(pair, a) {
  var id = pairId(pair);
  var s = a.series, t = s.ts, z = a.z;
  var L = a.latest || {};
  text("z-" + id, fmt(L.zScore, 2));
  text("beta-" + id, fmt(L.hedgeRatio, 4));
  text("corr-" + id, fmt(L.correlation, 3));
  text("p-" + id, fmt(a.stationarity.pValue, 3));
  text("pnote-" + id, a.stationarity.error ? a.stationarity.error : a.stationarity.caveat);
  var R = L.regression || {};
  text("reg-" + id, "a " + fmt(R.intercept, 4) + ", R\u00b2 " + fmt(R.rSquared, 3) + ", sd " +
    fmt(R.residualStd, 5) + ", se " + fmt(R.slopeStdError, 4));
  text("pos-" + id, L.position === 1 ? "long spread" : L.position === -1 ? "short spread" : "flat");
  text("bars-" + id, a.input.bars + " bars, last " + (L.ts ? new Date(L.ts).toISOString() : "none"));
  freshness[pair] = a.freshness;
  var zEl = $("z-" + id);
  zEl.className = "big" + (L.zScore !== null && Math.abs(L.zScore) >= z ? " hot" : "");
  var up = [], lo = [];
  for (var i = 0; i < t.length; i++) {
    var m = s.spreadMean[i], sd = s.spreadStd[i];
    up.push(m === null || sd === null ? null : m + z * sd);
    lo.push(m === null || sd === null ? null : m - z * sd);
  }
  chart(id + "-prices", $("c-prices-" + id), { yLabel: "price / first", series: [
    { name: a.y, t: t, y: s.yNormalized }, { name: a.x, t: t, y: s.xNormalized }] });
  chart(id + "-spread", $("c-spread-" + id), { yLabel: "spread (log)", series: [
    { name: "spread", t: t, y: s.spread }, { name: "mean", t: t, y: s.spreadMean },
    { name: "+" + z + " sd", t: t, y: up }, { name: "-" + z + " sd", t: t, y: lo }] });
  chart(id + "-z", $("c-z-" + id), { yLabel: "z-score", bands: [-z, 0, z],
    series: [{ name: "z", t: t, y: s.zScore }] });
  chart(id + "-beta", $("c-beta-" + id), { yLabel: "hedge ratio (" + a.hedge + ")",
    series: [{ name: "hedge ratio", t: t, y: s.hedgeRatio }] });
  chart(id + "-corr", $("c-corr-" + id), { yLabel: "correlation of log returns", bands: [0],
    series: [{ name: "correlation", t: t, y: s.correlation }] });
  chart(id + "-p", $("c-p-" + id), { yLabel: "Engle-Granger p-value", bands: [0.05],
    series: [{ name: "p-value", t: t, y: s.pValue }] });
}

function refreshPair(pair) {
  var params = { pair: pair, freq: state.freq, window: state.window, z: state.z, hedge: state.hedge };
  return getJson(api("/api/analytics", params)).then(function (a) {
    setError("pair " + pair, "");
    drawPair(pair, a);
  }).catch(function (e) { setError("pair " + pair, pair + ": " + e.message); });
}
function refreshAll() {
  cfg.pairs.forEach(refreshPair);
  refreshAlerts();
  refreshPaper();
  updateExports();
}
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(function () { pending = null; refreshAll(); }, 50);
}

function refreshAlerts() {
  getJson(api("/api/alerts", { limit: 50 })).then(function (r) {
    var list = $("alerts");
    list.textContent = "";
    var items = (r.alerts || []).slice().reverse();
    if (items.length === 0) { var e = document.createElement("li"); e.textContent = "none yet"; list.appendChild(e); }
    items.forEach(function (al) {
      var li = document.createElement("li");
      li.className = "alert";
      li.textContent = (al.ts || al.at ? new Date(al.ts || al.at).toISOString() + " " : "") +
        (al.message || al.rule || JSON.stringify(al));
      list.appendChild(li);
    });
  }).catch(function () {});
}

function refreshPaper() {
  getJson(api("/api/paper")).then(function (r) {
    var box = $("paper");
    if (r.wired === false) { box.textContent = "paper trading is not enabled in this monitor"; return; }
    box.textContent = "";
    var table = document.createElement("table");
    table.id = "paper-table";
    var head = document.createElement("tr");
    ["pair", "book", "position", "equity", "P&L", "round trips", "backtest of the same rule (trades, max |paper - backtest|)"].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    });
    table.appendChild(head);
    (r.pairs || []).forEach(function (p) {
      ["rule", "manual"].forEach(function (kind) {
        var b = p[kind], tr = document.createElement("tr");
        var bt = kind === "rule" && p.backtest ? p.backtest.trades + " trades, " + fmt(p.backtest.maxAbsDifference, 6) : "";
        [p.pair, kind === "rule" ? "z-score rule" : "manual", b.position === 1 ? "long spread" : b.position === -1 ? "short spread" : "flat",
          fmt(b.equity, 2), fmt(b.pnl, 2), String(b.tradeCount), bt].forEach(function (v) {
          var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        });
        table.appendChild(tr);
      });
    });
    box.appendChild(table);
    var costs = document.createElement("p");
    costs.id = "paper-costs";
    costs.className = "note";
    costs.textContent = "Costs of every fill, paper and backtest alike: " + (r.costs || "n/a") + ".";
    box.appendChild(costs);
    var notesShown = false;
    (r.pairs || []).forEach(function (p) {
      var id = pairId(p.pair);
      // per pair: the rule book's equity against the backtest of the same rule on the same bars
      var holder = $("c-paper-" + id);
      if (!holder) {
        var h = document.createElement("h3");
        h.textContent = p.pair + ": z-score rule paper equity vs its backtest";
        holder = document.createElement("div");
        holder.className = "chart";
        holder.id = "c-paper-" + id;
        $("c-paper").appendChild(h);
        $("c-paper").appendChild(holder);
      }
      if (p.rule && p.rule.equityCurve && p.rule.equityCurve.t && window.cryptolabCharts) {
        var series = [{ name: "paper equity", t: p.rule.equityCurve.t, y: p.rule.equityCurve.y }];
        if (p.backtest && p.backtest.equity) {
          series.push({ name: "backtest, same bars", t: p.backtest.equity.t, y: p.backtest.equity.y });
        }
        chart("paper-equity-" + id, holder, { yLabel: "equity", series: series });
      }
      // the notes on paper vs backtest are the same for every pair: said once
      if (!notesShown && p.backtest && p.backtest.notes && p.backtest.notes.length > 0) {
        notesShown = true;
        var ul = document.createElement("ul");
        ul.className = "note";
        p.backtest.notes.forEach(function (n) { var li = document.createElement("li"); li.textContent = n; ul.appendChild(li); });
        box.appendChild(ul);
      }
      // the round trips of both books, newest first
      var rows = [];
      ["rule", "manual"].forEach(function (kind) {
        ((p[kind] && p[kind].trades) || []).forEach(function (tr) { rows.push({ kind: kind, t: tr }); });
      });
      rows.sort(function (a, b) { return b.t.entryTs - a.t.entryTs; });
      var cap = document.createElement("h3");
      cap.textContent = p.pair + ": trades (round trips" + (rows.length === 0 ? ": none yet" : "") + ")";
      box.appendChild(cap);
      if (rows.length === 0) return;
      var tt = document.createElement("table");
      tt.id = "paper-trades-" + id;
      tt.className = "paper-trades";
      var hr = document.createElement("tr");
      ["book", "entry", "exit", "side", "units y / x", "entry price y / x", "exit price y / x", "costs", "net P&L"].forEach(function (h) {
        var th = document.createElement("th"); th.textContent = h; hr.appendChild(th);
      });
      tt.appendChild(hr);
      var iso = function (ms) { return new Date(ms).toISOString().replace(".000Z", "Z"); };
      rows.forEach(function (x) {
        var t = x.t, row = document.createElement("tr");
        [x.kind === "rule" ? "z-score rule" : "manual", iso(t.entryTs), t.open || t.exitTs === null ? "open (marked)" : iso(t.exitTs),
          t.side, fmt(t.unitsY, 6) + " / " + fmt(t.unitsX, 6), fmt(t.entryPriceY, 2) + " / " + fmt(t.entryPriceX, 2),
          fmt(t.exitPriceY, 2) + " / " + fmt(t.exitPriceX, 2), fmt(t.cost, 2), fmt(t.netPnl, 2)].forEach(function (v) {
          var td = document.createElement("td"); td.textContent = v; row.appendChild(td);
        });
        tt.appendChild(row);
      });
      box.appendChild(tt);
    });
  }).catch(function () {});
}

function order(pair, action) {
  getJson(api("/api/paper/orders"), {
    method: "POST",
    headers: { "content-type": "application/json", "x-cryptolab-request": "1" },
    body: JSON.stringify({ pair: pair, action: action })
  }).then(function () { setError("order", ""); refreshPaper(); })
    .catch(function (e) { setError("order", "paper order: " + e.message); });
}

function updateExports() {
  var box = $("exports");
  box.textContent = "";
  function link(label, path, params) {
    var a = document.createElement("a");
    a.href = api(path, params);
    a.textContent = label;
    a.setAttribute("download", "");
    box.appendChild(a);
    box.appendChild(document.createTextNode(" "));
  }
  cfg.pairs.forEach(function (p) {
    ["csv", "parquet"].forEach(function (f) {
      link(p + " analytics ." + f, "/api/analytics", { pair: p, freq: state.freq, window: state.window,
        z: state.z, hedge: state.hedge, format: f, limit: 5000 });
    });
  });
  cfg.symbols.forEach(function (s) {
    ["csv", "parquet"].forEach(function (f) {
      link(s + " " + state.freq + " bars ." + f, "/api/bars", { symbol: s, freq: state.freq, format: f, limit: 100000 });
    });
  });
}

function onEvent(e) {
  if (e.seq <= lastSeq) return;
  lastSeq = e.seq;
  if (e.type === "bar" && e.data && e.data.freq === state.freq) scheduleRefresh();
  else if (e.type === "alert") { refreshAlerts(); text("last-alert", e.data && e.data.message ? e.data.message : "alert"); }
  else if (e.type === "paper") refreshPaper();
  else if (e.type === "upload" || e.type === "history") scheduleRefresh();
  else if (e.type === "status") showVenue(e.data);
}

var pollTimer = null;
function poll() {
  refreshHealth();
  getJson(api("/api/poll", { since: lastSeq })).then(function (r) {
    if (r.missed > 0) { lastSeq = r.lastSeq; refreshAll(); }
    r.events.forEach(onEvent);
    if (r.lastSeq > lastSeq) lastSeq = r.lastSeq;
    setMode("polling (2 s)");
  }).catch(function () { setMode("offline"); }).then(function () {
    pollTimer = setTimeout(poll, 2000);
  });
}
function startPolling() { if (!pollTimer) poll(); }

function connect() {
  if (typeof EventSource === "undefined") { startPolling(); return; }
  // the first connection starts at the server's newest event (the page has just loaded all)
  var es = new EventSource(api("/api/events", lastSeq ? { since: lastSeq } : {}));
  var opened = false;
  var giveUp = setTimeout(function () { if (!opened) { es.close(); startPolling(); } }, 5000);
  es.onopen = function () { opened = true; clearTimeout(giveUp); setMode("live (SSE)"); };
  es.onerror = function () {
    if (es.readyState === 2) { es.close(); startPolling(); } else setMode("reconnecting");
  };
  ["bar", "analytics", "alert", "paper", "status", "upload", "history"].forEach(function (type) {
    es.addEventListener(type, function (m) { onEvent(JSON.parse(m.data)); });
  });
}

function ageText(ms) {
  if (ms === null || ms === undefined) return "no trade yet";
  var s = Math.max(0, (Date.now() - ms) / 1000);
  return s < 90 ? s.toFixed(0) + " s ago" : (s / 60).toFixed(1) + " min ago";
}
setInterval(function () {
  Object.keys(freshness).forEach(function (pair) {
    var f = freshness[pair], parts = [];
    Object.keys(f.lastTradeTs).forEach(function (sym) { parts.push(sym + " " + ageText(f.lastTradeTs[sym])); });
    text("fresh-" + pairId(pair), "last trade: " + parts.join(", "));
  });
}, 1000);

// each control applies on its own: an invalid window keeps the last valid one (and says so
// until corrected) while a frequency, threshold or hedge change still redraws
function readControls() {
  var w = Number($("ctl-window").value), z = Number($("ctl-z").value), bad = [];
  if (w >= 20 && w <= 5000 && Math.floor(w) === w) state.window = w;
  else bad.push("window must be an integer from 20 to 5000 (the charts keep window " + state.window + ")");
  if (z > 0 && z <= 20) state.z = z;
  else bad.push("threshold must be a number above 0 and at most 20 (the charts keep " + state.z + ")");
  state.freq = $("ctl-freq").value;
  state.hedge = $("ctl-hedge").value;
  setError("controls", bad.join("\n"));
  refreshAll();
}
["ctl-freq", "ctl-window", "ctl-z", "ctl-hedge"].forEach(function (id) {
  $(id).addEventListener("change", readControls);
});
Array.prototype.forEach.call(document.querySelectorAll("button[data-order]"), function (b) {
  b.addEventListener("click", function () { order(b.getAttribute("data-pair"), b.getAttribute("data-order")); });
});

$("upload-form").addEventListener("submit", function (ev) {
  ev.preventDefault();
  var fd = new FormData($("upload-form"));
  text("upload-result", "importing...");
  fetch(api("/api/upload/ohlc"), { method: "POST", body: fd, headers: { "x-cryptolab-request": "1" } })
    .then(function (r) { return r.json(); })
    .then(function (r) {
      if (r.error) { text("upload-result", r.error); return; }
      text("upload-result", r.files.map(function (f) { return f.summary; }).join("\n"));
    })
    .catch(function (e) { text("upload-result", e.message); });
});

refreshAll();
refreshHealth();
connect();
})();`;
