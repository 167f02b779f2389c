/* teamgraph: shared helpers for the pages (no framework, no build step). */
"use strict";

const TG = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  /** Call the JSON API with the session cookie; throws {status, code, message, fields} on errors. */
  async function api(path, options = {}) {
    const init = { method: options.method || "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
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

  /** Autocomplete on an <input>: `source(q)` returns [{value, label, hint}], `pick(item)` is called on choice. */
  function autocomplete(input, source, pick) {
    const wrap = input.parentElement;
    wrap.classList.add("ac");
    let list = null, items = [], sel = -1, timer = null, seq = 0;
    const close = () => { list?.remove(); list = null; sel = -1; };
    const choose = (i) => { const it = items[i]; if (!it) return; input.value = it.value; close(); pick && pick(it); };
    const render = () => {
      close();
      if (!items.length) return;
      list = el("div", { class: "ac-list", role: "listbox" },
        items.map((it, i) => el("div", { role: "option", class: i === sel ? "sel" : null,
          onmousedown: (e) => { e.preventDefault(); choose(i); } }, it.label, it.hint ? el("small", {}, "  " + it.hint) : null)));
      wrap.append(list);
    };
    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++seq;
        const q = input.value.trim();
        if (!q) { items = []; close(); return; }
        try { const got = await source(q); if (mine === seq) { items = got; sel = -1; render(); } } catch (e) { close(); }
      }, 120);
    });
    input.addEventListener("keydown", (e) => {
      if (!list) return;
      if (e.key === "ArrowDown") { sel = Math.min(sel + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { sel = Math.max(sel - 1, 0); render(); e.preventDefault(); }
      else if (e.key === "Enter" && sel >= 0) { choose(sel); e.preventDefault(); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  const skillSource = async (q) => (await api("/api/v1/skills?limit=8&q=" + encodeURIComponent(q))).skills
    .map((s) => ({ value: s.name, label: s.name, hint: s.aliases && s.aliases.length ? s.aliases.slice(0, 2).join(", ") : s.category, id: s.id }));
  const personSource = async (q) => (await api("/api/v1/people?limit=8&q=" + encodeURIComponent(q))).people
    .map((p) => ({ value: p.id, label: p.name, hint: p.department + (p.title ? " · " + p.title : ""), id: p.id }));

  /** An error as a block listing field problems. */
  function errorBox(err) {
    return el("div", { class: "diagnosis", role: "alert" }, el("b", {}, err.message),
      err.fields && err.fields.length ? el("ul", {}, err.fields.map((f) => el("li", {}, (f.field ? f.field + ": " : "") + f.message))) : null);
  }

  return { api, el, put, pct, autocomplete, skillSource, personSource, errorBox };
})();
