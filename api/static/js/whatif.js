/* What-if page: compose a scenario (delay, planned hire, remove, reassign, allocation) over the team
   request handed over by the sponsor page (sessionStorage "teamgraph.whatif"), run it with
   POST /api/v1/scenarios/run and draw both columns side by side; HR saves (POST /scenarios),
   discards (POST /scenarios/{id}/discard), applies (POST /scenarios/apply) or applies and books the
   team shown. Every rule (who may, what a change means, what a viewer sees) is the API's. */
"use strict";
(() => {
  const { api, el, pct } = TG;
  const $ = (id) => document.getElementById(id);
  const form = $("scenario-form"), body = $("result-body");
  const hr = form.dataset.hr === "true";
  const HANDOFF = "teamgraph.whatif";
  let handed = null, last = null, savedId = null, applied = false;
  try { handed = JSON.parse(sessionStorage.getItem(HANDOFF) || "null"); } catch (e) { handed = null; }

  // --- the request -------------------------------------------------------------------------------
  function showRequest() {
    if (!handed || !handed.request) return;
    const q = handed.request, names = handed.skills || [];
    const skills = (q.requirements || []).map((r, i) => `${names[i] || r.skill} ≥ ${r.level} × ${r.count}`);
    TG.put($("request-summary"), el("p", { id: "request-words" }, el("b", {}, q.name || "Unnamed request"),
      ` · ${q.window.start} to ${q.window.end} · ${pct(q.allocation)} FTE each · team of ${q.size.min}-${q.size.max}`,
      skills.length ? ` · ${skills.join(", ")}` : ""),
    el("p", { class: "small" }, el("a", { href: "/sponsor" }, "Change the request on the Team request page")));
  }

  // --- composing changes -------------------------------------------------------------------------
  const projectSource = async (q) => (await api("/api/v1/projects?limit=8&q=" + encodeURIComponent(q))).projects
    .map((p) => ({ value: p.name, label: p.name, id: p.id, hint: p.status }));
  const SOURCES = { person: TG.personSource, project: projectSource };
  const LABELS = Object.fromEntries([...$("change-kind").options].map((o) => [o.value, o.textContent]));

  function hireSkill(box, n) {
    const k = box.children.length + 1;
    const input = el("input", { class: "hire-skill", id: TG.newId("hire-skill"), placeholder: "Skill, e.g. Python",
      "aria-label": `Change ${n}: skill ${k}` });
    const row = el("div", { class: "reqrow hire-skill-row", role: "group", "aria-label": `Change ${n}: skill ${k}` },
      el("div", {}, input),
      el("select", { class: "hire-level", "aria-label": `Change ${n}: level of skill ${k}` },
        [1, 2, 3, 4, 5].map((l) => el("option", { value: l, selected: l === 3 }, String(l)))),
      el("button", { type: "button", class: "remove", "aria-label": `Remove skill ${k} of change ${n}`, title: "Remove",
        onclick: () => { const back = row.closest(".change").querySelector(".add-hire-skill"); row.remove(); back.focus(); } }, "×"));
    box.append(row);
    TG.autocomplete(input, TG.skillSource, null, { empty: (q) => `No skill called “${q}”.` });
    return input;
  }

  function addChange(kind) {
    const n = $("changes").children.length + 1;
    const fields = $(`tpl-${kind}`).content.firstElementChild.cloneNode(true);
    fields.querySelectorAll("[data-field]").forEach((input) => {
      input.id = TG.newId(`chg-${input.dataset.field}`);
      const label = fields.querySelector(`label[data-for="${input.dataset.field}"]`);
      if (label) label.setAttribute("for", input.id);
    });
    const title = el("h3", { class: "change-title", tabindex: "-1" }, `${n}. ${LABELS[kind]}`);
    const li = el("li", { class: "change", dataset: { kind } }, el("div", { class: "change-head" }, title,
      el("button", { type: "button", class: "small remove-change", "aria-label": `Remove change ${n}: ${LABELS[kind]}`,
        onclick: () => { const next = li.nextElementSibling || li.previousElementSibling; li.remove(); renumber();
          (next ? next.querySelector("input, select") : $("change-kind")).focus(); } }, "Remove")), fields);
    $("changes").append(li);
    fields.querySelectorAll("input[data-source]").forEach((input) => TG.autocomplete(input, SOURCES[input.dataset.source],
      null, { empty: (q) => `Nothing called “${q}”.` }));
    const skills = fields.querySelector(".hire-skills");
    if (skills) {
      hireSkill(skills, n);
      fields.querySelector(".add-hire-skill").addEventListener("click", () => hireSkill(skills, n).focus());
    }
    if (kind === "hire") {  // a planned hire starts with the request by default
      const start = fields.querySelector('[data-field="start"]');
      if (handed && handed.request) start.value = handed.request.window.start;
    }
    const first = fields.querySelector("input, select");
    if (first) first.focus();
  }

  function renumber() {
    [...$("changes").children].forEach((li, i) => {
      const label = LABELS[li.dataset.kind];
      li.querySelector(".change-title").textContent = `${i + 1}. ${label}`;
      li.querySelector(".remove-change").setAttribute("aria-label", `Remove change ${i + 1}: ${label}`);
    });
  }

  const NUMBERS = new Set(["weeks", "allocation", "capacity", "cost_rate"]);
  function readScenario() {
    const changes = [...$("changes").children].map((li) => {
      const values = {};
      li.querySelectorAll("[data-field]").forEach((input) => {
        const v = (TG.pickedId(input) || input.value || "").trim();
        if (v !== "") values[input.dataset.field] = NUMBERS.has(input.dataset.field) ? +v : v;
      });
      const skills = [...li.querySelectorAll(".hire-skill-row")].map((r) => ({
        skill: TG.pickedId(r.querySelector(".hire-skill")) || r.querySelector(".hire-skill").value.trim(),
        level: +r.querySelector(".hire-level").value })).filter((s) => s.skill);
      if (skills.length) values.skills = skills;
      return { [li.dataset.kind]: values };
    });
    return { name: $("sc-name").value.trim() || "What-if", changes };
  }

  /** The input an API field path ("scenario.changes[1].hire.skills.Python") is about. */
  function locate(path) {
    const p = path.replace(/^scenario\./, "");
    if (p === "name") return { input: $("sc-name"), name: "Scenario name" };
    if (p === "changes") return { input: $("change-kind"), name: "Changes" };
    const m = /^changes\[(\d+)\](?:\.(\w+)(?:\.(\w+))?)?/.exec(p);
    const li = m && $("changes").children[+m[1]];
    if (!li) return null;
    const input = (m[3] && li.querySelector(`[data-field="${m[3]}"]`))
      || (m[3] === "skills" && li.querySelector(".hire-skill")) || li.querySelector("input, select");
    const label = input && li.querySelector(`label[for="${input.id}"]`);
    return { input, name: `Change ${+m[1] + 1}: ${label ? label.textContent.trim() : (m[3] || "")}` };
  }

  // --- running -----------------------------------------------------------------------------------
  async function run(scenarioId = null, name = null) {
    if (!handed || !handed.request) {
      TG.put(body, el("div", { class: "alert bad", role: "alert" }, "There is no request to run the scenario with. ",
        el("a", { href: "/sponsor" }, "Compose one on the Team request page"), " and press What if…? there."));
      return;
    }
    TG.clearFieldErrors(form);
    $("run").disabled = true;
    $("whatif-result").setAttribute("aria-busy", "true");
    TG.put(body, el("div", { class: "empty" }, el("span", { class: "spinner" }), " Running…"));
    const scenario = scenarioId ? null : readScenario();
    try {
      const out = await TGProgress.track("Running the what-if", (headers) => api("/api/v1/scenarios/run", { method: "POST",
        headers, body: { ...(scenarioId ? { scenario_id: scenarioId } : { scenario }), request: handed.request } }));
      last = { out, scenario, scenarioId, name };
      savedId = scenarioId; applied = false;
      draw();
      $("result-title").focus();
    } catch (err) {
      if ((err.fields || []).some((f) => f.field && locate(f.field))) {
        TG.showFieldErrors(form, err, locate);
        TG.put(body, el("p", { class: "empty" }, "Fix the scenario on the left and run it again."));
      } else TG.put(body, TG.errorBox(err));
    } finally { $("run").disabled = false; $("whatif-result").setAttribute("aria-busy", "false"); }
  }

  const money = (v) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
  const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
  const names = (people) => people.map((m, i) => [i ? ", " : "", el("a", { href: `/people/${encodeURIComponent(m.id)}` }, m.name)]).flat();

  function coverage(s) {
    if (!s.coverage) return "no team";
    const c = s.coverage;
    return `${c.met} of ${c.total} requirements met` + (c.fit_pct !== undefined && c.fit_pct !== null ? ` · skill fit ${pct(c.fit_pct)}` : "");
  }

  function costWords(s) {
    if (s.cost === null || s.cost === undefined) return "–";
    if (s.budget === null || s.budget === undefined) return `${money(s.cost)} (no budget set)`;
    return `${money(s.cost)} of ${money(s.budget)} (${s.budget_left < 0 ? money(-s.budget_left) + " over" : money(s.budget_left) + " left"})`;
  }

  function score(answer) {
    const t = answer && answer.team;
    if (!t) return "–";
    const parts = t.score_parts || [];
    return el("div", {}, el("b", {}, t.total.toFixed(2)), t.score_words ? el("div", { class: "small" }, cap(t.score_words) + ".") : null,
      parts.length ? el("details", { class: "score-parts" }, el("summary", {}, "What the score is made of"),
        el("ul", {}, parts.map((x) => el("li", {}, el("b", {}, x.label), x.meaning ? ` — ${x.meaning}` : "",
          x.value !== undefined ? el("span", { class: "muted" }, ` (${x.value > 0 ? "+" : ""}${(+x.value).toFixed(2)})`) : null)))) : null);
  }

  function sideBySide(out) {
    const [a, b] = [out.current, out.with_scenario];
    const answers = out.answers || {};
    const rows = [
      ["Status", a.status, b.status],
      ["In words", a.words, b.words],
      ["Coverage", coverage(a), coverage(b)],
    ];
    if (a.max_util !== null && a.max_util !== undefined) rows.push(["Busiest member", pct(a.max_util), pct(b.max_util)]);
    if (hr) rows.push(["Cost vs budget", costWords(a), costWords(b)]);
    rows.push(["Team", a.members.length ? names(a.members) : "no team", b.members.length ? names(b.members) : "no team"]);
    rows.push(["Score", score(answers.current), score(answers.with_scenario)]);
    return el("div", { class: "table-wrap" }, el("table", { class: "table side-by-side", id: "side-by-side" },
      el("caption", {}, `${out.scenario.name}: the current plan and the plan with the scenario`),
      el("thead", {}, el("tr", {}, el("td", {}), el("th", { scope: "col" }, "Current plan"), el("th", { scope: "col" }, "With the scenario"))),
      el("tbody", {}, rows.map(([label, x, y]) => el("tr", { dataset: { row: label } }, el("th", { scope: "row" }, label),
        el("td", { class: "current" }, x), el("td", { class: "with" }, y))))));
  }

  function peopleChanged(out) {
    const t = out.team_changes || { joined: [], left: [] }, o = out.org_changes || { added: [], removed: [] };
    const items = [
      t.joined.length ? el("li", {}, el("b", {}, "Joins the team: "), names(t.joined)) : null,
      t.left.length ? el("li", {}, el("b", {}, "Leaves the team: "), names(t.left)) : null,
      o.added.length ? el("li", {}, el("b", {}, "Added by the scenario: "), o.added.map((p) => p.name).join(", ")) : null,
      o.removed.length ? el("li", {}, el("b", {}, "Removed by the scenario: "), o.removed.map((p) => `${p.name} from ${p.from}`).join(", ")) : null,
    ].filter(Boolean);
    return el("section", { id: "people-changed", "aria-labelledby": "changed-title" }, el("h3", { id: "changed-title" }, "People changed"),
      items.length ? el("ul", {}, items) : el("p", { class: "muted" }, "The same team either way; nobody added or removed."));
  }

  function draw(message = null) {
    const out = last.out;
    TG.put(body,
      el("p", {}, el("b", {}, out.scenario.name), savedId ? el("span", { class: "muted small" }, ` · saved as ${savedId}`) : null),
      el("ol", { class: "small", id: "scenario-words" }, out.scenario.changes.map((c) => el("li", {}, c.words))),
      sideBySide(out), peopleChanged(out),
      out.relevance ? el("p", { class: "muted small" }, `Relevance: ${out.relevance}.`) : null,
      (out.notes || []).length ? el("p", { class: "muted small" }, out.notes.join(" · ")) : null,
      applied ? null : $("tpl-actions").content.firstElementChild.cloneNode(true),
      el("div", { id: "action-status", role: "status", tabindex: "-1" }, message));
    wireActions();
    TG.scrollableTables();
  }

  // --- save, discard, apply ----------------------------------------------------------------------
  const scenarioRef = () => (savedId ? { scenario_id: savedId } : { scenario: last.scenario });
  const say = (node) => { const s = $("action-status"); TG.put(s, node); s.focus(); };

  function failed(err) {
    if (err.code === "booking_conflict") {
      say(el("div", { class: "alert bad", role: "alert", id: "apply-conflict" }, el("b", {}, "Nothing was written: "),
        "someone was booked or staffed elsewhere since this what-if.",
        el("ul", {}, ((err.data && err.data.conflicts) || []).map((c) => el("li", {}, el("b", {}, c.name),
          Heatmap.overWords(c.weeks)))), "Run the what-if again."));
    } else say(TG.errorBox(err));
  }

  async function act(button, label, call, done) {
    button.disabled = true;
    const text = button.textContent;
    TG.put(button, el("span", { class: "spinner" }), ` ${label}…`);
    try { done(await call()); }
    catch (err) { failed(err); }
    finally { if (button.isConnected) { button.disabled = false; button.textContent = text; } }
  }

  function wireActions() {
    const on = (id, f) => { const b = $(id); if (b) b.addEventListener("click", () => f(b)); };
    on("save", (b) => act(b, "Saving", () => api("/api/v1/scenarios", { method: "POST", body: { scenario: last.scenario } }),
      (rec) => { savedId = rec.id; draw(el("div", { class: "alert ok", id: "save-result" }, `Saved as ${rec.name} (${rec.id}).`)); }));
    if (savedId && $("save")) $("save").remove();
    on("apply", (b) => act(b, "Applying", () => api("/api/v1/scenarios/apply", { method: "POST", body: scenarioRef() }), appliedView));
    on("apply-book", (b) => {
      const team = last.out.answers.with_scenario.team;
      if (!team) { say(el("div", { class: "alert bad", role: "alert" }, "The scenario finds no team to book.")); return; }
      act(b, "Applying and booking", () => TGProgress.track("Applying and booking", (headers) => api("/api/v1/scenarios/apply",
        { method: "POST", headers, body: { ...scenarioRef(), request: handed.request, book: $("book-status").value,
          team: team.members.map((m) => ({ id: m.id, allocation: m.allocation })) } })), appliedView);
    });
    on("discard", (b) => {
      if (!savedId) { discarded("Discarded: nothing was written."); return; }
      act(b, "Discarding", () => api(`/api/v1/scenarios/${encodeURIComponent(savedId)}/discard`, { method: "POST", body: {} }),
        (rec) => { dropSaved(rec.id); discarded(`Discarded ${rec.name}: kept as a record, never applied.`); });
    });
  }

  function appliedView(out) {
    applied = true;
    if (savedId) dropSaved(savedId);
    const written = Object.entries(out.written || {}).reduce((n, [, k]) => n + k, 0);
    draw(el("div", { class: "alert ok", id: "apply-result" }, el("b", {}, "Applied. "),
      `${out.scenario.name}: wrote ${written} record(s); the organisation is now at revision ${out.revision}.`,
      (out.bookings || []).length ? el("ul", {}, out.bookings.map((bk) => el("li", {}, `Booked ${bk.id}: ${bk.words}.`))) : null));
  }

  function discarded(text) {
    last = null; savedId = null;
    TG.put(body, el("div", { class: "alert ok", role: "status", id: "discard-result", tabindex: "-1" }, text));
    $("discard-result").focus();
  }

  function dropSaved(id) {
    const row = document.querySelector(`#saved-list tr[data-scenario="${CSS.escape(id)}"]`);
    if (row) row.remove();
  }

  // Saved scenarios (HR): run one with the request, or discard it from the list.
  document.querySelectorAll(".run-saved").forEach((b) => b.addEventListener("click", () => run(b.dataset.id, b.dataset.name)));
  document.querySelectorAll(".discard-saved").forEach((b) => b.addEventListener("click", async () => {
    try {
      const rec = await api(`/api/v1/scenarios/${encodeURIComponent(b.dataset.id)}/discard`, { method: "POST", body: {} });
      dropSaved(rec.id);
      $("saved-status").textContent = `Discarded ${rec.name}.`;
      $("saved-title").focus();
    } catch (err) { $("saved-status").textContent = err.message; }
  }));

  $("add-change").addEventListener("click", () => addChange($("change-kind").value));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  showRequest();
})();
