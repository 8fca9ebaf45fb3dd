package dev.ergometer.profiler;

import dev.ergometer.json.JsonWriter;
import java.util.List;

/**
 * {@code flamegraph.html}: one self-contained page (no script, style or font from the internet) with the energy
 * flame graph of each view and the power over time. Frames are as wide as their total energy; click a frame to zoom
 * in, type in the search box to highlight frames. Nodes under 0.01% of the JVM's energy are left out.
 */
final class FlameGraphHtml {

    private static final long MIN_PER_MILLION = 100;

    private FlameGraphHtml() {
    }

    static String render(Profile profile, List<ProfileView> views) {
        Profile.Info info = profile.info();
        JsonWriter json = new JsonWriter();
        json.beginObject();
        json.name("title").value("Energy profile of JVM " + info.pid());
        json.name("command").value(info.command());
        json.name("energy").value(info.kindOfEnergy() + " energy of " + info.domains() + " from the " + info.source()
                + " source" + (info.estimated() ? " (a model: estimated, not measured)" : ""));
        json.name("sampler").value(info.sampler().id() + " sampler, every " + info.samplingPeriodNanos() / 1_000_000
                + " ms");
        json.name("packages").beginArray();
        info.packages().forEach(json::value);
        json.endArray();
        json.name("views").beginArray();
        for (ProfileView view : views) {
            ProfileView.Node root = view.callTree("JVM " + info.pid());
            json.beginObject().name("name").value(view.name()).name("tree");
            node(json, root, root.totalMicrojoules);
            json.endObject();
        }
        json.endArray();
        json.name("timeline").beginArray();
        for (Profile.TimelinePoint p : profile.timeline()) {
            json.beginArray().value(p.startOffsetNanos() / 1e9).value(p.durationNanos() / 1e9)
                    .value(p.jvmMicrojoules() - p.profilerMicrojoules()).value(p.profilerMicrojoules())
                    .value(p.otherProcessesMicrojoules()).value(p.idleMicrojoules()).endArray();
        }
        json.endArray();
        json.endObject();
        // inside <script>, "</" would end the element: escape every '<' (only strings can hold one)
        String data = json.toString().replace("<", "\\u003c");
        return TEMPLATE.replace("TITLE", escapeHtml("Energy profile of JVM " + info.pid())).replace("/*DATA*/", data);
    }

