/* teamgraph: shared helpers for the pages (no framework, no build step). */
"use strict";

const TG = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  /** Call the JSON API with the session cookie; throws {status, code, message, fields} on errors. */
  async function api(path, options = {}) {
    const init = { method: options.method || "GET", credentials: "same-origin",
      headers: { Accept: "application/json", ...(options.headers || {}) } };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== "GET") init.headers["X-CSRF-Token"] = csrf();
    const resp = await fetch(path, init);
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok) {
      const err = new Error((data && data.message) || resp.statusText);
      Object.assign(err, { status: resp.status, code: data && data.code, fields: (data && data.fields) || [], data });
      throw err;
    }
    return data;
  }

  /** Build DOM safely: el("div", {class: "x", onclick: f}, "text", child). Strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  /** Replace a node's children, skipping null/false (replaceChildren would print "null"). */
  const put = (node, ...children) => node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));

  const pct = (v) => (v === null || v === undefined ? "–" : Math.round(v * 100) + "%");

  let uid = 0;
  const newId = (prefix) => `${prefix}-${++uid}`;

  /** An input's accessible name, for naming its suggestion list and error messages. */
  function nameOf(input) {
    if (input.getAttribute("aria-label")) return input.getAttribute("aria-label");
    const label = input.id && document.querySelector(`label[for="${input.id}"]`);
    return label ? label.textContent.trim() : input.placeholder || "";
  }

  /**
   * Autocomplete on an <input> as an ARIA combobox (WAI-ARIA APG "list autocomplete with automatic
   * selection"): typing asks `source(q)` for [{value, label, hint, id}] and highlights the first;
   * ArrowDown/ArrowUp move the highlight (wrapping), Enter picks the highlighted option, Escape
   * closes the list, a click picks an option. Enter pressed while the lookup is still running picks
   * its first answer when it arrives. A pick puts the option's value in the box and its id in
   * `data-id` (see `pickedId`), then calls `pick(item)`. `options.onEnter` runs on Enter when no list
   * is open (e.g. "ask why-not"); `options.empty(q)` is the text shown when nothing matches.
   */
  function autocomplete(input, source, pick, options = {}) {
    const wrap = input.parentElement;
    wrap.classList.add("ac");
    if (!input.id) input.id = newId("ac");
    const listId = input.id + "-list";
    const list = el("ul", { id: listId, role: "listbox", class: "ac-list", hidden: true,
      "aria-label": `Suggestions: ${nameOf(input)}` });
    const status = el("div", { class: "ac-status", role: "status", "aria-live": "polite" });
    wrap.append(list, status);
    Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": listId, autocomplete: "off" }).forEach(([k, v]) => input.setAttribute(k, v));

    let items = [], sel = -1, timer = null, seq = 0, inflight = false, enterWaiting = false;
    const open = () => !list.hidden;
    const say = (text, visible = false) => { status.textContent = text; status.classList.toggle("shown", visible); };

    function close() {
      list.hidden = true; sel = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      sel = i;
      [...list.children].forEach((li, j) => li.setAttribute("aria-selected", j === i ? "true" : "false"));
      const li = list.children[i];
      if (li) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }

    function show(q) {
      put(list, items.map((it, i) => el("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false",
        onmousedown: (e) => { e.preventDefault(); choose(i); }, onmousemove: () => sel !== i && highlight(i) },
      el("span", { class: "ac-label" }, it.label), it.hint ? el("span", { class: "ac-hint" }, it.hint) : null)));
      if (!items.length) {
        close();
        say(options.empty ? options.empty(q) : `Nothing matches “${q}”.`, true);
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(0);
      say(`${items.length} suggestion${items.length === 1 ? "" : "s"}; up and down arrows to move, Enter to pick.`);
    }

    function choose(i) {
      const it = items[i];
      if (!it) return;
      input.value = it.value;
      if (it.id !== undefined) input.dataset.id = it.id; else delete input.dataset.id;
      input.dataset.picked = it.value;
      close(); say(`${it.label} picked.`);
      input.dispatchEvent(new CustomEvent("tg-picked", { detail: it }));
      if (pick) pick(it);
    }

    async function lookup() {
      clearTimeout(timer); timer = null;
      const mine = ++seq;
      const q = input.value.trim();
      if (!q && !options.browse) { items = []; close(); say(""); inflight = false; return; }
      inflight = true;
      try {
        const got = await source(q);
        if (mine !== seq) return;
        items = got;
        if (document.activeElement !== input) { enterWaiting = false; return; }  // the user moved on
        show(q);
        if (enterWaiting) { enterWaiting = false; if (items.length) choose(0); }
      } catch (e) {
        if (mine === seq) { items = []; close(); say(e.message || "Suggestions are not available.", true); }
      } finally { if (mine === seq) inflight = false; }
    }

    input.addEventListener("input", () => {
      if (input.dataset.picked !== input.value) { delete input.dataset.id; delete input.dataset.picked; }
      clearTimeout(timer);
      enterWaiting = false;
      timer = setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!open()) { if (items.length && input.value.trim()) show(input.value.trim()); else lookup(); return; }
        const n = items.length;
        highlight(e.key === "ArrowDown" ? (sel + 1) % n : (sel <= 0 ? n - 1 : sel - 1));
      } else if (e.key === "Enter") {
        if (open() && sel >= 0) { e.preventDefault(); choose(sel); }
        else if (timer !== null || inflight) { e.preventDefault(); enterWaiting = true; if (timer !== null) lookup(); }
        else if (options.onEnter) { e.preventDefault(); options.onEnter(); }
      } else if (e.key === "Escape") {
        if (open()) { e.preventDefault(); e.stopPropagation(); close(); say(""); }
      } else if (e.key === "Tab") close();
    });
    input.addEventListener("blur", () => setTimeout(() => { close(); status.classList.remove("shown"); }, 150));
    return { close, lookup };
  }

  /** The id an autocomplete pick left on `input`, if the text is still what was picked. */
  const pickedId = (input) => (input.dataset.id && input.dataset.picked === input.value ? input.dataset.id : null);

  /** Skills for a picker: held or needed ones (the API offers no others), each with who holds it or
   *  what matched; when nothing matches, the API's "did you mean" skills, marked as such. */
  const skillSource = async (q) => {
    const got = await api("/api/v1/skills?limit=8&q=" + encodeURIComponent(q));
    const people = (n) => `${n} ${n === 1 ? "person" : "people"}`;
    const rows = got.skills.map((s) => ({ value: s.name, label: s.name, id: s.id,
      hint: [s.matched && s.matched !== s.name ? s.matched : null,
        s.holders !== undefined ? people(s.holders) : null,
        !s.matched && s.broader_skill ? `in ${s.broader_skill.name}` : null].filter(Boolean).join(" · ")
        || (s.aliases || []).slice(0, 2).join(", ") }));
    return rows.length ? rows : (got.did_you_mean || []).map((s) => ({ value: s.name, label: s.name, id: s.id, hint: "did you mean?" }));
  };
  const personSource = async (q) => (await api("/api/v1/people?limit=8&q=" + encodeURIComponent(q))).people
    .map((p) => ({ value: p.name, label: p.name, id: p.id,
      hint: (p.department_name || p.department) + (p.title ? " · " + p.title : "") }));

  // --- errors next to the fields ------------------------------------------------------------------

  /** Remove the messages `showFieldErrors` put in `scope`. */
  function clearFieldErrors(scope) {
    scope.querySelectorAll(".field-error").forEach((m) => {
      const input = document.getElementById(m.dataset.for);
      if (input) {
        input.removeAttribute("aria-invalid");
        const rest = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== m.id);
        if (rest.length) input.setAttribute("aria-describedby", rest.join(" ")); else input.removeAttribute("aria-describedby");
      }
      m.remove();
    });
    scope.querySelectorAll(".error-summary").forEach((s) => s.remove());
  }

  /**
   * Show an API error's field problems beside the inputs they are about. `locate(path)` maps a
   * request field path (JSON only, never shown) to {input, name}: the input gets aria-invalid and
   * aria-describedby pointing at a plain-words message under it, with the "did you mean" choices
   * the API offers as buttons that fill the field. A summary at the top of `scope` links to each
   * field and takes the focus; problems no input is for are listed there. With `summary: false`
   * (a one-field form) the first field in error takes the focus instead.
   */
  function showFieldErrors(scope, err, locate, { summary: withSummary = true } = {}) {
    clearFieldErrors(scope);
    const rows = [];
    for (const f of err.fields || []) {
      const spot = f.field ? locate(f.field) : null;
      if (!spot || !spot.input) { rows.push(el("li", {}, f.message)); continue; }
      const { input, name } = spot;
      const mid = newId("err");
      const choices = (f.suggestions || []).map((s) => el("button", { type: "button", class: "small suggestion",
        onclick: () => {
          input.value = s.name; input.dataset.id = s.id; input.dataset.picked = s.name;
          clearOne(input); input.focus();
        } }, `Use ${s.name}`));
      const msg = el("p", { class: "field-error", id: mid, dataset: { for: input.id } },
        el("span", {}, f.message), choices.length ? el("span", { class: "did-you-mean" }, " ", choices) : null);
      const anchor = input.closest(".ac") || input;
      anchor.insertAdjacentElement("afterend", msg);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), mid].filter(Boolean).join(" "));
      input.addEventListener("input", () => clearOne(input), { once: true });
      rows.push(el("li", {}, el("a", { href: "#" + input.id, onclick: (e) => { e.preventDefault(); input.focus(); } },
        name || nameOf(input)), ": ", f.message));
    }
    if (!withSummary) {
      const first = scope.querySelector("[aria-invalid=true]") || document.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return null;
    }
    if (!rows.length) rows.push(el("li", {}, err.message));
    const summary = el("div", { class: "error-summary", role: "alert", tabindex: "-1" },
      el("b", {}, rows.length === 1 ? "Please fix this before sending:" : `Please fix these ${rows.length} things before sending:`),
      el("ul", {}, rows));
    scope.prepend(summary);
    summary.focus();
    return summary;
  }

  function clearOne(input) {
    const ids = (input.getAttribute("aria-describedby") || "").split(" ");
    ids.forEach((id) => { const m = document.getElementById(id); if (m && m.classList.contains("field-error")) m.remove(); });
    input.removeAttribute("aria-invalid");
    const rest = ids.filter((id) => id && document.getElementById(id));
    if (rest.length) input.setAttribute("aria-describedby", rest.join(" ")); else input.removeAttribute("aria-describedby");
  }

  /** An error as a block (for errors no form field is for). */
  function errorBox(err) {
    return el("div", { class: "diagnosis", role: "alert" }, el("b", {}, err.message),
      err.fields && err.fields.length ? el("ul", {}, err.fields.map((f) => el("li", {}, f.message))) : null);
  }

  /** A table wider than the screen scrolls sideways in its .table-wrap; then the wrapper becomes a
   *  named, focusable region so keyboard users can scroll it too (arrow keys). */
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach((w) => {
      const wide = w.scrollWidth > w.clientWidth + 1;
      if (wide && !w.hasAttribute("tabindex")) {
        const table = w.querySelector("table");
        const heading = table && (table.querySelector("caption") || w.previousElementSibling);
        w.setAttribute("tabindex", "0"); w.setAttribute("role", "region");
        w.setAttribute("aria-label", (heading && heading.textContent.trim()) || "Table");
      } else if (!wide && w.getAttribute("role") === "region") {
        w.removeAttribute("tabindex"); w.removeAttribute("role"); w.removeAttribute("aria-label");
      }
    });
  }
  window.addEventListener("load", scrollableTables);

  // Filter forms' skill and person boxes: <input data-autocomplete="skill|person"> (the name is sent).
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-autocomplete]").forEach((input) => autocomplete(input,
      input.dataset.autocomplete === "person" ? personSource : skillSource, null,
      { empty: (q) => `Nothing called “${q}”.` }));
  });
  window.addEventListener("resize", scrollableTables);

  return { api, el, put, pct, newId, scrollableTables, autocomplete, pickedId, skillSource, personSource, errorBox,
    showFieldErrors, clearFieldErrors };
})();
