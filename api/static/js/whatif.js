/* What-if page: compose a scenario (delay, planned hire, remove, reassign, allocation) over the team
   request — or, HR, the portfolio — handed over by the sponsor page (sessionStorage "teamgraph.whatif"),
   run it with POST /api/v1/scenarios/run and draw both columns side by side (a portfolio request by
   request); HR saves (POST /scenarios), opens a saved one to edit and saves it again (GET and
   PUT /scenarios/{id} with the version opened: a newer one saved meanwhile is refused, 409), discards
   (POST /scenarios/{id}/discard), applies (POST /scenarios/apply) or applies and books the team(s)
   shown. Every rule (who may, what a change means, what a viewer sees, versions) is the API's. */
"use strict";
(() => {
  const { api, el, pct } = TG;
  const $ = (id) => document.getElementById(id);
  const form = $("scenario-form"), body = $("result-body");
  const hr = form.dataset.hr === "true";
  const HANDOFF = "teamgraph.whatif";
  let handed = null, last = null, savedId = null, applied = false;
  let editing = null;  // the saved scenario open in the composer: {id, version, name, baseline}
  try { handed = JSON.parse(sessionStorage.getItem(HANDOFF) || "null"); } catch (e) { handed = null; }
  const portfolioOf = () => (hr && handed && (handed.portfolio || []).length ? handed.portfolio : []);
  let use = portfolioOf().length && (handed.use === "portfolio" || !handed.request) ? "portfolio" : "request";

  // --- the request (or the portfolio) ------------------------------------------------------------
  function requestWords(q, names) {
    const skills = (q.requirements || []).map((r, i) => `${(names || [])[i] || r.skill} ≥ ${r.level} × ${r.count}`);
    return [el("b", {}, q.name || "Unnamed request"),
      ` · ${q.window.start} to ${q.window.end} · ${pct(q.allocation)} FTE each · team of ${q.size.min}-${q.size.max}`,
      skills.length ? ` · ${skills.join(", ")}` : ""];
  }

  function showRequest() {
    const list = portfolioOf(), q = handed && handed.request;
    if (!q && !list.length) return;
    const back = el("p", { class: "small" }, el("a", { href: "/sponsor" }, "Change the request on the Team request page"));
    if (!list.length) {
      TG.put($("request-summary"), el("p", { id: "request-words" }, requestWords(q, handed.skills)), back);
      return;
    }
    $("request-title").textContent = "Run the scenario with";
    const choice = (value, text, ...more) => el("label", { class: "work-choice" },
      el("input", { type: "radio", name: "work", id: `work-${value}`, value, checked: use === value,
        onchange: () => { use = value; } }), " ", text, ...more);
    TG.put($("request-summary"), el("fieldset", { class: "plain", id: "work" },
      el("legend", { class: "sr-only" }, "Run the scenario with"),
      q ? choice("request", "the request: ", el("span", { id: "request-words" }, requestWords(q, handed.skills))) : null,
      choice("portfolio", `the portfolio of ${list.length} request${list.length === 1 ? "" : "s"}:`,
        el("ol", { id: "portfolio-words", class: "small" }, list.map((p) => el("li", {}, requestWords(p.request, p.skills)))))),
    back);
  }

  const work = () => (use === "portfolio" ? { portfolio: { requests: portfolioOf().map((p) => p.request) } }
    : { request: handed.request });

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

  function addChange(kind, focus = true) {
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
    if (first && focus) first.focus();
    return li;
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
      const values = JSON.parse(li.dataset.extra || "{}");  // an opened change's fields the form has no input for
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

  // --- opening a saved scenario to edit it (HR) --------------------------------------------------
  /** Fill the composer with a saved scenario as the API resolved it (ids, with their names in `labels`). */
  function fill(record) {
    $("sc-name").value = record.name;
    $("changes").replaceChildren();
    const written = (record.scenario && record.scenario.changes) || [];
    record.changes.forEach((c, i) => {
      const kind = Object.keys(c).find((k) => k !== "words" && k !== "labels");
      const v = c[kind], labels = c.labels || {};
      const li = addChange(kind, false);
      const shown = new Set([...li.querySelectorAll("[data-field]")].map((x) => x.dataset.field).concat(["skills"]));
      const raw = (written[i] || {})[kind] || {};
      li.dataset.extra = JSON.stringify(Object.fromEntries(Object.entries(raw).filter(([k]) => !shown.has(k))));
      li.querySelectorAll("[data-field]").forEach((input) => {
        const value = v[input.dataset.field];
        input.value = value === undefined || value === null ? "" : String(value);
        if (input.dataset.source && value) {
          input.value = labels[value] || value;
          input.dataset.id = value; input.dataset.picked = input.value;
        }
      });
      if (kind === "hire") {
        const box = li.querySelector(".hire-skills");
        box.replaceChildren();
        (v.skills || []).forEach((s) => {
          const input = hireSkill(box, i + 1);
          input.value = labels[s.skill] || s.skill; input.dataset.id = s.skill; input.dataset.picked = input.value;
          input.closest(".hire-skill-row").querySelector(".hire-level").value = String(s.level);
        });
        if (!box.children.length) hireSkill(box, i + 1);
      }
    });
  }

  function showEditing(message = null) {
    const box = $("editing");
    if (!box) return;
    box.hidden = !editing;
    if (!editing) return;
    TG.put($("editing-words"), "Editing the saved scenario ", el("b", {}, editing.name), ` (version ${editing.version}). `,
      "Save changes keeps them under the same name in the list; running it tries what the composer holds.");
    TG.put($("edit-status"), message);
  }

  async function openSaved(id) {
    try {
      const record = await api(`/api/v1/scenarios/${encodeURIComponent(id)}`);
      TG.clearFieldErrors(form);
      fill(record);
      editing = { id: record.id, version: record.version, name: record.name, baseline: JSON.stringify(readScenario()) };
      showEditing();
      $("sc-name").focus();
    } catch (err) { $("saved-status").textContent = err.message; }
  }

  /** PUT the composer's scenario over the one being edited, from the version opened. */
  async function saveEdit(scenario) {
    const rec = await api(`/api/v1/scenarios/${encodeURIComponent(editing.id)}`, { method: "PUT",
      body: { scenario, version: editing.version } });
    editing = { id: rec.id, version: rec.version, name: rec.name, baseline: JSON.stringify(scenario) };
    putRow(rec);
    return rec;
  }

  function editFailed(err) {
    if (err.code === "scenario_changed") {
      showEditing(el("div", { class: "alert bad", role: "alert", id: "edit-conflict" }, el("b", {}, "Not saved: "), err.message,
        " ", el("button", { type: "button", class: "small", id: "reopen", onclick: () => openSaved(editing.id) }, "Open the newer version")));
    } else if ((err.fields || []).some((f) => f.field && locate(f.field))) {
      TG.showFieldErrors(form, err, locate);
      showEditing(el("p", { class: "small" }, "Not saved: fix the scenario and save again."));
    } else showEditing(TG.errorBox(err));
    $("edit-status").focus();
  }

  if ($("editing")) {
    $("save-edit").addEventListener("click", async () => {
      TG.clearFieldErrors(form);
      try {
        const rec = await saveEdit(readScenario());
        if (last && !applied && savedId === rec.id && JSON.stringify(last.scenario) !== editing.baseline) {
          last.stale = true;  // the result shown is of an older version: applying by id would write something else
          draw();
        }
        showEditing(el("div", { class: "alert ok", id: "edit-result" }, `Saved ${rec.name}: version ${rec.version}.`));
        $("edit-status").focus();
      } catch (err) { editFailed(err); }
    });
    $("stop-edit").addEventListener("click", () => {
      editing = null; showEditing();
      if (last && last.dirty) { last.dirty = false; savedId = null; draw(); }  // the result shown is a new, unsaved scenario now
      $("sc-name").focus();
    });
  }

  // --- running -----------------------------------------------------------------------------------
  async function run(scenarioId = null, name = null) {
    if (!handed || !(use === "portfolio" ? portfolioOf().length : handed.request)) {
      TG.put(body, el("div", { class: "alert bad", role: "alert" }, "There is no request to run the scenario with. ",
        el("a", { href: "/sponsor" }, "Compose one on the Team request page"), " and press What if…? there."));
      return;
    }
    TG.clearFieldErrors(form);
    $("run").disabled = true;
    $("whatif-result").setAttribute("aria-busy", "true");
    TG.put(body, el("div", { class: "empty" }, el("span", { class: "spinner" }), " Running…"));
    const scenario = scenarioId ? null : readScenario();
    const asked = work();
    try {
      const out = await TGProgress.track(asked.portfolio ? "Running the what-if on the portfolio" : "Running the what-if",
        (headers) => api("/api/v1/scenarios/run", { method: "POST",
          headers, body: { ...(scenarioId ? { scenario_id: scenarioId } : { scenario }), ...asked } }));
      const edited = !scenarioId && editing;
      last = { out, scenario, scenarioId, name, work: asked, dirty: !!edited && JSON.stringify(scenario) !== editing.baseline };
      savedId = scenarioId || (edited ? editing.id : null); applied = false;
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

  function portfolioCoverage(s) {
    const c = s.coverage;
    return `${c.met} of ${c.total} skill slots filled · ${c.requests_staffed} of ${c.requests} requests fully staffed`;
  }

  /** One request's team in a portfolio column: who, the skill slots it leaves unfilled by name (the
   server's wording), what else stays unmet, its cost (HR). */
  function portfolioTeam(t) {
    const budgetLeft = t.budget !== null && t.budget !== undefined && t.cost !== null && t.cost !== undefined ? t.budget - t.cost : null;
    return el("div", {}, t.members.length ? names(t.members) : "no team",
      t.unfilled ? el("div", { class: "small unfilled" }, cap(t.unfilled)) : null,
      t.unmet.length ? el("ul", { class: "small" }, t.unmet.map((m) => el("li", {}, m))) : null,
      hr && t.members.length ? el("div", { class: "small muted" }, "Cost: ", costWords({ ...t, budget_left: budgetLeft })) : null);
  }

  function sideBySide(out) {
    const [a, b] = [out.current, out.with_scenario];
    const answers = out.answers || {};
    const many = out.kind === "portfolio";
    const rows = [
      ["Status", a.status, b.status],
      ["In words", a.words, b.words],
      ["Coverage", many ? portfolioCoverage(a) : coverage(a), many ? portfolioCoverage(b) : coverage(b)],
    ];
    if (a.max_util !== null && a.max_util !== undefined) {
      rows.push([many ? "Peak utilisation" : "Busiest member", pct(a.max_util), pct(b.max_util)]);
    }
    if (hr) rows.push(["Cost vs budget", costWords(a), costWords(b)]);
    if (many) a.teams.forEach((t, k) => rows.push([`Team: ${t.request}`, portfolioTeam(t), portfolioTeam(b.teams[k])]));
    else {
      rows.push(["Team", a.members.length ? names(a.members) : "no team", b.members.length ? names(b.members) : "no team"]);
      rows.push(["Score", score(answers.current), score(answers.with_scenario)]);
    }
    return el("div", { class: "table-wrap" }, el("table", { class: "table side-by-side", id: "side-by-side" },
      el("caption", {}, `${out.scenario.name}: the current plan and the plan with the scenario`),
      el("thead", {}, el("tr", {}, el("td", {}), el("th", { scope: "col" }, "Current plan"), el("th", { scope: "col" }, "With the scenario"))),
      el("tbody", {}, rows.map(([label, x, y]) => el("tr", { dataset: { row: label } }, el("th", { scope: "row" }, label),
        el("td", { class: "current" }, x), el("td", { class: "with" }, y))))));
  }

  function peopleChanged(out) {
    const t = out.team_changes || { joined: [], left: [] }, o = out.org_changes || { added: [], removed: [] };
    const moves = (x) => [x.joined.length ? ["joins: ", names(x.joined)] : null, x.joined.length && x.left.length ? "; " : null,
      x.left.length ? ["leaves: ", names(x.left)] : null].filter(Boolean).flat(2);
    const teams = t.by_request ? t.by_request.filter((x) => x.joined.length || x.left.length)
      .map((x) => el("li", { dataset: { request: x.request } }, el("b", {}, `${x.request}: `), moves(x))) : [
      t.joined.length ? el("li", {}, el("b", {}, "Joins the team: "), names(t.joined)) : null,
      t.left.length ? el("li", {}, el("b", {}, "Leaves the team: "), names(t.left)) : null];
    const items = [
      ...teams,
      o.added.length ? el("li", {}, el("b", {}, "Added by the scenario: "), o.added.map((p) => p.name).join(", ")) : null,
      o.removed.length ? el("li", {}, el("b", {}, "Removed by the scenario: "), o.removed.map((p) => `${p.name} from ${p.from}`).join(", ")) : null,
    ].filter(Boolean);
    return el("section", { id: "people-changed", "aria-labelledby": "changed-title" }, el("h3", { id: "changed-title" }, "People changed"),
      items.length ? el("ul", {}, items) : el("p", { class: "muted" }, "The same team either way; nobody added or removed."));
  }

  function draw(message = null) {
    const out = last.out;
    const about = out.kind === "portfolio" ? ` · on the portfolio of ${out.current.teams.length} requests` : "";
    TG.put(body,
      el("p", {}, el("b", {}, out.scenario.name), el("span", { class: "muted small" }, about),
        savedId ? el("span", { class: "muted small" }, ` · saved${last.dirty ? ", with changes not saved yet" : ""}`) : null),
      el("ol", { class: "small", id: "scenario-words" }, out.scenario.changes.map((c) => el("li", {}, c.words))),
      sideBySide(out), peopleChanged(out),
      out.relevance ? el("p", { class: "muted small" }, `Relevance: ${out.relevance}.`) : null,
      (out.notes || []).length ? el("p", { class: "muted small" }, out.notes.join(" · ")) : null,
      applied || !hr || !last.dirty ? null : el("p", { class: "small", id: "dirty-note" },
        `Apply saves your changes to ${editing ? editing.name : "the saved scenario"} first.`),
      last.stale && !applied ? el("p", { class: "alert", id: "stale-note" },
        "This result is of an earlier version of the saved scenario: run it again to save, apply or book it.") : null,
      applied || last.stale ? null : $("tpl-actions").content.firstElementChild.cloneNode(true),
      el("div", { id: "action-status", role: "status", tabindex: "-1" }, message));
    wireActions();
    TG.scrollableTables();
  }

  // --- save, discard, apply ----------------------------------------------------------------------
  const scenarioRef = () => (savedId ? { scenario_id: savedId } : { scenario: last.scenario });
  /** Before applying an edited saved scenario: save the edit (from the version opened), so what is applied is what was shown. */
  async function saveFirst() {
    if (!last.dirty) return;
    await saveEdit(last.scenario);
    last.dirty = false;
    showEditing();
  }
  const say = (node) => { const s = $("action-status"); TG.put(s, node); s.focus(); };

  function failed(err) {
    if (err.code === "booking_conflict") {
      say(el("div", { class: "alert bad", role: "alert", id: "apply-conflict" }, el("b", {}, "Nothing was written: "),
        "someone was booked or staffed elsewhere since this what-if.",
        el("ul", {}, ((err.data && err.data.conflicts) || []).map((c) => el("li", {}, el("b", {}, c.name),
          Heatmap.overWords(c.weeks)))), "Run the what-if again."));
    } else if (err.code === "scenario_changed") {
      say(el("div", { class: "alert bad", role: "alert", id: "apply-conflict" }, el("b", {}, "Nothing was written: "), err.message));
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
    on("save", (b) => act(b, "Saving", async () => {
      if (last.dirty) { await saveFirst(); return { ...editing, edited: true }; }
      return api("/api/v1/scenarios", { method: "POST", body: { scenario: last.scenario } });
    }, (rec) => {
      if (!rec.edited) {
        editing = { id: rec.id, version: rec.version, name: rec.name, baseline: JSON.stringify(last.scenario) };
        putRow(rec); showEditing();
      }
      savedId = rec.id;
      draw(el("div", { class: "alert ok", id: "save-result" }, rec.edited ? `Saved ${rec.name}: version ${rec.version}.`
        : `Saved as ${rec.name}; it is in the list of saved scenarios and open here for editing.`));
    }));
    if ($("save")) {
      if (last.dirty) $("save").textContent = "Save changes";
      else if (savedId) $("save").remove();
    }
    on("apply", (b) => act(b, "Applying", async () => {
      await saveFirst();
      return api("/api/v1/scenarios/apply", { method: "POST", body: scenarioRef() });
    }, appliedView));
    const many = last.work.portfolio, answer = last.out.answers.with_scenario;
    if (many && $("apply-book")) $("apply-book").textContent = "Apply and book these teams";
    on("apply-book", (b) => {
      const found = many ? answer.teams || [] : [answer.team].filter(Boolean);
      const asked = many ? last.work.portfolio.requests.length : 1;
      if (found.length !== asked || found.some((t) => !t.members.length)) {
        say(el("div", { class: "alert bad", role: "alert" }, many ? "The scenario does not staff every request of the portfolio: nothing to book."
          : "The scenario finds no team to book."));
        return;
      }
      const members = (t) => t.members.map((m) => ({ id: m.id, allocation: m.allocation }));
      act(b, "Applying and booking", async () => {
        await saveFirst();
        return TGProgress.track("Applying and booking", (headers) => api("/api/v1/scenarios/apply",
          { method: "POST", headers, body: { ...scenarioRef(), ...last.work, book: $("book-status").value,
            ...(many ? { teams: found.map(members) } : { team: members(found[0]) }) } }));
      }, appliedView);
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
    if (editing && editing.id === savedId) { editing = null; showEditing(); }
    const written = Object.entries(out.written || {}).reduce((n, [, k]) => n + k, 0);
    draw(el("div", { class: "alert ok", id: "apply-result" }, el("b", {}, "Applied. "),
      `${out.scenario.name}: wrote ${written} record(s); the organisation is now at revision ${out.revision}.`,
      (out.bookings || []).length ? el("ul", {}, out.bookings.map((bk) => el("li", {}, `Booked ${bk.id}: ${bk.words}.`))) : null));
  }

  function discarded(text) {
    if (editing && editing.id === savedId) { editing = null; showEditing(); }
    last = null; savedId = null;
    TG.put(body, el("div", { class: "alert ok", role: "status", id: "discard-result", tabindex: "-1" }, text));
    $("discard-result").focus();
  }

  // --- the list of saved scenarios (HR) ----------------------------------------------------------
  const rowOf = (id) => document.querySelector(`#saved-list tr[data-scenario="${CSS.escape(id)}"]`);

  function labelRow(tr) {
    const name = tr.querySelector(".sv-name").textContent;
    tr.querySelector(".open-saved").setAttribute("aria-label", `Open to edit: ${name}`);
    tr.querySelector(".run-saved").setAttribute("aria-label", `Run it: ${name}`);
    tr.querySelector(".discard-saved").setAttribute("aria-label", `Discard: ${name}`);
  }

  /** A saved scenario's row, new (at the top, newest first) or brought up to date after an edit. */
  function putRow(rec) {
    let tr = rowOf(rec.id);
    if (!tr) {
      tr = $("tpl-saved-row").content.querySelector("tr").cloneNode(true);
      tr.dataset.scenario = rec.id;
      tr.querySelector(".sv-by").textContent = "you";
      tr.querySelector(".sv-at").textContent = (rec.saved_at || "").slice(0, 16).replace("T", " ");
      $("saved-list").tBodies[0].prepend(tr);
    } else if (rec.updated_at) {
      const when = tr.querySelector(".sv-at");
      TG.put(when, (rec.saved_at || "").slice(0, 16).replace("T", " "),
        el("span", { class: "muted small" }, ` · changed ${rec.updated_at.slice(0, 16).replace("T", " ")} by you (version ${rec.version})`));
    }
    tr.dataset.version = rec.version;
    tr.querySelector(".sv-name").textContent = rec.name;
    labelRow(tr);
    savedShown();
  }

  function savedShown() {
    const any = !!document.querySelector("#saved-list tbody tr");
    $("saved-wrap").hidden = !any; $("saved-none").hidden = any;
  }

  function dropSaved(id) {
    const row = rowOf(id);
    if (row) row.remove();
    if ($("saved-list")) savedShown();
  }

  // Saved scenarios (HR): open one to edit, run it with the request (or portfolio), or discard it.
  if ($("saved-list")) {
    document.querySelectorAll("#saved-list tbody tr").forEach(labelRow);
    $("saved-list").addEventListener("click", async (ev) => {
      const b = ev.target.closest("button"), tr = b && b.closest("tr");
      if (!tr) return;
      const id = tr.dataset.scenario;
      if (b.classList.contains("open-saved")) openSaved(id);
      else if (b.classList.contains("run-saved")) run(id, tr.querySelector(".sv-name").textContent);
      else if (b.classList.contains("discard-saved")) {
        try {
          const rec = await api(`/api/v1/scenarios/${encodeURIComponent(id)}/discard`, { method: "POST", body: {} });
          if (editing && editing.id === rec.id) { editing = null; showEditing(); }
          dropSaved(rec.id);
          $("saved-status").textContent = `Discarded ${rec.name}.`;
          $("saved-title").focus();
        } catch (err) { $("saved-status").textContent = err.message; }
      }
    });
  }

  $("add-change").addEventListener("click", () => addChange($("change-kind").value));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  showRequest();
})();
