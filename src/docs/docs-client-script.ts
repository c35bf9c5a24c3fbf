/**
 * The docs site's browser code, inlined into `index.html` (the machine may be offline: no CDN, no framework).
 * Plain ES2017 that reads the embedded manifest (`#revrec-docs-data`) and renders, by hash route:
 *   `#!/`            overview: counts, where types and lineage come from, the whole DAG (tests left out);
 *   `#!/node/<id>`   one node: description, columns (type, description, tests, column lineage, used by), the
 *                    upstream/downstream graph, config, compiled and raw SQL.
 * Every text goes in through `textContent`/attributes, never `innerHTML`, so a description cannot inject markup.
 * The DAG layout is layered (longest path from the roots) with a few barycenter sweeps to reduce crossings.
 * Written without template literals on purpose: it lives inside a TypeScript template string.
 */
export const DOCS_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('revrec-docs-data').textContent);
  var nodes = data.nodes;
  var order = data.order;
  var position = {};
  order.forEach(function (id, i) { position[id] = i; });
  var KIND_LABEL = { model: 'Models', seed: 'Seeds', source: 'Sources', test: 'Tests' };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function svg(tag, attrs, children) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function setAttrs(e, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, String(v));
    });
  }
  function append(e, children) {
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
  }
  function href(id) { return '#!/node/' + encodeURIComponent(id); }
  function nodeLink(id, text) {
    var n = nodes[id];
    return el('a', { href: href(id), 'class': 'node-link kind-' + (n ? n.kind : 'none'), 'data-id': id, text: text || (n ? n.name : id) });
  }
  function badge(kind) { return el('span', { 'class': 'badge kind-' + kind, text: kind }); }
  function folderOf(n) {
    var parts = n.path.split('/');
    return parts.length > 2 ? parts.slice(1, -1).join('/') : parts[0];
  }

  /* ---------- sidebar ---------- */
  function renderSidebar() {
    var side = document.getElementById('sidebar');
    ['model', 'seed', 'source', 'test'].forEach(function (kind) {
      var ids = order.filter(function (id) { return nodes[id].kind === kind; });
      if (!ids.length) return;
      var groups = {};
      ids.forEach(function (id) {
        var g = kind === 'source' ? nodes[id].relation.split('.')[0] : folderOf(nodes[id]);
        (groups[g] = groups[g] || []).push(id);
      });
      var details = el('details', { open: kind !== 'test' }, [el('summary', { text: KIND_LABEL[kind] + ' (' + ids.length + ')' })]);
      Object.keys(groups).sort().forEach(function (g) {
        var list = el('ul', {}, groups[g].sort(function (a, b) { return nodes[a].name < nodes[b].name ? -1 : 1; }).map(function (id) {
          return el('li', {}, [nodeLink(id)]);
        }));
        details.appendChild(el('div', { 'class': 'group' }, [el('div', { 'class': 'group-name', text: g }), list]));
      });
      side.appendChild(details);
    });
  }

  /* ---------- search ---------- */
  var index = order.map(function (id) {
    var n = nodes[id];
    return {
      id: id,
      name: n.name.toLowerCase(),
      columns: n.columns.map(function (c) { return c.name.toLowerCase(); }),
      text: (id + ' ' + n.description + ' ' + n.tags.join(' ') + ' ' + n.path).toLowerCase()
    };
  });
  function search(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var hits = [];
    index.forEach(function (entry) {
      var score = 0;
      var matchedColumns = [];
      var all = terms.every(function (t) {
        var s = 0;
        if (entry.name === t) s = 100;
        else if (entry.name.indexOf(t) === 0) s = 60;
        else if (entry.name.indexOf(t) >= 0) s = 40;
        var cols = entry.columns.filter(function (c) { return c.indexOf(t) >= 0; });
        if (cols.length) { s = Math.max(s, 15); matchedColumns = matchedColumns.concat(cols); }
        if (!s && entry.text.indexOf(t) >= 0) s = 5;
        score += s;
        return s > 0;
      });
      if (all) hits.push({ id: entry.id, score: score, columns: matchedColumns });
    });
    hits.sort(function (a, b) { return b.score - a.score || (nodes[a.id].name < nodes[b.id].name ? -1 : 1); });
    return hits.slice(0, 40);
  }
  function setupSearch() {
    var input = document.getElementById('search');
    var panel = document.getElementById('search-results');
    function close() { panel.hidden = true; panel.textContent = ''; }
    input.addEventListener('input', function () {
      var hits = search(input.value);
      panel.textContent = '';
      if (!input.value.trim()) { close(); return; }
      panel.hidden = false;
      if (!hits.length) { panel.appendChild(el('div', { 'class': 'empty', text: 'No match for "' + input.value + '"' })); return; }
      hits.forEach(function (hit) {
        var n = nodes[hit.id];
        var extra = hit.columns.length ? 'columns: ' + hit.columns.slice(0, 4).join(', ') : n.description.slice(0, 90);
        var a = el('a', { href: href(hit.id), 'class': 'result', 'data-id': hit.id }, [badge(n.kind), el('span', { 'class': 'result-name', text: n.name }), el('span', { 'class': 'result-extra', text: extra })]);
        a.addEventListener('click', function () { input.value = ''; close(); });
        panel.appendChild(a);
      });
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { input.value = ''; close(); }
      if (event.key === 'Enter') {
        var first = panel.querySelector('a.result');
        if (first) { location.hash = first.getAttribute('href'); input.value = ''; close(); }
      }
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === '/' && document.activeElement !== input) { event.preventDefault(); input.focus(); }
    });
  }

  /* ---------- lineage graph ---------- */
  function closure(start, edgeOf) {
    var seen = {};
    var queue = [start];
    while (queue.length) {
      var id = queue.shift();
      (edgeOf(id) || []).forEach(function (next) {
        if (!seen[next] && nodes[next]) { seen[next] = true; queue.push(next); }
      });
    }
    return Object.keys(seen);
  }
  function neighbourhood(focus) {
    var n = nodes[focus];
    if (n.kind === 'test') return [focus].concat(n.dependsOn.filter(function (d) { return nodes[d]; }));
    var up = closure(focus, function (id) { return nodes[id].dependsOn; });
    var down = closure(focus, function (id) { return nodes[id].children; });
    return [focus].concat(up, down).filter(function (id, i, all) { return nodes[id].kind !== 'test' && all.indexOf(id) === i; });
  }
  function layout(ids) {
    var inSet = {};
    ids.forEach(function (id) { inSet[id] = true; });
    var sorted = ids.slice().sort(function (a, b) { return position[a] - position[b]; });
    var layer = {};
    var edges = [];
    sorted.forEach(function (id) {
      var l = 0;
      nodes[id].dependsOn.forEach(function (d) {
        if (inSet[d]) { edges.push([d, id]); l = Math.max(l, layer[d] + 1); }
      });
      layer[id] = l;
    });
    // Roots (sources, seeds) move right, next to their first reader, instead of all piling up in column 0.
    sorted.slice().reverse().forEach(function (id) {
      if (nodes[id].dependsOn.some(function (d) { return inSet[d]; })) return;
      var readers = nodes[id].children.filter(function (c) { return inSet[c]; });
      if (readers.length) layer[id] = Math.max(0, Math.min.apply(null, readers.map(function (c) { return layer[c]; })) - 1);
    });
    var layers = [];
    sorted.forEach(function (id) { (layers[layer[id]] = layers[layer[id]] || []).push(id); });
    layers = layers.filter(function (list) { return list && list.length; });
    layers.forEach(function (list) { list.sort(function (a, b) { return nodes[a].name < nodes[b].name ? -1 : 1; }); });
    var rank = {};
    function reRank() { layers.forEach(function (list) { list.forEach(function (id, i) { rank[id] = i; }); }); }
    reRank();
    function sweep(neighbours) {
      layers.forEach(function (list) {
        var bary = {};
        list.forEach(function (id) {
          var ns = neighbours(id).filter(function (x) { return inSet[x]; });
          bary[id] = ns.length ? ns.reduce(function (s, x) { return s + rank[x]; }, 0) / ns.length : rank[id];
        });
        list.sort(function (a, b) { return bary[a] - bary[b] || rank[a] - rank[b]; });
        list.forEach(function (id, i) { rank[id] = i; });
      });
    }
    for (var pass = 0; pass < 4; pass++) {
      sweep(function (id) { return nodes[id].dependsOn; });
      sweep(function (id) { return nodes[id].children; });
    }
    return { layers: layers, edges: edges };
  }
  function drawGraph(container, ids, focus) {
    var W = 190, H = 26, GX = 56, GY = 10, PAD = 12;
    var g = layout(ids);
    var tallest = g.layers.reduce(function (m, l) { return Math.max(m, l.length); }, 0);
    var width = PAD * 2 + g.layers.length * W + Math.max(0, g.layers.length - 1) * GX;
    var height = PAD * 2 + tallest * H + Math.max(0, tallest - 1) * GY;
    var pos = {};
    g.layers.forEach(function (list, li) {
      var offset = (tallest - list.length) * (H + GY) / 2;
      list.forEach(function (id, i) { pos[id] = { x: PAD + li * (W + GX), y: PAD + offset + i * (H + GY) }; });
    });
    var root = svg('svg', { 'class': 'lineage', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'lineage graph' });
    g.edges.forEach(function (e) {
      var a = pos[e[0]], b = pos[e[1]];
      var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      var hot = focus && (e[0] === focus || e[1] === focus);
      root.appendChild(svg('path', { d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2, 'class': 'edge' + (hot ? ' hot' : ''), 'data-from': e[0], 'data-to': e[1] }));
    });
    Object.keys(pos).forEach(function (id) {
      var n = nodes[id];
      var label = n.name.length > 25 ? n.name.slice(0, 24) + '\u2026' : n.name;
      var link = svg('a', { href: href(id), 'class': 'lnode kind-' + n.kind + (id === focus ? ' focus' : ''), 'data-id': id }, [
        svg('title', { text: id + (n.description ? '\n' + n.description.slice(0, 200) : '') }),
        svg('rect', { x: pos[id].x, y: pos[id].y, width: W, height: H, rx: 5 }),
        svg('text', { x: pos[id].x + 9, y: pos[id].y + H / 2 + 4, text: label })
      ]);
      root.appendChild(link);
    });
    var scroller = el('div', { 'class': 'graph-scroll' }, [root]);
    container.appendChild(scroller);
    return function centre() {
      if (!focus || !pos[focus]) return;
      scroller.scrollLeft = Math.max(0, pos[focus].x + W / 2 - scroller.clientWidth / 2);
      scroller.scrollTop = Math.max(0, pos[focus].y + H / 2 - scroller.clientHeight / 2);
    };
  }

  /* ---------- pages ---------- */
  function section(title, children, id) {
    return el('section', { id: id }, [el('h2', { text: title })].concat(children));
  }
  function paragraphs(text) {
    if (!text) return el('p', { 'class': 'muted', text: 'No description.' });
    return el('div', { 'class': 'description' }, text.split(/\n\s*\n/).map(function (p) { return el('p', { text: p }); }));
  }
  function kv(obj) {
    var rows = Object.keys(obj).map(function (k) {
      var v = obj[k];
      return el('tr', {}, [el('th', { text: k }), el('td', {}, [el('code', { text: typeof v === 'string' ? v : JSON.stringify(v) })])]);
    });
    return el('table', { 'class': 'kv' }, rows);
  }
  function sourceLinks(list) {
    return el('div', { 'class': 'col-links' }, list.map(function (s) {
      if (!s.node || !nodes[s.node]) return el('code', { text: s.relation + '.' + s.column });
      return el('a', { href: href(s.node), 'class': 'col-link kind-' + nodes[s.node].kind, 'data-id': s.node, text: nodes[s.node].name + '.' + s.column });
    }));
  }
  function testChips(tests) {
    return el('div', { 'class': 'chips' }, tests.map(function (t) {
      return el('a', { href: href(t.id), 'class': 'chip severity-' + t.severity, title: t.label, text: t.kind });
    }));
  }
  function columnsTable(n) {
    if (!n.columns.length) return el('p', { 'class': 'muted', text: 'No columns known (build the warehouse, or describe them in YAML).' });
    var isModel = n.kind === 'model';
    var head = ['Column', 'Type', 'Description', 'Tests'].concat(isModel ? ['Computed from'] : []).concat(['Used by']);
    var rows = n.columns.map(function (c) {
      var from = isModel ? el('td', {}, [
        c.transform ? el('span', { 'class': 'transform t-' + c.transform, text: c.transform }) : null,
        sourceLinks(c.sources || [])
      ]) : null;
      return el('tr', { 'data-column': c.name }, [
        el('td', {}, [el('code', { text: c.name })]),
        el('td', {}, [el('code', { 'class': 'type', text: c.type || '' })]),
        el('td', { text: c.description }),
        el('td', {}, [testChips(c.tests)]),
        from,
        el('td', {}, [sourceLinks(c.usedBy || [])])
      ]);
    });
    return el('table', { 'class': 'columns' }, [el('thead', {}, [el('tr', {}, head.map(function (h) { return el('th', { text: h }); }))]), el('tbody', {}, rows)]);
  }
  function sqlBlock(sql) { return el('pre', { 'class': 'sql' }, [el('code', { text: sql })]); }

  function showOverview() {
    var main = document.getElementById('main');
    main.textContent = '';
    document.title = data.projectName + ' \u2013 revrec docs';
    var counts = {};
    order.forEach(function (id) { counts[nodes[id].kind] = (counts[nodes[id].kind] || 0) + 1; });
    main.appendChild(el('h1', { id: 'node-title', text: data.projectName }));
    main.appendChild(el('p', { 'class': 'counts' }, ['model', 'seed', 'source', 'test'].map(function (k) {
      return el('span', { 'class': 'count' }, [badge(k), ' ' + (counts[k] || 0)]);
    })));
    main.appendChild(el('p', { 'class': 'muted', text: 'Generated ' + data.generatedAt + ' by revrec ' + data.revrecVersion + '; ' + data.catalog.note + '.' }));
    main.appendChild(el('p', { 'class': 'muted', text: 'Column lineage: ' + data.lineage.method + '. ' + data.lineage.complete + ' of ' + data.lineage.models + ' models fully traced, ' + data.lineage.partial + ' partly, ' + data.lineage.failed + ' not parsed.' }));
    var graph = section('Lineage', [el('p', { 'class': 'muted', text: 'Every source, seed and model, upstream on the left. Click a box to open its page.' })], 'lineage');
    drawGraph(graph, order.filter(function (id) { return nodes[id].kind !== 'test'; }), null);
    main.appendChild(graph);
  }

  function showNode(id) {
    var n = nodes[id];
    if (!n) { showOverview(); return; }
    var main = document.getElementById('main');
    main.textContent = '';
    document.title = n.name + ' \u2013 ' + data.projectName + ' docs';
    main.appendChild(el('div', { 'class': 'crumbs' }, [el('a', { href: '#!/', text: data.projectName }), ' / ' + n.kind + ' / ', el('span', { text: n.name })]));
    main.appendChild(el('h1', { id: 'node-title', 'data-id': id }, [badge(n.kind), ' ', el('span', { text: n.name })]));
    main.appendChild(el('p', { 'class': 'meta' }, [
      n.relation ? el('span', {}, ['relation ', el('code', { text: n.relation })]) : null,
      el('span', {}, ['file ', el('code', { text: n.path })]),
      el('span', {}, ['id ', el('code', { text: id })]),
      n.tags.length ? el('span', {}, ['tags '].concat(n.tags.map(function (t) { return el('span', { 'class': 'tag', text: t }); }))) : null
    ]));
    main.appendChild(paragraphs(n.description));
    if (n.attachedTo) main.appendChild(el('p', {}, ['Checks ', nodeLink(n.attachedTo)]));
    var graph = section('Lineage', [], 'lineage');
    var centre = drawGraph(graph, neighbourhood(id), id);
    graph.appendChild(el('div', { 'class': 'updown' }, [
      el('div', {}, [el('h3', { text: 'Upstream (' + n.dependsOn.length + ')' }), el('ul', { id: 'upstream' }, n.dependsOn.map(function (d) { return el('li', {}, [nodeLink(d)]); }))]),
      el('div', {}, [el('h3', { text: 'Downstream (' + n.children.length + ')' }), el('ul', { id: 'downstream' }, n.children.map(function (d) { return el('li', {}, [nodeLink(d)]); }))])
    ]));
    main.appendChild(graph);
    centre();
    if (n.kind !== 'test') {
      var colSection = section('Columns', [columnsTable(n)], 'columns');
      if (n.lineageNote) colSection.appendChild(el('p', { 'class': 'muted note', text: 'Column lineage: ' + n.lineageNote }));
      main.appendChild(colSection);
    }
    if (n.tests.length) {
      main.appendChild(section('Tests', [el('ul', {}, n.tests.map(function (t) {
        return el('li', {}, [el('a', { href: href(t.id), text: t.label }), ' ', el('span', { 'class': 'muted', text: t.severity })]);
      }))], 'tests'));
    }
    main.appendChild(section('Config', [kv(n.config)], 'config'));
    if (n.compiledSql) main.appendChild(section('Compiled SQL', [sqlBlock(n.compiledSql)], 'compiled-sql'));
    if (n.rawSql) main.appendChild(el('details', { 'class': 'raw' }, [el('summary', { text: 'Source SQL (before Handlebars)' }), sqlBlock(n.rawSql)]));
    window.scrollTo(0, 0);
  }

  function route() {
    var h = location.hash;
    if (h.indexOf('#!/node/') === 0) showNode(decodeURIComponent(h.slice(8)));
    else showOverview();
  }

  renderSidebar();
  setupSearch();
  window.addEventListener('hashchange', route);
  route();
  document.body.setAttribute('data-ready', 'true');
})();
`;
