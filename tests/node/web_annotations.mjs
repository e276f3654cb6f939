// Open a release's annotations.jsonld in the two JavaScript annotation libraries: the Recogito
// text annotator loads every annotation of the page, and Apache Annotator anchors every quote
// in the text. Run by tests/test_web_annotations.py from the folder holding node_modules:
//   node --input-type=module - ANNOTATIONS TEXT < tests/node/web_annotations.mjs
// Prints one JSON object with what each library did.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const [annotationsPath, textPath] = process.argv.slice(-2);
const collection = JSON.parse(readFileSync(annotationsPath, "utf-8"));
const text = readFileSync(textPath, "utf-8");
const items = collection.first.items;

const dom = new JSDOM(`<!DOCTYPE html><body><pre id="text"></pre></body>`, { pretendToBeVisual: true });
const { window } = dom;
const container = window.document.getElementById("text");
container.textContent = text;
// What a browser has and jsdom lacks, for the annotator's layout code (never reached by loading).
for (const [name, value] of Object.entries({ window, document: window.document, navigator: window.navigator,
  Node: window.Node, Range: window.Range, HTMLElement: window.HTMLElement, Element: window.Element,
  NodeFilter: window.NodeFilter, getComputedStyle: window.getComputedStyle, requestAnimationFrame: (f) => setTimeout(f, 0),
  ResizeObserver: class { observe() {} unobserve() {} disconnect() {} },
  MutationObserver: window.MutationObserver })) {
  if (!(name in globalThis) || globalThis[name] === undefined) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}
window.Range.prototype.getClientRects ??= () => [];
window.Range.prototype.getBoundingClientRect ??= () => ({ x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0 });
window.Element.prototype.getClientRects ??= () => [];

const result = { items: items.length };

// Recogito: the W3C adapter parses each annotation; a failed one is discarded with a warning.
const recogito = await import("@recogito/text-annotator");
const warnings = [];
const warn = console.warn;
console.warn = (...args) => warnings.push(args.map(String).join(" "));
try {
  // The adapter as an application makes it for the text's address (without a container, it writes
  // no prefix and suffix back, which needs a browser's layout).
  const adapter = recogito.W3CTextFormat(items[0].target.source);
  const parsed = items.map((item) => adapter.parse(item));
  result.recogito_parse_errors = parsed.filter((p) => p.error).map((p) => String(p.error)).slice(0, 5);
  const annotator = recogito.createTextAnnotator(container, { adapter });
  annotator.setAnnotations(items);
  const loaded = annotator.getAnnotations();
  result.recogito_loaded = loaded.length;
  // Each loaded annotation comes back with its id and the quote's offsets as given.
  const given = new Map(items.map((item) => [item.id, item]));
  result.recogito_changed = loaded.filter((a) => {
    const [quote, position] = given.get(a.id).target.selector;
    const [back] = a.target;
    const [backQuote, backPosition] = back.selector;
    return backQuote.exact !== quote.exact || backPosition.start !== position.start || backPosition.end !== position.end;
  }).map((a) => a.id).slice(0, 5);
  result.recogito_discarded = warnings.filter((w) => w.includes("Discarded"));
} catch (error) {
  result.recogito_error = String(error && error.stack || error);
} finally {
  console.warn = warn;
}

// Apache Annotator: anchor each TextQuoteSelector in the text, with its prefix and suffix.
const { createTextQuoteSelectorMatcher } = await import("@apache-annotator/dom");
const scope = window.document.createRange();
scope.selectNodeContents(container);
let anchored = 0;
const unanchored = [];
for (const item of items.filter((i) => i.motivation === "describing")) {
  const [quote] = item.target.selector;
  const matches = [];
  for await (const match of createTextQuoteSelectorMatcher(quote)(scope)) matches.push(match);
  if (matches.length === 1 && matches[0].toString() === quote.exact) anchored += 1;
  else unanchored.push({ id: item.id, matches: matches.length });
}
result.apache_quotes = items.filter((i) => i.motivation === "describing").length;
result.apache_anchored = anchored;
result.apache_unanchored = unanchored.slice(0, 5);
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
