/* HR skill graph: a small force-directed layout drawn in SVG (no library).
   Nodes are skills, people and departments from /api/v1/skills/<id>/graph. Expanding a skill
   merges its neighbourhood into the picture and remembers which expansion brought each node, so
   collapsing it takes away what only it brought. The department filter re-queries.
   Keyboard: the graph is one tab stop; arrows move between nodes (most important first), Enter
   expands a skill (or opens a person / filters by a department), Delete or "-" collapses.
   Labels that would overlap are hidden (shown on hover and focus), most important kept. */
"use strict";
(() => {
  const { api, el, put } = TG;
  const NS = "http://www.w3.org/2000/svg";
  const PAGE = 15;  // holders per expansion, "show more" adds as many again
  const root = document.getElementById("graph-app");
  const svg = document.getElementById("graph");
  const pane = svg.parentElement;
  const detail = document.getElementById("detail");
  const deptSel = document.getElementById("dept-filter");
  const hiddenNote = document.getElementById("labels-hidden");
  const status = document.getElementById("graph-status");
  const nodes = new Map();     // id -> {id, kind, label, x, y, vx, vy, level, from: Set of expansion ids}
  const edges = new Map();     // key -> {source, target, kind, from: Set}
  const expanded = new Map();  // skill node id -> {limit, total}
  let view = { x: 0, y: 0, k: 1 }, alpha = 0, centerId = null, origin = null, focusId = null, lastDetail = null;

  const svgEl = (tag, attrs) => { const n = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v); return n; };
  const layer = svgEl("g"); const edgeLayer = svgEl("g"); const nodeLayer = svgEl("g");
  layer.append(edgeLayer, nodeLayer); svg.append(layer);
  const empty = el("div", { class: "graph-empty", hidden: true });
  pane.append(empty);
  const size = () => svg.getBoundingClientRect();
  const radius = (n) => n.kind === "skill" ? (n.id === centerId ? 13 : n.co ? 7 : 9) : n.kind === "department" ? 11 : 4 + 1.6 * (n.level || 1);
  const skillOf = (nodeId) => nodeId.slice(6);

  // Most important first: the centre, expanded skills, other skills, departments, people by level.
  function rank(n) {
    if (n.id === centerId) return 0;
    if (expanded.has(n.id)) return 1;
    if (n.kind === "skill") return n.co ? 3 : 2;
    if (n.kind === "department") return 4;
    return 10 - (n.level || 0);
  }
  const ordered = () => [...nodes.values()].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));

  function merge(graph, anchor, from) {
    const { width, height } = size();
    const ax = anchor ? anchor.x : width / 2, ay = anchor ? anchor.y : height / 2;
    for (const n of graph.nodes) {
      const had = nodes.get(n.id);
      if (had) { Object.assign(had, { label: n.label, level: n.level ?? had.level, co: had.co && n.co }); had.from.add(from); continue; }
      const a = Math.random() * 2 * Math.PI, r = 60 + Math.random() * 40 * Math.sqrt(graph.nodes.length);
      nodes.set(n.id, { ...n, x: ax + r * Math.cos(a), y: ay + r * Math.sin(a), vx: 0, vy: 0, from: new Set([from]) });
    }
    for (const e of graph.edges) {
      const key = `${e.source}|${e.target}|${e.kind}`;
      const had = edges.get(key);
      if (had) had.from.add(from); else edges.set(key, { ...e, from: new Set([from]) });
    }
    settle();
  }

  // Lay out before the first paint (frame rates vary, headless browsers paint rarely), then fit
  // the picture to the pane and let the remaining motion settle visibly.
  function settle() {
    alpha = 1;
    for (let i = 0; i < 300; i++) step();
    fit(); draw();
    alpha = 0.1; if (!running) tick();
  }

  async function load(skillId, { fresh = false, limit = PAGE } = {}) {
    const dept = deptSel.value;
    let data;
    try {
      data = await api(`/api/v1/skills/${encodeURIComponent(skillId)}/graph?limit=${limit}` + (dept ? `&department=${encodeURIComponent(dept)}` : ""));
    } catch (err) { put(detail, TG.errorBox(err)); return; }
    if (fresh) { nodes.clear(); edges.clear(); expanded.clear(); }
    const id = "skill:" + data.skill.id;
    centerId = id;
    const total = data.holders_total ?? null;
    expanded.set(id, { limit, total, more: total !== null ? data.holders.length < total : data.holders.length >= limit });
    merge(data.graph, nodes.get(id), id);
    showSkill(data);
    status.textContent = `${data.skill.name} expanded: ${document.getElementById("holders-count").textContent}.`;
  }

  /** Take away what only this skill's expansion brought; the skill itself stays, collapsed. */
  function collapse(id) {
    if (!expanded.has(id)) return;
    expanded.delete(id);
    for (const [key, e] of edges) { e.from.delete(id); if (!e.from.size) edges.delete(key); }
    for (const [nid, n] of nodes) {
      n.from.delete(id);
      if (!n.from.size && nid !== id) nodes.delete(nid);
    }
    const self = nodes.get(id);
    if (self && !self.from.size) self.from.add("kept");
    for (const [key, e] of edges) if (!nodes.has(e.source) || !nodes.has(e.target)) edges.delete(key);
    if (centerId === id || !nodes.has(centerId)) centerId = [...expanded.keys()].pop() || id;
    if (!nodes.has(focusId)) focusId = id;
    settle();
    status.textContent = `${self ? self.label : "Skill"} collapsed.`;
    put(detail, el("h2", { class: "h3" }, self ? self.label : "Skill"),
      el("p", { class: "muted small" }, "Collapsed. Press Enter on it, or ", expandButton(id), "."));
  }

  const expandButton = (id) => el("button", { type: "button", class: "small", onclick: () => load(skillOf(id)) }, "expand it again");

  function showSkill(d) {
    lastDetail = d;
    const id = "skill:" + d.skill.id;
    const state = expanded.get(id) || { limit: PAGE, total: null, more: false };
    const n = d.holders.length;
    const where = d.department ? ` in ${deptSel.selectedOptions[0].textContent}` : "";
    const count = state.total !== null
      ? (n < state.total ? `Showing ${n} of ${state.total} holders${where}` : `${n} holder${n === 1 ? "" : "s"}${where}`)
      : (state.more ? `Showing the first ${n} holders${where}` : `${n} holder${n === 1 ? "" : "s"}${where}`);
    const holders = n ? el("div", { class: "table-wrap" }, el("table", { class: "table small", id: "holders" },
      el("caption", { class: "sr-only" }, `Holders of ${d.skill.name}`),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Holder"), el("th", { scope: "col" }, "Level"), el("th", { scope: "col" }, "Department"))),
      el("tbody", {}, d.holders.map((h) => el("tr", {},
        el("td", {}, el("a", { href: "/people/" + encodeURIComponent(h.person) }, h.name)),
        el("td", {}, levelBar(h.level), ` ${h.level}`), el("td", {}, h.department_name || deptName(h.department)))))))
      : el("p", { class: "muted", id: "no-holders" }, `Nobody${where} holds ${d.skill.name} yet.`
        + (d.department ? " Try all departments." : ""));
    const link = (s) => el("a", { href: "/graph?skill=" + encodeURIComponent(s.id), onclick: (e) => { e.preventDefault(); load(s.id); } }, s.name);
    const more = state.more ? el("button", { type: "button", class: "small", id: "show-more",
      onclick: () => load(d.skill.id, { limit: state.limit + PAGE }) }, `Show ${PAGE} more`) : null;
    const fewer = state.limit > PAGE ? el("button", { type: "button", class: "small", id: "show-fewer",
      onclick: () => { collapse(id); load(d.skill.id); } }, "Show fewer") : null;
    put(detail,
      el("h2", { class: "h3", id: "detail-title", tabindex: "-1" }, d.skill.name),
      el("p", { class: "muted small" }, [d.skill.category, ...(d.skill.aliases || [])].filter(Boolean).join(" · ")),
      el("div", { class: "scores" }, el("span", { class: "score" }, `${d.supply} at level 3 or more`), el("span", { class: "score" }, `${d.demand} asked for`),
        el("span", { class: "score", style: d.gap > 0 ? "color:#9d2b22" : "" }, d.gap > 0 ? `short by ${d.gap}` : "demand covered")),
      d.broader ? el("p", { class: "small" }, "Broader: ", link(d.broader)) : null,
      d.narrower.length ? el("p", { class: "small" }, "Narrower: ", ...d.narrower.flatMap((s, i) => [i ? ", " : "", link(s)])) : null,
      d.co_occurring.length ? el("p", { class: "small" }, "Often held with: ", ...d.co_occurring.slice(0, 6).flatMap((c, i) => [i ? ", " : "", link(c.skill), ` (${c.shared})`])) : null,
      el("p", { class: "holders-count", id: "holders-count" }, count),
      holders,
      el("div", { class: "detail-actions" }, more, fewer,
        expanded.size > 1 || nodes.size > 1 ? el("button", { type: "button", class: "small", id: "collapse", onclick: () => collapse(id) }, `Collapse ${d.skill.name}`) : null));
    showEmpty(d);
  }

  function showEmpty(d) {
    const alone = d && !d.holders.length && nodes.size <= 1 + (d.broader ? 1 : 0) + d.narrower.length + d.co_occurring.length;
    empty.hidden = !alone;
    if (alone) put(empty, el("p", {}, `Nobody${d.department ? " in this department" : ""} holds ${d.skill.name} yet.`));
  }

  const deptName = (id) => { const o = [...deptSel.options].find((x) => x.value === id); return o ? o.textContent : id; };
  const levelBar = (n) => el("span", { class: "level", "aria-hidden": "true" }, [1, 2, 3, 4, 5].map((i) => el("i", { class: i <= n ? "on" : null })));

  function showPerson(n) {
    put(detail, el("h2", { class: "h3", tabindex: "-1", id: "detail-title" }, n.label),
      el("p", {}, "Level ", levelBar(n.level || 0), ` ${n.level || 0} in ${nodes.get(centerId)?.label || "the selected skill"}`),
      el("p", {}, el("a", { href: "/people/" + encodeURIComponent(n.id.slice(7)) }, `Open ${n.label}'s profile`)),
      lastDetail ? el("p", {}, el("button", { type: "button", class: "small", onclick: () => showSkill(lastDetail) }, `Back to ${lastDetail.skill.name}`)) : null);
  }

  function activate(n) {
    if (n.kind === "skill") load(skillOf(n.id));
    else if (n.kind === "person") showPerson(n);
    else if (n.kind === "department") { deptSel.value = n.id.slice(11); refresh(); }
  }

  function nodeName(n) {
    if (n.kind === "skill") {
      const st = expanded.get(n.id);
      return `${n.label}, skill, ${st ? "expanded" : "collapsed"}`;
    }
    if (n.kind === "person") return `${n.label}, person, level ${n.level || 0}`;
    return `${n.label}, department${deptSel.value && n.id === "department:" + deptSel.value ? ", filtered" : ""}`;
  }

  // --- drawing ----------------------------------------------------------------------------
  function draw() {
    const hadFocus = svg.contains(document.activeElement);
    put(edgeLayer); put(nodeLayer);
    const dept = deptSel.value;
    for (const e of edges.values()) {
      const line = svgEl("line", { class: `edge ${e.kind}` }); line._e = e; edgeLayer.append(line);
    }
    const list = ordered();
    if (!nodes.has(focusId)) focusId = centerId && nodes.has(centerId) ? centerId : list[0] && list[0].id;
    for (const n of [...list].reverse()) {  // the most important drawn last, on top
      const dim = dept && n.kind === "department" && n.id !== "department:" + dept;
      const g = svgEl("g", { class: `node ${n.kind}${n.id === centerId ? " center" : ""}${expanded.has(n.id) ? " expanded" : ""}${n.co && !expanded.has(n.id) ? " co" : ""}${dim ? " dim" : ""}`,
        "data-id": n.id, role: "button", tabindex: n.id === focusId ? "0" : "-1", "aria-label": nodeName(n) });
      if (n.kind === "skill") g.setAttribute("aria-expanded", expanded.has(n.id) ? "true" : "false");
      const ring = svgEl("circle", { class: "ring", r: radius(n) + 5 });
      const c = svgEl("circle", { r: radius(n) });
      const title = svgEl("title"); title.textContent = n.label + (n.level ? ` · level ${n.level}` : ""); c.append(title);
      const t = svgEl("text", { x: radius(n) + 3, dy: "0.35em" }); t.textContent = n.label;
      g.append(ring, c, t); g._n = n; nodeLayer.append(g);
      g.addEventListener("pointerdown", (ev) => startDrag(ev, n));
      g.addEventListener("click", () => { if (moved) return; focusId = n.id; activate(n); });
      g.addEventListener("focus", () => { focusId = n.id; [...nodeLayer.children].forEach((x) => x.setAttribute("tabindex", x === g ? "0" : "-1")); });
      g.addEventListener("keydown", (ev) => onKey(ev, n));
    }
    place();
    declutter();
    if (hadFocus) focusNode(focusId);
  }

  function focusNode(id) {
    const g = nodeLayer.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (g) { focusId = id; g.focus(); }
  }

  function onKey(ev, n) {
    const list = ordered().map((x) => x.id), i = list.indexOf(n.id);
    const go = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: list.length - 1 }[ev.key];
    if (go !== undefined) { ev.preventDefault(); focusNode(list[(go + list.length) % list.length]); }
    else if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(n); }
    else if ((ev.key === "Delete" || ev.key === "Backspace" || ev.key === "-") && n.kind === "skill") { ev.preventDefault(); collapse(n.id); }
    else if (ev.key === "+" || ev.key === "=") { ev.preventDefault(); zoom(1.2); }
  }

  function place() {
    layer.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
    // labels keep their size on screen whatever the zoom (declutter hides the ones that collide)
    layer.style.setProperty("--label-size", `${11 / view.k}px`);
    layer.style.setProperty("--label-halo", `${3 / view.k}px`);
    for (const line of edgeLayer.children) {
      const a = nodes.get(line._e.source), b = nodes.get(line._e.target);
      if (!a || !b) continue;
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
    }
    for (const g of nodeLayer.children) g.setAttribute("transform", `translate(${g._n.x},${g._n.y})`);
  }

  // Hide labels that would overlap a node or a more important label (greedy, in screen space).
  function declutter() {
    const screen = (n) => ({ x: view.x + view.k * n.x, y: view.y + view.k * n.y, r: radius(n) * view.k });
    const circles = [...nodes.values()].map((n) => { const p = screen(n); return { id: n.id, x0: p.x - p.r, y0: p.y - p.r, x1: p.x + p.r, y1: p.y + p.r }; });
    const hit = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    const placed = [];
    let hidden = 0;
    const byId = new Map([...nodeLayer.children].map((g) => [g._n.id, g]));
    // measure every label as drawn (one layout pass), then keep them greedily by importance
    byId.forEach((g) => g.querySelector("text").classList.remove("hidden-label"));
    const width = new Map([...byId].map(([id, g]) => [id, g.querySelector("text").getBoundingClientRect().width]));
    for (const n of ordered()) {
      const g = byId.get(n.id); if (!g) continue;
      const t = g.querySelector("text");
      const p = screen(n);
      const x0 = p.x + 3 * view.k + p.r;
      const box = { x0, y0: p.y - 7, x1: x0 + (width.get(n.id) || 6.2 * n.label.length) + 2, y1: p.y + 7 };
      // the centre and expanded skills are always named; the rest give way to nodes and to them
      const clash = placed.some((b) => hit(box, b)) || (rank(n) > 1 && circles.some((c) => c.id !== n.id && hit(box, c)));
      t.classList.toggle("hidden-label", clash);
      if (clash) hidden++; else placed.push(box);
    }
    if (hiddenNote) hiddenNote.textContent = hidden ? `${hidden} label${hidden === 1 ? "" : "s"} hidden to keep the picture readable: hover or focus a node, or zoom in.` : "";
  }

  // --- forces: repulsion between all nodes, springs along edges, weak pull to the middle ----
  let running = false;
  function fit() {
    const list = [...nodes.values()], { width, height } = size();
    if (!list.length || !width) return;
    const xs = list.map((n) => n.x), ys = list.map((n) => n.y);
    const room = Math.min(160, width * 0.2);  // for the labels right of the nodes
    const x0 = Math.min(...xs) - 30, x1 = Math.max(...xs) + room, y0 = Math.min(...ys) - 30, y1 = Math.max(...ys) + 30;
    const top = width < 600 ? 130 : 90;  // the tools wrap onto more rows on a phone
    const k = Math.min(1.4, Math.max(0.3, Math.min(width / (x1 - x0), (height - top - 30) / (y1 - y0))));
    view = { k, x: (width - k * (x0 + x1)) / 2, y: top + (height - top - 30 - k * (y1 - y0)) / 2 - k * y0 };
  }

  function tick() {
    running = true;
    step();
    place();
    if (alpha > 0.02 || dragging) requestAnimationFrame(tick); else { running = false; declutter(); }
  }

  function step() {
    const list = [...nodes.values()], { width, height } = size();
    const spread = Math.min(1, Math.max(0.7, width / 900));  // a tighter picture on a narrow screen
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j]; let dx = b.x - a.x, dy = b.y - a.y; let d2 = dx * dx + dy * dy || 0.01;
        if (d2 > 250000) continue;
        const f = 2600 * spread * spread / d2; const d = Math.sqrt(d2); dx /= d; dy /= d;
        a.vx -= f * dx; a.vy -= f * dy; b.vx += f * dx; b.vy += f * dy;
      }
    }
    for (const e of edges.values()) {
      const a = nodes.get(e.source), b = nodes.get(e.target); if (!a || !b) continue;
      const want = spread * (e.kind === "member-of" ? 70 : e.kind === "has-skill" ? 110 : e.kind === "broader" ? 140 : 170);
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01, f = (d - want) * 0.04;
      a.vx += f * dx / d; a.vy += f * dy / d; b.vx -= f * dx / d; b.vy -= f * dy / d;
    }
    if (!origin) origin = { x: width / 2, y: height / 2 };  // gravity centre, fixed in graph space
    const cx = origin.x, cy = origin.y;
    for (const n of list) {
      n.vx += (cx - n.x) * 0.006; n.vy += (cy - n.y) * 0.006;
      if (n === dragging) { n.vx = n.vy = 0; continue; }
      n.x += Math.max(-20, Math.min(20, n.vx * alpha)); n.y += Math.max(-20, Math.min(20, n.vy * alpha));
      n.vx *= 0.6; n.vy *= 0.6;
    }
    alpha *= 0.985;
  }

  // --- interaction: drag nodes, pan, zoom (wheel, buttons, + and - keys) -----------------------
  let dragging = null, panning = null, moved = false;
  function toGraph(ev) { const r = size(); return { x: (ev.clientX - r.left - view.x) / view.k, y: (ev.clientY - r.top - view.y) / view.k }; }
  function startDrag(ev, n) { ev.stopPropagation(); dragging = n; moved = false; alpha = Math.max(alpha, 0.3); if (!running) tick(); }
  svg.addEventListener("pointerdown", (ev) => { panning = { x: ev.clientX - view.x, y: ev.clientY - view.y }; moved = false; });
  window.addEventListener("pointermove", (ev) => {
    if (dragging) { const p = toGraph(ev); dragging.x = p.x; dragging.y = p.y; moved = true; place(); }
    else if (panning) { view.x = ev.clientX - panning.x; view.y = ev.clientY - panning.y; moved = true; place(); }
  });
  window.addEventListener("pointerup", () => { if (panning || dragging) declutter(); dragging = null; panning = null; setTimeout(() => { moved = false; }, 0); });
  function zoom(factor, mx, my) {
    const r = size(); const k = Math.max(0.3, Math.min(3, view.k * factor));
    mx = mx ?? r.width / 2; my = my ?? r.height / 2;
    view.x = mx - (mx - view.x) * k / view.k; view.y = my - (my - view.y) * k / view.k; view.k = k; place(); declutter();
  }
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault(); const r = size();
    zoom(ev.deltaY < 0 ? 1.1 : 0.9, ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  document.getElementById("zoom-in").addEventListener("click", () => zoom(1.25));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(0.8));
  document.getElementById("zoom-fit").addEventListener("click", () => { fit(); place(); declutter(); });
  svg.addEventListener("keydown", (ev) => { if (ev.key === "-" && ev.target === svg) zoom(0.8); });

  // --- side panels ----------------------------------------------------------------------------
  async function sideData() {
    const dept = deptSel.value ? `?department=${encodeURIComponent(deptSel.value)}` : "";
    const sd = await api("/api/v1/skills/supply-demand" + dept);
    const box = document.getElementById("supply-demand");
    const max = Math.max(1, ...sd.skills.map((r) => Math.max(r.supply, r.demand)));
    put(box, ...(sd.skills.length ? sd.skills.flatMap((r) => [
      el("a", { href: "/graph?skill=" + encodeURIComponent(r.skill), onclick: (e) => { e.preventDefault(); load(r.skill, { fresh: true }); } }, r.name),
      el("div", { class: "bars2", "aria-hidden": "true" },
        el("div", { class: "s", style: `width:${100 * r.supply / max}%` }), el("div", { class: "d", style: `width:${100 * r.demand / max}%` })),
      el("span", { class: "nums" }, `${r.supply} of ${r.demand}`, el("span", { class: "sr-only" }, " people available against asked for"))])
      : [el("p", { class: "muted" }, deptSel.value ? "No open demand in this department." : "No open demand.")]));
    if (root.dataset.hr === "1") {
      const risk = await api("/api/v1/skills/at-risk" + dept);
      put(document.getElementById("at-risk"), ...(risk.skills.length ? risk.skills.map((r) => el("div", { class: "risk" },
        el("a", { href: "/graph?skill=" + encodeURIComponent(r.skill.id), onclick: (e) => { e.preventDefault(); load(r.skill.id, { fresh: true }); } }, r.skill.name),
        el("span", { class: "muted" }, r.holders.map((h) => h.name).join(", ")))) : [el("p", { class: "muted" }, "None.")]));
    }
    return sd;
  }

  async function refresh() {
    const sd = await sideData();
    let start = centerId ? skillOf(centerId) : root.dataset.start || (sd.skills[0] && sd.skills[0].skill);
    if (!start) { const any = await api("/api/v1/skills?limit=1"); start = any.skills[0] && any.skills[0].id; }
    if (start) await load(start, { fresh: true });
    else { empty.hidden = false; put(empty, el("p", {}, "No skills in the graph yet: ingest people and their skills first.")); }
  }

  TG.autocomplete(document.getElementById("skill-search"), TG.skillSource, (it) => { load(it.id, { fresh: true }); },
    { empty: (q) => `No skill matches “${q}”. Try a shorter word or another language.` });
  deptSel.addEventListener("change", refresh);
  document.getElementById("reset").addEventListener("click", () => { view = { x: 0, y: 0, k: 1 }; deptSel.value = ""; centerId = null; refresh(); });
  window.addEventListener("resize", () => { fit(); place(); declutter(); });
  refresh();
})();
