/* HR capacity page: departments × weeks from /api/v1/capacity, and a department's people × weeks
   from /api/v1/capacity/{id} when one is opened (Enter or a click on its name or any of its weeks).
   The window and the open department stay in the address (?start=&end=&department=). */
"use strict";
(() => {
  const { api, el } = TG;
  const $ = (id) => document.getElementById(id);
  const form = $("capacity-form");
  const params = new URLSearchParams(location.search);
  if (params.get("start")) $("cap-start").value = params.get("start");
  if (params.get("end")) $("cap-end").value = params.get("end");
  const query = () => `start=${encodeURIComponent($("cap-start").value)}&end=${encodeURIComponent($("cap-end").value)}`;
  const FIELDS = { start: ["cap-start", "From"], end: ["cap-end", "To"] };
  const locate = (path) => (FIELDS[path] ? { input: $(FIELDS[path][0]), name: FIELDS[path][1] } : null);

  function remember(department) {
    const q = new URLSearchParams({ start: $("cap-start").value, end: $("cap-end").value });
    if (department) q.set("department", department);
    history.replaceState(null, "", `${location.pathname}?${q}`);
  }

  function failed(err, box) {
    if ((err.fields || []).some((f) => locate(f.field))) {
      TG.showFieldErrors(form, err, locate);
      TG.put(box, el("div", { class: "empty" }, "Fix the dates above and press Show."));
    } else TG.put(box, TG.errorBox(err));
  }

  async function departments(openAfter) {
    const box = $("dept-grid");
    TG.put(box, el("div", { class: "empty", role: "status" }, el("span", { class: "spinner" }), " Loading…"));
    try {
      const data = await api(`/api/v1/capacity?${query()}`);
      TG.clearFieldErrors(form);
      if (!data.departments.length) { TG.put(box, el("div", { class: "empty" }, "Nobody active in any department.")); return; }
      const rows = data.departments.map((d) => ({
        key: d.id, name: d.name, sub: `${d.people} ${d.people === 1 ? "person" : "people"}`,
        onOpen: () => people(d.id), openLabel: `${d.name}: show its people`,
        cells: d.cells.map((c) => Heatmap.departmentCell(c, d.name)) }));
      Heatmap.grid(box, { rows, weeks: data.weeks, corner: "Department", id: "dept-heatmap",
        caption: `Departments week by week from ${Heatmap.day(data.window.start)}: mean utilisation, people over capacity` });
      box.append(Heatmap.legend([el("span", {}, el("i", { class: "hm-swatch hm-away-key", "aria-hidden": "true" }), " someone away that week")]));
      remember(openAfter || null);
      if (openAfter) await people(openAfter, false);
    } catch (err) { failed(err, box); }
  }

  async function people(id, focus = true) {
    const box = $("people-box"), grid = $("people-grid");
    box.hidden = false;
    TG.put(grid, el("div", { class: "empty", role: "status" }, el("span", { class: "spinner" }), " Loading…"));
    try {
      const data = await api(`/api/v1/capacity/${encodeURIComponent(id)}?${query()}`);
      $("people-title").textContent = `${data.department.name}: people week by week`;
      if (!data.people.length) TG.put(grid, el("div", { class: "empty" }, `Nobody active in ${data.department.name}.`));
      else {
        Heatmap.grid(grid, { rows: Heatmap.personRows(data, "before"), weeks: data.weeks, corner: "Person", id: "people-heatmap",
          caption: `${data.department.name}: each person's use of capacity week by week` });
        grid.append(Heatmap.legend([el("span", {}, el("i", { class: "hm-swatch hm-away-key", "aria-hidden": "true" }), " time off that week")]));
      }
      remember(id);
      if (focus) $("people-title").focus();
    } catch (err) { failed(err, grid); }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const open = new URLSearchParams(location.search).get("department");
    $("people-box").hidden = !open;
    departments(open);
  });
  departments(params.get("department"));
})();
