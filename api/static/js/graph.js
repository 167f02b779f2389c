/* HR skill graph: a small force-directed layout drawn in SVG (no library).
   Nodes are skills, people and departments from /api/v1/skills/<id>/graph; clicking a skill
   merges its neighbourhood into the picture (expand), the department filter re-queries. */
"use strict";
(() => {
  const { api, el } = TG;
  const NS = "http://www.w3.org/2000/svg";
  const root = document.getElementById("graph-app");
  const svg = document.getElementById("graph");
  const detail = document.getElementById("detail");
  const deptSel = document.getElementById("dept-filter");
  const nodes = new Map();   // id -> {id, kind, label, x, y, vx, vy, level, fixed}
  const edges = new Map();   // key -> {source, target, kind}
  const expanded = new Set();
  let view = { x: 0, y: 0, k: 1 }, alpha = 0, centerId = null, origin = null;

  const svgEl = (tag, attrs) => { const n = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v); return n; };
  const layer = svgEl("g"); const edgeLayer = svgEl("g"); const nodeLayer = svgEl("g");
  layer.append(edgeLayer, nodeLayer); svg.append(layer);
  const size = () => svg.getBoundingClientRect();
  const radius = (n) => n.kind === "skill" ? (n.center ? 13 : n.co ? 7 : 9) : n.kind === "department" ? 11 : 4 + 1.6 * (n.level || 1);

  function merge(graph, anchor) {
    const { width, height } = size();
    const ax = anchor ? anchor.x : width / 2, ay = anchor ? anchor.y : height / 2;
    for (const n of graph.nodes) {
      const had = nodes.get(n.id);
      if (had) { Object.assign(had, { label: n.label, level: n.level ?? had.level, co: had.co && n.co }); if (n.center) had.center = true; continue; }
      const a = Math.random() * 2 * Math.PI, r = 60 + Math.random() * 40 * Math.sqrt(graph.nodes.length);
      nodes.set(n.id, { ...n, x: ax + r * Math.cos(a), y: ay + r * Math.sin(a), vx: 0, vy: 0 });
    }
    for (const e of graph.edges) edges.set(`${e.source}|${e.target}|${e.kind}`, e);
    // Lay out before the first paint (frame rates vary, headless browsers paint rarely), then
    // fit the picture to the pane and let the remaining motion settle visibly.
    alpha = 1;
    for (let i = 0; i < 300; i++) step();
    fit(); draw();
    alpha = 0.1; if (!running) tick();
  }

  async function load(skillId, { fresh = false } = {}) {
    const dept = deptSel.value;
    let data;
    try {
      data = await api(`/api/v1/skills/${encodeURIComponent(skillId)}/graph?limit=15` + (dept ? `&department=${encodeURIComponent(dept)}` : ""));
    } catch (err) { TG.put(detail, TG.errorBox(err)); return; }
    if (fresh) { nodes.clear(); edges.clear(); expanded.clear(); }
    for (const n of nodes.values()) n.center = false;
    centerId = "skill:" + data.skill.id; expanded.add(centerId);
    merge(data.graph, nodes.get(centerId));
    showSkill(data);
  }

  function showSkill(d) {
    const holders = d.holders.length ? el("table", { class: "table small" },
      el("thead", {}, el("tr", {}, el("th", {}, "Holder"), el("th", {}, "Level"), el("th", {}, "Dept"))),
      el("tbody", {}, d.holders.slice(0, 15).map((h) => el("tr", {},
        el("td", {}, el("a", { href: "/people/" + encodeURIComponent(h.person) }, h.name)),
        el("td", {}, levelBar(h.level)), el("td", {}, h.department))))) : el("p", { class: "muted" }, "No active holders" + (d.department ? " in this department." : "."));
    const link = (s) => el("a", { href: "#", onclick: (e) => { e.preventDefault(); load(s.id); } }, s.name);
    TG.put(detail, 
      el("h3", {}, d.skill.name), el("p", { class: "muted small" }, [d.skill.category, ...(d.skill.aliases || [])].filter(Boolean).join(" · ")),
      el("div", { class: "scores" }, el("span", { class: "score" }, `supply ${d.supply}`), el("span", { class: "score" }, `demand ${d.demand}`),
        el("span", { class: "score", style: d.gap > 0 ? "color:var(--bad)" : "" }, d.gap > 0 ? `short by ${d.gap}` : "covered")),
      d.broader ? el("p", { class: "small" }, "Broader: ", link(d.broader)) : null,
      d.narrower.length ? el("p", { class: "small" }, "Narrower: ", ...d.narrower.flatMap((s, i) => [i ? ", " : "", link(s)])) : null,
      d.co_occurring.length ? el("p", { class: "small" }, "Often held with: ", ...d.co_occurring.slice(0, 6).flatMap((c, i) => [i ? ", " : "", link(c.skill), ` (${c.shared})`])) : null,
      holders);
  }

  const levelBar = (n) => el("span", { class: "level", title: `level ${n}` }, [1, 2, 3, 4, 5].map((i) => el("i", { class: i <= n ? "on" : null })));

  function showPerson(n) {
    TG.put(detail, el("h3", {}, n.label), el("p", {}, "Level ", levelBar(n.level || 0), " in the selected skill"),
      el("p", {}, el("a", { href: "/people/" + encodeURIComponent(n.id.slice(7)) }, "Open profile →")));
  }

  // --- drawing ----------------------------------------------------------------------------
  function draw() {
    TG.put(edgeLayer); TG.put(nodeLayer);
    const dept = deptSel.value;
    for (const e of edges.values()) {
      const line = svgEl("line", { class: `edge ${e.kind}` }); line._e = e; edgeLayer.append(line);
    }
    for (const n of nodes.values()) {
      const dim = dept && n.kind === "department" && n.id !== "department:" + dept;
      const g = svgEl("g", { class: `node ${n.kind}${n.center ? " center" : ""}${n.co && !expanded.has(n.id) ? " co" : ""}${dim ? " dim" : ""}`, "data-id": n.id });
      const c = svgEl("circle", { r: radius(n) });
      const title = svgEl("title"); title.textContent = n.label + (n.level ? ` · level ${n.level}` : ""); c.append(title);
      const t = svgEl("text", { x: radius(n) + 3, y: 4 }); t.textContent = n.label;
      g.append(c, t); g._n = n; nodeLayer.append(g);
      g.addEventListener("pointerdown", (ev) => startDrag(ev, n));
      g.addEventListener("click", () => {
        if (moved) return;
        if (n.kind === "skill") load(n.id.slice(6));
        else if (n.kind === "person") showPerson(n);
        else if (n.kind === "department") { deptSel.value = n.id.slice(11); refresh(); }
      });
    }
    place();
  }

  function place() {
    layer.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
    for (const line of edgeLayer.children) {
      const a = nodes.get(line._e.source), b = nodes.get(line._e.target);
      if (!a || !b) continue;
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
    }
    for (const g of nodeLayer.children) g.setAttribute("transform", `translate(${g._n.x},${g._n.y})`);
  }

  // --- forces: repulsion between all nodes, springs along edges, weak pull to the middle ----
  let running = false;
  function fit() {
    const list = [...nodes.values()], { width, height } = size();
    if (!list.length || !width) return;
    const xs = list.map((n) => n.x), ys = list.map((n) => n.y);
    const x0 = Math.min(...xs) - 40, x1 = Math.max(...xs) + 160, y0 = Math.min(...ys) - 40, y1 = Math.max(...ys) + 40;
    const k = Math.min(1.4, Math.max(0.3, Math.min(width / (x1 - x0), (height - 90) / (y1 - y0))));
    view = { k, x: (width - k * (x0 + x1)) / 2, y: (height - k * (y0 + y1)) / 2 + 10 };
  }

  function tick() {
    running = true;
    step();
    place();
    if (alpha > 0.02 || dragging) requestAnimationFrame(tick); else running = false;
  }

  function step() {
    const list = [...nodes.values()], { width, height } = size();
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j]; let dx = b.x - a.x, dy = b.y - a.y; let d2 = dx * dx + dy * dy || 0.01;
        if (d2 > 250000) continue;
        const f = 2600 / d2; const d = Math.sqrt(d2); dx /= d; dy /= d;
        a.vx -= f * dx; a.vy -= f * dy; b.vx += f * dx; b.vy += f * dy;
      }
    }
    for (const e of edges.values()) {
      const a = nodes.get(e.source), b = nodes.get(e.target); if (!a || !b) continue;
      const want = e.kind === "member-of" ? 70 : e.kind === "has-skill" ? 110 : e.kind === "broader" ? 140 : 170;
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

  // --- interaction: drag nodes, pan, zoom ------------------------------------------------------
  let dragging = null, panning = null, moved = false;
  function toGraph(ev) { const r = size(); return { x: (ev.clientX - r.left - view.x) / view.k, y: (ev.clientY - r.top - view.y) / view.k }; }
  function startDrag(ev, n) { ev.stopPropagation(); dragging = n; moved = false; alpha = Math.max(alpha, 0.3); if (!running) tick(); }
  svg.addEventListener("pointerdown", (ev) => { panning = { x: ev.clientX - view.x, y: ev.clientY - view.y }; moved = false; });
  window.addEventListener("pointermove", (ev) => {
    if (dragging) { const p = toGraph(ev); dragging.x = p.x; dragging.y = p.y; moved = true; place(); }
    else if (panning) { view.x = ev.clientX - panning.x; view.y = ev.clientY - panning.y; moved = true; place(); }
  });
  window.addEventListener("pointerup", () => { dragging = null; panning = null; setTimeout(() => { moved = false; }, 0); });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault(); const r = size(); const k = Math.max(0.3, Math.min(3, view.k * (ev.deltaY < 0 ? 1.1 : 0.9)));
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    view.x = mx - (mx - view.x) * k / view.k; view.y = my - (my - view.y) * k / view.k; view.k = k; place();
  }, { passive: false });

  // --- side panels ----------------------------------------------------------------------------
  async function sideData() {
    const dept = deptSel.value ? `?department=${encodeURIComponent(deptSel.value)}` : "";
    const sd = await api("/api/v1/skills/supply-demand" + dept);
    const box = document.getElementById("supply-demand");
    const max = Math.max(1, ...sd.skills.map((r) => Math.max(r.supply, r.demand)));
    TG.put(box, ...(sd.skills.length ? sd.skills.flatMap((r) => [
      el("a", { href: "#", title: `supply ${r.supply} · demand ${r.demand}`, onclick: (e) => { e.preventDefault(); load(r.skill, { fresh: true }); } }, r.name),
      el("div", { class: "bars2", title: `supply ${r.supply} · demand ${r.demand}` },
        el("div", { class: "s", style: `width:${100 * r.supply / max}%` }), el("div", { class: "d", style: `width:${100 * r.demand / max}%` }))])
      : [el("p", { class: "muted" }, "No open demand.")]));
    if (root.dataset.hr === "1") {
      const risk = await api("/api/v1/skills/at-risk" + dept);
      TG.put(document.getElementById("at-risk"), ...(risk.skills.length ? risk.skills.map((r) => el("div", { class: "risk" },
        el("a", { href: "#", onclick: (e) => { e.preventDefault(); load(r.skill.id, { fresh: true }); } }, r.skill.name),
        el("span", { class: "muted" }, r.holders.map((h) => h.name).join(", ")))) : [el("p", { class: "muted" }, "None.")]));
    }
    return sd;
  }

  async function refresh() {
    const sd = await sideData();
    let start = centerId ? centerId.slice(6) : root.dataset.start || (sd.skills[0] && sd.skills[0].skill);
    if (!start) { const any = await api("/api/v1/skills?limit=1"); start = any.skills[0] && any.skills[0].id; }
    if (start) await load(start, { fresh: true });
  }

  TG.autocomplete(document.getElementById("skill-search"), TG.skillSource, (it) => load(it.id, { fresh: true }));
  deptSel.addEventListener("change", refresh);
  document.getElementById("reset").addEventListener("click", () => { view = { x: 0, y: 0, k: 1 }; deptSel.value = ""; centerId = null; refresh(); });
  refresh();
})();