    private static void node(JsonWriter json, ProfileView.Node node, long whole) {
        json.beginArray().value(node.name).value(node.totalMicrojoules).value(node.ownMicrojoules).beginArray();
        for (ProfileView.Node child : node.sortedChildren()) {
            if (whole > 0 && child.totalMicrojoules * 1_000_000 >= whole * MIN_PER_MILLION) {
                node(json, child, whole);
            }
        }
        json.endArray().endArray();
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>TITLE</title>
            <style>
            body{font:13px system-ui,sans-serif;margin:16px;color:#222}
            h1{font-size:18px;margin:0 0 4px}
            .meta{color:#555;margin:2px 0;overflow-wrap:anywhere}
            .bar{display:flex;gap:12px;align-items:center;margin:10px 0}
            #flame{position:relative;width:100%;overflow:hidden;border-top:1px solid #ddd}
            .f{position:absolute;height:17px;line-height:17px;font:11px monospace;overflow:hidden;white-space:nowrap;
               box-sizing:border-box;border:1px solid #fff;padding-left:3px;cursor:pointer;border-radius:2px}
            .f.dim{opacity:.35}
            .f.hit{outline:2px solid #d0006f;outline-offset:-2px}
            #status{font:12px monospace;min-height:16px;margin:6px 0;color:#333}
            #chart{width:100%;height:180px}
            .legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
            </style></head><body>
            <h1>TITLE</h1>
            <div class="meta" id="command"></div>
            <div class="meta" id="energy"></div>
            <div class="meta" id="sampler"></div>
            <h2 style="font-size:15px">Power over time</h2>
            <svg id="chart"></svg>
            <div class="legend"><span style="background:#e8692c"></span>JVM (methods, not sampled, unaccounted)
              <span style="background:#8e6bbf"></span>profiler<span style="background:#9aa5b1"></span>other processes
              <span style="background:#dfe4ea"></span>idle</div>
            <h2 style="font-size:15px">Energy flame graph</h2>
            <div class="bar"><label>view <select id="view"></select></label>
              <label>search <input id="search" size="30" placeholder="part of a frame name"></label>
              <button id="reset">reset zoom</button><span id="matched"></span></div>
            <div id="status">Width is energy. Click a frame to zoom in; hover for its energy.</div>
            <div id="flame"></div>
            <script>
            const DATA = /*DATA*/;
            const ROW = 18;
            document.getElementById('command').textContent = DATA.command;
            document.getElementById('energy').textContent = DATA.energy;
            document.getElementById('sampler').textContent = DATA.sampler;
            function joules(uj) { const j = uj / 1e6; return (j >= 100 ? j.toFixed(1) : j >= 1 ? j.toFixed(2) : j.toFixed(3)) + ' J'; }
            function hash(s) { let h = 0; for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; } return Math.abs(h); }
            function inApp(name) { return DATA.packages.some(p => name.startsWith(p + '.')); }
            function color(name) {
              const h = hash(name);
              if (name.startsWith('[')) return 'hsl(210,8%,' + (72 + h % 10) + '%)';
              if (inApp(name)) return 'hsl(' + (10 + h % 35) + ',80%,' + (55 + h % 12) + '%)';
              if (/^(java|javax|jdk|sun|com[.]sun)[.]/.test(name)) return 'hsl(' + (190 + h % 30) + ',55%,' + (62 + h % 12) + '%)';
              return 'hsl(' + (40 + h % 20) + ',70%,' + (58 + h % 12) + '%)';
            }
            function depthOf(node) { let d = 0; for (const c of node[3]) d = Math.max(d, depthOf(c)); return d + 1; }
            let view = 0, zoomPath = [];
            const select = document.getElementById('view');
            DATA.views.forEach((v, i) => { const o = document.createElement('option'); o.value = i; o.textContent = v.name; select.appendChild(o); });
            select.value = String(DATA.views.length - 1); view = DATA.views.length - 1;
            select.onchange = () => { view = +select.value; zoomPath = []; draw(); };
            document.getElementById('reset').onclick = () => { zoomPath = []; draw(); };
            document.getElementById('search').oninput = draw;
            function draw() {
              const root = DATA.views[view].tree, flame = document.getElementById('flame');
              const term = document.getElementById('search').value;
              flame.innerHTML = '';
              const chain = [root]; let focus = root;
              for (const name of zoomPath) { const next = focus[3].find(c => c[0] === name); if (!next) break; chain.push(next); focus = next; }
              const height = (chain.length - 1 + depthOf(focus)) * ROW;
              flame.style.height = height + 'px';
              const width = flame.clientWidth, total = root[1]; let matched = 0;
              function box(node, depth, x, w, dim, path) {
                if (w * width < 0.5) return;
                const d = document.createElement('div');
                d.className = 'f' + (dim ? ' dim' : '');
                const hit = term && node[0].includes(term);
                if (hit) { d.className += ' hit'; }
                d.style.left = (x * 100) + '%'; d.style.width = (w * 100) + '%';
                d.style.bottom = (depth * ROW) + 'px'; d.style.background = color(node[0]);
                d.textContent = node[0];
                const info = node[0] + '  total ' + joules(node[1]) + ' (' + (100 * node[1] / total).toFixed(1) + '%)  own ' + joules(node[2]);
                d.onmouseover = () => { document.getElementById('status').textContent = info; };
                d.onclick = () => { zoomPath = path.slice(1); draw(); };
                flame.appendChild(d);
                return hit;
              }
              chain.forEach((node, i) => box(node, i, 0, 1, i < chain.length - 1, chain.slice(0, i + 1).map(n => n[0])));
              function children(node, depth, x, w, path) {
                let at = x;
                for (const c of node[3]) {
                  const cw = node[1] > 0 ? w * c[1] / node[1] : 0;
                  const p = path.concat([c[0]]);
                  if (box(c, depth, at, cw, false, p)) matched += c[1];
                  children(c, depth + 1, at, cw, p);
                  at += cw;
                }
              }
              children(focus, chain.length, 0, 1, chain.map(n => n[0]));
              document.getElementById('matched').textContent = term ? 'matched ' + (100 * matched / Math.max(1, focus[1])).toFixed(1) + '% of the frame in view (nested matches count twice)' : '';
            }
            function chart() {
              const svg = document.getElementById('chart'), W = svg.clientWidth || 800, H = 180, pad = 40;
              const t = DATA.timeline; if (!t.length) return;
              const end = t[t.length - 1][0] + t[t.length - 1][1];
              let max = 0; for (const p of t) max = Math.max(max, (p[2] + p[3] + p[4] + p[5]) / p[1] / 1e6);
              const colors = ['#e8692c', '#8e6bbf', '#9aa5b1', '#dfe4ea'];
              let out = '';
              for (const p of t) {
                let y = H - 20; const x = pad + (W - pad - 5) * p[0] / end, w = Math.max(1, (W - pad - 5) * p[1] / end);
                for (let k = 0; k < 4; k++) {
                  const watts = p[2 + k] / p[1] / 1e6, h = (H - 30) * watts / (max || 1);
                  y -= h;
                  out += '<rect x="' + x + '" y="' + y + '" width="' + w + '" height="' + h + '" fill="' + colors[k] + '"><title>' + p[0].toFixed(1) + ' s: ' + watts.toFixed(2) + ' W</title></rect>';
                }
              }
              out += '<text x="0" y="12" font-size="11">' + max.toFixed(1) + ' W</text><text x="0" y="' + (H - 22) + '" font-size="11">0 W</text>';
              out += '<text x="' + pad + '" y="' + (H - 4) + '" font-size="11">0 s</text><text x="' + (W - 50) + '" y="' + (H - 4) + '" font-size="11">' + end.toFixed(1) + ' s</text>';
              svg.innerHTML = out;
            }
            draw(); chart();
            window.onresize = () => { draw(); chart(); };
            </script></body></html>
            """;
}
