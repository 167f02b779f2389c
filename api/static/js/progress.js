/* A status line for every wait over a second (issue 11): "Solving for the best team… 2.1 s".
   One polite live region per page (templates/_progress.html), present from the start so screen
   readers announce what is put in it. It stays empty for a quick answer; after a second it says
   what is being waited for, then what the server says it is doing (the slow-work gate's place in
   line, the engine's phases: GET /api/v1/progress/<id>, the id sent as X-Progress-Id or
   ?progress=). Only a change of phase is announced; the seconds count is for the eye only. The
   line empties when the answer comes (or the next page loads).
     TGProgress.track(label, (headers) => TG.api(path, { ..., headers }))  — a fetch
     <form data-progress="label">, <a data-progress="label">                — a page navigation */
"use strict";
const TGProgress = (() => {
  const AFTER = 1000, POLL = 700, TICK = 100;
  const box = () => document.getElementById("progress-status");
  const running = new Set();  // stop() of every wait shown now

  const newId = () => "pg-" + Array.from(crypto.getRandomValues(new Uint8Array(12)),
    (b) => b.toString(16).padStart(2, "0")).join("");

  /** Phase words from the server's answer, or the page's own label. */
  function words(label, p) {
    if (p && p.phase && p.ahead !== null && p.ahead !== undefined) {
      return p.ahead ? `${p.phase}: ${p.ahead} ahead` : `${p.phase}: next`;
    }
    return (p && p.phase) || label;
  }

  /** Show the line for one wait; returns stop(). */
  function begin(label, id) {
    const node = box();
    if (!node) return () => {};
    const phase = node.querySelector(".progress-phase"), secs = node.querySelector(".progress-seconds");
    const t0 = performance.now();
    let shown = false, stopped = false, said = "", polling = null;
    const say = (text) => { if (text !== said) { said = text; phase.textContent = text + "…"; } };
    const tick = setInterval(() => {
      const ms = performance.now() - t0;
      if (ms < AFTER || stopped) return;
      if (!shown) {
        shown = true;
        node.classList.remove("idle");
        say(label);
        if (id) poll();
      }
      secs.textContent = ` ${(ms / 1000).toFixed(1)} s`;
    }, TICK);

    async function poll() {
      if (stopped) return;
      try {
        const p = await TG.api(`/api/v1/progress/${encodeURIComponent(id)}`);
        if (!stopped) say(words(label, p));
      } catch (e) { /* not started yet, or gone: keep the page's own words */ }
      if (!stopped) polling = setTimeout(poll, POLL);
    }

    function stop() {
      stopped = true;
      running.delete(stop);
      clearInterval(tick);
      clearTimeout(polling);
      node.classList.add("idle");
      phase.textContent = "";
      secs.textContent = "";
    }
    running.add(stop);
    return stop;
  }

  /** Run `run(headers)` (a promise, e.g. TG.api with those headers) with the status line. */
  async function track(label, run) {
    const id = newId();
    const stop = begin(label, id);
    try { return await run({ "X-Progress-Id": id }); }
    finally { stop(); }
  }

  // Page navigations: the id goes in the URL; the next page (or an error page) ends the line.
  document.addEventListener("submit", (e) => {
    const form = e.target.closest("form[data-progress]");
    if (!form || e.defaultPrevented) return;
    const id = newId();
    let field = form.querySelector("input[name=progress]");
    if (!field) { field = document.createElement("input"); field.type = "hidden"; field.name = "progress"; form.append(field); }
    field.value = id;
    begin(form.dataset.progress, id);
  });
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-progress]");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const id = newId();
    const url = new URL(a.href, location.href);
    url.searchParams.set("progress", id);
    a.href = url.toString();
    begin(a.dataset.progress, id);
  });
  // Back to a page from the browser's cache: the wait it showed when it was left is over.
  window.addEventListener("pageshow", (e) => { if (e.persisted) [...running].forEach((stop) => stop()); });
  // The id served its purpose once the page is here: keep it out of the address bar and history.
  if (new URLSearchParams(location.search).has("progress")) {
    const url = new URL(location.href);
    url.searchParams.delete("progress");
    history.replaceState(history.state, "", url.toString());
  }

  return { track };
})();
