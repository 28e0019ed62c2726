/* spendcalc explorer: controls, live views, permalinks, downloads, projector and lesson.
 *
 * Every number comes from window.spendcalc.project (engine.js) on the embedded data; this
 * file only turns controls into a scenario and results into SVG, tables and sentences.
 * Shares in percent of GDP, money in USD bn at current prices, or in another currency (bn,
 * current prices) at the exchange rates Python embeds (D.currency: units per USD a year).
 */
(function () {
  "use strict";
  const sc = window.spendcalc;
  const D = JSON.parse(document.getElementById("spendcalc-data").textContent);
  sc.data = D;
  const $ = id => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const RANGES = ["core", "related", "year", "esp-core", "baseline", "offset", "flat", "relbase"];
  const KEYS = { preset: "p", target: "t", core: "core", related: "rel", year: "y", shape: "shape",
    esp: "esp", espCore: "espc", baseline: "bl", growth: "g", offset: "off", flat: "flat",
    relbase: "rb", cuts: "cuts", base: "base", focus: "focus", currency: "cur", projector: "pm" };
  const NUMERIC = new Set(["core", "related", "year", "espCore", "baseline", "offset", "flat",
    "relbase", "base"]);
  const BOOLEAN = new Set(["target", "esp", "cuts", "projector"]);
  let state = null, current = null, pinned = null, sortKey = null, sortDir = -1, hashTimer = 0;
  const CUR = D.currency, PUB = (D.published || {}).estimates || {};
  const CURRENCY_NAMES = { ALL: "Albanian lek", CAD: "Canadian dollar", CZK: "Czech koruna",
    DKK: "Danish krone", EUR: "euro", GBP: "pound sterling", HUF: "Hungarian forint",
    MKD: "Macedonian denar", NOK: "Norwegian krone", PLN: "Polish złoty", RON: "Romanian leu",
    SEK: "Swedish krona", TRY: "Turkish lira", USD: "US dollar" };
  const FIRST_CURRENCIES = ["EUR", "GBP", "CAD"];

  // ------------------------------------------------------------------ formatting
  const FORMATS = new Map();  // one Intl.NumberFormat per precision: making one is slow
  const fmt = (v, d) => {
    if (!Number.isFinite(v)) return "—";
    if (!FORMATS.has(d)) FORMATS.set(d, new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
    return FORMATS.get(d).format(v);
  };
  const money = v => fmt(v, 1);
  const signed = v => Number.isFinite(v) ? (v >= 0 ? "+" : "−") + fmt(Math.abs(v), 1) : "—";
  const pct = v => fmt(v, 2);
  const copy = x => JSON.parse(JSON.stringify(x));
  /* JSON with sorted keys: equal scenarios give equal text whatever the key order. */
  const canonical = x => JSON.stringify(x, (k, v) => v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(key => [key, v[key]])) : v);

  // ------------------------------------------------------------------ state <-> scenario
  function stateFrom(name, focus) {
    const s = D.presets[name], esp = (s.exemptions || {}).ESP;
    const shape = s.path.shape;
    return {
      preset: name, target: !!s.target, core: s.target ? s.target.core_pct : 3.5,
      related: s.target ? s.target.related_pct : 1.5, year: s.target ? s.target.year : 2035,
      shape, esp: !!esp, espCore: esp ? esp.core_pct : 2.1, baseline: s.baseline_pct,
      growth: s.growth.source, offset: s.growth.real_offset,
      flat: s.growth.flat_pct === null ? 4 : s.growth.flat_pct, relbase: s.related.base_pct,
      cuts: s.allow_cuts, base: s.base_year, focus: focus || "nato",
      currency: state ? state.currency : "USD", projector: state ? state.projector : false,
    };
  }

  /* The resolved scenario for a state: the preset with the controls' values applied. */
  function scenarioOf(st) {
    const p = D.presets[st.preset], s = copy(p);
    s.base_year = st.base;
    s.target = st.target ? { core_pct: st.core, related_pct: st.related, year: st.year } : null;
    if (st.shape !== p.path.shape) {
      s.path.shape = st.shape;
      if (st.shape !== "points") s.path.points = null;
      if (st.shape !== "step") s.path.step_year = null;
    }
    s.exemptions = s.exemptions || {};
    if (st.esp) {
      const was = p.exemptions && p.exemptions.ESP;
      s.exemptions.ESP = Object.assign({ related_pct: 0, year: null,
        reason: "explorer: Spain's own target", source: null }, was || {}, { core_pct: st.espCore });
    } else {
      delete s.exemptions.ESP;
    }
    s.baseline_pct = st.baseline;
    s.growth.source = st.growth;
    s.growth.real_offset = st.offset;
    s.growth.flat_pct = st.growth === "flat" ? st.flat : null;
    s.related.base_pct = st.relbase;
    s.allow_cuts = st.cuts;
    const changed = canonical(s) !== canonical(p);
    if (changed) {
      s.name = `${p.name}-explorer`;
      s.description = `Made in the spendcalc explorer from ${p.name}`;
    }
    return s;
  }

  /* The scenario model's own consistency rules (spendcalc/core/models.py). */
  function problems(s) {
    const out = [], b = s.base_year, h = s.horizon;
    const within = y => b < y && y <= h;
    if (s.target && s.target.year <= b) out.push(`target year ${s.target.year} must be after the base year ${b}`);
    for (const ms of s.milestones || []) {
      if (!within(ms.year)) out.push(`milestone ${ms.member} ${ms.year} must fall after the base year ${b} and by ${h}`);
    }
    for (const y of Object.keys(s.path.points || {})) {
      if (!within(Number(y))) out.push(`common point ${y} must fall after the base year ${b}`);
    }
    if (s.path.step_year !== null && !within(s.path.step_year)) out.push("the step year must fall after the base year");
    if (s.growth.shock && !within(s.growth.shock.year)) out.push("the growth shock must fall after the base year");
    for (const [c, ex] of Object.entries(s.exemptions || {})) {
      if (s.target && ex.year !== null && ex.year !== undefined && ex.year <= b) {
        out.push(`${c}'s exemption year must be after the base year ${b}`);
      }
    }
    return out;
  }

  /* What the scenario uses that no control changes: kept, computed exactly, and named. */
  function extras(s) {
    const out = [];
    if ((s.milestones || []).length) out.push(`${s.milestones.length} national milestones`);
    if (s.path.points) out.push("common points on the path");
    if (!["linear", "front-loaded", "back-loaded", "step"].includes(s.path.shape)) out.push(`the path shape "${s.path.shape}"`);
    if (s.path.curvature !== 2 && ["front-loaded", "back-loaded"].includes(s.path.shape)) out.push(`curvature ${s.path.curvature}`);
    if (s.path.step_year !== null) out.push(`step year ${s.path.step_year}`);
    if (s.path.delivered_pct !== 100) out.push(`${s.path.delivered_pct}% of each increase delivered`);
    if (Object.keys(s.growth.overrides || {}).length) out.push("growth overrides for " + Object.keys(s.growth.overrides).join(", "));
    if (s.growth.shock) out.push(`a growth shock in ${s.growth.shock.year}`);
    const other = Object.keys(s.exemptions || {}).filter(c => c !== "ESP");
    if (other.length) out.push("exemptions for " + other.join(", "));
    const esp = (s.exemptions || {}).ESP;
    if (esp && (esp.related_pct !== 0 || (esp.year !== null && esp.year !== undefined))) out.push("Spain's own related share or year");
    if (s.members !== "all" || (s.exclude || []).length) out.push("a selection of members");
    if (s.horizon !== 2035) out.push(`horizon ${s.horizon}`);
    return out;
  }

  // ------------------------------------------------------------------ currency
  /* Money columns as Result.in_currency converts them (spendcalc/core/currency.py): flows are
   * the dollar figure times the year's rate; cum_ columns are running sums of the converted
   * flows after the first year, each year at its own rate. */
  const FLOWS = ["gdp", "core", "related", "total", "baseline", "extra_over_baseline",
    "increase_over_base_share"];
  const CUMS = ["extra_over_baseline", "increase_over_base_share"];

  /* The choices the page offers: USD, each ally's own (local), then every currency the data knows. */
  function currencies() {
    if (!CUR.available) return ["USD"];
    const codes = Object.keys(CUR.common).sort((a, b) =>
      (FIRST_CURRENCIES.indexOf(a) + 1 || 99) - (FIRST_CURRENCIES.indexOf(b) + 1 || 99) || a.localeCompare(b));
    return ["USD", "local", ...codes];
  }

  function fillCurrencies() {
    const sel = $("currency");
    option(sel, "USD", "US dollars (USD)");
    if (!CUR.available) { sel.disabled = true; return; }
    option(sel, "local", "the ally's own currency (local)");
    const one = document.createElement("optgroup"); one.label = "One currency for every ally";
    for (const code of currencies().slice(2)) option(one, code, `${CURRENCY_NAMES[code] || code} (${code})`);
    sel.appendChild(one);
  }

  /* The rates a scenario is shown at: NATO's then inflation-moved, or, for a scenario that
   * fixes rates ([currency]), the set Python computed for it; null: none embedded. */
  function rateTable(s) {
    if (!CUR.available) return null;
    if (!s.currency) return CUR;
    const key = canonical(s.currency);
    return (CUR.fixed || []).find(f => canonical(f.currency) === key) || null;
  }

  /* How money is shown for one ally (iso3) or a group (null) of scenario s: the currency
   * code and its rate by year (null: US dollars, unconverted). "local" is one ally's own
   * currency; a group, which may mix currencies, stays in dollars. */
  function unitFor(iso3, s) {
    const choice = state.currency, table = rateTable(s);
    if (choice === "USD" || !table || (choice === "local" && !iso3)) return { code: "USD", rate: null };
    const code = choice === "local" ? (CUR.member_currency[iso3] || "") : choice;
    const series = choice === "local" ? table.local[iso3] : table.common[choice];
    const y0 = CUR.years[0];
    return { code, rate: y => { const v = series ? series[y - y0] : undefined; return v === undefined ? NaN : sc.num(v); } };
  }

  /* One ally's or group's rows (consecutive years, base year first) with currency, usd_rate
   * and the _lcu_bn twins of the money columns; unchanged in US dollars. */
  function convert(rows, unit) {
    if (!unit.rate || !rows.length) return rows;
    const out = rows.map(r => Object.assign({}, r, { currency: unit.code, usd_rate: unit.rate(r.year) }));
    for (const c of FLOWS) for (const r of out) r[`${c}_lcu_bn`] = r[`${c}_usd_bn`] * r.usd_rate;
    for (const c of CUMS) {
      const first = out[0][`${c}_lcu_bn`];
      let sum = 0;
      for (const r of out) { sum += r[`${c}_lcu_bn`]; r[`cum_${c}_lcu_bn`] = sum - first; }
    }
    return out;
  }

  /* The member table in the chosen currency; local: each ally its own when perMember, else
   * (views comparing allies) US dollars. */
  function convertTable(table, s, perMember) {
    if (state.currency === "local" && !perMember) return table;
    const blocks = new Map();
    for (const r of table) (blocks.get(r.iso3) || blocks.set(r.iso3, []).get(r.iso3)).push(r);
    return [...blocks].flatMap(([code, rows]) => convert(rows, unitFor(code, s)));
  }

  /* An ally's (code) or a group's (key) rows, summed over its members, in its currency. */
  function seriesOf(table, key, s) {
    const group = D.groups.some(g => g.key === key);
    return convert(sc.aggregate(table, codesOf(key)), unitFor(group ? null : key, s));
  }

  // Converted rows carry usd_rate; an ally without a currency of its own (Iceland) shows "—".
  const cc = r => !r || r.usd_rate === undefined ? "USD" : (r.currency || "—");
  const val = (r, name) => r[`${name}_${r.usd_rate === undefined ? "usd" : "lcu"}_bn`];
  const amount = (r, name) => `${cc(r)} ${money(val(r, name))} bn`;

  function showCurrencyNote(s) {
    const note = $("currency-note");
    if (!CUR.available) { note.textContent = CUR.note; return; }
    if (state.currency === "USD") { note.textContent = ""; return; }
    if (!rateTable(s)) { note.textContent = "This scenario fixes exchange rates the page has not embedded: money in US dollars."; return; }
    const ally = !D.groups.some(g => g.key === state.focus);
    const unit = unitFor(ally ? state.focus : null, s), y = s.horizon;
    const how = `NATO's rates to ${CUR.nato_until}, then moved by the inflation gap against the US` +
      (s.currency ? "; this scenario fixes some rates" : "") + ".";
    if (state.currency === "local" && !ally) {
      note.textContent = "Each ally's own currency applies where one ally is shown: choose one above. " +
        "Groups, the headline and the table stay in US dollars.";
    } else if (state.currency === "local") {
      note.textContent = `${labelOf(state.focus)} in ${unit.code}: ${fmt(unit.rate(y), 4)} per US dollar in ${y}; ${how} ` +
        "The headline and the table stay in US dollars.";
    } else {
      note.textContent = `1 US dollar = ${fmt(unit.rate(y), 4)} ${unit.code} in ${y}; ${how}`;
    }
  }

  // ------------------------------------------------------------------ published estimates
  /* The source of a published estimate the settings started from; changed: the controls
   * have moved away from its assumptions since. */
  function showSource(name, changed) {
    const box = $("preset-source"), p = PUB[name];
    box.textContent = ""; box.hidden = !p;
    if (!p) return;
    const line = (text, cls) => { const e = document.createElement("p"); e.textContent = text; if (cls) e.className = cls; box.appendChild(e); };
    if (changed) line("You have changed its settings: the numbers are no longer this estimate's assumptions.", "changed");
    line(`${p.author}, “${p.title}”, ${p.date}.`);
    line(`Published: ${p.value_text}.`);
    line(p.url, "url");
    line(p.same_edition
      ? `Encoded on the ${p.edition} data, as on this page.`
      : `Encoded on the ${p.edition} data; this page computes it on ${D.edition} data, so its numbers differ from the reproduction (spendcalc explore --edition ${p.edition} matches it).`);
    line(`This is the estimate's assumptions as a scenario; how its published figure compares: spendcalc literature --id ${p.id}.`);
  }

  // ------------------------------------------------------------------ controls
  function option(parent, value, text) {
    const o = document.createElement("option");
    o.value = value; o.textContent = text; parent.appendChild(o);
  }

  function fillMenus() {
    const ready = document.createElement("optgroup"); ready.label = "Ready scenarios";
    const published = document.createElement("optgroup"); published.label = "Published estimates";
    for (const [name, s] of Object.entries(D.presets)) {
      if (PUB[name]) option(published, name, PUB[name].short);
      else option(ready, name, `${name}: ${s.description}`);
    }
    $("preset").append(ready);
    if (published.children.length) $("preset").append(published);
    const skipped = (D.published || {}).skipped || [];
    $("published-skipped").textContent = skipped.length
      ? `Published estimates not offered here (they do not run on this data): ${skipped.join("; ")}.` : "";
    fillCurrencies();
    for (const y of D.base_years) option($("base"), String(y), String(y));
    const groups = document.createElement("optgroup"); groups.label = "Groups";
    for (const g of D.groups) option(groups, g.key, g.label);
    const allies = document.createElement("optgroup"); allies.label = "Allies";
    for (const m of D.members) if (m.armed_forces) option(allies, m.iso3, m.name);
    $("focus").append(groups, allies);
    $("unsupported").textContent = Object.values(D.unsupported).join("; ");
  }

  function writeControls(st) {
    $("preset").value = st.preset;
    $("preset-description").textContent = D.presets[st.preset].description;
    $("target-on").checked = st.target;
    $("core").value = st.core; $("related").value = st.related;
    $("year").min = String(st.base + 1); $("year").value = st.year;
    const shape = $("shape"), own = D.presets[st.preset].path.shape;
    for (const o of [...shape.options]) if (o.dataset.extra) o.remove();
    if (![...shape.options].some(o => o.value === own)) {
      option(shape, own, `${own} (as in the scenario)`);
      shape.options[shape.options.length - 1].dataset.extra = "1";
    }
    shape.value = st.shape;
    $("esp-on").checked = st.esp; $("esp-core").value = st.espCore;
    $("baseline").value = st.baseline; $("growth").value = st.growth;
    $("offset").value = st.offset; $("flat").value = st.flat; $("relbase").value = st.relbase;
    $("cuts").checked = st.cuts; $("base").value = String(st.base); $("focus").value = st.focus;
    $("currency").value = st.currency;
    document.body.classList.toggle("projector", st.projector);
    $("projector").setAttribute("aria-pressed", String(st.projector));
    for (const id of ["core", "related", "year"]) $(id).disabled = !st.target;
    $("shape").disabled = !st.target;
    $("esp-core").disabled = !st.esp;
    $("offset").disabled = st.growth !== "imf-weo";
    $("flat").disabled = st.growth !== "flat";
    showOutputs();
  }

  function showOutputs() {
    for (const id of RANGES) {
      const input = $(id), unit = id === "year" ? "" : (id === "offset" ? " pt" : "%");
      $(`${id}-out`).textContent = input.value + unit;
      input.setAttribute("aria-valuetext", input.value + (id === "year" ? "" : (id === "offset" ? " percentage points" : " percent")));
    }
  }

  function readControls() {
    return {
      preset: $("preset").value, target: $("target-on").checked, core: Number($("core").value),
      related: Number($("related").value), year: Number($("year").value), shape: $("shape").value,
      esp: $("esp-on").checked, espCore: Number($("esp-core").value),
      baseline: Number($("baseline").value), growth: $("growth").value,
      offset: Number($("offset").value), flat: Number($("flat").value),
      relbase: Number($("relbase").value), cuts: $("cuts").checked, base: Number($("base").value),
      focus: $("focus").value, currency: $("currency").value, projector: state.projector,
    };
  }

  // ------------------------------------------------------------------ permalinks
  function toHash(st) {
    const q = new URLSearchParams();
    for (const [k, short] of Object.entries(KEYS)) {
      q.set(short, BOOLEAN.has(k) ? (st[k] ? "1" : "0") : String(st[k]));
    }
    return "#" + q.toString();
  }

  function fromHash(hash) {
    const q = new URLSearchParams(hash.replace(/^#/, ""));
    const name = q.get("p");
    if (!name || !D.presets[name]) return null;
    const st = stateFrom(name, q.get("focus") || "nato");
    for (const [k, short] of Object.entries(KEYS)) {
      if (!q.has(short) || k === "preset") continue;
      const v = q.get(short);
      st[k] = BOOLEAN.has(k) ? v === "1" : (NUMERIC.has(k) ? Number(v) : v);
      if (NUMERIC.has(k) && !Number.isFinite(st[k])) return null;
    }
    if (!currencies().includes(st.currency)) st.currency = "USD";
    return st;
  }

  function link() {
    return location.href.replace(/#.*$/, "") + toHash(state);
  }

  // ------------------------------------------------------------------ drawing helpers
  function el(tag, attrs, parent, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v))), r = v / p;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * p;
  }

  function codesOf(key) {
    const g = D.groups.find(x => x.key === key);
    return g ? g.members : [key];
  }

  function labelOf(key) {
    const g = D.groups.find(x => x.key === key);
    if (g) return g.label;
    const m = D.members.find(x => x.iso3 === key);
    return m ? m.name : key;
  }

  // ------------------------------------------------------------------ views
  function drawTrend(s, table) {
    const rows = sc.aggregate(table, codesOf(state.focus));
    const fig = $("trend"); fig.textContent = "";
    const W = 760, H = 300, L = 66, R = 16, T = 16, B = 36;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img",
      "aria-label": `${labelOf(state.focus)}: total defence spending, percent of GDP, ${s.base_year} to ${s.horizon}, against ${s.baseline_pct}%` }, fig);
    if (!rows.length) { el("text", { x: L, y: H / 2 }, svg, "No defence spending in this selection."); return; }
    const pinRows = pinned ? sc.aggregate(pinned.table, codesOf(state.focus)) : [];
    const ymax = niceMax(Math.max(s.baseline_pct, ...rows.map(r => r.total_pct), ...pinRows.map(r => r.total_pct)) * 1.1);
    const x = y => L + (W - L - R) * (y - rows[0].year) / Math.max(1, rows[rows.length - 1].year - rows[0].year);
    const y = v => T + (H - T - B) * (1 - v / ymax);
    for (let k = 0; k <= 5; k++) {
      const v = ymax * k / 5;
      el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }, svg);
      el("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 12 }, svg, fmt(v, 1) + "%");
    }
    for (const r of rows) el("text", { x: x(r.year), y: H - B + 18, "text-anchor": "middle", "font-size": 12 }, svg, String(r.year));
    el("line", { x1: x(s.base_year), x2: x(s.base_year), y1: T, y2: H - B, class: "base-year", id: "trend-base-year" }, svg);
    el("text", { x: x(s.base_year) + 4, y: T + 12, "font-size": 12 }, svg, `base year ${s.base_year}`);
    el("line", { x1: L, x2: W - R, y1: y(s.baseline_pct), y2: y(s.baseline_pct), class: "baseline" }, svg);
    el("text", { x: W - R, y: y(s.baseline_pct) - 6, "text-anchor": "end", "font-size": 12 }, svg, `${s.baseline_pct}% baseline`);
    const pin = pinned ? sc.aggregate(pinned.table, codesOf(state.focus)) : [];
    if (pin.length) {
      el("path", { d: pin.map((r, i) => `${i ? "L" : "M"}${x(r.year).toFixed(1)},${y(r.total_pct).toFixed(1)}`).join(""), class: "pinned", id: "trend-pinned" }, svg);
      const p = pin[pin.length - 1];
      el("text", { x: x(p.year) - 4, y: y(p.total_pct) + 18, "text-anchor": "end", "font-size": 12 }, svg, `pinned: ${pct(p.total_pct)}%`);
    }
    el("path", { d: rows.map((r, i) => `${i ? "L" : "M"}${x(r.year).toFixed(1)},${y(r.total_pct).toFixed(1)}`).join(""), class: "line", id: "trend-line" }, svg);
    const last = seriesOf(table, state.focus, s).find(r => r.year === rows[rows.length - 1].year);
    el("text", { x: x(last.year) - 4, y: y(last.total_pct) - 8, "text-anchor": "end", "font-size": 13, "font-weight": 600, id: "trend-label" }, svg,
      `${labelOf(state.focus)}: ${pct(last.total_pct)}% of GDP, ${amount(last, "total")} in ${last.year}`);
  }

  function drawGap(s, table) {
    const end = table.filter(r => r.year === s.horizon && r.armed_forces);
    const start = new Map(table.filter(r => r.year === s.base_year).map(r => [r.iso3, r]));
    const rows = end.map(r => ({ iso3: r.iso3, name: r.member, total: r.total_pct - r.baseline_pct,
      core: r.core_pct - r.baseline_pct, today: start.get(r.iso3).total_pct - r.baseline_pct }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
    const fig = $("gap"); fig.textContent = "";
    const W = 760, rowH = 20, T = 26, B = 28, L = 150, R = 60, H = T + B + rowH * rows.length;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label":
      `Each ally's ${s.horizon} spending above ${s.baseline_pct}% of GDP, in points of GDP: core and defence-related parts, with a marker for the base year` }, fig);
    const lo = Math.min(0, ...rows.map(r => Math.min(r.core, r.today))), hi = Math.max(0.5, ...rows.map(r => Math.max(r.total, r.today)));
    const x = v => L + (W - L - R) * (v - lo) / (hi - lo);
    el("text", { x: L, y: 14, "font-size": 12 }, svg, `Points of GDP above ${s.baseline_pct}% in ${s.horizon}:`);
    const key = [["core", "core"], ["related", "defence-related"], ["today", `${s.base_year} (marker)`]];
    key.forEach(([cls, text], i) => {
      el("rect", { x: L + 230 + i * 120, y: 4, width: 12, height: 12, class: cls }, svg);
      el("text", { x: L + 246 + i * 120, y: 14, "font-size": 12 }, svg, text);
    });
    rows.forEach((r, i) => {
      const yy = T + i * rowH;
      el("text", { x: L - 6, y: yy + 14, "text-anchor": "end", "font-size": 12 }, svg, r.name);
      const bar = (v, cls, id) => el("rect", { x: Math.min(x(0), x(v)), y: yy + 3, width: Math.abs(x(v) - x(0)), height: rowH - 6, class: cls, id }, svg);
      bar(r.total, r.total > r.core ? "related" : (r.core >= 0 ? "core" : "negative"), `gap-total-${r.iso3}`);
      bar(r.core, r.core >= 0 ? "core" : "negative", `gap-core-${r.iso3}`);
      el("rect", { x: x(r.today) - 1.5, y: yy + 1, width: 3, height: rowH - 2, class: "today" }, svg);
      el("text", { x: Math.max(x(r.total), x(0)) + 4, y: yy + 14, "font-size": 11 }, svg, `${r.total >= 0 ? "+" : "−"}${fmt(Math.abs(r.total), 2)}`);
    });
    el("line", { x1: x(0), x2: x(0), y1: T, y2: H - B, class: "axis" }, svg);
  }

  const COLUMNS = [
    ["iso3", "Code", r => r.iso3], ["member", "Member", r => r.member],
    ["core_base", "Core % {b}", r => r.core_base], ["core_pct", "Core % {h}", r => r.core_pct],
    ["total_pct", "Total % {h}", r => r.total_pct], ["total_usd_bn", "{c} bn {h}", r => val(r, "total")],
    ["extra_over_baseline_usd_bn", "Over {bl}% {h}, {c} bn", r => val(r, "extra_over_baseline")],
    ["cum_extra_over_baseline_usd_bn", "Cum. over {bl}%, {c} bn", r => val(r, "cum_extra_over_baseline")],
  ];

  function drawTable(s, table) {
    table = convertTable(table, s, false);
    const code = state.currency === "local" ? "USD" : unitFor(null, s).code;
    const start = new Map(table.filter(r => r.year === s.base_year).map(r => [r.iso3, r.core_pct]));
    let rows = table.filter(r => r.year === s.horizon).map(r => Object.assign({ core_base: start.get(r.iso3) }, r));
    if (sortKey) {
      const get = COLUMNS.find(c => c[0] === sortKey)[2];
      rows = rows.slice().sort((a, b) => {
        const va = get(a), vb = get(b);
        const na = typeof va === "number" && !Number.isFinite(va), nb = typeof vb === "number" && !Number.isFinite(vb);
        if (na || nb) return na - nb; // no value: always last
        return (typeof va === "string" ? va.localeCompare(vb) : va - vb) * sortDir;
      });
    }
    const t = $("summary"); t.textContent = "";
    const cap = t.createCaption();
    cap.textContent = `${s.name}: shares in % of GDP, money in ${code} bn at current prices` +
      (state.currency === "local" ? " (allies compared in one currency; choose one under Show to convert)" : "") +
      `; cumulative = ${s.base_year + 1}–${s.horizon}.`;
    const head = t.createTHead().insertRow();
    for (const [key, label] of COLUMNS) {
      const th = document.createElement("th"); th.scope = "col";
      if (key === sortKey) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      const b = document.createElement("button"); b.type = "button"; b.dataset.col = key;
      b.textContent = label.replace("{b}", s.base_year).replace("{h}", s.horizon).replace("{bl}", s.baseline_pct).replace("{c}", code);
      th.appendChild(b); head.appendChild(th);
    }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow(); tr.dataset.key = r.iso3;
      for (const [key, , get] of COLUMNS) {
        const td = tr.insertCell(); td.dataset.col = key;
        const v = get(r);
        td.textContent = typeof v === "string" ? v : (key.startsWith("cum_") || key.startsWith("extra") ? signed(v)
          : key.endsWith("_usd_bn") ? money(v) : pct(v));
      }
    }
  }

  /* "In everyday terms", as spendcalc tradeoff computes it: the extra over the baseline per
   * person and against budget lines in the horizon year, and the debt ratio if the increase
   * over the base-year share is borrowed (scenario.financing). */
  function everyday(s, table, key) {
    const codes = new Set(codesOf(key)), year = s.horizon;
    const held = (series, y) => {
      const ys = Object.keys(series || {}).map(Number);
      if (!ys.length) return NaN;
      if (series[String(y)] !== undefined) return sc.num(series[String(y)]);
      const lastY = Math.max(...ys);
      return y > lastY ? sc.num(series[String(lastY)]) : NaN;
    };
    const fin = s.financing, b = fin.borrowed_pct / 100, i = fin.interest_rate_pct / 100;
    const per = [];
    const byMember = new Map();
    for (const r of table) if (codes.has(r.iso3)) (byMember.get(r.iso3) || byMember.set(r.iso3, []).get(r.iso3)).push(r);
    for (const [code, rows] of byMember) {
      const f = D.fiscal[code], r = rows.find(x => x.year === year);
      if (!r.armed_forces) continue;
      let added = 0;
      for (const x of rows) { if (x.year > year) break; added = added * (1 + i) + b * x.increase_over_base_share_usd_bn; }
      const debt = held(f.debt_pct_gdp, year);
      const lines = {};
      for (const ln of Object.keys(f.lines_pct_gdp)) lines[ln] = sc.num(f.lines_pct_gdp[ln]);
      per.push({ code, a: r.extra_over_baseline_usd_bn, gdp: r.gdp_usd_bn, pop: held(f.population_m, year),
        lines, debt, debtWith: debt + 100 * (r.gdp_usd_bn !== 0 ? added / r.gdp_usd_bn : NaN) });
    }
    const out = { year, label: labelOf(key), members: per.length, lines: {} };
    if (per.length === 1) {
      const p = per[0];
      out.per_person_usd = 1000 * p.a / p.pop;
      for (const ln of Object.keys(p.lines)) out.lines[ln] = p.lines[ln] > 0 ? 100 * p.a / (p.lines[ln] / 100 * p.gdp) : NaN;
      out.debt_without_pct_gdp = p.debt; out.debt_with_pct_gdp = p.debtWith;
      return out;
    }
    const withPop = per.filter(p => Number.isFinite(p.pop));
    out.per_person_usd = 1000 * withPop.reduce((t, p) => t + p.a, 0) / withPop.reduce((t, p) => t + p.pop, 0);
    for (const ln of (per.length ? Object.keys(per[0].lines) : [])) {
      const ok = per.filter(p => Number.isFinite(p.lines[ln]));
      out.lines[ln] = 100 * ok.reduce((t, p) => t + p.a, 0) / ok.reduce((t, p) => t + p.lines[ln] / 100 * p.gdp, 0);
    }
    const w = per.reduce((t, p) => t + p.gdp, 0);
    out.debt_without_pct_gdp = per.reduce((t, p) => t + p.debt * p.gdp, 0) / w;
    out.debt_with_pct_gdp = per.reduce((t, p) => t + p.debtWith * p.gdp, 0) / w;
    return out;
  }

  function drawEveryday(s, table) {
    const e = everyday(s, table, state.focus), box = $("everyday");
    box.textContent = "";
    const p = document.createElement("p");
    p.textContent = `${e.label}, ${e.year}: spending above ${s.baseline_pct}% of GDP, at current prices.`;
    const dl = document.createElement("dl"); dl.className = "terms"; dl.id = "everyday-terms";
    const item = (key, term, value) => {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = term; dd.textContent = value; dd.dataset.key = key; dl.append(dt, dd);
    };
    const group = D.groups.some(g => g.key === state.focus), unit = unitFor(group ? null : state.focus, s);
    const perPerson = unit.rate ? e.per_person_usd * unit.rate(e.year) : e.per_person_usd;
    item("per_person_usd", "Per person, per year", Number.isFinite(perPerson) ? `${unit.code} ${fmt(perPerson, 0)}` : "—");
    const names = { health: "health", education: "education", social_protection: "social protection" };
    for (const [ln, v] of Object.entries(e.lines)) item(ln, `Against ${names[ln] || ln} spending`, Number.isFinite(v) ? `${fmt(v, 1)}% of it` : "— (no figure)");
    item("debt", `Debt ratio if ${s.financing.borrowed_pct}% of the increase is borrowed at ${s.financing.interest_rate_pct}%`,
      Number.isFinite(e.debt_with_pct_gdp) ? `${fmt(e.debt_with_pct_gdp, 1)}% of GDP (without: ${fmt(e.debt_without_pct_gdp, 1)}%)` : "— (no figure)");
    box.append(p, dl);
  }

  function drawHeadline(s, table) {
    const box = $("headline"); box.textContent = "";
    for (const key of ["nato", "european-allies"]) {
      const g = D.groups.find(x => x.key === key);
      if (!g) continue;
      const rows = seriesOf(table, key, s), last = rows[rows.length - 1];
      if (!last) continue;
      const d = document.createElement("div"); d.className = "stat"; d.dataset.key = key;
      const allies = g.members.filter(c => (D.members.find(m => m.iso3 === c) || {}).armed_forces).length;
      d.textContent = `${g.label}, ${last.year}` + (last.n_members < allies ? ` (${last.n_members} of ${allies} allies in this scenario)` : "");
      const b = document.createElement("b");
      b.textContent = `${amount(last, "total")} (${pct(last.total_pct)}% of GDP)`;
      const c = document.createElement("span");
      const cum = r => val(r, "cum_extra_over_baseline");
      const v = cum(last), sign = Number.isFinite(v) ? (v >= 0 ? "+" : "−") : "";
      c.textContent = `${sign}${cc(last)} ${money(Math.abs(v))} bn above ${s.baseline_pct}% over ${s.base_year + 1}–${last.year}`;
      d.append(b, c);
      const was = pinned && seriesOf(pinned.table, key, pinned.scenario).find(a => a.year === last.year);
      if (was) {
        const diff = document.createElement("span"); diff.className = "pinned-diff"; diff.dataset.key = key;
        diff.textContent = `Pinned (${pinned.scenario.name}): ${amount(was, "total")}; now ${signed(val(last, "total") - val(was, "total"))} bn in ${last.year}, ${signed(cum(last) - cum(was))} bn over ${s.base_year + 1}–${last.year}`;
        d.appendChild(diff);
      }
      box.appendChild(d);
    }
  }

  function drawNotes(s, errors) {
    const box = $("notes"); box.textContent = "";
    const note = (text, cls) => { const p = document.createElement("p"); p.textContent = text; if (cls) p.className = cls; box.appendChild(p); };
    for (const e of errors) note(`Not computed: ${e}. Change the base year or the scenario.`, "error");
    const more = extras(s);
    if (more.length) note(`This scenario also uses ${more.join("; ")}: included in every number, but no control here changes them.`);
    for (const [key, text] of Object.entries(D.unsupported)) {
      if (canonical(s[key]) !== canonical(D.defaults[key])) note(`This scenario sets ${key}, which the explorer does not use: ${text}.`);
    }
  }

  // ------------------------------------------------------------------ render
  function render() {
    const t0 = performance.now();
    const s = scenarioOf(state), errors = problems(s);
    drawNotes(s, errors);
    writeControls(state);
    showSource(state.preset, s.name !== D.presets[state.preset].name);
    showCurrencyNote(s);
    $("link").value = link();
    // The address follows the settings a moment after the last change: browsers throttle
    // (and warn about) many address changes while a slider is dragged.
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => history.replaceState(null, "", toHash(state)), 200);
    if (errors.length) {  // no stale numbers: the views empty until the settings are valid
      current = null;
      for (const id of ["headline", "trend", "gap", "everyday", "summary"]) $(id).textContent = "";
      $("headline").textContent = "Not computed: see the note under the settings.";
      return;
    }
    const table = sc.project(s, D);
    current = { scenario: s, table };
    drawHeadline(s, table); drawTrend(s, table); drawGap(s, table);
    drawEveryday(s, table); drawTable(s, table); drawLesson();
    $("sources").textContent = `Data: ${D.vintage}. spendcalc ${D.version}; scenario ${s.name}.`;
    sc.lastRenderMs = performance.now() - t0;
  }

  function onChange() { state = readControls(); render(); }

  // ------------------------------------------------------------------ downloads
  function tomlValue(v) {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return String(v);
    if (Array.isArray(v)) return "[" + v.map(tomlValue).join(", ") + "]";
    return "{ " + Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(", ") + " }";
  }
  const tomlKey = k => /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
  const isTable = v => v !== null && typeof v === "object" && !Array.isArray(v);
  const isTables = v => Array.isArray(v) && v.length > 0 && v.every(isTable);

  function tomlBody(obj, prefix, lines) {
    const entries = Object.entries(obj).filter(([, v]) => v !== null);
    for (const [k, v] of entries) if (!isTable(v) && !isTables(v)) lines.push(`${tomlKey(k)} = ${tomlValue(v)}`);
    for (const [k, v] of entries) {
      const path = prefix ? `${prefix}.${tomlKey(k)}` : tomlKey(k);
      if (isTable(v)) { lines.push("", `[${path}]`); tomlBody(v, path, lines); }
      if (isTables(v)) for (const item of v) { lines.push("", `[[${path}]]`); tomlBody(item, path, lines); }
    }
  }

  function toml(s) {
    s = s || current.scenario;
    const lines = [`# ${s.name}: made in the spendcalc explorer (spendcalc ${D.version}, data ${D.edition}).`,
      "# Check it with: spendcalc validate FILE; project it with: spendcalc run FILE", ""];
    tomlBody(s, "", lines);
    return lines.join("\n") + "\n";
  }

  const CSV_COLUMNS = ["iso3", "member", "year", "gdp_usd_bn", "core_pct", "related_pct", "total_pct",
    "core_usd_bn", "related_usd_bn", "total_usd_bn", "baseline_usd_bn", "extra_over_baseline_usd_bn",
    "cum_extra_over_baseline_usd_bn"];

  /* The member table; in another currency also currency, usd_rate and the _lcu_bn twins
   * (each ally its own for "local"), named as spendcalc run --currency names them. */
  function csv() {
    const cell = v => typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : `"${String(v).replace(/"/g, '""')}"`;
    const rows = state.currency === "USD" ? current.table : convertTable(current.table, current.scenario, true);
    const cols = rows.length && rows[0].currency ? [...CSV_COLUMNS, "currency", "usd_rate",
      ...CSV_COLUMNS.filter(c => c.endsWith("_usd_bn")).map(c => c.replace("_usd_bn", "_lcu_bn"))] : CSV_COLUMNS;
    return [cols.join(","), ...rows.map(r => cols.map(c => cell(r[c])).join(","))].join("\n") + "\n";
  }

  function download(name, type, text) {
    const a = document.createElement("a");
    a.href = `data:${type};charset=utf-8,` + encodeURIComponent(text);
    a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }

  function copyLink() {
    const input = $("link"), done = ok => { $("copy-status").textContent = ok ? "Link copied." : "Select the link and copy it."; };
    input.value = link();
    const fallback = () => { input.select(); let ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; } done(ok); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(() => done(true), fallback);
    else fallback();
  }

  // ------------------------------------------------------------------ lesson
  function run(changes) {
    const st = Object.assign({}, state, changes);
    const s = scenarioOf(st);
    if (problems(s).length) return null;
    return { s, table: sc.project(s, D) };
  }
  // Answers in the chosen currency: NATO's in one currency (USD for "local"), Spain's in its own.
  const natoAt = (r, y) => seriesOf(r.table, "nato", r.s).find(a => a.year === y);
  const member = (r, code, y) => seriesOf(r.table, code, r.s).find(x => x.year === y);
  const T = "total", CUM = "cum_extra_over_baseline";

  const QUESTIONS = [
    { q: "What if Spain had to meet the common target too?", set: { esp: false },
      a: () => {
        const off = run({ esp: false }), on = run({ esp: true });
        if (!off || !on) return "";
        const h = off.s.horizon, a = member(off, "ESP", h), b = member(on, "ESP", h);
        if (!a || !b) return "Spain is not among this scenario's members.";
        return `Without its exemption Spain spends ${amount(a, T)} in ${h} (${pct(a.total_pct)}% of GDP) instead of ${amount(b, T)} (${pct(b.total_pct)}%): ${signed(val(a, T) - val(b, T))} bn that year.`;
      } },
    { q: "What does moving the deadline from 2035 to 2032 cost in total?", set: { target: true, year: 2032 },
      a: () => {
        const early = run({ target: true, year: 2032 }), late = run({ target: true, year: 2035 });
        if (!early || !late) return "";
        const h = early.s.horizon, e = natoAt(early, h), l = natoAt(late, h);
        if (!e || !l) return "";
        return `NATO's spending above ${early.s.baseline_pct}% over ${early.s.base_year + 1}–${h}, ${cc(e)} bn: ${signed(val(e, CUM))} by 2032 against ${signed(val(l, CUM))} by 2035, ${signed(val(e, CUM) - val(l, CUM))} more.`;
      } },
    { q: "Which allies carry most of the increase?", set: {},
      a: () => {
        const h = current.scenario.horizon;
        const rows = convertTable(current.table, current.scenario, false).filter(r => r.year === h && r.armed_forces);
        if (!rows.length) return "";
        const sum = rows.reduce((t, r) => t + val(r, CUM), 0);
        const top = rows.slice().sort((a, b) => val(b, CUM) - val(a, CUM)).slice(0, 3);
        return `Largest cumulative spending above the baseline, ${cc(rows[0])} bn: ` + top.map(r => `${r.member} ${signed(val(r, CUM))} (${fmt(100 * val(r, CUM) / sum, 0)}%)`).join(", ") + ".";
      } },
    { q: "How much of the target is the 1.5% defence-related category?", set: { target: true, related: 0 },
      a: () => {
        const none = run({ target: true, related: 0 }), full = run({ target: true, related: 1.5 });
        if (!none || !full) return "";
        const h = none.s.horizon, a = natoAt(none, h), b = natoAt(full, h);
        if (!a || !b) return "";
        return `NATO spends ${amount(b, T)} in ${h} with 1.5% related spending and ${amount(a, T)} without: ${money(val(b, T) - val(a, T))} bn a year.`;
      } },
    { q: "What if economies grow one point slower each year?", set: { growth: "imf-weo", offset: -1 },
      a: () => {
        const slow = run({ growth: "imf-weo", offset: -1 }), base = run({ growth: "imf-weo", offset: 0 });
        if (!slow || !base) return "";
        const h = slow.s.horizon, a = natoAt(slow, h), b = natoAt(base, h);
        if (!a || !b) return "";
        return `The target is a share of GDP, so a smaller economy costs less: NATO's ${h} spending is ${amount(a, T)} instead of ${amount(b, T)} (${signed(val(a, T) - val(b, T))} bn), still ${pct(a.total_pct)}% of GDP.`;
      } },
  ];

  function drawLesson() {
    const list = $("questions");
    if (!list.children.length) {
      QUESTIONS.forEach((item, i) => {
        const li = document.createElement("li");
        const q = document.createElement("span"); q.textContent = item.q + " ";
        const b = document.createElement("button"); b.type = "button"; b.id = `lesson-${i + 1}`;
        b.textContent = "Set the controls"; b.setAttribute("aria-label", `Set the controls for question ${i + 1}`);
        b.addEventListener("click", () => { Object.assign(state, item.set); render(); });
        const a = document.createElement("span"); a.className = "answer"; a.id = `answer-${i + 1}`;
        a.setAttribute("aria-live", "polite");
        li.append(q, b, a); list.appendChild(li);
      });
    }
    QUESTIONS.forEach((item, i) => { $(`answer-${i + 1}`).textContent = item.a(); });
  }

  // ------------------------------------------------------------------ start
  function start() {
    fillMenus();
    state = fromHash(location.hash) || stateFrom(D.initial, "nato");
    $("controls").addEventListener("input", onChange);
    $("controls").addEventListener("change", onChange);
    $("controls").addEventListener("submit", e => e.preventDefault());
    $("preset").addEventListener("change", e => {
      // An estimate of one ally's spending opens on that ally.
      const chosen = D.presets[$("preset").value], only = Array.isArray(chosen.members) && chosen.members.length === 1;
      e.stopPropagation(); state = stateFrom($("preset").value, only ? chosen.members[0] : state.focus); render();
    });
    $("summary").addEventListener("click", e => {
      const b = e.target.closest("button");
      if (!b) return;
      sortDir = sortKey === b.dataset.col ? -sortDir : (["iso3", "member"].includes(b.dataset.col) ? 1 : -1);
      sortKey = b.dataset.col; drawTable(current.scenario, current.table);
      document.querySelector(`#summary th button[data-col="${sortKey}"]`).focus();
    });
    $("projector").addEventListener("click", () => { state.projector = !state.projector; render(); });
    $("pin").addEventListener("click", () => {
      pinned = pinned || !current ? null : { scenario: current.scenario, table: current.table };
      $("pin").setAttribute("aria-pressed", String(!!pinned));
      $("pin").textContent = pinned ? "Unpin" : "Pin these settings to compare";
      render();
    });
    $("copy-link").addEventListener("click", copyLink);
    $("download-toml").addEventListener("click", () => download(`${current.scenario.name}.toml`, "application/toml", toml()));
    $("download-csv").addEventListener("click", () => download(`${current.scenario.name}.csv`, "text/csv", csv()));
    $("print").addEventListener("click", () => window.print());
    window.addEventListener("hashchange", () => {
      const st = fromHash(location.hash);
      if (st && location.hash !== toHash(state)) { state = st; render(); }
    });
    render();
  }

  Object.assign(sc, {
    scenario: () => current && current.scenario, table: () => current && current.table,
    state: () => Object.assign({}, state), setState: changes => { Object.assign(state, changes); render(); },
    toml, csv, link, scenarioOf, everyday: key => everyday(current.scenario, current.table, key || state.focus),
    inCurrency: key => seriesOf(current.table, key || state.focus, current.scenario),
    fromHash,
  });
  start();
})();
