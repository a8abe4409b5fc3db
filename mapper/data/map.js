/* incident-mapper's page: the atlas base, the incident layers, the time window with its per-day
   histogram, place search, labels. Plain Leaflet 1.9 (and Leaflet.markercluster / Leaflet.heat
   when the page carries them). Every string shown here was escaped by the Python side before it
   was embedded (mapper/render.py); text from a report reaches the page only pre-escaped, or
   through textContent. */
(function () {
  var IM = (window.IM = window.IM || { layers: [] });
  var DAY = 86400000;

  function fmt(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function el(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  // A diamond drawn like a circle marker (on the page's canvas: thousands cost what circles
  // cost, where one DOM element each cost seconds)
  IM.Diamond = L.CircleMarker.extend({
    _updatePath: function () { this._renderer._updateDiamond(this); },
  });
  L.Canvas.include({
    _updateDiamond: function (layer) {
      if (!this._drawing || layer._empty()) return;
      var p = layer._point, r = layer._radius, ctx = this._ctx;
      this._layers[layer._leaflet_id] = layer;
      ctx.beginPath();
      ctx.moveTo(p.x, p.y - r);
      ctx.lineTo(p.x + r, p.y);
      ctx.lineTo(p.x, p.y + r);
      ctx.lineTo(p.x - r, p.y);
      ctx.closePath();
      this._fillStroke(ctx, layer);
    },
  });
  L.SVG.include({
    _updateDiamond: function (layer) {
      var p = layer._point, r = layer._radius;
      this._setPath(layer, layer._empty() ? "M0 0" :
        "M" + p.x + "," + (p.y - r) + "L" + (p.x + r) + "," + p.y + "L" + p.x + "," + (p.y + r) + "L" + (p.x - r) + "," + p.y + "z");
    },
  });

  // A point per settlement incident. A region is drawn as its oblast (IM.polys); a district,
  // community or country, whose extent the page does not have, as a hollow diamond: a symbol
  // that reads "somewhere in this area", never a circle that looks like a blast radius.
  IM.pointToLayer = function (feature, latlng) {
    var p = feature.properties;
    if (p.precision === "settlement") {
      return L.circleMarker(latlng, { radius: p.r, color: "#222", weight: 1, fillColor: p.c, fillOpacity: 0.9 });
    }
    if (p.poly !== undefined && IM.polys && IM.polys[p.poly]) {
      var style = { color: p.c, weight: 2, opacity: 0.85, fillColor: p.c, fillOpacity: 0.12 };
      if (IM.dashAreas !== false) style.dashArray = "6 4";
      return L.geoJSON(IM.polys[p.poly], { style: function () { return style; } }).getLayers()[0];
    }
    var size = { community: 7, district: 9, region: 11, country: 13 }[p.precision] || 9;
    return new IM.Diamond(latlng, {
      radius: size, color: p.c, weight: 2, opacity: 0.95, fillColor: p.c, fillOpacity: 0.2,
      dashArray: IM.dashAreas !== false ? "4 3" : null,
    });
  };

  // The mentions of the place in a sentence, as text nodes with <mark>s (longest mention
  // first, no overlaps): the sentence is never parsed as HTML
  function highlighted(parent, sentence, mentions) {
    var spans = [];
    mentions.slice().sort(function (a, b) { return b.length - a.length; }).forEach(function (m) {
      if (!m) return;
      for (var at = sentence.indexOf(m); at >= 0; at = sentence.indexOf(m, at + 1)) {
        var end = at + m.length;
        if (spans.every(function (s) { return end <= s[0] || at >= s[1]; })) spans.push([at, end]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    spans.forEach(function (s) {
      parent.appendChild(document.createTextNode(sentence.slice(pos, s[0])));
      el("mark", "", parent, sentence.slice(s[0], s[1]));
      pos = s[1];
    });
    parent.appendChild(document.createTextNode(sentence.slice(pos)));
  }

  // An incident's popup, built from its plain-text fields (render.popup_data)
  IM.popup = function (p) {
    var d = p.popup, box = el("div", "im-popup");
    var head = el("div", "im-title", box);
    el("b", "", head, p.name);
    if (d.local) {
      head.appendChild(document.createTextNode(" "));
      el("span", "im-local", head, d.local);
    }
    el("div", "im-sub", box, d.sub);
    el("div", "im-type", box, d.label).style.borderLeft = "4px solid " + p.c;
    el("div", "im-when", box, d.when);
    d.ev.forEach(function (e) { highlighted(el("blockquote", "im-evidence", box), e, d.men); });
    if (d.who.length) {
      var who = el("div", "im-who" + (d.contested ? " im-contested" : ""), box);
      d.who.forEach(function (w) { el("div", "", who, w); });
    }
    var facts = el("div", "im-facts", box);
    d.facts.forEach(function (f) { el("div", "", facts, f); });
    var src = el("div", "im-source", box, "Source: ");
    if (d.url) {
      var a = el("a", "", src, p.src);
      a.href = d.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    } else {
      src.appendChild(document.createTextNode(p.src));
    }
    return box;
  };

  // Popups and tooltips are bound on first use: binding 20,000 up front costs seconds.
  var POPUP = { maxWidth: 380, autoPanPadding: [24, 24] };
  function tip(p) {
    return el("span", "", null, p.tip);
  }
  IM.onEachFeature = function (feature, layer) {
    var p = feature.properties;
    // an oblast's outline shares the points' canvas (a canvas below another gets no clicks),
    // drawn before them so that the points and diamonds inside it stay clickable
    if (layer instanceof L.Polygon) layer.on("add", function () { layer.bringToBack(); });
    layer.on("click", function (e) {
      if (IM.measure && IM.measure.on) {  // measuring: a click on an incident is a ruler point
        L.DomEvent.stop(e);
        IM.measure.add(e.latlng);
        return;
      }
      if (!layer.getPopup()) layer.bindPopup(IM.popup(p), POPUP).openPopup(e.latlng);
    });
    layer.once("mouseover", function (e) {
      layer.bindTooltip(tip(p), { sticky: true }).openTooltip(e.latlng);
    });
    layer.openPopup = function () {
      if (!layer.getPopup()) layer.bindPopup(IM.popup(p), POPUP);
      return L.Layer.prototype.openPopup.apply(layer, arguments);
    };
    IM.layers.push(layer);
  };

  // One overlay per event type, from JSON text (see render.py), listed in the layer control.
  // With IM.cluster, the type's points go into a marker-cluster group (its colour, its count)
  // and its areas beside it.
  IM.build = function (map, control, specs) {
    return specs.map(function (s) {
      var layer = L.geoJSON(JSON.parse(s.data), { pointToLayer: IM.pointToLayer, onEachFeature: IM.onEachFeature });
      var overlay = layer;
      if (IM.cluster && L.markerClusterGroup) {
        var colour = s.colour;
        var pts = L.markerClusterGroup({
          chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 11, showCoverageOnHover: false,
          iconCreateFunction: function (c) {
            var n = c.getChildCount();
            var size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 44;
            return L.divIcon({
              html: '<div style="background:' + colour + '"><span>' + n + "</span></div>",
              className: "im-cluster", iconSize: L.point(size, size),
            });
          },
        });
        var areas = L.featureGroup();
        var points = [];
        layer.eachLayer(function (l) {
          if (l.feature.properties.precision === "settlement") {
            l._imGroup = pts;
            points.push(l);
          } else {
            l._imGroup = areas;
            areas.addLayer(l);
          }
        });
        pts.addLayers(points);
        overlay = L.featureGroup([pts, areas]);
      }
      overlay.addTo(map);
      control.addOverlay(overlay, s.name);
      return layer;
    });
  };

  var TINT = { UA: "#f7f1da", RU: "#ecebe8", BY: "#eeeeee" };

  // The page's own atlas: land, oblast outlines, the state border, names by zoom. It is drawn
  // from the page itself, so the map reads the same with no network; tiles are optional base
  // layers drawn above the land and below the lines.
  function addBase(map, control, base, cfg) {
    [["imLand", 150], ["imLines", 380], ["imNames", 420]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("imNames").style.pointerEvents = "none";
    var none = L.layerGroup().addTo(map);
    var bases = { "Atlas (no network needed)": none };
    (cfg.tiles || []).forEach(function (t) {
      var layer = L.tileLayer(t.url, { attribution: t.attr, maxZoom: t.maxZoom || 18 });
      layer.on("tileerror", function () { notice("Map tiles could not be loaded (no network?): the atlas below is drawn from the page itself."); });
      bases[t.name] = layer;
    });
    control = L.control.layers(bases, {}, { collapsed: true }).addTo(map);
    // every overlay by its name, for the page's own use and for tests: IM.overlay("Oblast outlines")
    IM._overlays = {};
    var add = control.addOverlay;
    control.addOverlay = function (layer, name) {
      IM._overlays[name] = layer;
      return add.call(control, layer, name);
    };
    L.geoJSON(base.countries, {
      pane: "imLand", interactive: false,
      style: function (f) {
        return { color: "#8a8a8a", weight: 1, fillOpacity: 1, fillColor: TINT[f.properties.iso_a2] || "#f4f1ea" };
      },
    }).addTo(map);
    var oblasts = L.geoJSON(base.oblasts, {
      pane: "imLines", interactive: false, style: { color: "#8c8577", weight: 0.9, opacity: 0.9, fill: false },
    }).addTo(map);
    control.addOverlay(oblasts, "Oblast outlines");
    var border = L.geoJSON(base.border, {
      pane: "imLines", interactive: false, style: { color: "#c0392b", weight: 3.5, dashArray: "8 4", opacity: 0.9 },
    }).addTo(map);
    control.addOverlay(border, "Russia–Ukraine state border");
    var names = L.layerGroup().addTo(map);
    base.oblasts.features.forEach(function (f) {
      var p = f.properties;
      nameMarker(p.label, p.name.replace(/ Oblast$/, ""), "im-name-oblast", 5, 9).addTo(names);
    });
    base.towns.forEach(function (t) {
      nameMarker([t[0], t[1]], t[2], "im-name-town", t[3], 99).addTo(names);
    });
    control.addOverlay(names, "Oblast and town names");
    return control;
  }

  // A name shown from zoom `from` up to (not including) zoom `to` (classes on the map tell CSS)
  function nameMarker(latlng, text, cls, from, to) {
    var c = cls + " im-from" + from + (to < 99 ? " im-to" + to : "");
    var icon = L.divIcon({ className: "im-name " + c, html: "", iconSize: null });
    var m = L.marker(latlng, { icon: icon, interactive: false, keyboard: false, pane: "imNames" });
    m.on("add", function () { m.getElement().textContent = text; });
    return m;
  }

  function zoomClasses(map) {
    var box = map.getContainer(), z = map.getZoom();
    for (var k = 3; k <= 12; k++) {
      box.classList.toggle("im-zge" + k, z >= k);
    }
  }

  IM.overlay = function (name) {
    return IM._overlays[name];
  };

  function notice(text) {
    var n = document.getElementById("im-notice");
    if (n && !n.textContent) n.textContent = text;
  }

  IM.start = function (cfg, base, specs) {
    IM.cluster = !!cfg.cluster;
    IM.dashAreas = cfg.dashAreas;
    IM.polys = cfg.polys;
    var map = L.map("im-map", { preferCanvas: true, maxZoom: 18, minZoom: 3, zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    var control = addBase(map, null, base, cfg);
    if (cfg.regions) {
      control.addOverlay(L.geoJSON(cfg.regions, {
        pane: "imLines", style: { color: "#555", weight: 0.8, fillOpacity: 0, opacity: 0.7 },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); },
      }).addTo(map), "Region outlines");
    }
    map.fitBounds(cfg.bounds);
    map.on("zoomend", function () { zoomClasses(map); });
    zoomClasses(map);
    var groups = IM.build(map, control, specs);
    if (cfg.heat && cfg.heat.length && L.heatLayer) {
      control.addOverlay(L.heatLayer(cfg.heat, { radius: 18 }), "Heat map");
    }
    addPosition(map);
    addTools(map);
    IM.init({ map: map, control: control, groups: groups, span: cfg.span, days: cfg.days, sources: cfg.sources,
              sides: cfg.sides, labels: cfg.labels });
  };

  IM.init = function (cfg) {
    var map = cfg.map;
    IM.map = map;
    IM.span = cfg.span;
    IM.all = [];
    cfg.groups.forEach(function (g) {
      g.eachLayer(function (l) {
        l._imGroup = l._imGroup || g;
        IM.all.push(l);
      });
    });
    IM.t = cfg.span ? cfg.span[1] - DAY : 0; // IM.t is the start of the day shown last
    IM.window = Infinity;
    IM.source = "";
    IM.side = "";
    if (cfg.labels && cfg.labels.length) addLabels(map, cfg.labels, cfg.control);
    addSearch(map);
    if (cfg.span) addTimeControl(cfg);
    IM.apply();
    // for benchmarks: when the page was ready, and when its first frame was drawn
    IM.readyAt = performance.now();
    requestAnimationFrame(function () {
      setTimeout(function () { IM.drawnAt = performance.now(); }, 0);
    });
  };

  // incidents shown: in their group, and the group on the map (a clustered marker counts)
  IM.visible = function () {
    return IM.all.filter(function (l) { return !!l._imGroup._map && l._imGroup.hasLayer(l); }).length;
  };

  IM.apply = function () {
    var t = IM.t, w = IM.window, src = IM.source, shown = 0;
    var changes = new Map(); // group -> [toAdd, toRemove], applied in bulk (cluster groups need it)
    IM.all.forEach(function (l) {
      var p = l.feature.properties;
      // the window is the w days ending with day t: [t - w + DAY, t + DAY)
      var show = (!IM.span || (p.s <= t && (w === Infinity || p.e > t - w + DAY))) && (!src || p.src === src)
        && (!IM.side || p.side === IM.side);
      var g = l._imGroup;
      var has = g.hasLayer(l);
      if (show !== has) {
        if (!changes.has(g)) changes.set(g, [[], []]);
        changes.get(g)[show ? 0 : 1].push(l);
      }
      if (show) shown++;
    });
    changes.forEach(function (c, g) {
      if (g.addLayers) {
        if (c[1].length) g.removeLayers(c[1]);
        if (c[0].length) g.addLayers(c[0]);
      } else {
        c[1].forEach(function (l) { g.removeLayer(l); });
        c[0].forEach(function (l) { g.addLayer(l); });
      }
    });
    if (IM._label) {
      var from = w === Infinity ? fmt(IM.span[0]) : fmt(Math.max(IM.span[0], t - w + DAY));
      IM._label.textContent = from + " – " + fmt(t) + " · " + shown + " shown";
    }
    if (IM._range) IM._range.value = String(t);
    if (IM._brush) IM._brush();
    return shown;
  };

  IM.setTime = function (t) {
    IM.t = Math.max(IM.span[0], Math.min(IM.span[1] - DAY, t));
    return IM.apply();
  };

  IM.setWindow = function (days) {
    IM.window = days ? days * DAY : Infinity;
    IM.t = IM.span[1] - DAY;
    return IM.apply();
  };

  // The days from `a` to `b` (ms, both included), as the histogram's brush sets them
  IM.setRange = function (a, b) {
    var lo = Math.max(IM.span[0], Math.min(a, b)), hi = Math.min(IM.span[1] - DAY, Math.max(a, b));
    IM.t = hi;
    IM.window = hi - lo + DAY;
    return IM.apply();
  };

  function addTimeControl(cfg) {
    var div = document.getElementById("im-time");
    div.hidden = false;
    if (cfg.days && cfg.days.length > 1) addHistogram(div, cfg);
    var row = el("div", "im-time-row", div);
    var play = el("button", "im-btn", row, "▶");
    play.type = "button";
    play.title = "Play the period day by day";
    var range = el("input", "im-range", row);
    range.type = "range";
    range.min = String(cfg.span[0]);
    range.max = String(cfg.span[1] - DAY);
    range.step = String(DAY);
    range.value = String(IM.t);
    range.setAttribute("aria-label", "Date");
    IM._range = range;
    var presets = el("div", "im-presets", div);
    var buttons = [];
    [["All", 0], ["30 days", 30], ["7 days", 7], ["24 h", 1]].forEach(function (p, i) {
      var b = el("button", "im-btn im-preset" + (i === 0 ? " im-on" : ""), presets, p[0]);
      b.type = "button";
      b.dataset.days = String(p[1]);
      buttons.push(b);
      b.onclick = function () {
        buttons.forEach(function (x) { x.classList.remove("im-on"); });
        b.classList.add("im-on");
        IM.setWindow(p[1]);
      };
    });
    IM._presetsOff = function () { buttons.forEach(function (x) { x.classList.remove("im-on"); }); };
    if (cfg.sources && cfg.sources.length > 1) {
      var sel = el("select", "im-source", presets);
      sel.setAttribute("aria-label", "Source");
      el("option", "", sel, "all sources").value = "";
      cfg.sources.forEach(function (s) { el("option", "", sel, s).value = s; });
      sel.onchange = function () {
        IM.source = sel.value;
        IM.apply();
      };
    }
    if (cfg.sides && cfg.sides.length > 1) {
      // who says so: only the incidents one side's claimants report
      var side = el("select", "im-side", presets);
      side.setAttribute("aria-label", "Claimant side");
      el("option", "", side, "all claimants").value = "";
      cfg.sides.forEach(function (s) { el("option", "", side, s[1]).value = s[0]; });
      side.onchange = function () {
        IM.side = side.value;
        IM.apply();
      };
    }
    IM._label = el("div", "im-time-label", presets);
    range.oninput = function () { IM.setTime(Number(range.value)); };
    var timer = null;
    play.onclick = function () {
      if (timer) {
        clearInterval(timer);
        timer = null;
        play.textContent = "▶";
        return;
      }
      var days = Math.max(1, Math.round((cfg.span[1] - cfg.span[0]) / DAY));
      var step = Math.max(DAY, Math.ceil(days / 60) * DAY);
      IM.t = cfg.span[0];
      play.textContent = "❚❚";
      timer = setInterval(function () {
        IM.setTime(IM.t + step);
        if (IM.t >= cfg.span[1] - DAY) {
          clearInterval(timer);
          timer = null;
          play.textContent = "▶";
        }
      }, 250);
    };
  }

  // Incidents per day as bars; dragging across them shows only those days (a brush).
  function addHistogram(div, cfg) {
    var NS = "http://www.w3.org/2000/svg", n = cfg.days.length, W = 1000, H = 40;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "im-hist");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-label", "Incidents per day: drag to choose days");
    var max = Math.max.apply(null, cfg.days.concat([1])), bw = W / n;
    cfg.days.forEach(function (c, k) {
      if (!c) return;
      var r = document.createElementNS(NS, "rect");
      var h = Math.max(2, (H - 2) * c / max);
      r.setAttribute("x", String(k * bw + bw * 0.1));
      r.setAttribute("width", String(Math.max(0.5, bw * 0.8)));
      r.setAttribute("y", String(H - h));
      r.setAttribute("height", String(h));
      r.setAttribute("class", "im-bar");
      var t = document.createElementNS(NS, "title");
      t.textContent = fmt(cfg.span[0] + k * DAY) + ": " + c;
      r.appendChild(t);
      svg.appendChild(r);
    });
    var sel = document.createElementNS(NS, "rect");
    sel.setAttribute("class", "im-brush");
    sel.setAttribute("y", "0");
    sel.setAttribute("height", String(H));
    svg.appendChild(sel);
    div.appendChild(svg);
    IM.hist = svg;
    function dayAt(ev) {
      var box = svg.getBoundingClientRect();
      var k = Math.floor((ev.clientX - box.left) / box.width * n);
      return cfg.span[0] + Math.max(0, Math.min(n - 1, k)) * DAY;
    }
    IM._brush = function () {
      var lo = IM.window === Infinity ? cfg.span[0] : Math.max(cfg.span[0], IM.t - IM.window + DAY);
      var a = (lo - cfg.span[0]) / DAY, b = (IM.t - cfg.span[0]) / DAY + 1;
      sel.setAttribute("x", String(a * bw));
      sel.setAttribute("width", String(Math.max(0, (b - a) * bw)));
    };
    var start = null;
    svg.addEventListener("pointerdown", function (ev) {
      start = dayAt(ev);
      svg.setPointerCapture(ev.pointerId);
      if (IM._presetsOff) IM._presetsOff();
      IM.setRange(start, start);
    });
    svg.addEventListener("pointermove", function (ev) {
      if (start !== null) IM.setRange(start, dayAt(ev));
    });
    svg.addEventListener("pointerup", function (ev) {
      if (start !== null) IM.setRange(start, dayAt(ev));
      start = null;
    });
  }

  function addSearch(map) {
    var input = document.getElementById("im-search-input");
    var list = document.getElementById("im-search-list");
    if (!input) return;
    function go(l) {
      list.innerHTML = "";
      var where = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
      map.setView(where, Math.max(map.getZoom(), 10));
      if (l._imGroup.zoomToShowLayer) l._imGroup.zoomToShowLayer(l, function () { l.openPopup(); });
      else if (l._map) l.openPopup();
    }
    function matches(q) {
      var seen = {}, out = [];
      IM.all.forEach(function (l) {
        var p = l.feature.properties;
        if (out.length >= 8 || seen[p.name] || p.search.indexOf(q) < 0 || !l._imGroup.hasLayer(l)) return;
        seen[p.name] = 1;
        out.push(l);
      });
      return out;
    }
    input.oninput = function () {
      var q = input.value.trim().toLowerCase();
      list.innerHTML = "";
      if (q.length < 2) return;
      matches(q).forEach(function (l) {
        var a = el("a", "im-search-item", list, l.feature.properties.name);
        a.href = "#";
        a.onclick = function (e) {
          e.preventDefault();
          go(l);
        };
      });
    };
    // Enter opens the first match's popup, as a search box should
    input.onkeydown = function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();
      var q = input.value.trim().toLowerCase();
      var found = q.length >= 1 ? matches(q) : [];
      if (found.length) go(found[0]);
    };
  }

  // The places with incidents, named: the busiest at every zoom, the next ones as the map
  // zooms in (labels are [lat, lon, name, rank], busiest first).
  function addLabels(map, labels, control) {
    var g = L.layerGroup();
    labels.forEach(function (x) {
      var from = x[3] < 12 ? 3 : x[3] < 40 ? 7 : 9;
      var icon = L.divIcon({ className: "im-label im-from" + from, html: "", iconSize: null, iconAnchor: [-8, 8] });
      var m = L.marker([x[0], x[1]], { icon: icon, interactive: false, keyboard: false, pane: "imNames" });
      m.on("add", function () { m.getElement().textContent = x[2]; });
      m.addTo(g);
    });
    g.addTo(map);
    if (control) control.addOverlay(g, "Places with incidents");
    IM.labels = g;
  }

  function addPosition(map) {
    var C = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "im-position");
        map.on("mousemove", function (e) {
          div.textContent = e.latlng.lat.toFixed(4) + ", " + e.latlng.lng.toFixed(4);
        });
        return div;
      },
    });
    new C().addTo(map);
  }

  // Two buttons under the zoom: the page full screen, and a ruler. With the ruler on, each
  // click adds a point; the line's length (great-circle, km) shows beside its last point.
  // A second click on the button (or Escape) ends the measurement.
  function addTools(map) {
    var C = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar im-tools");
        L.DomEvent.disableClickPropagation(bar);
        function button(text, title, act) {
          var a = el("a", "im-tool", bar, text);
          a.href = "#";
          a.title = title;
          a.setAttribute("role", "button");
          a.onclick = function (e) {
            e.preventDefault();
            act();
          };
          return a;
        }
        button("⛶", "Full screen", function () {
          if (document.fullscreenElement) document.exitFullscreen();
          else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
        });
        IM.measure._button = button("📏", "Measure a distance: click points on the map", function () {
          if (IM.measure.on) IM.measure.stop();
          else IM.measure.start();
        });
        return bar;
      },
    });
    IM.measure = {
      on: false, points: [], km: 0,
      start: function () {
        var m = IM.measure;
        m.stop();
        m.on = true;
        m.layer = L.layerGroup().addTo(map);
        m.line = L.polyline([], { color: "#1e5ac8", weight: 2.5, dashArray: "6 4", interactive: false }).addTo(m.layer);
        m.label = L.tooltip({ permanent: true, direction: "right", className: "im-measure" });
        m._button.classList.add("im-on");
        map.getContainer().classList.add("im-measuring");
        map.closePopup();
        map.doubleClickZoom.disable();  // quick clicks are points, not a zoom
        map.on("click", m._click);
        map.on("popupopen", m._noPopup);
      },
      add: function (latlng) {
        var m = IM.measure;
        if (m.points.length) m.km += map.distance(m.points[m.points.length - 1], latlng) / 1000;
        m.points.push(latlng);
        m.line.addLatLng(latlng);
        L.circleMarker(latlng, { radius: 3, color: "#1e5ac8", interactive: false }).addTo(m.layer);
        m.label.setLatLng(latlng).setContent(m.km.toFixed(m.km < 10 ? 2 : 1) + " km");
        if (m.points.length > 1) m.label.addTo(map);
        return m.km;
      },
      stop: function () {
        var m = IM.measure;
        if (m.layer) map.removeLayer(m.layer);
        if (m.label) map.removeLayer(m.label);
        map.off("click", m._click);
        map.off("popupopen", m._noPopup);
        map.doubleClickZoom.enable();
        m.on = false;
        m.points = [];
        m.km = 0;
        if (m._button) m._button.classList.remove("im-on");
        map.getContainer().classList.remove("im-measuring");
      },
      _click: function (e) { IM.measure.add(e.latlng); },
      _noPopup: function () { map.closePopup(); },
    };
    new C().addTo(map);
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && IM.measure.on) IM.measure.stop();
    });
  }
})();
