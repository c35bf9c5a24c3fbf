import { DOCS_CLIENT_SCRIPT } from './docs-client-script.js';
import type { DocsManifest } from './docs-types.js';
import { embedJson, escapeHtml } from './html-text.js';

/** Kind colours shared by the sidebar, the badges and the lineage boxes. */
const STYLES = `
:root { --fg:#1d2330; --muted:#667085; --line:#d9dee7; --bg:#f6f7f9; --accent:#2456c7;
  --model:#2456c7; --seed:#7a3db8; --source:#13805b; --test:#8a6d00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:#fff; }
header { position:sticky; top:0; z-index:5; display:flex; gap:16px; align-items:center; padding:10px 18px; background:#1d2330; color:#fff; }
header a { color:#fff; text-decoration:none; font-weight:600; }
.searchbox { position:relative; flex:1; max-width:560px; }
#search { width:100%; padding:7px 10px; border-radius:6px; border:1px solid #4a5367; background:#2a3142; color:#fff; font-size:14px; }
#search-results { position:absolute; top:38px; left:0; right:0; max-height:70vh; overflow:auto; background:#fff; color:var(--fg); border:1px solid var(--line); border-radius:6px; box-shadow:0 8px 24px rgba(0,0,0,.18); }
#search-results .result { display:flex; gap:8px; align-items:baseline; padding:6px 10px; color:var(--fg); text-decoration:none; border-bottom:1px solid #eef0f4; font-weight:normal; }
#search-results .result:hover { background:#eef3ff; }
.result-name { font-weight:600; } .result-extra { color:var(--muted); font-size:12px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis; }
#search-results .empty { padding:8px 10px; color:var(--muted); }
.layout { display:grid; grid-template-columns:270px 1fr; min-height:calc(100vh - 50px); }
#sidebar { background:var(--bg); border-right:1px solid var(--line); padding:10px 12px; overflow:auto; max-height:calc(100vh - 50px); position:sticky; top:50px; }
#sidebar summary { font-weight:600; cursor:pointer; margin:6px 0; }
#sidebar ul { list-style:none; margin:0 0 6px; padding-left:10px; }
#sidebar li { margin:1px 0; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.group-name { color:var(--muted); font-size:12px; margin-top:4px; }
#main { padding:16px 26px 60px; min-width:0; }
h1 { font-size:22px; margin:6px 0 8px; } h2 { font-size:16px; margin:26px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; } h3 { font-size:13px; margin:8px 0 4px; }
a { color:var(--accent); }
.node-link.kind-model, .col-link.kind-model { color:var(--model); } .kind-seed.node-link, .col-link.kind-seed { color:var(--seed); }
.kind-source.node-link, .col-link.kind-source { color:var(--source); } .kind-test.node-link { color:var(--test); }
.badge { display:inline-block; font-size:11px; text-transform:uppercase; letter-spacing:.04em; padding:1px 6px; border-radius:4px; color:#fff; vertical-align:middle; }
.badge.kind-model { background:var(--model); } .badge.kind-seed { background:var(--seed); } .badge.kind-source { background:var(--source); } .badge.kind-test { background:var(--test); }
.muted { color:var(--muted); } .meta span { margin-right:16px; color:var(--muted); } .tag { background:#eef0f4; border-radius:3px; padding:0 5px; margin-right:4px; color:var(--fg); }
.crumbs { color:var(--muted); font-size:12px; }
.counts .count { margin-right:14px; }
.description p { margin:6px 0; max-width:900px; }
code { font-family:ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size:12.5px; }
pre.sql { background:#f6f8fa; border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow:auto; max-height:520px; }
table { border-collapse:collapse; }
table.columns { width:100%; } table.columns th, table.columns td { text-align:left; vertical-align:top; padding:5px 8px; border-bottom:1px solid #eef0f4; }
table.columns th { background:var(--bg); font-weight:600; }
table.kv th { text-align:left; padding:3px 12px 3px 0; color:var(--muted); font-weight:normal; } table.kv td { padding:3px 0; }
code.type { color:#8a4b08; }
.col-links a, .col-links code { display:block; white-space:nowrap; }
.transform { font-size:11px; border-radius:3px; padding:0 5px; margin-right:4px; } .t-copy { background:#e3f4ea; } .t-derived { background:#fff1d6; } .t-unknown { background:#f5dede; }
.chips .chip { display:inline-block; font-size:11px; padding:0 6px; border-radius:10px; margin:1px 3px 1px 0; text-decoration:none; background:#eef0f4; color:var(--fg); }
.chip.severity-warn { background:#fff1d6; }
.graph-scroll { overflow:auto; border:1px solid var(--line); border-radius:6px; background:#fcfcfd; max-height:640px; }
svg.lineage .edge { fill:none; stroke:#a9b2c3; stroke-width:1.2; } svg.lineage .edge.hot { stroke:#2456c7; stroke-width:2; }
svg.lineage .lnode rect { fill:#fff; stroke-width:1.5; } svg.lineage .lnode text { font-size:12px; fill:var(--fg); }
svg.lineage .lnode.kind-model rect { stroke:var(--model); } svg.lineage .lnode.kind-seed rect { stroke:var(--seed); }
svg.lineage .lnode.kind-source rect { stroke:var(--source); } svg.lineage .lnode.kind-test rect { stroke:var(--test); }
svg.lineage .lnode.focus rect { fill:#2456c7; } svg.lineage .lnode.focus text { fill:#fff; font-weight:600; }
svg.lineage .lnode:hover rect { fill:#eef3ff; } svg.lineage .lnode.focus:hover rect { fill:#1b44a0; }
.updown { display:grid; grid-template-columns:1fr 1fr; gap:16px; } .updown ul { margin:0; padding-left:18px; }
details.raw { margin-top:14px; } details.raw summary { cursor:pointer; color:var(--muted); }
`;

/**
 * `index.html`: one self-contained file (inline CSS and script, the manifest embedded as JSON) that works from
 * `file://` on a machine without network. The Content-Security-Policy forbids every external load, so a future
 * edit that adds a CDN script or a web font fails visibly instead of silently needing the internet.
 */
export function renderDocsPage(manifest: DocsManifest): string {
  const title = escapeHtml(`${manifest.projectName} – revrec docs`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="revrec ${escapeHtml(manifest.revrecVersion)}">
<title>${title}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
  <a href="#!/">${escapeHtml(manifest.projectName)} docs</a>
  <div class="searchbox">
    <input id="search" type="search" placeholder="Search models, seeds, sources, tests, columns (press /)" autocomplete="off" aria-label="Search">
    <div id="search-results" hidden></div>
  </div>
</header>
<div class="layout">
  <nav id="sidebar" aria-label="All nodes"></nav>
  <main id="main"><noscript>This page needs JavaScript to render; the data is embedded below as JSON.</noscript></main>
</div>
<script id="revrec-docs-data" type="application/json">${embedJson(manifest)}</script>
<script>${DOCS_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
