import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
const { document } = parseHTML("<!doctype html><html><body></body></html>");
const el = Plot.plot({ document, marks: [Plot.lineY([1,2,3,2])] } as any);
console.log(el.outerHTML.slice(0, 300), el.tagName);
const el2 = Plot.plot({ document, title: "x<y", marks: [Plot.barY([{a:"x",b:1}], {x:"a", y:"b"})] } as any);
console.log(el2.tagName, el2.outerHTML.slice(0,300));
try { Deno.jupyter; } catch (e) { console.log("throws", (e as Error).message); }
