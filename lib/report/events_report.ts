/**
 * The event-research report: events found per definition, the event studies with their
 * confidence bands and tests, the hypothesis table with raw and adjusted p-values and gate
 * results, and the promoted candidates with their backtest configs.
 *
 * @module
 */
import type { Dataset } from "../panel/dataset.ts";
import type { EventsWorkflow } from "../backtest/events/events_workflow.ts";
import {
  type Block,
  column,
  type GitInfo,
  type ParamValue,
  type ReportModel,
  SCHEMA_VERSION,
  type Section,
} from "./model.ts";
import { buildManifest } from "./manifest.ts";
import { tearSheetRunId } from "./tear_sheet.ts";
import { eventStudyChart } from "./charts/event_study.ts";
import { slug } from "./charts/factor_betas.ts";

/** Options of {@link buildEventsReport}. */
export interface EventsReportOptions {
  /** The run's parameters for the manifest (flag values after defaults). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly runId?: string | undefined;
  readonly git?: GitInfo | undefined;
  readonly projectDir?: string | undefined;
  /** Lines about the inputs (market model factors, regime run, costs), shown as notes. */
  readonly notes?: readonly string[];
  /** File name of each candidate's config, by index in `workflow.candidates` (null: none written). */
  readonly configFiles?: readonly (string | null)[];
}

/**
 * Build the report model of an event workflow on `dataset` (see `eventsWorkflow`). Strings from
 * data (asset and definition names) are escaped by the renderers. O(definitions x window +
 * hypotheses).
 */
