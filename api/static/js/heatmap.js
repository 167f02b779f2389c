/* Heatmaps: people × weeks (a proposed team, a booking, a department) or departments × weeks,
   drawn as an HTML table from the API's JSON (teamgraph/heatmap.py). One tab stop: arrow keys move
   between cells (Home/End: the row's ends), each cell names the person, the week and the figure
   (aria-label, also shown on hover and focus under the grid). Colour is never the only signal: a
   cell over capacity is striped, bold-bordered and marked "!". The colour scale is ColorBrewer's
   YlGnBu (sequential yellow → blue, safe for colour-blind readers). */
"use strict";
const Heatmap = (() => {
  const { el, pct } = TG;
  const BINS = [0.2, 0.4, 0.6, 0.8];  // below each: bins 0..3; up to 100 %: bin 4; over: "over"
  const bin = (u) => { for (let i = 0; i < BINS.length; i++) if (u < BINS[i] - 1e-9) return i; return 4; };
  const day = (iso) => { const d = new Date(iso + "T00:00:00"); return d.toLocaleDateString("en-GB", { day: "numeric", month: "short" }); };
  const num = (u) => (u === null || u === undefined ? "∞" : String(Math.round(u * 100)));

  /** What one cell shows: {u (utilisation or null), over, text, label}. `side`: "before" | "after". */
  function personCell(c, side, name) {
    const week = `week of ${day(c.week)}`;
    const away = c.away_days ? `, ${c.away_days} day${c.away_days === 1 ? "" : "s"} away` : "";
    if (c.load_before !== undefined) {  // HR/admin: the figures
      const u = side === "after" ? c.util_after : c.util_before;
      const over = side === "after" ? c.over_after : c.over_before;
      const load = side === "after" ? c.load_after : c.load_before;
      const cap = side === "after" ? c.capacity_after : c.capacity;
      const figures = u === null ? "load with no capacity" : `${pct(u)} of capacity`;
      return { u, over, text: num(u), away: !!c.away_days,
        label: `${name}, ${week}: ${figures} (${load.toFixed(2)} of ${cap.toFixed(2)} FTE)${over ? ", over capacity" : ""}${away}` };
    }
    // sponsors: today's use rounded up to 10 %, and whether the plan fits that week (no figure with the
    // plan, teamgraph/present.py): with the plan a cell says ✓ (fits) or ! (over capacity)
    const over = side === "after" ? c.over_after : c.over_before;
    const today = c.util_before === null ? "no capacity" : `about ${pct(c.util_before)} of capacity today`;
    const label = `${name}, ${week}: ${today}` + (side === "after" ? `; with this plan ${c.availability_after}` : (over ? ", over capacity" : ""));
    if (side === "after") return { fits: !over, over, text: over ? "" : "✓", label };
    return { u: c.util_before, over, text: num(c.util_before), label };
  }

  function departmentCell(c, name) {
    const mean = c.mean_util === null ? "no capacity" : `mean ${pct(c.mean_util)}`;
    const peak = c.peak_util === null ? "someone has load with no capacity" : `peak ${pct(c.peak_util)}`;
    const overs = c.over ? `, ${c.over} of ${c.people} over capacity` : `, nobody over capacity`;
    const away = c.away ? `, ${c.away} away some days` : "";
    return { u: c.mean_util, over: c.over > 0, text: num(c.mean_util) + (c.over ? ` !${c.over}` : ""), count: c.over,
      away: c.away > 0, label: `${name}, week of ${day(c.week)}: ${mean}, ${peak} of capacity${overs}${away}` };
  }

  /**
   * Draw a grid into `box`. rows: [{key, name, sub, href | onOpen, cells: [view]}] where a view is
   * personCell/departmentCell's answer; weeks: [iso]. `caption` names the grid for screen readers.
   */
  function grid(box, { rows, weeks, caption, corner, id }) {
    const readout = el("p", { class: "hm-readout small", "aria-hidden": "true" }, "Hover or focus a cell for its figures.");
    const head = el("tr", {}, el("th", { scope: "col", class: "hm-name" }, corner),
      weeks.map((w) => el("th", { scope: "col", title: `week of ${w}` }, day(w))));
    const body = rows.map((r) => {
      const nameCell = r.href ? el("a", { href: r.href, tabindex: "-1" }, r.name)
        : r.onOpen ? el("button", { type: "button", class: "hm-open", tabindex: "-1", "aria-label": r.openLabel || r.name,
          onclick: () => r.onOpen() }, r.name) : el("span", { tabindex: "-1" }, r.name);
      const th = el("th", { scope: "row", class: "hm-name" }, nameCell, r.sub ? el("span", { class: "hm-sub" }, r.sub) : null);
      const tds = r.cells.map((v) => el("td", {
        class: `hm-cell ${v.over ? "hm-over" : v.fits ? "hm-fits" : `hm-b${v.u === null ? 4 : bin(v.u)}`}${v.away ? " hm-away" : ""}`,
        tabindex: "-1", "aria-label": v.label, title: v.label, "data-over": v.over ? "true" : "false",
        ondblclick: r.onOpen ? () => r.onOpen() : null },
      v.over ? el("b", { "aria-hidden": "true" }, "!") : null, el("span", { "aria-hidden": "true" }, v.text)));
      return el("tr", { "data-key": r.key }, th, tds);
    });
    const table = el("table", { class: "heatmap", role: "grid", "aria-readonly": "true", id },
      el("caption", { class: "sr-only" }, caption), el("thead", {}, head), el("tbody", {}, body));
    const targets = () => [...table.tBodies[0].rows].map((tr) => [tr.cells[0].firstElementChild, ...[...tr.cells].slice(1)]);
    const all = targets();
    if (all.length) all[0][Math.min(1, all[0].length - 1)].setAttribute("tabindex", "0");
    const show = (t) => { readout.textContent = t.getAttribute("aria-label") || t.textContent; };
    table.addEventListener("focusin", (e) => {
      const t = e.target;
      table.querySelectorAll('[tabindex="0"]').forEach((x) => { if (x !== t) x.setAttribute("tabindex", "-1"); });
      t.setAttribute("tabindex", "0");
      if (t.classList.contains("hm-cell")) show(t);
    });
    table.addEventListener("mouseover", (e) => { const t = e.target.closest(".hm-cell"); if (t) show(t); });
    table.addEventListener("keydown", (e) => {
      const g = targets();
      const r = g.findIndex((row) => row.includes(document.activeElement));
      if (r < 0) return;
      const c = g[r].indexOf(document.activeElement);
      const moves = { ArrowRight: [r, c + 1], ArrowLeft: [r, c - 1], ArrowDown: [r + 1, c], ArrowUp: [r - 1, c],
        Home: [r, 0], End: [r, g[r].length - 1] };
      if (e.key === "Enter" && document.activeElement.tagName === "TD" && rows[r].onOpen) {
        e.preventDefault(); rows[r].onOpen(); return;
      }
      const to = moves[e.key];
      if (!to) return;
      e.preventDefault();
      const row = g[Math.max(0, Math.min(g.length - 1, to[0]))];
      const next = row[Math.max(0, Math.min(row.length - 1, to[1]))];
      next.focus();
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    TG.put(box, el("div", { class: "hm-wrap" }, table), readout);
    return table;
  }

  /** The legend; `fitsOnly`: a sponsor's "with this plan" (✓ fits, ! over), no scale. */
  function legend(extra = [], fitsOnly = false) {
    const labels = ["under 20 %", "20–39 %", "40–59 %", "60–79 %", "80–100 %"];
    return el("ul", { class: "hm-legend small", "aria-label": "Legend" },
      fitsOnly ? el("li", {}, el("i", { class: "hm-swatch hm-fits", "aria-hidden": "true" }, "✓"), "fits with this plan")
        : labels.map((l, i) => el("li", {}, el("i", { class: `hm-swatch hm-b${i}`, "aria-hidden": "true" }), l)),
      el("li", {}, el("i", { class: "hm-swatch hm-over", "aria-hidden": "true" }, "!"), el("b", {}, "over capacity"), " (striped, bold border, !)"),
      extra.map((x) => el("li", {}, x)));
  }

  /** A person grid's rows from a heatmap answer (`data.people`). */
  const personRows = (data, side, href = true) => data.people.map((p) => ({
    key: p.id, name: p.name, href: href ? `/people/${encodeURIComponent(p.id)}` : null,
    sub: [p.department_name, p.allocation !== undefined ? `${Math.round(p.allocation * 100)} % FTE` : null].filter(Boolean).join(" · "),
    cells: p.cells.map((c) => personCell(c, side, p.name)) }));

  /** Up to six weeks by their day ("2 Feb, 9 Feb and 3 more"), for a conflict said in words. */
  const weekList = (weeks) => weeks.slice(0, 6).map(day).join(", ") + (weeks.length > 6 ? ` and ${weeks.length - 6} more` : "");
  /** "would be over capacity in 3 weeks: the weeks of 2 Feb, 9 Feb, 16 Feb" (a booking conflict). */
  const overWords = (weeks) => ` would be over capacity in ${weeks.length} week${weeks.length === 1 ? "" : "s"}: the weeks of ${weekList(weeks)}`;
  return { grid, legend, personRows, personCell, departmentCell, day, overWords };
})();
