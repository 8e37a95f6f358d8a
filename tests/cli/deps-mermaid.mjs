// Parse each file named on the command line with Mermaid's own parser
// (under jsdom, as Mermaid wants a DOM). Run from the directory holding
// node_modules (mermaid, jsdom), the script on standard input:
//   cd DIR && node --input-type=module - FILE... <deps-mermaid.mjs
// Exit 1 if any file does not parse. MAXEDGES (env) raises Mermaid's limit.
import { readFileSync } from "fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, maxEdges: Number(process.env.MAXEDGES || 500) });
let bad = 0;
for (const f of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(f, "utf8"));
    console.log(`ok ${f}`);
  } catch (e) {
    console.log(`FAIL ${f}: ${String(e.message || e).slice(0, 400)}`);
    bad++;
  }
}
process.exit(bad ? 1 : 0);