export function buildEventsReport(
  dataset: Dataset,
  workflow: EventsWorkflow,
  options: EventsReportOptions,
): ReportModel {
  const sections: Section[] = [];
  const defs = workflow.definitions;
  const assetsOf = (d: (typeof defs)[number]) => new Set(d.events.map((e) => e.asset)).size;
  sections.push({
    id: "events-found",
    title: "Events found",
    blocks: [
      {
        type: "paragraph",
        text: `${defs.length} event definitions on ${dataset.symbols.length} assets; each flag ` +
          `uses data up to its bar's close only, and an asset's flags within ${workflow.cooldown} ` +
          `bars of its previous event are dropped (one episode, one event).`,
      },
      ...(options.notes ?? []).map((text): Block => ({ type: "note", level: "info", text })),
      {
        type: "table",
        id: "events-definitions",
        title: "Definitions",
        caption: "Events per definition after declustering; a definition whose input the " +
          "store lacks is listed as unavailable with what to load.",
        columns: [
          column("definition", "Definition", "text"),
          column("family", "Family", "text"),
          column("requires", "Needs", "text"),
          column("events", "Events", "integer"),
          column("assets", "Assets", "integer"),
          column("studied", "Studied", "integer"),
          column("status", "Status", "text"),
        ],
        rows: defs.map((d) => [
          d.name,
          d.family,
          d.requires,
          d.events.length,
          assetsOf(d),
          d.study?.abnormal.events.length ?? 0,
          d.available ? "available" : `unavailable: ${d.reason}`,
        ]),
      },
    ],
  });

  const studies = defs.filter((d) => d.study !== null);
  const studyBlocks: Block[] = [];
  if (studies.length === 0) {
    studyBlocks.push({
      type: "note",
      level: "warning",
      text: "No definition had two or more events with a complete estimation and event window.",
    });
  } else {
    const s0 = studies[0]!.study!.abnormal;
    studyBlocks.push({
      type: "paragraph",
      text:
        `Market model with intercept on ${
          (options.params.factors as string | undefined) ?? "the factors"
        }, fitted per event on bars ${s0.estimationWindow[0]} to ${s0.estimationWindow[1]}; ` +
        `abnormal returns over bars ${s0.eventWindow[0]} to ${s0.eventWindow[1]} with the ` +
        `forecast-error variance; CAR over bars ${s0.carWindow[0]} to ${s0.carWindow[1]}. ` +
        `BMP: Boehmer-Musumeci-Poulsen (1991) standardized cross-sectional t; KP: ` +
        `Kolari-Pynnonen (2010) adjustment for the average cross-correlation r of the events' ` +
        `residuals; bootstrap: circular blocks of events in time order.`,
    });
    studyBlocks.push({
      type: "table",
      id: "events-studies",
      title: "Event studies",
      caption: "Mean CAR per definition and its three tests (two-sided p-values).",
      columns: [
        column("definition", "Definition", "text"),
        column("events", "Events", "integer"),
        column("mean_car", "Mean CAR", "percent", 3),
        column("bmp_t", "BMP t", "number", 2),
        column("bmp_p", "BMP p", "number", 4),
        column("kp_r", "KP r", "number", 4),
        column("kp_t", "KP t", "number", 2),
        column("kp_p", "KP p", "number", 4),
        column("boot_lo", "Boot. lower", "percent", 3),
        column("boot_hi", "Boot. upper", "percent", 3),
        column("boot_p", "Boot. p", "number", 4),
      ],
      rows: studies.map((d) => {
        const s = d.study!;
        return [
          d.name,
          s.abnormal.events.length,
          s.meanCar,
          s.bmp?.statistic ?? null,
          s.bmp?.pValue ?? null,
          s.kolariPynnonen?.meanCorrelation ?? null,
          s.kolariPynnonen?.statistic ?? null,
          s.kolariPynnonen?.pValue ?? null,
          s.bootstrap?.lower ?? null,
          s.bootstrap?.upper ?? null,
          s.bootstrap?.pValue ?? null,
        ];
      }),
    });
    for (const d of studies) {
      const s = d.study!;
      studyBlocks.push(eventStudyChart({
        name: d.name,
        offsets: s.abnormal.offsets,
        caar: s.caar,
        lower: s.caarLower,
        upper: s.caarUpper,
        events: s.abnormal.events.length,
      }, { id: `event-study-${slug(d.name)}`, width: 900 }));
    }
  }
  sections.push({ id: "event-studies", title: "Event studies", blocks: studyBlocks });

  const H = workflow.hypotheses;
  sections.push({
    id: "hypotheses",
    title: "Hypotheses",
    blocks: [
      {
        type: "paragraph",
        text: `${H.family} hypotheses (definition x condition x action x holding period) ` +
          `with at least one trade were tested; every one counts in the Benjamini-Hochberg (BH) ` +
          `and Benjamini-Yekutieli (BY) adjustment and is recorded in the trial ledger` +
          (H.empty > 0 ? ` (${H.empty} more had no trade, test nothing and are not counted)` : "") +
          `. Promotion needs at least the minimum ` +
          `events, a bootstrap interval of the mean net return above zero, ${H.adjustment.toUpperCase()} q <= ` +
          `${H.alpha}, the same sign in both halves of the window (and no regime significantly ` +
          `against it), at most ${(H.maxTopDayShare * 100).toFixed(0)}% of the net return from ` +
          `its best ${H.topDays} days, and a net (after-cost) mean above zero.`,
      },
      {
        type: "table",
        id: "hypotheses-table",
        title: "Hypothesis table",
        caption: "Per-trade returns in log-return units; net = gross - costs (the backtest's " +
          "cost models for the entry, holding and exit). p: cluster-robust t with trades " +
          "clustered by UTC day of the event and Driscoll-Kraay (Bartlett) covariance between " +
          "the days one holding window spans, t with days - 1 df (a market-wide shock, and the " +
          "overlapping holds around it, count as one day). Days: distinct event days. Top days: " +
          `share of the net return from the best ${H.topDays} days. Failures list every gate ` +
          "that failed.",
        columns: [
          column("definition", "Definition", "text"),
          column("condition", "Condition", "text"),
          column("action", "Action", "text"),
          column("holding", "Hold (bars)", "integer"),
          column("n", "Trades", "integer"),
          column("days", "Days", "integer"),
          column("top_days", "Top days", "percent", 0),
          column("gross", "Gross", "percent", 3),
          column("cost", "Cost", "percent", 3),
          column("net", "Net", "percent", 3),
          column("lower", "CI lower", "percent", 3),
          column("upper", "CI upper", "percent", 3),
          column("p", "p", "number", 4),
          column("p_bh", "BH q", "number", 4),
          column("p_by", "BY q", "number", 4),
          column("first_half", "1st half", "percent", 3),
          column("second_half", "2nd half", "percent", 3),
          column("result", "Result", "text"),
        ],
        rows: H.hypotheses.map((h) => [
          h.definition,
          h.condition,
          h.action,
          h.holding,
          h.n,
          h.clusters,
          h.topDayShare,
          h.meanGross,
          h.meanCost,
          h.meanNet,
          h.lower,
          h.upper,
          h.pValue,
          h.pBH,
          h.pBY,
          h.firstHalf,
          h.secondHalf,
          h.promoted ? "promoted" : h.failures.join("; "),
        ]),
      },
    ],
  });

  const withRegimes = H.hypotheses.filter((h) =>
    h.condition === "all" && Object.keys(h.byRegime).length > 0
  );
  if (withRegimes.length > 0) {
    const labels = Object.keys(withRegimes[0]!.byRegime);
    sections[sections.length - 1] = {
      ...sections[sections.length - 1]!,
      blocks: [
        ...sections[sections.length - 1]!.blocks,
        {
          type: "table",
          id: "hypotheses-regimes",
          title: "Stability across regimes",
          caption: "Mean net return per trade of each unconditioned hypothesis in each regime " +
            "(trades in brackets, cluster-robust p after the slash); a regime with at least the " +
            "minimum trades whose mean is significantly of the other sign makes it unstable.",
          columns: [
            column("definition", "Definition", "text"),
            column("action", "Action", "text"),
            column("holding", "Hold (bars)", "integer"),
            ...labels.map((l) => column(`regime-${slug(l)}`, l, "text")),
          ],
          rows: withRegimes.map((h) => [
            h.definition,
            h.action,
            h.holding,
            ...labels.map((l) => {
              const g = h.byRegime[l];
              if (g === undefined || g.n === 0) return "no trades";
              const m = Number.isFinite(g.mean) ? `${(g.mean * 100).toFixed(3)}%` : "n/a";
              const p = Number.isFinite(g.pValue) ? g.pValue.toFixed(3) : "n/a";
              return `${m} (${g.n}) / ${p}`;
            }),
          ]),
        },
      ],
    };
  }

  const cand = workflow.candidates;
  sections.push({
    id: "candidates",
    title: "Promoted candidates",
    blocks: cand.length === 0
      ? [{
        type: "note",
        level: "info",
        text: "No hypothesis passed every gate: nothing is promoted. The table above says " +
          "which gate stopped each one.",
      }]
      : [
        {
          type: "table",
          id: "candidates-table",
          title: "Candidates",
          caption: "Each runnable candidate has a config file in this report's folder: " +
            "deno task backtest --config <file> replays it with the same costs (pass --fees / " +
            "--spread as here).",
          columns: [
            column("definition", "Definition", "text"),
            column("condition", "Condition", "text"),
            column("action", "Action", "text"),
            column("holding", "Hold (bars)", "integer"),
            column("net", "Net", "percent", 3),
            column("p_by", "BY q", "number", 4),
            column("config", "Backtest config", "text"),
          ],
          rows: cand.map((c, i) => [
            c.hypothesis.definition,
            c.hypothesis.condition,
            c.hypothesis.action,
            c.hypothesis.holding,
            c.hypothesis.meanNet,
            c.hypothesis.pBY,
            c.config === null
              ? `none: ${c.notRunnable}`
              : options.configFiles?.[i] ?? JSON.stringify(c.config),
          ]),
        },
      ],
  });

  const manifest = buildManifest({
    datasetFingerprint: dataset.fingerprint.sha256,
    dataset: {
      venue: dataset.venue,
      freq: dataset.freq,
      symbols: [...dataset.symbols],
      from: dataset.from,
      to: dataset.to,
      rows: dataset.fingerprint.rows,
    },
    params: options.params,
    seed: null,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  const runId = options.runId ??
    tearSheetRunId("events", dataset.fingerprint.sha256, manifest.params);
  const days = Math.round((dataset.to - dataset.from) / 86_400_000 * 10) / 10;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: "cryptolab event research",
    subtitle: `${dataset.symbols.length} assets, ${dataset.freq} bars, ${days} days, ` +
      `${defs.length} event definitions, ${H.family} hypotheses, ${H.promoted.length} promoted`,
    dataNote: `${dataset.freq} bars of venue ${dataset.venue} from the store`,
    sections,
    manifest,
  };
}
