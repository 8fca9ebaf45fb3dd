// The agent's dashboard: reads /api/v1/history once, then one server-sent event per sample from /api/v1/events,
// and /api/v1/top whenever the agent has attributed a new interval. Hand-written, no framework, nothing loaded from
// anywhere but the agent. Every text from the agent goes through textContent: it is never parsed as HTML.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];
  const TOP_ROWS = 10;

  // What the test driver and a curious user can read from the console.
  const stats = { eventsReceived: 0, historyPoints: 0, chartPoints: 0, topLoads: 0, lastEventMillis: 0 };
  window.ergDashboard = stats;

  const state = {
    meta: null,              // the history's description of the agent
    domains: [],             // domain ids, in the agent's order
    points: [],              // the ring: {t, n, power_watts, energy_joules, co2e_g, cost}, oldest first
    windowMinutes: 5,
    view: "processes",
    attributions: -1,        // the attributed intervals behind the top table shown
    pending: [],             // events that arrived before the history
    dirty: false,
    source: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const name in attrs) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- numbers for people -----------------------------------------------------------------------------------

  function fixed(value, digits) {
    if (!isFinite(value)) return "–";
    return value.toFixed(digits);
  }

  function significant(value) {
    if (!isFinite(value)) return "–";
    const abs = Math.abs(value);
    if (abs === 0) return "0";
    if (abs >= 100) return value.toFixed(0);
    if (abs >= 10) return value.toFixed(1);
    if (abs >= 1) return value.toFixed(2);
    const text = value.toPrecision(3);   // 0.000123, or 1.23e-7 below a millionth
    return text.includes("e") ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  // A setting as given: 480, 56, 0.25, 0.1.
  function plain(value) {
    return String(Number(value.toPrecision(6)));
  }

  function watts(value) {
    return fixed(value, Math.abs(value) >= 100 ? 0 : 1) + " W";
  }

  function energy(joules) {
    if (joules >= 3.6e6) return significant(joules / 3.6e6) + " kWh";
    if (joules >= 3600) return significant(joules / 3600) + " Wh";
    if (joules >= 1000) return significant(joules / 1000) + " kJ";
    return significant(joules) + " J";
  }

  function grams(value) {
    if (value >= 1000) return significant(value / 1000) + " kg";
    if (value >= 1 || value === 0) return significant(value) + " g";
    return significant(value * 1000) + " mg";
  }

  // Two decimals for amounts of a cent or more, three significant digits below: 0.00000263 USD, never 2.63e-6.
  function money(value, currency) {
    if (!isFinite(value)) return "–";
    if (value === 0) return "0 " + currency;
    const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value)))));
    return value.toFixed(digits) + " " + currency;
  }

  function duration(seconds) {
    const s = Math.floor(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (h > 0) return h + " h " + m + " min";
    if (m > 0) return m + " min " + (s % 60) + " s";
    return s + " s";
  }

  function clock(millis) {
    const d = new Date(millis);
    const two = (n) => (n < 10 ? "0" : "") + n;
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  // ---- the ring of points -----------------------------------------------------------------------------------

  function addPoint(point) {
    const last = state.points[state.points.length - 1];
    if (last && point.n <= last.n) return false;
    state.points.push(point);
    const windowMillis = (state.meta ? state.meta.window_s : 600) * 1000;
    const oldest = point.t - windowMillis;
    let drop = 0;
    while (drop < state.points.length && state.points[drop].t < oldest) drop++;
    if (state.points.length - drop > 12000) drop = state.points.length - 12000;
    if (drop > 0) state.points.splice(0, drop);
    return true;
  }

  // ---- the chart --------------------------------------------------------------------------------------------

  function niceStep(range, ticks) {
    const rough = range / ticks;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const fraction = rough / power;
    const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * power;
  }

  function drawChart() {
    const chart = $("chart");
    const width = Math.max(chart.clientWidth, 300);
    const height = Math.max(chart.clientHeight, 160);
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    while (chart.firstChild) chart.removeChild(chart.firstChild);

    const left = 52, right = 14, top = 12, bottom = 26;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    const points = state.points;
    if (points.length === 0) {
      chart.appendChild(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty" },
        "waiting for the first sample…"));
      chart.dataset.points = "0";
      stats.chartPoints = 0;
      return;
    }
    const end = points[points.length - 1].t;
    const start = Math.max(points[0].t, end - state.windowMinutes * 60000);
    const span = Math.max(end - start, 1000);
    const from = end - span;
    let max = 0;
    let first = 0;
    while (first < points.length && points[first].t < from) first++;
    for (let i = first; i < points.length; i++) {
      for (const id of state.domains) max = Math.max(max, points[i].power_watts[id] || 0);
    }
    const step = niceStep(max > 0 ? max * 1.1 : 1, 5);
    const yMax = Math.max(step, Math.ceil((max * 1.05) / step) * step);
    const x = (t) => left + ((t - from) / span) * plotWidth;
    const y = (w) => top + plotHeight - (w / yMax) * plotHeight;

    for (let w = 0; w <= yMax + step / 2; w += step) {
      chart.appendChild(svg("line", { x1: left, x2: left + plotWidth, y1: y(w), y2: y(w),
        class: w === 0 ? "axis" : "gridline" }));
      chart.appendChild(svg("text", { x: left - 6, y: y(w) + 4, "text-anchor": "end" }, significant(w) + " W"));
    }
    const timeStep = niceTimeStep(span);
    for (let t = Math.ceil(from / timeStep) * timeStep; t <= end; t += timeStep) {
      chart.appendChild(svg("line", { x1: x(t), x2: x(t), y1: top, y2: top + plotHeight, class: "gridline" }));
      chart.appendChild(svg("text", { x: x(t), y: height - 8, "text-anchor": "middle" }, clock(t)));
    }

    // A gap longer than three sample intervals (the agent stopped, the stream was lost) breaks the line.
    const gapMillis = Math.max(3 * (state.meta ? state.meta.interval_s : 1) * 1000, 1500);
    let drawn = 0;
    state.domains.forEach((id, index) => {
      let d = "";
      let previous = null;
      for (let i = first; i < points.length; i++) {
        const value = points[i].power_watts[id];
        if (value === null || value === undefined) { previous = null; continue; }
        const command = previous === null || points[i].t - previous > gapMillis ? "M" : "L";
        d += command + x(points[i].t).toFixed(1) + " " + y(value).toFixed(1) + " ";
        previous = points[i].t;
      }
      if (d) {
        chart.appendChild(svg("path", { d: d, class: "series", stroke: COLORS[index % COLORS.length],
          "data-domain": id }));
      }
    });
    drawn = points.length - first;
    chart.dataset.points = String(drawn);
    stats.chartPoints = drawn;
  }

  function niceTimeStep(spanMillis) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].map((s) => s * 1000);
    for (const s of steps) if (spanMillis / s <= 6) return s;
    return 600000;
  }

  function drawLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    const last = state.points[state.points.length - 1];
    state.domains.forEach((id, index) => {
      const item = el("span");
      const swatch = el("span", null, "swatch");
      swatch.style.backgroundColor = COLORS[index % COLORS.length];
      item.append(swatch, el("span", id), el("span", last ? watts(last.power_watts[id]) : "", "value"));
      legend.appendChild(item);
    });
  }

  // ---- totals and facts -------------------------------------------------------------------------------------

  function drawTotals() {
    const body = $("totals").tBodies[0];
    body.replaceChildren();
    const last = state.points[state.points.length - 1];
    const currency = state.meta.carbon.currency;
    for (const id of state.domains) {
      const row = el("tr");
      row.append(el("td", id),
        el("td", last ? watts(last.power_watts[id]) : "–", "num"),
        el("td", last ? energy(last.energy_joules[id]) : "–", "num"),
        el("td", last ? grams(last.co2e_g[id]) : "–", "num"),
        el("td", last ? money(last.cost[id], currency) : "–", "num"));
      body.appendChild(row);
    }
    if (last) $("samples").textContent = String(last.n);
    const uptime = state.meta.uptime_s + (Date.now() - state.metaLoadedAt) / 1000;
    $("uptime").textContent = "up " + duration(uptime);
  }

  function showMeta(meta) {
    state.meta = meta;
    state.metaLoadedAt = Date.now();
    state.domains = meta.domains;
    $("host").textContent = meta.host;
    const badge = $("badge");
    badge.hidden = false;
    badge.textContent = meta.estimated ? "ESTIMATED" : "MEASURED";
    badge.className = "badge " + (meta.estimated ? "estimated" : "measured");
    badge.title = meta.estimated ? "values come from a model, not from energy counters"
      : "values come from hardware energy counters";
    $("estimated-note").hidden = !meta.estimated;
    $("source").textContent = meta.source;
    const kind = $("kind");
    kind.textContent = meta.estimated ? "estimated (a model)" : "measured (energy counters)";
    kind.className = meta.estimated ? "estimated" : "measured";
    $("method").textContent = meta.method;
    $("interval").textContent = "every " + plain(meta.interval_s) + " s, the last "
      + Math.round(meta.window_s / 60) + " minutes kept";
    $("samples").textContent = String(meta.samples);
    $("attribution").textContent = meta.attribution ? "on" : "off (ATTRIBUTION=false)";
    const c = meta.carbon;
    $("grid").textContent = plain(c.grid_g_per_kwh) + " gCO2e/kWh (" + c.grid_source + ")";
    $("price").textContent = plain(c.price_per_kwh) + " " + c.currency + "/kWh (" + c.price_source + ")";
  }

  // ---- top consumers ----------------------------------------------------------------------------------------

  function loadTop() {
    const view = state.view;
    fetch("api/v1/top?view=" + encodeURIComponent(view) + "&limit=" + TOP_ROWS, { cache: "no-store" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body: body })))
      .then((answer) => {
        if (view !== state.view) return;
        if (answer.ok) drawTop(answer.body);
        else showTopMessage(answer.body.error || "the agent has no attributed interval yet");
        stats.topLoads++;
      })
      .catch((error) => showTopMessage("could not read the top consumers: " + error.message));
  }

  function showTopMessage(text) {
    $("top").tHead.replaceChildren();
    $("top").tBodies[0].replaceChildren();
    $("top-summary").textContent = "";
    const note = $("top-note");
    note.textContent = text;
    note.className = "note error";
  }

  function drawTop(top) {
    const domains = top.domains;
    const head = el("tr");
    head.append(el("th", top.view === "processes" ? "process" : top.view === "cgroups" ? "cgroup" : "container"),
      el("th", "total", "num"));
    for (const d of domains) head.appendChild(el("th", d.id, "num"));
    if (top.view === "processes") head.appendChild(el("th", "CPU", "num"));
    $("top").tHead.replaceChildren(head);
    const body = $("top").tBodies[0];
    body.replaceChildren();
    for (const row of top.rows) {
      const tr = el("tr");
      const label = el("td", row.label, "label");
      label.title = row.id;
      tr.append(label, el("td", watts(row.total_watts), "num"));
      for (const d of domains) tr.appendChild(el("td", watts(row.power_watts[d.id]), "num"));
      if (top.view === "processes") {
        tr.appendChild(el("td", row.cpu_percent === null ? "–" : fixed(row.cpu_percent, 0) + " %", "num"));
      }
      body.appendChild(tr);
    }
    const machine = top.domains.map((d) => d.id + " " + watts(d.machine_watts) + " (idle " + watts(d.idle_watts)
      + ")").join(", ");
    $("top-summary").textContent = "over " + significant(top.interval_s) + " s: " + machine + "; "
      + top.consumers + " " + top.view;
    const note = $("top-note");
    note.className = "note";
    note.textContent = top.rows.length === 0 ? "nothing used energy in the latest interval"
      : "total adds " + domains.filter((d) => d.in_total).map((d) => d.id).join(" + ")
        + " (the domains that do not overlap)" + (top.warnings.length ? "; " + top.warnings.join("; ") : "");
  }

  function maybeLoadTop(attribution, attributions) {
    if (!attribution) {
      if (state.attributions !== -2) {
        showTopMessage("this agent does not attribute energy (ATTRIBUTION=false): set ATTRIBUTION=true and"
          + " reload it (SIGHUP)");
        state.attributions = -2;
      }
      return;
    }
    if (attributions > 0 && attributions !== state.attributions) {
      state.attributions = attributions;
      loadTop();
    } else if (attributions === 0 && state.attributions !== 0) {
      state.attributions = 0;
      showTopMessage("waiting for the first attributed interval…");
      $("top-note").className = "note";
    }
  }

  // ---- live updates -----------------------------------------------------------------------------------------

  function redrawSoon() {
    if (state.dirty) return;
    state.dirty = true;
    window.requestAnimationFrame(() => {
      state.dirty = false;
      if (!state.meta) return;
      drawChart();
      drawLegend();
      drawTotals();
    });
  }

  function setStatus(text, className) {
    const status = $("status");
    status.textContent = text;
    status.className = "status " + className;
  }

  function loadHistory() {
    return fetch("api/v1/history", { cache: "no-store" })
      .then((response) => {
        if (!response.ok) throw new Error("the agent answered " + response.status);
        return response.json();
      })
      .then((history) => {
        showMeta(history);
        state.points = [];
        for (const point of history.points) addPoint(point);
        stats.historyPoints = history.points.length;
        for (const event of state.pending) addPoint(event);
        state.pending = [];
        maybeLoadTop(history.attribution, history.attributions);
        redrawSoon();
      });
  }

  function connect() {
    const source = new EventSource("api/v1/events");
    state.source = source;
    let lost = false;
    source.addEventListener("open", () => {
      setStatus("live", "live");
      if (lost) {
        lost = false;
        loadHistory().catch((error) => setStatus("history failed: " + error.message, "lost"));
      }
    });
    source.addEventListener("error", () => {
      lost = true;
      setStatus(source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting…", "lost");
    });
    source.addEventListener("sample", (message) => {
      const event = JSON.parse(message.data);
      stats.eventsReceived++;
      stats.lastEventMillis = Date.now();
      if (!state.meta) {
        state.pending.push(event);
        return;
      }
      if (addPoint(event)) redrawSoon();
      maybeLoadTop(event.attribution, event.attributions);
    });
  }

  // Buttons of one switch: the clicked one is on, the others off.
  function onSwitch(id, chosen) {
    for (const button of $(id).querySelectorAll("button")) {
      button.addEventListener("click", () => {
        for (const other of $(id).querySelectorAll("button")) other.classList.toggle("on", other === button);
        chosen(button);
      });
    }
  }

  function switches() {
    onSwitch("window-switch", (button) => {
      state.windowMinutes = Number(button.dataset.minutes);
      redrawSoon();
    });
    onSwitch("view-switch", (button) => {
      state.view = button.dataset.view;
      if (state.attributions > 0) loadTop();
    });
    window.addEventListener("resize", redrawSoon);
  }

  function start() {
    switches();
    connect();   // first, so no sample falls between the history and the stream
    loadHistory().catch((error) => setStatus("cannot read the agent's history: " + error.message, "lost"));
    window.setInterval(() => { if (state.meta) drawTotals(); }, 1000);
  }

  start();
})();
