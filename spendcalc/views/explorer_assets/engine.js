/* spendcalc explorer: a JavaScript port of the engine's deterministic path.
 *
 * Mirrors spendcalc/core/inputs.py (build) and spendcalc/core/engine.py (project), for one
 * draw. Shares are in percent of GDP; money in USD bn at current prices; growth as
 * fractions per year inside, percent per year in scenarios. The browser tests run random
 * scenarios through both engines and require agreement to a relative 1e-9 on every cell.
 */
(function (root) {
  "use strict";

  const BASE = 0, POINT = 1, TARGET = 2, MILESTONE = 3;

  function num(x) { return x === null || x === undefined ? NaN : x; }

  function selectedMembers(s, data) {
    const chosen = new Set(s.members === "all" ? data.members.map(m => m.iso3) : s.members);
    for (const code of s.exclude || []) chosen.delete(code);
    return data.members.map((m, i) => ({ m, i })).filter(o => chosen.has(o.m.iso3));
  }

  function projectionCol(data, year) {
    const years = data.projection_years;
    return years.indexOf(Math.min(year, years[years.length - 1]));
  }

  /* Nominal USD growth into each year (fraction), per member; US inflation per year. */
  function growthPaths(s, data, rows, years) {
    const g = s.growth;
    const growth = rows.map(() => new Float64Array(years.length));
    const deflator = new Float64Array(years.length);
    for (let j = 1; j < years.length; j++) {
      const y = years[j];
      const col = projectionCol(data, y);
      const cpi = data.us_cpi_pct[col];
      deflator[j] = cpi / 100;
      rows.forEach((o, i) => {
        let pct;
        if (g.source === "flat") {
          pct = num(g.flat_pct === null ? 0 : g.flat_pct);
        } else {
          const real = num(data.real_growth_pct[o.i][col]) + g.real_offset;
          pct = ((1 + real / 100) * (1 + cpi / 100) - 1) * 100;
        }
        const code = o.m.iso3;
        if (g.overrides && Object.prototype.hasOwnProperty.call(g.overrides, code)) {
          pct = g.overrides[code];
        }
        if (g.shock && g.shock.year === y) pct = pct + g.shock.pct;
        growth[i][j] = pct / 100;
      });
    }
    return { growth, deflator };
  }

  /* Each member's target (core, related, year): the common one or its exemption. */
  function targets(s, rows, covered) {
    const n = rows.length;
    const core = new Array(n).fill(NaN), rel = new Array(n).fill(NaN);
    const year = new Array(n).fill(NaN);
    if (s.target) {
      rows.forEach((o, i) => {
        if (!covered[i]) return;
        core[i] = s.target.core_pct; rel[i] = s.target.related_pct; year[i] = s.target.year;
      });
      const codes = rows.map(o => o.m.iso3);
      for (const [code, ex] of Object.entries(s.exemptions || {})) {
        const i = codes.indexOf(code);
        if (i < 0 || !covered[i]) continue;
        core[i] = ex.core_pct; rel[i] = ex.related_pct;
        if (ex.year !== null && ex.year !== undefined) year[i] = ex.year;
      }
    }
    for (const y of year) {
      if (!Number.isNaN(y) && y <= s.base_year) {
        throw new Error(`target.year: every value must be after base_year (${s.base_year})`);
      }
    }
    return { core, rel, year };
  }

  /* Core-share anchors per member: [{year, pct}] sorted as the engine sorts them. */
  function coreAnchors(s, rows, hasTarget, baseCore, t) {
    const by = s.base_year;
    const points = Object.entries(s.path.points || {})
      .map(([y, p]) => [Number(y), p]).sort((a, b) => a[0] - b[0]);
    const own = {};
    for (const ms of s.milestones || []) (own[ms.member] = own[ms.member] || []).push([ms.year, ms.pct]);
    for (const k of Object.keys(own)) own[k].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const nMs = Math.max(0, ...Object.values(own).map(v => v.length));
    return rows.map((o, i) => {
      const ht = hasTarget[i];
      const list = [{ year: by, pct: baseCore[i], pr: BASE }];
      for (const [y, p] of points) {
        list.push({ year: ht ? y : by, pct: ht ? p : baseCore[i], pr: POINT });
      }
      list.push({ year: ht ? t.year[i] : by, pct: ht ? t.core[i] : baseCore[i], pr: TARGET });
      const mine = own[o.m.iso3] || [];
      for (let k = 0; k < nMs; k++) {
        const use = k < mine.length && o.m.armed_forces;
        list.push({ year: use ? mine[k][0] : by, pct: use ? mine[k][1] : baseCore[i],
                    pr: MILESTONE });
      }
      // numpy's stable argsort of year * 4 + priority
      const keyed = list.map((a, idx) => ({ a, idx, key: a.year * 4 + a.pr }));
      keyed.sort((p, q) => p.key - q.key || p.idx - q.idx);
      const out = keyed.map(k => ({ year: k.a.year, pct: k.a.pct }));
      if (!s.allow_cuts) runningMax(out);
      return out;
    });
  }

  function runningMax(knots) {
    for (let k = 1; k < knots.length; k++) {
      // np.maximum propagates NaN
      const a = knots[k - 1].pct, b = knots[k].pct;
      knots[k].pct = Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    }
  }

  function progress(f, t, y0, y1, shape, curvature, stepYear) {
    if (shape === "linear" || shape === "constant-growth") return f;
    if (shape === "front-loaded") return 1 - Math.pow(1 - f, curvature);
    if (shape === "back-loaded") return Math.pow(f, curvature);
    if (shape === "step") {
      const at = stepYear === null ? y1 : Math.min(Math.max(stepYear, Math.min(y0 + 1, y1)), y1);
      return t >= at ? 1 : 0;
    }
    throw new Error(`unknown path shape ${shape}`);
  }

  /* Shares (percent of GDP) for every year for one member, as engine.share_paths. */
  function sharePath(years, knots, gdp, shape, curvature, stepYear) {
    if (knots.length === 1) knots = [knots[0], knots[0]];
    const n = knots.length, out = new Float64Array(years.length);
    for (let j = 0; j < years.length; j++) {
      const t = years[j];
      let passed = 0;
      for (const k of knots) if (k.year <= t) passed++;
      const seg = Math.min(Math.max(passed - 1, 0), n - 2);
      const y0 = knots[seg].year, y1 = knots[seg + 1].year;
      const v0 = knots[seg].pct, v1 = knots[seg + 1].pct;
      const span = y1 - y0;
      const f = Math.min(Math.max(span > 0 ? (t - y0) / span : 1, 0), 1);
      const g = progress(f, t, y0, y1, shape, curvature, stepYear);
      const linear = v0 + g * (v1 - v0);
      out[j] = linear;
      if (shape !== "constant-growth") continue;
      const idx = y => Math.min(Math.max(Math.trunc(y - years[0]), 0), years.length - 1);
      const m0 = v0 * gdp[idx(y0)], m1 = v1 * gdp[idx(y1)];
      if (m0 > 0 && m1 > 0 && t > y0 && t < y1) {
        const l0 = Math.log(m0), l1 = Math.log(m1);
        const money = Math.exp(l0 + f * (l1 - l0));
        out[j] = gdp[j] > 0 ? money / gdp[j] : 0;
      }
    }
    return out;
  }

  function runningSumAfterBase(x) {
    const out = new Float64Array(x.length);
    let s = 0;
    for (let j = 0; j < x.length; j++) { s += x[j]; out[j] = s; }
    for (let j = 0; j < x.length; j++) out[j] = out[j] - x[0];
    return out;
  }

  /* The projection table: one row per (member, year), base year to horizon. */
  function project(s, data) {
    data = data || root.spendcalc.data;
    const rows = selectedMembers(s, data);
    const by = s.base_year;
    const shares = data.base_share_pct[String(by)], gdp0 = data.base_gdp_usd_bn[String(by)];
    if (!shares || !gdp0) {
      throw new Error(`base_year: ${by} is not available; allowed: ${data.base_years.join(", ")}`);
    }
    const covered = rows.map(o => o.m.armed_forces);
    const baseCore = rows.map(o => { const v = num(shares[o.i]); return Number.isNaN(v) ? 0 : v; });
    const hasTarget = covered.map(c => c && !!s.target);
    const t = targets(s, rows, covered);
    const core = coreAnchors(s, rows, hasTarget, baseCore, t);
    const relBase = covered.map(c => (c ? 1 : 0) * s.related.base_pct);
    const rel = rows.map((o, i) => {
      const k = [{ year: by, pct: relBase[i] },
                 { year: hasTarget[i] ? t.year[i] : by, pct: hasTarget[i] ? t.rel[i] : relBase[i] }];
      if (!s.allow_cuts) runningMax(k);
      return k;
    });
    let last = s.horizon;
    for (const y of t.year) if (!Number.isNaN(y) && y > last) last = y;
    last = Math.max(last, by);
    const years = [];
    for (let y = by; y <= last; y++) years.push(y);
    const { growth, deflator } = growthPaths(s, data, rows, years);
    const shape = s.path.shape === "points" ? "linear" : s.path.shape;
    const stepYear = s.path.step_year === null || s.path.step_year === undefined
      ? null : s.path.step_year;
    const delivered = s.path.delivered_pct / 100;
    const nReport = s.horizon - by + 1;
    let level = 1;
    const price = years.map((y, j) => (level = j === 0 ? 1 : level * (1 + deflator[j])));
    const out = [];
    rows.forEach((o, i) => {
      const gdp = new Float64Array(years.length);
      gdp[0] = num(gdp0[o.i]);
      for (let j = 1; j < years.length; j++) gdp[j] = gdp[j - 1] * (1 + growth[i][j]);
      const nan = covered[i] ? 1 : NaN;
      const pc = sharePath(years, core[i], gdp, shape, s.path.curvature, stepYear).map(v => v * nan);
      const pr = sharePath(years, rel[i], gdp, shape, s.path.curvature, stepYear).map(v => v * nan);
      const deliver = p => delivered === 1 ? p : p.map(v => v - (1 - delivered) * (v - p[0]));
      const cp = deliver(pc), rp = deliver(pr), tp = deliver(pc.map((v, j) => v + pr[j]));
      const money = p => p.map((v, j) => v / 100 * gdp[j]);
      const cu = money(cp), ru = money(rp), tu = money(tp);
      const bu = gdp.map(g => covered[i] ? s.baseline_pct / 100 * g : NaN);
      const extra = tu.map((v, j) => v - bu[j]);
      const cum = runningSumAfterBase(extra);
      const inc = tp.map((v, j) => (v - tp[0]) / 100 * gdp[j]);
      const cumInc = runningSumAfterBase(inc);
      for (let j = 0; j < nReport; j++) {
        out.push({
          iso3: o.m.iso3, member: o.m.name, year: years[j], projected: j > 0,
          armed_forces: covered[i], gdp_usd_bn: gdp[j], core_pct: cp[j], related_pct: rp[j],
          total_pct: tp[j], core_usd_bn: cu[j], related_usd_bn: ru[j], total_usd_bn: tu[j],
          baseline_pct: s.baseline_pct, baseline_usd_bn: bu[j],
          target_core_pct: t.core[i], target_related_pct: t.rel[i],
          target_total_pct: t.core[i] + t.rel[i], target_year: t.year[i],
          extra_over_baseline_usd_bn: extra[j], cum_extra_over_baseline_usd_bn: cum[j],
          increase_over_base_share_usd_bn: inc[j],
          cum_increase_over_base_share_usd_bn: cumInc[j], deflator: price[j],
        });
      }
    });
    return out;
  }

  const SUMMED = ["gdp_usd_bn", "core_usd_bn", "related_usd_bn", "total_usd_bn",
                  "baseline_usd_bn", "extra_over_baseline_usd_bn",
                  "cum_extra_over_baseline_usd_bn", "increase_over_base_share_usd_bn",
                  "cum_increase_over_base_share_usd_bn"];

  /* Sum members (with defence spending) into one row per year, shares over summed GDP. */
  function aggregate(table, codes) {
    const want = new Set(codes), byYear = new Map();
    for (const r of table) {
      if (!want.has(r.iso3) || !r.armed_forces) continue;
      let a = byYear.get(r.year);
      if (!a) {
        a = { year: r.year, n_members: 0 };
        for (const k of SUMMED) a[k] = 0;
        byYear.set(r.year, a);
      }
      a.n_members++;
      for (const k of SUMMED) a[k] += r[k];
    }
    const out = [...byYear.values()].sort((p, q) => p.year - q.year);
    for (const a of out) {
      for (const part of ["core", "related", "total"]) {
        a[`${part}_pct`] = a.gdp_usd_bn !== 0 ? 100 * a[`${part}_usd_bn`] / a.gdp_usd_bn : NaN;
      }
    }
    return out;
  }

  root.spendcalc = Object.assign(root.spendcalc || {}, { project, aggregate, num });
})(window);
