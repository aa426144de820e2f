/* shienmap maps: title block, search, filters, neighbourhood and evidence panel, route list.
 *
 * Runs after pyvis has drawn `network` (vis-network). Reads one JSON block (#shienmap-data).
 * Text from documents is only ever set with textContent, never as HTML.
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("shienmap-data").textContent);
  var M = D.messages;
  var HIGHLIGHT = "#e6007e";
  var FADED_NODE = "rgba(200,200,200,0.25)";
  var FADED_EDGE = "rgba(180,180,180,0.15)";
  var FADED_FONT = "rgba(80,80,80,0.35)";
  var nodesDS = network.body.data.nodes;
  var edgesDS = network.body.data.edges;
  var UNDIRECTED = { "協定": true, "同行訪問": true, "連携": true };
  var relLabel = {};
  D.relations.forEach(function (r) { relLabel[r.name] = r.label; });
  // a large map's edges come as rows of numbers (compact.py): made into edges and data here
  if (D.compact) {
    var made = D.edge_rows.map(function (r, i) {
      var id = "e" + i, rel = D.edge_relations[r[2]], st = D.edge_styles[rel];
      var e = { from: "n" + r[0], to: "n" + r[1], relation: rel, count: r[4], period: r[5],
                route: [], evidence: r[6] === null ? [] : [{ doc: D.edge_docs[r[6]] }],
                more: r[6] === null ? 0 : r[7] - 1 };
      D.edges[id] = e;
      var lines = [D.nodes[e.from].name + (UNDIRECTED[rel] ? " — " : " → ") +
                   D.nodes[e.to].name + " (" + (relLabel[rel] || rel) + ")"];
      if (e.count !== null && e.count !== undefined) { lines.push(M.count + ": " + e.count); }
      if (r[7]) { lines.push(M.evidence + ": " + r[7] + " — " + M.panel_hint); }
      return { id: id, from: e.from, to: e.to, relation: rel, width: r[3], color: st.color,
               dashes: st.dashes, arrows: st.arrows, route: [], title: lines.join("\n") };
    });
    edgesDS.add(made);
  }
  var base = { nodes: {}, edges: {} };
  nodesDS.get().forEach(function (n) {
    base.nodes[n.id] = { color: n.color, font: n.font, borderWidth: n.borderWidth };
  });
  edgesDS.get().forEach(function (e) {
    base.edges[e.id] = { color: e.color, width: e.width };
  });
  var state = { relations: {}, kind: "", prefecture: "", selected: null };

  D.relations.forEach(function (r) { state.relations[r.name] = true; });

  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) { x.textContent = String(text); }
    if (cls) { x.className = cls; }
    return x;
  }

  // ------------------------------------------------------------ title block
  document.getElementById("shienmap-meta").textContent = D.built + " ・ " + D.counts;
  if (D.omitted) {
    var omitted = el("p", D.omitted, "hint");
    omitted.id = "shienmap-omitted";
    document.getElementById("shienmap-meta").after(omitted);
  }
  var docs = document.getElementById("shienmap-documents");
  docs.querySelector("summary").textContent = M.documents_count;
  D.documents.forEach(function (d) { docs.querySelector("ul").appendChild(el("li", d)); });
  if (D.documents.length > 20) { docs.open = false; }  // a long list stays folded

  // ------------------------------------------------------------ search
  function fold(s) {
    s = String(s).normalize("NFKC").replace(/\s+/g, "");
    Object.keys(D.variants).forEach(function (k) { s = s.split(k).join(D.variants[k]); });
    return s;
  }
  function findNodes(query) {
    var q = fold(query);
    if (!q) { return []; }
    var hits = [];
    Object.keys(D.nodes).forEach(function (id) {
      var best = 9;
      D.nodes[id].keys.forEach(function (k) {
        if (k === q) { best = Math.min(best, 0); }
        else if (k.indexOf(q) === 0) { best = Math.min(best, 1); }
        else if (k.indexOf(q) > 0) { best = Math.min(best, 2); }
      });
      if (best < 9) { hits.push([best, D.nodes[id].name.length, id]); }
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    });
    return hits.slice(0, 12).map(function (h) { return h[2]; });
  }
  var search = document.getElementById("shienmap-search");
  var results = document.getElementById("shienmap-results");
  function showResults() {
    results.textContent = "";
    var ids = findNodes(search.value);
    if (search.value && !ids.length) { results.appendChild(el("li", M.search_none, "hint")); }
    ids.forEach(function (id) {
      var n = D.nodes[id];
      var b = el("button", n.name + (n.group && n.group !== "全国" ? "（" + n.group + "）" : ""));
      b.type = "button";
      b.setAttribute("data-node", id);
      b.addEventListener("click", function () { selectNode(id, true); });
      var li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    });
    return ids;
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var ids = showResults();
      if (ids.length) { selectNode(ids[0], true); }
    }
  });

  // ------------------------------------------------------------ filters
  var relBox = document.getElementById("shienmap-relations");
  D.relations.forEach(function (r) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = r.name;
    box.addEventListener("change", function () {
      state.relations[r.name] = box.checked;
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + r.label));
    relBox.appendChild(label);
  });
  function fillSelect(id, values, labels) {
    var sel = document.getElementById(id);
    var all = el("option", M.all);
    all.value = "";
    sel.appendChild(all);
    values.forEach(function (v, i) {
      var o = el("option", labels ? labels[i] : v);
      o.value = v;
      sel.appendChild(o);
    });
    return sel;
  }
  if (D.overview) {  // an overview has no kinds or institutions to filter by, only relation types
    ["shienmap-kind", "shienmap-prefecture"].forEach(function (id) {
      document.getElementById(id).parentNode.style.display = "none";
    });
  }
  var kindSel = fillSelect("shienmap-kind", D.kinds);
  var prefSel = fillSelect("shienmap-prefecture", D.prefectures.concat(["全国"]),
    D.prefectures.concat([M.national]));
  kindSel.addEventListener("change", function () { state.kind = kindSel.value; applyFilters(); });
  prefSel.addEventListener("change", function () {
    state.prefecture = prefSel.value;
    applyFilters();
  });
  document.getElementById("shienmap-reset").addEventListener("click", function () {
    relBox.querySelectorAll("input").forEach(function (b) { b.checked = true; state.relations[b.value] = true; });
    kindSel.value = ""; prefSel.value = ""; state.kind = ""; state.prefecture = "";
    search.value = ""; results.textContent = "";
    applyFilters();
    clearSelection();
    frame();
  });
  function nodeMatches(id) {
    var n = D.nodes[id];
    if (!n) { return false; }
    if (state.kind && n.kinds.indexOf(state.kind) < 0) { return false; }
    if (state.prefecture && n.group !== state.prefecture) { return false; }
    return true;
  }
  function edgeVisible(e) {
    if (e.relations) {  // an overview's line: visible while one of its types is
      if (!Object.keys(e.relations).some(function (r) { return state.relations[r] !== false; })) {
        return false;
      }
    } else if (state.relations[e.relation] === false) { return false; }
    if (!state.kind && !state.prefecture) { return true; }
    return nodeMatches(e.from) || nodeMatches(e.to);
  }
  function applyFilters() {
    var seen = {};
    var edgeUpdates = Object.keys(D.edges).map(function (id) {
      var e = D.edges[id];
      var vis = edgeVisible(e);
      if (vis) { seen[e.from] = true; seen[e.to] = true; }
      return { id: id, hidden: !vis };
    });
    var filtering = state.kind || state.prefecture ||
      D.relations.some(function (r) { return state.relations[r.name] === false; });
    var nodeUpdates = Object.keys(D.nodes).map(function (id) {
      return { id: id, hidden: filtering ? !seen[id] : false };
    });
    edgesDS.update(edgeUpdates);
    nodesDS.update(nodeUpdates);
    if (state.selected) { highlight(state.selected); }
  }

  // ------------------------------------------------------------ neighbourhood and evidence
  function incident(id) {
    return Object.keys(D.edges).filter(function (eid) {
      var e = D.edges[eid];
      return e.from === id || e.to === id;
    });
  }
  function highlight(id) {
    var near = {};
    near[id] = true;
    var edgeIds = {};
    incident(id).forEach(function (eid) {
      var e = D.edges[eid];
      if (!edgeVisible(e)) { return; }
      edgeIds[eid] = true;
      near[e.from] = true;
      near[e.to] = true;
    });
    nodesDS.update(Object.keys(D.nodes).map(function (n) {
      var b = base.nodes[n];
      if (n === id) {
        return { id: n, color: { background: b.color.background, border: HIGHLIGHT },
                 borderWidth: 5, font: Object.assign({}, b.font, { color: "#000000" }) };
      }
      if (near[n]) {
        return { id: n, color: { background: b.color.background === FADED_NODE ? (b.color.highlight || {}).background : b.color.background,
                                 border: b.color.border }, borderWidth: b.borderWidth,
                 font: Object.assign({}, b.font, { color: "#222222" }) };
      }
      return { id: n, color: { background: FADED_NODE, border: "rgba(150,150,150,0.3)" },
               borderWidth: 1, font: Object.assign({}, b.font, { color: FADED_FONT }) };
    }));
    edgesDS.update(Object.keys(D.edges).map(function (eid) {
      var b = base.edges[eid];
      if (edgeIds[eid]) {
        var c = b.color === FADED_EDGE ? "#555555" : b.color;
        return { id: eid, color: c, width: b.width + 1.5 };
      }
      return { id: eid, color: FADED_EDGE, width: b.width };
    }));
  }
  function clearSelection() {
    state.selected = null;
    nodesDS.update(Object.keys(base.nodes).map(function (n) {
      var b = base.nodes[n];
      return { id: n, color: b.color, font: b.font, borderWidth: b.borderWidth };
    }));
    edgesDS.update(Object.keys(base.edges).map(function (e) {
      return { id: e, color: base.edges[e].color, width: base.edges[e].width };
    }));
    var box = document.getElementById("shienmap-details");
    box.textContent = "";
    box.appendChild(el("p", M.panel_hint, "hint"));
  }
  function evidenceList(items) {
    var ol = el("ol", null, "evidence");
    items.forEach(function (ev) {
      var li = el("li");
      if (ev.quote !== undefined) { li.appendChild(el("span", "「" + ev.quote + "」", "quote")); }
      var info = ev.title === undefined ? (D.docinfo || {})[ev.doc] || {} : ev;
      var src = el("span", info.title, "source");
      src.appendChild(el("span", " [" + ev.doc + "]", "file"));
      li.appendChild(src);
      ol.appendChild(li);
    });
    return ol;
  }
  function showDetails(id) {
    var n = D.nodes[id];
    var box = document.getElementById("shienmap-details");
    box.textContent = "";
    box.appendChild(el("h2", n.name));
    var facts = [];
    if (n.type && n.label === "機関") { facts.push(M.type + ": " + n.type); }
    if (n.region) { facts.push(M.region + ": " + n.region); }
    facts.push(M.category + ": " + (D.categories[id] || n.category));
    (n.facts || [facts.join("　")]).forEach(function (f) { box.appendChild(el("p", f)); });
    if (n.link) {  // an overview's prefecture: its own map, a file written beside this one
      var a = el("a", n.link_text, "map-link");
      a.setAttribute("href", n.link);
      box.appendChild(a);
    }
    if (!D.overview) {  // an overview's nodes are totals: no sentences of their own
      box.appendChild(el("h3", M.evidence + " (" + (n.evidence.length + (n.more || 0)) + ")"));
      if (n.evidence.length) { box.appendChild(evidenceList(n.evidence)); }
      else { box.appendChild(el("p", M.no_evidence, "hint")); }
      if (n.more) { box.appendChild(el("p", M.more.replace("{n}", n.more), "hint")); }
    }
    var rels = incident(id);
    box.appendChild(el("h3", M.relations_of + " (" + rels.length + ")"));
    rels.forEach(function (eid) {
      var e = D.edges[eid];
      var arrow = UNDIRECTED[e.relation] || e.undirected ? " — " : " → ";
      var text = D.nodes[e.from].name + arrow + D.nodes[e.to].name + "（" + e.relation + "）";
      if (e.count !== null && e.count !== undefined) { text += " " + M.count + ": " + e.count; }
      box.appendChild(el("div", text, "relation"));
      if (e.evidence.length) { box.appendChild(evidenceList(e.evidence)); }
      if (e.more) { box.appendChild(el("p", M.more.replace("{n}", e.more), "hint")); }
    });
  }
  function selectNode(id, focus) {
    if (!D.nodes[id]) { return; }
    state.selected = id;
    highlight(id);
    showDetails(id);
    network.selectNodes([id]);
    if (focus) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    }
  }
  network.on("doubleClick", function (params) {
    var n = params.nodes.length ? D.nodes[params.nodes[0]] : null;
    if (n && n.link) { window.location.href = n.link; }
  });
  network.on("click", function (params) {
    if (params.nodes.length) { selectNode(params.nodes[0], false); }
    else if (!params.edges.length) { clearSelection(); }
  });

  // ------------------------------------------------------------ route answers
  if (D.route) {
    var section = document.getElementById("shienmap-answers");
    section.hidden = false;
    var CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    D.route.answers.forEach(function (a) {
      var li = el("li");
      li.setAttribute("data-answer", a.rank);
      var mark = a.rank <= CIRCLED.length ? CIRCLED.charAt(a.rank - 1) : String(a.rank);
      li.appendChild(el("b", mark + " " + a.name + (a.instance ? "（= " + a.instance + "）" : "")));
      li.appendChild(el("div", a.plain, "plain"));
      if (a.reason) { li.appendChild(el("div", a.reason, "reason")); }
      li.addEventListener("click", function () { selectNode(a.id, true); });
      section.querySelector("ol").appendChild(li);
    });
  }

  // ------------------------------------------------------------ prefecture groups
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale() || 1;
    D.groups.forEach(function (g) {
      var x = g.x - g.w / 2, y = g.y - g.h / 2, r = 18;
      ctx.beginPath();
      ctx.moveTo(x + r, y);
      ctx.arcTo(x + g.w, y, x + g.w, y + g.h, r);
      ctx.arcTo(x + g.w, y + g.h, x, y + g.h, r);
      ctx.arcTo(x, y + g.h, x, y, r);
      ctx.arcTo(x, y, x + g.w, y, r);
      ctx.closePath();
      ctx.fillStyle = g.level === "全国" ? "rgba(225,225,225,0.35)" : "rgba(236,236,236,0.7)";
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#c8c8c8";
      ctx.stroke();
      // prefecture names stay legible at the opening zoom: at least 13 px on screen
      var px = Math.max(g.level === "全国" ? 36 : 24, (g.level === "全国" ? 18 : 13) / scale);
      ctx.font = "bold " + Math.round(px) + "px 'Noto Sans CJK JP', sans-serif";
      ctx.fillStyle = "#7a7a7a";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.fillText(g.level === "全国" ? M.national : g.name, g.x, y - 6);
      ctx.textBaseline = "alphabetic";
    });
  });

  // ------------------------------------------------------------ framing and readiness
  function frame() {
    if (D.focus.length) { network.fit({ nodes: D.focus, animation: false }); }
    else { network.fit({ animation: false }); }
  }
  window.shienmap = { data: D, findNodes: findNodes, selectNode: selectNode,
                      clearSelection: clearSelection, applyFilters: applyFilters, state: state };
  // vis-network fits the view itself on its first drawing; frame after that, then say ready
  network.once("afterDrawing", function () {
    frame();
    network.once("afterDrawing", function () { window.shienmapDrawn = true; });
    network.redraw();
  });
  network.redraw();
})();
