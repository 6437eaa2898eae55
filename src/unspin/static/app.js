// unspin page: plain JS over the JSON API (/api/check, /api/restore, /api/compare, /api/trace).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const input = $("input"), checkBtn = $("check"), errorBox = $("error"), result = $("result");
  const doc = $("doc"), tip = $("tip"), fileInput = $("file"), drop = $("drop");
  const showSpun = $("show-spun"), showRestored = $("show-restored");
  const copyBtn = $("copy"), copied = $("copied");

  const state = { text: "", report: null, restoration: null, view: "spun", health: null, close: [] };
  // below the threshold, down to this, the summary names the closest calls when nothing reaches it
  const CLOSE_CALL = 0.2;
  // a text shorter than this (words) that shows nothing gets a hint to restore it as spun
  const SHORT_TEXT = 50;

  // ---------------------------------------------------------------- API

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new Error("Cannot reach the unspin server. Is it still running?");
    }
    let data = null;
    try { data = await response.json(); } catch (err) { /* not JSON: fall through */ }
    if (!response.ok) {
      const message = data && typeof data.error === "string" ? data.error : `The server answered ${response.status}.`;
      throw new Error(message);
    }
    return data;
  }

  async function health() {
    try {
      const response = await fetch("/api/health");
      state.health = await response.json();
    } catch (err) {
      state.health = null;
    }
  }

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const pct = (x) => `${Math.round(x * 100)}%`;
  const level = (c) => (c >= 0.8 ? "c3" : c >= 0.55 ? "c2" : "c1");
  const levelName = { c3: "high", c2: "medium", c1: "low" };

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function setBusy(busy) {
    checkBtn.disabled = busy;
    checkBtn.setAttribute("aria-busy", String(busy));
    checkBtn.querySelector(".btn-label").textContent = busy ? "Checking…" : "Check";
    const spinner = checkBtn.querySelector(".spinner");
    if (busy && !spinner) checkBtn.prepend(el("span", { class: "spinner", "aria-hidden": "true" }));
    if (!busy && spinner) spinner.remove();
  }

  function updateCount() {
    const words = (input.value.match(/\S+/g) || []).length;
    $("count").textContent = words ? `${words.toLocaleString()} words` : "";
  }

  // ---------------------------------------------------------------- rendering

  // the input text with each span replaced by the node makeNode(span, index) builds
  function spliced(spans, makeNode) {
    const frag = document.createDocumentFragment();
    const text = state.text;
    let pos = 0;
    spans.forEach((s, i) => {
      if (s.start < pos) return; // overlapping spans: keep the first
      frag.append(text.slice(pos, s.start));
      frag.append(makeNode(s, i));
      pos = s.end;
    });
    frag.append(text.slice(pos));
    return frag;
  }

  function spunView() {
    return spliced(state.report.spans, (s, i) => {
      const cls = s.source === "fingerprint" ? "fp" : level(s.confidence);
      const what = s.source === "fingerprint" ? "known tortured phrase" : `${levelName[cls]} confidence`;
      const mark = el("mark", {
        class: `sp ${cls}`, tabindex: "0", role: "button", "aria-expanded": "false",
        "data-i": String(i),
        "aria-label": s.suggestion === s.text
          ? `${s.text}: known tortured phrase, original unknown`
          : `${s.text}: spun phrase, likely original “${s.suggestion}”, ${what} ${pct(s.confidence)}`,
      }, state.text.slice(s.start, s.end));
      mark.dataset.suggestion = s.suggestion;
      mark.dataset.tip = "spun";
      return mark;
    });
  }

  function restoredView() {
    return spliced(state.restoration.edits, (s, i) => {
      const ins = el("ins", {
        class: "ed", tabindex: "0", role: "button", "aria-expanded": "false", "data-i": String(i),
        "aria-label": `${s.suggestion}: restored wording, the spun text said “${s.text}”`,
      }, s.suggestion);
      ins.dataset.tip = "restored";
      return ins;
    });
  }

  function render() {
    hideTip();
    const restored = state.view === "restored";
    showSpun.setAttribute("aria-pressed", String(!restored));
    showRestored.setAttribute("aria-pressed", String(restored));
    $("legend").hidden = restored;
    $("legend-restored").hidden = !restored;
    const frag = restored ? restoredView() : spunView();
    // leading blank lines would show as an empty gap (pre-wrap); offsets are unaffected
    if (frag.firstChild && frag.firstChild.nodeType === Node.TEXT_NODE) {
      frag.firstChild.textContent = frag.firstChild.textContent.replace(/^\s*\n/, "");
    }
    doc.replaceChildren(frag);
    doc.dataset.view = state.view;
  }

  function renderSummary() {
    const r = state.report;
    const verdict = $("verdict");
    verdict.textContent = r.verdict;
    verdict.className = `verdict ${r.verdict}`;
    const n = r.spans.length;
    const close = n ? "" : state.close.map((s) => `${s.text} → ${s.suggestion} (${pct(s.confidence)})`).join(", ");
    // a short text that shows nothing: the reader may know more than its few words tell (the CLI says it too)
    const short = !n && r.words < SHORT_TEXT && r.verdict !== "spun" && !$("assume-spun").checked;
    $("stats").textContent =
      `Spun probability ${pct(r.spun_probability)} · ${r.words.toLocaleString()} words · ` +
      `${n} suspicious phrase${n === 1 ? "" : "s"}` +
      (close ? ` · none reaches the threshold; closest calls: ${close}` : "") +
      (short ? ` · ${r.words} words hold little evidence either way; if you suspect the text, tick ` +
               `"I already suspect it was spun"` : "");
    $("meter-fill").style.left = pct(Math.min(1, Math.max(0, r.spun_probability)));
  }

  // the distinct substitutions, most frequent first (the CLI report's table too)
  function renderSubs() {
    const groups = new Map();
    for (const s of state.report.spans) {
      const key = `${s.text.toLowerCase()}\u0000${s.suggestion.toLowerCase()}`;
      const g = groups.get(key) || { spun: s.text.toLowerCase(), original: s.suggestion.toLowerCase(),
                                     source: s.source, confs: [] };
      g.confs.push(s.confidence);
      groups.set(key, g);
    }
    const mean = (g) => g.confs.reduce((a, b) => a + b, 0) / g.confs.length;
    const rows = [...groups.values()].sort((a, b) => b.confs.length - a.confs.length || mean(b) - mean(a));
    const top = 15;
    const body = $("subs-table").tBodies[0];
    body.replaceChildren(...rows.slice(0, top).map((g) => {
      const tr = el("tr");
      tr.append(el("td", {}, g.spun), el("td", { class: g.source === "model" ? "orig" : "orig fp" }, g.original),
                el("td", { class: "num" }, String(g.confs.length)), el("td", { class: "num" }, pct(mean(g))));
      return tr;
    }));
    const more = $("subs-more");
    more.hidden = rows.length <= top;
    more.textContent = rows.length > top ? `${rows.length - top} more distinct substitutions.` : "";
    $("subs").hidden = rows.length === 0;
  }

  function renderSources(matches) {
    const list = $("source-list");
    list.replaceChildren();
    for (const m of matches) {
      const item = el("li", { class: "source" });
      const head = el("div", { class: "source-head" });
      head.append(el("span", { class: "source-id" }, m.id));
      const score = el("span", { class: "score" }, `score ${m.score.toFixed(2)}`);
      const bar = el("span", { class: "score-bar", "aria-hidden": "true" });
      const fill = el("span");
      fill.style.width = pct(Math.min(1, Math.max(0, m.score)));
      bar.append(fill);
      score.prepend(bar);
      head.append(score);
      item.append(head);
      for (const p of m.passages.slice(0, 3)) {
        const row = el("div", { class: "passage" });
        const mine = el("div");
        mine.append(el("span", { class: "who" }, "Your text"), state.text.slice(p.query_start, p.query_end));
        const theirs = el("div");
        theirs.append(el("span", { class: "who" }, `Source · characters ${p.source_start}–${p.source_end}`),
          p.source_text || "The index keeps no source text; open the source at these characters.");
        row.append(mine, theirs);
        item.append(row);
        if (p.source_text) {  // what the spinner changed in this passage, and how much unspin restores
          const btn = el("button", { class: "btn ghost small compare-passage", type: "button" },
                         "Compare this passage with the source");
          btn.addEventListener("click", () => comparePassage(p.query_start, p.query_end, p.source_text, btn));
          item.append(btn);
        }
      }
      list.append(item);
    }
    $("sources").hidden = matches.length === 0;
  }

  // what the spinner changed, measured against the original the user gave (unspin compare)
  const VERDICT_WORDS = {
    restored: "restored", partly: "partly restored", wrong: "wrong original", missed: "missed",
    harm: "changed, though not spun",
  };

  // the whole text restored, judged on this passage (as `unspin trace --compare` judges them)
  async function comparePassage(start, end, original, btn) {
    clearError();
    btn.disabled = true;
    try {
      const body = { spun: state.text, original, start, end, fingerprints: true };
      renderCompared(await post("/api/compare", body), "the source passage");
      $("compared").scrollIntoView({ block: "nearest" });
    } catch (err) {
      showError(err.message);
    } finally {
      btn.disabled = false;
    }
  }

  function renderCompared(c, against) {
    const box = $("compared");
    if (!c) { box.hidden = true; return; }
    $("compared-title").textContent = `Compared with ${against || "the original"}`;
    const s = c.substitutions, e = c.edits;
    $("compared-stats").textContent =
      `Word error rate ${c.wer_before.toFixed(3)} → ${c.wer_after.toFixed(3)}: ` +
      `${pct(c.errors_removed)} of the spinner's changes undone. ` +
      `${s.total} substitution${s.total === 1 ? "" : "s"} by the spinner: ${s.restored} restored, ` +
      `${s.partly} partly, ${s.wrong} wrong, ${s.missed} missed. ` +
      `unspin's ${e.total} edit${e.total === 1 ? "" : "s"}: ${e.right} right, ${e.wrong} wrong ` +
      `(${e.wrong_alternative_right} with the original among its alternatives), ` +
      `${e.harm} changed words the spinner had left alone.`;
    const rows = [
      ...c.substitution_list.map((x) => ({ at: x.start, spun: x.text || "(dropped)", original: x.original || "(added)",
                                            wrote: x.suggestion === null ? "—" : x.suggestion, verdict: x.verdict })),
      ...c.edit_list.filter((x) => x.verdict === "harm").map((x) => ({ at: x.start, spun: x.text, original: x.text,
                                                                     wrote: x.suggestion, verdict: "harm" })),
    ].sort((a, b) => a.at - b.at);
    const top = 60;
    $("compared-table").tBodies[0].replaceChildren(...rows.slice(0, top).map((r) => {
      const tr = el("tr");
      tr.append(el("td", {}, r.spun), el("td", { class: "orig" }, r.original), el("td", {}, r.wrote),
                el("td", { class: `v-${r.verdict}` }, VERDICT_WORDS[r.verdict]));
      return tr;
    }));
    const more = $("compared-more");
    more.hidden = rows.length <= top;
    more.textContent = rows.length > top ? `${rows.length - top} more rows (the JSON API gives them all).` : "";
    box.hidden = false;
  }

  // ---------------------------------------------------------------- tooltip (hover, focus and tap)

  // the span's evidence in words, as the server words it for `unspin check --explain` too
  function reason(s) {
    return s.reason || "";
  }

  let tipOwner = null;

  function showTip(target) {
    if (tipOwner && tipOwner !== target) tipOwner.setAttribute("aria-expanded", "false");
    tipOwner = target;
    const i = Number(target.dataset.i);
    tip.replaceChildren();
    if (target.dataset.tip === "spun") {
      const s = state.report.spans[i];
      if (s.suggestion === s.text) tip.append("Known tortured phrase; the list gives no usable original");
      else tip.append("Likely original: ", el("strong", {}, s.suggestion));
      if (s.alternatives && s.alternatives.length) {
        tip.append(el("span", { class: "tip-meta tip-alt" }, `or perhaps: ${s.alternatives.join(", ")}`));
      }
      const meta = s.source === "fingerprint"
        ? "known tortured phrase"
        : `confidence ${pct(s.confidence)}${s.supported ? " · same swap seen elsewhere" : ""}`;
      tip.append(el("span", { class: "tip-meta" }, meta));
      const why = reason(s);
      if (why) tip.append(el("span", { class: "tip-meta tip-why" }, why));
    } else {
      const s = state.restoration.edits[i];
      tip.append("Spun text said: ", el("strong", {}, s.text));
      tip.append(el("span", { class: "tip-meta" }, `confidence ${pct(s.confidence)}`));
    }
    target.setAttribute("aria-expanded", "true");
    target.classList.add("open");
    tip.hidden = false;
    const box = target.getBoundingClientRect();
    const t = tip.getBoundingClientRect();
    let left = box.left + box.width / 2 - t.width / 2;
    left = Math.max(8, Math.min(left, window.innerWidth - t.width - 8));
    let top = box.top - t.height - 8;
    if (top < 8) top = box.bottom + 8;
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }

  function hideTip() {
    if (tipOwner) {
      tipOwner.setAttribute("aria-expanded", "false");
      tipOwner.classList.remove("open");
    }
    tipOwner = null;
    tip.hidden = true;
  }

  const tipTarget = (e) => e.target.closest && e.target.closest("[data-tip]");
  // hover is for mice only: a touch opens and closes a phrase by tapping it
  doc.addEventListener("pointerover", (e) => {
    const t = tipTarget(e);
    if (t && e.pointerType === "mouse") showTip(t);
  });
  doc.addEventListener("pointerout", (e) => {
    const t = tipTarget(e);
    if (t && e.pointerType === "mouse" && t !== document.activeElement) hideTip();
  });
  doc.addEventListener("focusin", (e) => { const t = tipTarget(e); if (t) showTip(t); });
  doc.addEventListener("focusout", () => hideTip());
  // a tap on an open phrase closes it; focus and emulated hover open it before the click lands
  let openBeforeTap = false;
  doc.addEventListener("pointerdown", (e) => {
    const t = tipTarget(e);
    openBeforeTap = Boolean(t) && e.pointerType !== "mouse" && tipOwner === t && !tip.hidden;
  });
  doc.addEventListener("click", (e) => {
    const t = tipTarget(e);
    if (!t) return hideTip();
    if (openBeforeTap) hideTip(); else showTip(t);
    openBeforeTap = false;
  });
  doc.addEventListener("keydown", (e) => {
    const t = tipTarget(e);
    if (!t) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (tipOwner === t && !tip.hidden) hideTip(); else showTip(t);
    }
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hideTip(); });
  doc.addEventListener("scroll", hideTip, { passive: true });
  window.addEventListener("resize", hideTip);

  // ---------------------------------------------------------------- actions

  async function runCheck() {
    clearError();
    hideTip();
    const text = input.value;
    const body = { text, fingerprints: true, explain: true };  // the server's default confidence threshold
    setBusy(true);
    await ready;
    try {
      const traced = state.health && state.health.index_loaded && text.trim()
        ? post("/api/trace", { text, top: 5 }).catch(() => ({ matches: [] }))
        : Promise.resolve({ matches: [] });
      const original = $("original").value;
      // a passage the user already suspects: restored (and compared) at a spinner's rate; the
      // verdict stays the calibrated check's
      const assumeSpun = $("assume-spun").checked;
      const compared = original.trim()
        ? post("/api/compare", { spun: text, original, fingerprints: true, assume_spun: assumeSpun })
        : Promise.resolve(null);
      const threshold = state.health ? state.health.min_confidence : 0.5;
      const [wide, restoration, trace, comparison] = await Promise.all([
        post("/api/check", { ...body, min_confidence: Math.min(threshold, CLOSE_CALL) }),
        post("/api/restore", { ...body, assume_spun: assumeSpun }), traced, compared,
      ]);
      // ticked, the highlighted phrases are the edits the bolder restoration makes
      const report = { ...wide, spans: assumeSpun ? restoration.edits : wide.spans.filter((s) => s.confidence >= threshold) };
      state.close = wide.spans
        .filter((s) => s.confidence < threshold && s.suggestion.toLowerCase() !== s.text.toLowerCase())
        .sort((a, b) => b.confidence - a.confidence).slice(0, 5);
      state.text = text;
      state.report = report;
      state.restoration = restoration;
      renderSummary();
      render();
      renderSubs();
      renderSources(trace.matches);
      renderCompared(comparison);
      result.hidden = false;
      copied.textContent = "";
    } catch (err) {
      showError(err.message);
    } finally {
      setBusy(false);
    }
  }

  async function copyRestored() {
    if (!state.restoration) return;
    const text = state.restoration.text;
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
      area.value = text;
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      if (!ok) { copied.textContent = "Copy failed: select the text and copy it by hand."; return; }
    }
    copied.textContent = "Copied ✓";
    setTimeout(() => { copied.textContent = ""; }, 2500);
  }

  async function loadFile(file) {
    clearError();
    if (!file) return;
    const pdf = /\.pdf$/i.test(file.name) || file.type === "application/pdf";
    if (!pdf && !/\.txt$/i.test(file.name) && file.type !== "text/plain") {
      showError(`“${file.name}” is not a .txt or .pdf file. Drop or open a plain-text or PDF file.`);
      return;
    }
    const limit = state.health ? state.health.max_bytes : Infinity;
    // a PDF travels base64-encoded inside JSON, a third larger than the file
    if ((pdf ? Math.ceil(file.size / 3) * 4 + 200 : file.size) > limit) {
      showError(`“${file.name}” is ${file.size.toLocaleString()} bytes; this server takes at most ${limit.toLocaleString()}` +
                (pdf ? " (a PDF, base64-encoded)." : "."));
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (pdf) {  // the server reads the text of the pages (POST /api/text)
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      let data;
      try {
        data = await post("/api/text", { name: file.name, data: btoa(binary) });
      } catch (err) {
        showError(err.message);
        return;
      }
      input.value = data.text;
    } else {
      try {
        input.value = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch (err) {
        showError(`“${file.name}” is not valid UTF-8 text. Convert it first, e.g.: iconv -t UTF-8 FILE`);
        return;
      }
    }
    updateCount();
    input.focus();
  }

  checkBtn.addEventListener("click", runCheck);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runCheck(); }
  });
  input.addEventListener("input", updateCount);
  $("clear").addEventListener("click", () => {
    input.value = "";
    updateCount();
    clearError();
    result.hidden = true;
    $("sources").hidden = true;
    $("compared").hidden = true;
    input.focus();
  });
  showSpun.addEventListener("click", () => { state.view = "spun"; render(); });
  showRestored.addEventListener("click", () => { state.view = "restored"; render(); });
  copyBtn.addEventListener("click", copyRestored);
  fileInput.addEventListener("change", () => { loadFile(fileInput.files[0]); fileInput.value = ""; });

  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("dragging"); });
  }
  for (const type of ["dragleave", "dragend"]) {
    drop.addEventListener(type, (e) => { if (!drop.contains(e.relatedTarget)) drop.classList.remove("dragging"); });
  }
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    loadFile(e.dataTransfer.files[0]);
  });

  const ready = health();
  window.unspinReady = ready;
})();
