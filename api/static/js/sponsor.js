/* Sponsor page: build a team request from the form, POST it, draw the team and alternatives
   (coverage, evidence, load before/after as bars), why-not, diagnosis, pin and re-solve; the team
   week by week (today vs with this plan, heatmap.js) and "Book (tentative)".
   A forced overload (a pinned or included person over capacity) and rule violations are shown
   above the team, by name, never only as a status word. Older answers lack those fields. */
"use strict";
(() => {
  const { api, el, pct } = TG;
  const $ = (id) => document.getElementById(id);
  const result = $("result");
  let lastRequest = null, lastResult = null, shown = 0;

  function addRequirement(skill = "", level = 3, count = 1) {
    const n = $("requirements").children.length + 1;
    const input = el("input", { class: "req-skill", id: TG.newId("req-skill"), placeholder: "Skill, e.g. Python", value: skill,
      "aria-label": `Skill ${n}` });
    const row = el("div", { class: "reqrow", role: "group", "aria-label": `Skill ${n}` },
      el("div", {}, input),
      el("select", { class: "req-level", id: TG.newId("req-level"), "aria-label": `Minimum level, skill ${n}` },
        [1, 2, 3, 4, 5].map((k) => el("option", { value: k, selected: k === level }, "≥ " + k))),
      el("input", { class: "req-count", id: TG.newId("req-count"), type: "number", min: 1, max: 20, value: count,
        "aria-label": `People with skill ${n}` }),
      el("button", { type: "button", class: "remove", "aria-label": `Remove skill ${n}`, title: "Remove",
        onclick: () => { const next = row.nextElementSibling || row.previousElementSibling; row.remove(); renumber();
          (next ? next.querySelector("input") : $("add-skill")).focus(); } }, "×"));
    $("requirements").append(row);
    TG.autocomplete(input, TG.skillSource, null, { empty: (q) => `No skill called “${q}” — try another word.` });
    return row;
  }

  // Row labels follow the rows' order, so "Skill 2" in an error message is the second row on screen.
  function renumber() {
    [...document.querySelectorAll(".reqrow")].forEach((row, i) => {
      const n = i + 1;
      row.setAttribute("aria-label", `Skill ${n}`);
      row.querySelector(".req-skill").setAttribute("aria-label", `Skill ${n}`);
      row.querySelector(".req-level").setAttribute("aria-label", `Minimum level, skill ${n}`);
      row.querySelector(".req-count").setAttribute("aria-label", `People with skill ${n}`);
      row.querySelector(".remove").setAttribute("aria-label", `Remove skill ${n}`);
    });
  }

  // The rows that go into the request, in order (empty rows are left out), so that an error about
  // request.requirements[i] can be shown at the row it came from.
  const filledRows = () => [...document.querySelectorAll(".reqrow")].filter((r) => r.querySelector(".req-skill").value.trim());

  const FIELDS = { name: "name", brief: "brief", "window.start": "start", "window.end": "end", window: "end",
    allocation: "allocation", "size.min": "size_min", "size.max": "size_max", size: "size_min",
    "departments.max_per_department": "max_per_department", "departments.required": "departments" };
  const ROW_PARTS = { skill: ".req-skill", level: ".req-level", count: ".req-count", allocation: ".req-count" };

  /** The form input a request field path ("request.requirements[1].skill") is about, or null. */
  function locate(path) {
    const p = path.replace(/^request\./, "");
    const m = /^requirements\[(\d+)\](?:\.(\w+))?/.exec(p);
    if (m) {
      const row = filledRows()[+m[1]];
      if (!row) return null;
      const input = row.querySelector(ROW_PARTS[m[2]] || ".req-skill");
      return { input, name: input.getAttribute("aria-label") };
    }
    if (p === "requirements") return { input: document.querySelector(".req-skill"), name: "Skills needed" };
    const id = FIELDS[p];
    if (id === "departments") { const box = document.querySelector('input[name="dept"]'); return box ? { input: box, name: "Departments" } : null; }
    return id ? { input: $(id), name: null } : null;
  }

  function readForm() {
    const reqs = filledRows().map((r) => ({
      skill: TG.pickedId(r.querySelector(".req-skill")) || r.querySelector(".req-skill").value.trim(),
      level: +r.querySelector(".req-level").value,
      count: +r.querySelector(".req-count").value || 1,
    }));
    const req = {
      name: $("name").value.trim(), brief: $("brief").value.trim(),
      window: { start: $("start").value, end: $("end").value },
      allocation: +$("allocation").value, size: { min: +$("size_min").value, max: +$("size_max").value },
      requirements: reqs,
      departments: { required: [...document.querySelectorAll('input[name="dept"]:checked')].map((c) => c.value) },
    };
    const cap = $("max_per_department").value;
    if (cap) req.departments.max_per_department = +cap;
    return req;
  }

  const busy = (on) => {
    $("submit").disabled = on;
    result.setAttribute("aria-busy", on ? "true" : "false");
    if (on) TG.put(result, el("div", { class: "empty" }, el("span", { class: "spinner" }), " Solving…"));  // announced by progress.js
  };

  /** A request error: beside the fields when it is about them, else in the result panel. */
  function requestError(err) {
    const form = $("request-form");
    if ((err.fields || []).some((f) => f.field && locate(f.field))) {
      TG.showFieldErrors(form, err, locate);
      TG.put(result, el("div", { class: "empty" }, "Fix the request on the left and send it again."));
    } else { TG.clearFieldErrors(form); TG.put(result, TG.errorBox(err)); }
  }

  async function submit(ev) {
    ev.preventDefault();
    lastRequest = readForm();
    busy(true);
    try {
      lastResult = await TGProgress.track("Finding candidates", (headers) => api("/api/v1/teams/suggest",
        { method: "POST", headers, body: { request: lastRequest, alternatives: +$("alternatives").value } }));
      TG.clearFieldErrors($("request-form"));
      shown = 0; render(true);
    } catch (err) { requestError(err); $("whynot-box").hidden = true; }
    finally { busy(false); }
  }

  const STATUS_LABELS = { optimal: "proven optimal", overloaded: "feasible only with a forced overload",
    invalid: "breaks a rule" };

  function header(r) {
    const status = el("span", { class: `pill status-${r.status}` }, STATUS_LABELS[r.status] || r.status);
    return el("div", { class: "row", style: "align-items:center" },
      el("h2", { style: "margin:0", id: "result-title", tabindex: "-1" }, r.team ? (r.request.name || "Suggested team") : "No team can meet this request yet"),
      el("div", { style: "text-align:right" }, status, " ", el("span", { class: "muted small" },
        `${r.seconds.toFixed(2)} s · ${r.pool.eligible ?? "?"} eligible of ${r.pool.candidates ?? "?"} candidates` + (r.gap ? ` · gap ${pct(r.gap)}` : ""))));
  }

  function render(fresh = false) {
    const r = lastResult;
    $("whynot-box").hidden = false;
    if (!r.team) { TG.put(result, header(r), violations(r), diagnosis(r.diagnosis), notes(r)); }
    else {
      const teams = [r.team, ...r.alternatives];
      const tabs = el("div", { class: "tabs", role: "group", "aria-label": "Team and alternatives" }, teams.map((t, i) => el("button", {
        type: "button", class: i === shown ? "on" : null, "aria-pressed": i === shown ? "true" : "false",
        onclick: () => { shown = i; render(); result.querySelectorAll(".tabs button")[i].focus(); } },
      i === 0 ? "Suggested team" : `Alternative ${i}`)));
      const team = teams[shown];
      TG.put(result, header(r), overload(r), violations(r), r.diff ? diffBox(r.diff) : null,
        teams.length > 1 ? tabs : null, shown > 0 ? versusBest(team) : null, teamView(team), planView(team), notes(r));
    }
    if (fresh) $("result-title").focus();
  }

  // --- the team week by week (today vs with this plan) and "Book (tentative)" -----------------
  // One state per team object of the answer shown: which side, the heatmap, the booking, a conflict.
  const plans = new WeakMap();
  const SIDES = { before: "Today", after: "With this plan" };
  const teamMembers = (t) => t.members.map((m) => ({ id: m.id, allocation: m.allocation }));

  function planView(t) {
    if (!plans.has(t)) plans.set(t, { side: "after", data: null, booking: null, conflict: null, error: null });
    const box = el("section", { class: "plan-box", id: "plan-box", "aria-labelledby": "plan-title" },
      el("h3", { id: "plan-title" }, "Week by week"));
    const st = plans.get(t);
    if (st.data) drawPlan(box, t, st);
    else {
      box.append(el("div", { class: "empty", role: "status" }, el("span", { class: "spinner" }), " Loading the weeks…"));
      loadPlan(t, st).then(() => { if (box.isConnected) drawPlan(box, t, st); });
    }
    return box;
  }

  async function loadPlan(t, st) {
    try {
      st.data = st.booking ? await api(`/api/v1/bookings/${encodeURIComponent(st.booking.id)}/heatmap`)
        : await api("/api/v1/teams/heatmap", { method: "POST", body: { request: lastRequest, members: teamMembers(t) } });
      st.error = null;
    } catch (err) { st.error = err; }
  }

  const TEAM = { prefix: "plan", book: true };

  /** Draw a plan's weeks into `box` (its h3 stays): the side buttons, the words, the grid, the
   *  legend and, for a team (`opts.book`), "Book (tentative)". */
  function drawPlan(box, t, st, opts = TEAM) {
    const p = opts.prefix;
    const title = box.querySelector("h3");
    if (st.error && !st.data) { TG.put(box, title, TG.errorBox(st.error)); return; }
    const d = st.data, booked = d.plans[0].booking;
    const sideButton = (side) => el("button", { type: "button", "aria-pressed": st.side === side ? "true" : "false",
      class: "hm-side", "data-side": side, onclick: () => { st.side = side; drawPlan(box, t, st, opts); box.querySelector(`.hm-side[data-side=${side}]`).focus(); } },
    SIDES[side]);
    const over = st.side === "after" ? d.summary.over_with_plan : d.summary.over_today;
    const words = st.side === "after" ? d.summary.words_with_plan : d.summary.words_today;
    const sponsorView = d.people.length && d.people[0].cells.length && d.people[0].cells[0].load_before === undefined;
    const how = !sponsorView ? `Numbers: % of capacity that week, ${st.side === "after" ? "with this plan's allocations added" : "as booked today"}.`
      : st.side === "after" ? "✓: the plan fits that week; “!”: it would put them over capacity. (Today's numbers are under Today.)"
        : "Numbers: each person's use of capacity today, rounded up to 10 %; “!” marks a week they are over capacity already.";
    const grid = el("div", { id: `${p}-grid` });
    TG.put(box, title,
      el("div", { class: "hm-toggle", role: "group", "aria-label": "Show the weeks" }, sideButton("before"), sideButton("after")),
      booked && booked.in_today ? el("p", { class: "small", id: `${p}-in-today` },
        `Booked (${booked.status}): today includes this team, so the plan adds nothing more.`) : null,
      el("p", { class: `hm-words${over.length ? " over" : ""}`, id: `${p}-words` }, words + "."),
      el("p", { class: "small muted" }, how), grid, Heatmap.legend([], sponsorView && st.side === "after"),
      opts.book ? bookingView(box, t, st) : null);
    Heatmap.grid(grid, { rows: Heatmap.personRows(d, st.side), weeks: d.weeks, corner: "Person", id: `${p}-heatmap`,
      caption: `${opts.name || lastRequest.name || "The team"} week by week: ${SIDES[st.side].toLowerCase()}` });
  }


  function bookingView(box, t, st) {
    const out = el("div", { class: "booking-box", id: "booking" });
    if (st.booking) {
      const b = st.booking;
      out.append(el("div", { class: "alert ok", role: "status", id: "booking-result", tabindex: "-1" },
        el("b", {}, "Booked. "), el("a", { href: `/api/v1/bookings/${encodeURIComponent(b.id)}`, id: "booking-link" }, b.id),
        `: ${b.words}. HR confirms it; until then it holds these people tentatively.`));
      return out;
    }
    const button = el("button", { type: "button", class: "primary", id: "book", onclick: () => book(box, t, st, button) }, "Book (tentative)");
    out.append(el("p", { class: "small muted" }, "Keep this team: booked people count as busy in every later suggestion. ", button));
    if (st.conflict) {
      out.append(el("div", { class: "alert bad", role: "alert", id: "booking-conflict", tabindex: "-1" },
        el("b", {}, "Not booked: "), "someone was booked or staffed elsewhere since this suggestion, so nothing was written.",
        el("ul", {}, st.conflict.map((c) => el("li", {}, el("b", {}, c.name),
          Heatmap.overWords(c.weeks)))),
        "Suggest again to get a team that fits today."));
    } else if (st.bookError) out.append(TG.errorBox(st.bookError));
    return out;
  }

  async function book(box, t, st, button) {
    button.disabled = true;
    TG.put(button, el("span", { class: "spinner" }), " Booking…");
    st.conflict = null; st.bookError = null;
    try {
      st.booking = await api("/api/v1/bookings", { method: "POST", body: { request: lastRequest, members: teamMembers(t) } });
      st.side = "before";  // today now includes the booking
    } catch (err) {
      if (err.code === "booking_conflict") st.conflict = (err.data && err.data.conflicts) || [];
      else st.bookError = err;
    }
    await loadPlan(t, st);  // after a booking or a conflict, today has changed
    drawPlan(box, t, st);
    const msg = box.querySelector("#booking-result, #booking-conflict");
    if (msg) msg.focus();
  }

  // How an alternative differs from the suggested team, in words (from the API when it says so).
  function versusBest(t) {
    const v = t.versus_best;
    if (!v) return null;
    return el("p", { class: "versus", id: "versus-best" }, el("b", {}, "Against the suggested team: "), v.words);
  }

  // "feasible only with this forced overload: Ann Lee at 140 %" — impossible to miss.
  function overload(r) {
    const over = r.forced_overload || [];
    if (!over.length) return null;
    return el("div", { class: "alert warn", role: "alert", id: "forced-overload" },
      el("b", {}, "Forced overload. "), "This team is feasible only with ",
      over.map((f, i) => [i ? ", " : "", el("b", {}, f.name || f.person),
        f.utilisation !== null && f.utilisation !== undefined ? ` at ${pct(f.utilisation)} of capacity` : " over capacity"]).flat(),
      ": pinned or included by the request. Everyone else stays within capacity.");
  }

  function violations(r) {
    const v = r.violations || [];
    if (!v.length) return null;
    return el("div", { class: "alert bad", role: "alert", id: "violations" },
      el("b", {}, "This answer breaks a rule, so it is not offered as a team: "),
      el("ul", {}, v.map((x) => el("li", {}, x.message))));
  }

  const TERM_LABELS = { skill_fit: "skill fit", relevance: "relevance", cohesion: "cohesion", novelty: "cross-dept novelty",
    preference: "preferences", busy: "busy penalty", members: "team size", max_util: "peak load" };

  function teamView(t) {
    const sm = t.summary;
    const cap = (x) => x.charAt(0).toUpperCase() + x.slice(1);
    const headline = sm && sm.words
      ? el("div", { class: "summary" }, el("p", {}, el("b", {}, cap(sm.words) + ".")),
        sm.requirements && sm.requirements.length ? el("ul", { class: "small reqs" }, sm.requirements.map((q) => el("li", {}, q.words))) : null)
      : t.max_util !== undefined ? el("p", { class: "summary" }, `Busiest member at ${pct(t.max_util)} of capacity.`) : null;
    const parts = t.score_parts
      ? el("div", {}, t.score_words ? el("p", {}, cap(t.score_words) + ".") : null,
        el("ul", {}, t.score_parts.map((x) => el("li", {}, el("b", {}, x.label), x.meaning ? ` — ${x.meaning}` : "",
          x.value !== undefined ? el("span", { class: "muted" }, ` (${x.value > 0 ? "+" : ""}${(+x.value).toFixed(2)})`) : null))))
      : el("div", { class: "scores" }, el("span", { class: "score" }, el("b", {}, "score " + t.total.toFixed(2))),
        Object.entries(t.score).filter(([, v]) => v).map(([k, v]) => el("span", { class: "score" }, `${TERM_LABELS[k] || k} ${v > 0 ? "+" : ""}${v.toFixed(2)}`)));
    const scores = el("div", {}, headline, el("details", { class: "score-parts" },
      el("summary", {}, `How the score of ${t.total.toFixed(2)} is made`), parts));
    const members = el("div", {}, t.members.map(memberView));
    const pinned = () => [...result.querySelectorAll(".pin:checked")].map((c) => c.value);
    const resolveBtn = el("button", { type: "button", id: "resolve", onclick: async () => {
      const pins = pinned();
      resolveBtn.disabled = true; TG.put(resolveBtn, el("span", { class: "spinner" }), " Re-solving…");
      try {
        lastRequest = readForm();
        lastResult = await api("/api/v1/teams/resolve", { method: "POST", body: { request: lastRequest, pins, previous: t.members.map((m) => m.id) } });
        shown = 0; render(true);
      } catch (err) {
        if ((err.fields || []).some((f) => f.field && locate(f.field))) TG.showFieldErrors($("request-form"), err, locate);
        else result.append(TG.errorBox(err));
        resolveBtn.disabled = false; resolveBtn.textContent = "Re-solve with pinned members";
      }
    } }, "Re-solve with pinned members");
    return el("div", {}, scores, members, el("p", { class: "muted small" }, "Tick the people to keep, change the form if you like, then ", resolveBtn));
  }

  // HR/admin get the load arithmetic (before + allocation = after, against capacity). Sponsors get
  // the peak utilisation before joining, rounded up to 10 %, and whether the allocation fits
  // (teamgraph/present.py says why): one bar and the words.
  function loadBars(m) {
    const bar = (label, v, cls, capAt, scale, over) => el("div", { class: "bar" }, el("span", {}, label),
      el("div", { class: "track" }, el("div", { class: `fill ${cls}${over ? " over" : ""}`, style: `width:${Math.min(100, 100 * v / scale)}%` }),
        capAt !== null ? el("div", { class: "cap", style: `left:${100 * capAt / scale}%`, title: "capacity" }) : null),
      el("b", {}, pct(v)));
    if (m.capacity !== undefined && m.load_after !== undefined) {
      const scale = Math.max(1.2, m.capacity, m.load_after);
      return el("div", { class: "bars", title: "peak load in the window, before and after joining (line = capacity)" },
        bar("before", m.load_before, "", m.capacity, scale, m.load_before > m.capacity + 1e-9),
        bar("after", m.load_after, "after", m.capacity, scale, m.load_after > m.capacity + 1e-9));
    }
    const fits = m.availability_after
      ? el("div", { class: `small fits ${m.availability_after.startsWith("over") ? "no" : "yes"}` }, `after joining: ${m.availability_after}`) : null;
    if (m.util_before !== undefined && m.util_before !== null) {
      return el("div", { class: "bars", title: "peak use of capacity in the window before joining, rounded up to 10 % (line = capacity)" },
        bar("before", m.util_before, "", 1, Math.max(1.2, m.util_before), m.util_before > 1 + 1e-9), fits);
    }
    return el("div", { class: "bars muted small" }, `availability: ${m.availability || "not shown"}`, fits);
  }

  function memberView(m) {
    const required = (lastResult.request.departments && lastResult.request.departments.required) || [];
    const forced = (lastResult.forced_overload || []).find((f) => f.person === m.id);
    const covers = m.covers.length ? m.covers.map((c) => el("span", { class: "chip", title: `${c.evidence}${c.last_used ? ", last used " + c.last_used : ""}` },
      `${c.label} ${c.level} ≥ ${c.required_level}`))
      : [el("span", { class: "chip dept", title: "covers no listed skill" }, m.needed_for
          || (m.forced ? "pinned or included by the request"
            : required.includes(m.department) ? `represents ${m.department} (required)` : "covers no listed skill"))];
    if (forced) covers.push(el("span", { class: "chip over", title: "forced over capacity by a pin or include" },
      forced.utilisation !== null && forced.utilisation !== undefined ? `over capacity: ${pct(forced.utilisation)}` : "over capacity"));
    const evidence = [
      ...m.projects.slice(0, 2).map((p) => el("li", {}, el("a", { href: `/projects/${encodeURIComponent(p.id)}/kickoff` }, p.name), el("span", { class: "muted" }, ` · ${p.role}${p.outcome ? " · " + p.outcome : ""}`))),
      ...m.cases.slice(0, 1).map((c) => el("li", {}, "wrote “", c.title, "”")),
    ];
    return el("div", { class: "member", "data-person": m.id },
      el("div", {}, el("label", { class: "checks", style: "margin:0" }, el("input", { type: "checkbox", class: "pin", value: m.id, "aria-label": `Keep ${m.name} when re-solving`, checked: (lastResult.pins || []).includes(m.id) }),
        el("a", { class: "name", href: `/people/${encodeURIComponent(m.id)}` }, m.name)),
        el("div", { class: "muted small" }, `${m.title} · `, el("span", { class: "chip dept" }, m.department_name || m.department), ` ${pct(m.allocation)} FTE`),
        m.explain ? el("div", { class: "small explain" }, m.explain) : null,
        el("div", {}, covers)),
      el("div", { class: "small" }, el("div", { class: "muted" }, "Evidence"), evidence.length ? el("ul", { style: "margin:.2rem 0;padding-left:1.1rem" }, evidence) : el("div", { class: "muted" }, "none recorded")),
      loadBars(m));
  }

  function diagnosis(d) {
    if (!d) return el("div", { class: "diagnosis" }, "No team was found within the time limit.");
    return el("div", { class: "diagnosis", id: "diagnosis" }, el("b", {}, d.summary),
      el("ul", {}, d.requirements.map((q) => el("li", { style: q.satisfiable_alone ? "color:var(--muted)" : "" }, q.message))),
      d.conflict.length ? el("p", {}, el("b", {}, "Constraints that cannot all hold: "), d.conflict.join("; ")) : null,
      d.relaxation.length ? el("p", {}, el("b", {}, "Smallest change that makes it feasible: "), d.relaxation.map((x) => x.message).join("; ")) : null,
      (d.options || []).length ? el("div", { id: "relaxations" }, el("b", {}, "Or, each on its own (checked by solving again):"),
        el("ul", {}, d.options.map((x) => el("li", { "data-kind": x.kind }, x.message)))) : null,
      (d.notes || []).length ? el("p", { class: "muted small" }, d.notes.join(" · ")) : null);
  }

  const notes = (r) => r.notes && r.notes.length ? el("p", { class: "muted small" }, r.notes.filter(Boolean).join(" · ")) : null;
  const diffBox = (d) => {
    const names = (ids) => ids.map((id) => (d.names && d.names[id]) || id).join(", ");
    return el("div", { class: "diff" }, el("b", {}, "Changes: "),
      d.added.length ? el("span", { class: "in" }, "+ " + names(d.added) + "  ") : null,
      d.removed.length ? el("span", { class: "out" }, names(d.removed)) : null,
      !d.added.length && !d.removed.length ? "same team" : null,
      d.kept.length ? el("span", { class: "muted" }, "  kept: " + names(d.kept)) : null);
  };

  async function whyNot() {
    const input = $("whynot-person");
    const person = TG.pickedId(input) || input.value.trim();
    const box = $("whynot-result");
    if (!lastRequest) return;
    const where = (path) => (path === "person" ? { input, name: "Person" } : null);
    const scope = $("whynot-box");
    if (!person) {
      TG.showFieldErrors(scope, { fields: [{ field: "person", message: "Type a name and pick the person from the list." }] }, where, { summary: false });
      return;
    }
    TG.clearFieldErrors(scope);
    TG.put(box, el("span", { class: "spinner", role: "status", "aria-label": "Asking" }));
    try {
      const w = await api("/api/v1/teams/why-not", { method: "POST", body: { request: lastRequest, person } });
      TG.put(box, el("div", { class: "whynot", role: "status" }, el("span", { class: "pill" }, w.kind.replace(/_/g, " ")), " ", w.reason));
    } catch (err) {
      TG.put(box);
      if ((err.fields || []).some((f) => f.field === "person")) TG.showFieldErrors(scope, err, where, { summary: false });
      else TG.put(box, TG.errorBox(err));
    }
  }

  // --- portfolio (HR/admin): one pool for several requests; soft mode lists what stays unmet ---
  const portfolio = [];
  const portfolioNames = [];  // per request, the skill names as typed or picked (the request carries ids)

  function portfolioList() {
    TG.put($("portfolio-requests"), portfolio.map((q, i) => el("li", {}, q.name || `request ${i + 1}`,
      el("span", { class: "muted" }, ` · ${q.requirements.map((r, k) => `${portfolioNames[i][k] || r.skill} ≥ ${r.level} × ${r.count}`).join(", ")}`),
      " ", el("button", { type: "button", class: "small", title: "Remove", "aria-label": `Remove ${q.name || "request " + (i + 1)}`, onclick: () => { portfolio.splice(i, 1); portfolioNames.splice(i, 1); portfolioList(); } }, "×"))));
    $("portfolio-go").disabled = !portfolio.length;
  }

  // The skill slots a team leaves unfilled, by name in the server's one wording (`unfilled`), then
  // the other rules soft mode leaves unmet (a department, the size minimum) by their messages.
  function unmetList(t) {
    const other = (t.unmet || []).filter((u) => u.rule !== "coverage");
    if (!t.unfilled && !other.length) return null;
    const lines = [t.unfilled ? t.unfilled.charAt(0).toUpperCase() + t.unfilled.slice(1) : null, ...other.map((u) => u.message)];
    return el("div", { class: "alert warn unmet" }, el("b", {}, "Left unmet: "),
      el("ul", {}, lines.filter(Boolean).map((x) => el("li", {}, x))));
  }

  function portfolioView(r) {
    const status = el("span", { class: `pill status-${r.status}` }, STATUS_LABELS[r.status] || r.status);
    const bound = r.lower_bound === null || r.lower_bound === undefined ? "" : ` · lower bound ${pct(r.lower_bound)} · gap ${pct(r.gap)}`;
    return el("div", { id: "portfolio-answer" },
      el("p", {}, status, " ", el("span", { class: "muted small" },
        `${r.mode} mode · peak utilisation ${pct(r.max_util)}${bound} · ${r.covered} of ${r.required} skill slots filled`)),
      overload(r), violations(r),
      r.teams.map((t) => el("div", { class: "pteam", "data-request": t.request },
        el("div", {}, el("b", {}, t.request),
          el("ul", { style: "margin:.2rem 0;padding-left:1.1rem" }, t.members.map((m) => el("li", {},
            el("a", { href: `/people/${encodeURIComponent(m.id)}` }, m.name || m.id),
            el("span", { class: "muted" }, m.covers.length ? ` · ${(m.covers_labels || m.covers).join(", ")}`
              : ` · ${m.needed_for || "covers no requirement"}`),
            m.forced ? el("span", { class: "chip" }, "pinned") : null))),
          unmetList(t)))),
      portfolioPlan(r), notes(r));
  }

  // The staffing week by week (POST /api/v1/portfolio/heatmap): every team over its request's window.
  let staffedRequests = [];
  function portfolioPlan(r) {
    const plans = r.teams.map((t, i) => ({ t, q: staffedRequests.find((q) => q.name === t.request) || staffedRequests[i] }))
      .filter(({ t, q }) => q && t.members.length)
      .map(({ t, q }) => ({ request: q, members: teamMembers(t) }));
    if (!plans.length) return null;
    const box = el("section", { class: "plan-box", id: "portfolio-plan-box", "aria-labelledby": "portfolio-plan-title" },
      el("h3", { id: "portfolio-plan-title" }, "Week by week"));
    const st = { side: "after", data: null };
    const opts = { prefix: "portfolio-plan", name: "The staffing", book: false };
    box.append(el("button", { type: "button", id: "portfolio-weeks", onclick: async () => {
      TG.put(box, box.querySelector("h3"), el("div", { class: "empty", role: "status" }, el("span", { class: "spinner" }), " Loading the weeks…"));
      try { st.data = await api("/api/v1/portfolio/heatmap", { method: "POST", body: { plans } }); }
      catch (err) { st.error = err; }
      drawPlan(box, null, st, opts);
      const first = box.querySelector(".hm-side[aria-pressed=true]");
      if (first) first.focus();
    } }, "Show the staffing week by week"));
    return box;
  }

  async function staffPortfolio() {
    const box = $("portfolio-result");
    const cap = $("portfolio-max-load").value;
    staffedRequests = portfolio.slice();
    TG.clearFieldErrors($("portfolio-box"));
    TG.put(box, el("span", { class: "spinner" }), " Staffing…");
    try {
      const r = await TGProgress.track(`Staffing ${portfolio.length} request${portfolio.length === 1 ? "" : "s"}`, (headers) => api("/api/v1/portfolio/staff",
        { method: "POST", headers, body: { portfolio: { requests: portfolio }, ...(cap ? { max_load: +cap } : {}) } }));
      TG.put(box, portfolioView(r));
    } catch (err) {
      TG.put(box);
      const where = (path) => (path === "max_load" ? { input: $("portfolio-max-load"), name: "Load cap" } : null);
      if ((err.fields || []).some((f) => f.field === "max_load")) TG.showFieldErrors($("portfolio-box"), err, where, { summary: false });
      else TG.put(box, TG.errorBox(err));
    }
  }

  if ($("portfolio-box")) {
    $("portfolio-add").addEventListener("click", () => {
      const q = readForm();
      q.name = q.name || `request ${portfolio.length + 1}`;
      portfolio.push(q); portfolioNames.push(filledRows().map((r) => r.querySelector(".req-skill").value.trim()));
      portfolioList();
    });
    $("portfolio-go").addEventListener("click", staffPortfolio);
  }

  TG.autocomplete($("whynot-person"), TG.personSource, null,
    { onEnter: whyNot, empty: (q) => `Nobody active is called “${q}”.` });
  $("whynot-go").addEventListener("click", whyNot);
  $("add-skill").addEventListener("click", () => addRequirement());
  $("request-form").addEventListener("submit", submit);
  addRequirement(); addRequirement();
  // the what-if links hand the form's request and the portfolio over (whatif-link.js)
  window.TGSponsor = { readForm, filledRows, portfolio: () => portfolio.map((request, i) => ({ request, skills: portfolioNames[i] })) };
})();
