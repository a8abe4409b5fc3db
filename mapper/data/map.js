/* incident-mapper's page, on a folium map: the atlas, one marker per place with every incident
   at it, the incident list, the legend as type filter, search, the time bar. Plain Leaflet 1.9
   (Leaflet.markercluster when the page carries it). Every string from a report arrives as JSON
   data (mapper/render.py page_data) and is shown with textContent: none is ever parsed as HTML. */
(function () {
  var IM = (window.IM = window.IM || {});
  var DAY = 86400000;
  var POPUP = { maxWidth: 400, maxHeight: 440, autoPanPadding: [24, 24] };
  var PAGE = 5; // incidents per popup page
  var LIST_STEP = 200; // list rows drawn at a time

  function fmt(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function el(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function button(parent, cls, text, title, act) {
    var b = el("button", "im-btn " + (cls || ""), parent, text);
    b.type = "button";
    if (title) b.title = title;
    b.onclick = act;
    return b;
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }

  // ---- markers: a circle for a settlement, a hollow diamond for an area ("somewhere in it"),
  // drawn on the page's canvas with the number of incidents inside when there are several
  IM.Mark = L.CircleMarker.extend({
    options: { shape: "circle", count: 1 },
    _updatePath: function () { this._renderer._updateMark(this); },
  });
  L.Canvas.include({
    _updateMark: function (layer) {
      if (!this._drawing || layer._empty()) return;
      var p = layer._point, r = layer._radius, ctx = this._ctx, o = layer.options;
      this._layers[layer._leaflet_id] = layer;
      ctx.beginPath();
      if (o.shape === "diamond") {
        ctx.moveTo(p.x, p.y - r); ctx.lineTo(p.x + r, p.y); ctx.lineTo(p.x, p.y + r); ctx.lineTo(p.x - r, p.y);
        ctx.closePath();
      } else {
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
      }
      this._fillStroke(ctx, layer);
      if (o.count > 1) {
        ctx.globalAlpha = 1;
        ctx.font = "bold " + (o.count > 99 ? 9 : 10) + "px system-ui,sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillStyle = o.shape === "diamond" ? "#222" : "#fff";
        ctx.fillText(String(o.count), p.x, p.y + 0.5);
      }
    },
  });
  L.SVG.include({
    _updateMark: function (layer) {
      if (layer.options.shape !== "diamond") return this._updateCircle(layer);
      var p = layer._point, r = layer._radius;
      this._setPath(layer, layer._empty() ? "M0 0" :
        "M" + p.x + "," + (p.y - r) + "L" + (p.x + r) + "," + p.y + "L" + p.x + "," + (p.y + r) + "L" + (p.x - r) + "," + p.y + "z");
    },
  });
  var AREA_SIZE = { community: 7, district: 9, region: 11, country: 12 };

  // ---- state: which types are hidden, the time window (the w days ending with day t; "all"
  // when w is Infinity and t the last day: only then do undated incidents show), side, source
  var S = { hidden: {}, t: 0, w: Infinity, side: "", src: "", sort: "date", limit: LIST_STEP };

  IM.start = function (map, cfg, base) {
    IM.map = map;
    IM.cfg = cfg;
    IM.rows = cfg.rows;
    IM.places = cfg.places.map(function (p, k) {
      return { k: k, lat: p[0], lon: p[1], name: p[2], local: p[3], level: p[4], sub: p[5], keys: p[6], poly: p[7], rows: [], on: [] };
    });
    IM.rows.forEach(function (r, k) { r.k = k; IM.places[r.p].rows.push(r); });
    IM.typeInfo = {};
    cfg.types.forEach(function (t) { IM.typeInfo[t[0]] = { label: t[1], colour: t[2] }; });
    IM.span = cfg.span;
    S.t = cfg.span ? cfg.span[1] - DAY : 0;
    layout(map);
    var control = addBase(map, base, cfg);
    IM.control = control;
    addMarkers(map, cfg);
    addLabels(map, control);
    addVillages(map, control, cfg.villages || []);
    if (cfg.heat && window[cfg.heat]) control.addOverlay(window[cfg.heat], "Heat map");
    if (cfg.regions) {
      control.addOverlay(L.geoJSON(cfg.regions, {
        pane: "imLines", style: { color: "#555", weight: 0.8, fillOpacity: 0, opacity: 0.7 },
        onEachFeature: function (f, l) { l.bindTooltip(el("span", "", null, f.properties.name)); },
      }).addTo(map), "Region outlines");
    }
    L.control.scale({ imperial: false }).addTo(map);
    addPosition(map);
    addLegend();
    addList();
    addSearch(map);
    if (cfg.span) addTimeBar(cfg);
    readHash();
    if (IM.view) map.setView(IM.view.center, IM.view.zoom, { animate: false });
    else map.fitBounds(cfg.bounds, { animate: false });
    map.on("moveend", writeHash);
    map.on("zoomend", function () { zoomClasses(map); });
    zoomClasses(map);
    IM.apply();
    IM.readyAt = performance.now();
    requestAnimationFrame(function () { setTimeout(function () { IM.drawnAt = performance.now(); }, 0); });
  };

  // ---- the page around the map: a header, the map with its side panel, the time bar
  function layout(map) {
    var app = document.getElementById("im-app"), cfg = IM.cfg;
    var head = el("header", "", app);
    head.id = "im-head";
    var title = el("div", "", head);
    title.id = "im-title";
    el("div", "im-h", title, cfg.title);
    el("div", "im-asof", title, cfg.incidents + " incident" + (cfg.incidents === 1 ? "" : "s") +
      (cfg.asOf ? " · data as of " + cfg.asOf : " · undated"));
    if (cfg.nOutside) {
      var more = cfg.nOutside > cfg.outside.length ? " and " + (cfg.nOutside - cfg.outside.length) + " more" : "";
      el("div", "", title, cfg.nOutside + " outside the border region, not in the first view: " + cfg.outside.join(", ") + more).id = "im-outliers";
    }
    el("div", "", title).id = "im-notice";
    var search = el("div", "im-search", head);
    var input = el("input", "im-search-input", search);
    input.id = "im-search-input";
    input.type = "search";
    input.placeholder = "Find a place or words…";
    input.setAttribute("aria-label", "Find a place or words");
    el("div", "im-search-list", search).id = "im-search-list";
    var main = el("div", "", app);
    main.id = "im-main";
    var box = map.getContainer();
    main.appendChild(box);
    box.id && box.classList.add("im-map");
    var side = el("aside", "", main);
    side.id = "im-side";
    el("div", "", side).id = "im-legend";
    el("div", "", side).id = "im-list";
    var time = el("div", "", app);
    time.id = "im-time";
    time.hidden = true;
    map.invalidateSize();
  }

  var TINT = { UA: "#f7f1da", RU: "#ecebe8", BY: "#eeeeee" };

  // The page's own atlas: land, lines, names by zoom; the state border once, above everything
  // (its pane lets clicks through). Tiles are optional base layers below the lines.
  function addBase(map, base, cfg) {
    [["imLand", 150], ["imLines", 380], ["imBorder", 450], ["imNames", 420]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("imNames").style.pointerEvents = "none";
    map.getPane("imBorder").style.pointerEvents = "none";
    var bases = { "Atlas (no network needed)": L.layerGroup().addTo(map) };
    (cfg.tiles || []).forEach(function (t) {
      var layer = L.tileLayer(t.url, { attribution: t.attr, maxZoom: t.maxZoom || 18 });
      layer.on("tileerror", function () { notice("Map tiles could not be loaded (no network?): the atlas below is drawn from the page itself."); });
      bases[t.name] = layer;
    });
    var control = L.control.layers(bases, {}, { collapsed: true }).addTo(map);
    IM._overlays = {};
    var add = control.addOverlay;
    control.addOverlay = function (layer, name) {
      IM._overlays[name] = layer;
      return add.call(control, layer, name);
    };
    L.geoJSON(base.countries, {
      pane: "imLand", interactive: false,
      style: function (f) { return { stroke: false, fillOpacity: 1, fillColor: TINT[f.properties.iso_a2] || "#f4f1ea" }; },
    }).addTo(map);
    L.geoJSON(base.lines.country, { pane: "imLines", interactive: false, style: { color: "#8a8a8a", weight: 1.2 } }).addTo(map);
    var oblasts = L.geoJSON(base.lines.oblast, {
      pane: "imLines", interactive: false, style: { color: "#8c8577", weight: 0.9, opacity: 0.9 },
    }).addTo(map);
    control.addOverlay(oblasts, "Oblast outlines");
    var border = L.geoJSON(base.border, {
      pane: "imBorder", interactive: false, style: { color: "#c0392b", weight: 3.5, dashArray: "8 4", opacity: 0.9 },
    }).addTo(map);
    control.addOverlay(border, "Russia–Ukraine state border");
    var names = L.layerGroup().addTo(map);
    base.oblasts.forEach(function (o) {
      nameMarker(o[0], o[1].replace(/ Oblast$/, ""), "im-name-oblast", 5, 9).addTo(names);
    });
    base.towns.forEach(function (t) { nameMarker([t[0], t[1]], t[2], "im-name-town", t[3], 99).addTo(names); });
    control.addOverlay(names, "Oblast and town names");
    return control;
  }

  function nameMarker(latlng, text, cls, from, to) {
    var c = cls + " im-from" + from + (to < 99 ? " im-to" + to : "");
    var icon = L.divIcon({ className: "im-name " + c, html: "", iconSize: null });
    var m = L.marker(latlng, { icon: icon, interactive: false, keyboard: false, pane: "imNames" });
    m.on("add", function () { m.getElement().textContent = text; });
    return m;
  }

  function zoomClasses(map) {
    var box = map.getContainer(), z = map.getZoom();
    for (var k = 3; k <= 12; k++) box.classList.toggle("im-zge" + k, z >= k);
  }

  function notice(text) {
    var n = document.getElementById("im-notice");
    if (n && !n.textContent) n.textContent = text;
  }

  IM.overlay = function (name) { return IM._overlays[name]; };

  // ---- one marker per place; its popup lists every incident shown there, newest first, paged
  function addMarkers(map, cfg) {
    var points = cfg.cluster && L.markerClusterGroup ? L.markerClusterGroup({
      chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 11, showCoverageOnHover: false,
    }) : L.featureGroup();
    var areas = L.featureGroup();
    // the marks on one canvas of their own; other vector layers (folium's measuring tool, a
    // user's own shapes) get SVG, which they expect
    IM.canvas = L.canvas({ padding: 0.3 });
    map.options.renderer = L.svg({ padding: 0.3 });
    IM.places.forEach(function (pl) {
      var area = pl.level !== "settlement";
      var m = new IM.Mark([pl.lat, pl.lon], {
        renderer: IM.canvas, shape: area ? "diamond" : "circle", radius: area ? AREA_SIZE[pl.level] || 9 : 6,
        color: area ? "#333" : "#222", weight: area ? 2 : 1, fillOpacity: area ? 0.25 : 0.9, dashArray: area ? "4 3" : null,
      });
      m._imPlace = pl;
      m._imGroup = area ? areas : points;
      pl.marker = m;
      m.on("click", function (e) {
        L.DomEvent.stop(e);
        IM.openPlace(pl, 0, e.latlng);
        IM.selectRows(pl);
      });
      m.on("mouseover", function (e) {
        if (!m.getTooltip()) m.bindTooltip(tipOf(pl), { sticky: true }).openTooltip(e.latlng);
      });
    });
    points.addTo(map);
    areas.addTo(map);
    IM.groups = [points, areas];
  }

  function tipOf(pl) {
    var span = el("span");
    var n = pl.on.length;
    span.textContent = pl.name + " · " + (n === 1 ? IM.typeInfo[pl.on[0].t].label + " · " + (pl.on[0].d || "date unknown")
      : n + " incidents");
    return span;
  }

  function dominant(rows) {
    var c = {}, best = null;
    rows.forEach(function (r) {
      c[r.t] = (c[r.t] || 0) + 1;
      if (best === null || c[r.t] > c[best]) best = r.t;
    });
    return best;
  }

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

  // One incident's part of a popup, from its plain-text fields (render.popup_data)
  function incidentBox(r, parent) {
    var d = r.popup, box = el("div", "im-inc", parent);
    box.dataset.id = r.id;
    el("div", "im-type", box, d.label).style.borderLeft = "4px solid " + IM.typeInfo[r.t].colour;
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
      var a = el("a", "", src, r.src);
      a.href = d.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    } else {
      src.appendChild(document.createTextNode(r.src));
    }
    return box;
  }

  function newestFirst(a, b) { return (b.s === null ? -1 : b.s) - (a.s === null ? -1 : a.s) || a.k - b.k; }

  function popupOf(pl, page) {
    var rows = pl.on.slice().sort(newestFirst), box = el("div", "im-popup");
    var head = el("div", "im-title", box);
    el("b", "", head, pl.name);
    if (pl.local) {
      head.appendChild(document.createTextNode(" "));
      el("span", "im-local", head, pl.local);
    }
    el("div", "im-sub", box, pl.sub + (rows.length > 1 ? " · " + rows.length + " incidents, newest first" : ""));
    var pages = Math.ceil(rows.length / PAGE);
    page = Math.max(0, Math.min(pages - 1, page));
    if (pages > 1) { // above the incidents, where it stays in reach however long they are
      var nav = el("div", "im-pager", box);
      // the click goes no further: its button is gone once the page turns, and the map would
      // take a click from outside the popup as one that closes it
      var prev = button(nav, "im-prev", "‹", "Newer", function (e) { L.DomEvent.stop(e); IM.openPlace(pl, page - 1); });
      el("span", "", nav, (page * PAGE + 1) + "–" + Math.min(rows.length, page * PAGE + PAGE) + " of " + rows.length);
      var next = button(nav, "im-next", "›", "Older", function (e) { L.DomEvent.stop(e); IM.openPlace(pl, page + 1); });
      prev.disabled = page === 0;
      next.disabled = page === pages - 1;
    }
    rows.slice(page * PAGE, page * PAGE + PAGE).forEach(function (r) { incidentBox(r, box); });
    return box;
  }

  var outline = null;
  IM.openPlace = function (pl, page, latlng) {
    if (!pl.on.length) return;
    // one popup for the page, opened where the place is (a popup bound to each marker would
    // also toggle on the marker's own clicks)
    if (!IM.popup) IM.popup = L.popup(POPUP);
    var same = IM.map.hasLayer(IM.popup) && IM.popup._imPlace === pl;
    IM.popup._imPlace = pl;
    IM.popup.setContent(popupOf(pl, page || 0));
    if (same) return;  // another page of the same place: the popup stays where it is
    IM.popup.setLatLng(latlng || [pl.lat, pl.lon]).openOn(IM.map);
    if (outline) IM.map.removeLayer(outline);
    outline = null;
    if (pl.poly !== null && pl.poly !== undefined && IM.cfg.polys[pl.poly]) {
      outline = L.geoJSON(IM.cfg.polys[pl.poly], {
        pane: "imLines", interactive: false,
        style: { color: IM.typeInfo[dominant(pl.on)].colour, weight: 2, dashArray: "6 4", fillOpacity: 0.06 },
      }).addTo(IM.map);
      IM.map.once("popupclose", function () { if (outline) IM.map.removeLayer(outline); outline = null; });
    }
  };

  // Fly to an incident (by its row number or id) and open its place's popup at its page
  IM.openIncident = function (which) {
    var r = typeof which === "number" ? IM.rows[which] : IM.rows.filter(function (x) { return x.id === which; })[0];
    if (!r) return false;
    if (!r.on) { S.hidden[r.t] = false; IM.setWindow(0); }
    var pl = IM.places[r.p], at = pl.on.slice().sort(newestFirst).indexOf(r);
    var go = function () { IM.openPlace(pl, Math.floor(at / PAGE)); };
    IM.map.setView([pl.lat, pl.lon], Math.max(IM.map.getZoom(), 9), { animate: false });
    if (pl.marker._imGroup.zoomToShowLayer) pl.marker._imGroup.zoomToShowLayer(pl.marker, go);
    else go();
    IM.selectRows(pl, r);
    return true;
  };

  // ---- applying the filters: markers, legend counts, labels, list, time bar and the URL agree
  function passes(r, ignoreType, ignoreTime) {
    if (!ignoreType && S.hidden[r.t]) return false;
    if (S.side && r.side !== S.side) return false;
    if (S.src && r.src !== S.src) return false;
    if (ignoreTime || !IM.span || IM.all()) return true;
    return r.s !== null && r.s <= S.t && (S.w === Infinity || r.e > S.t - S.w + DAY);
  }
  IM.all = function () { return !IM.span || (S.w === Infinity && S.t >= IM.span[1] - DAY); };

  IM.apply = function () {
    var shown = 0;
    IM.places.forEach(function (pl) { pl.on = []; });
    IM.rows.forEach(function (r) {
      r.on = passes(r);
      if (r.on) { shown++; IM.places[r.p].on.push(r); }
    });
    var changes = new Map();
    IM.places.forEach(function (pl) {
      var m = pl.marker, g = m._imGroup, want = pl.on.length > 0, has = g.hasLayer(m);
      if (want) {
        var t = dominant(pl.on), colour = IM.typeInfo[t].colour, n = pl.on.length, area = pl.level !== "settlement";
        var r = area ? (AREA_SIZE[pl.level] || 9) + Math.min(6, 2 * Math.log2(n)) :
          n > 1 ? Math.min(18, 7 + 2.2 * Math.log2(n)) : 5 + 6 * pl.on[0].c;
        m.options.count = n;
        m.setStyle(area ? { color: colour, fillColor: colour } : { fillColor: colour });
        m.setRadius(Math.round(r * 10) / 10);
        if (m.getTooltip()) m.unbindTooltip();
      }
      if (want !== has) {
        if (!changes.has(g)) changes.set(g, [[], []]);
        changes.get(g)[want ? 0 : 1].push(m);
      }
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
    IM.shown = shown;
    drawLegend();
    drawLabels();
    drawList();
    if (IM._time) IM._time();
    writeHash();
    return shown;
  };
  IM.visible = function () { return IM.shown; };

  IM.setTime = function (t) {
    S.t = Math.max(IM.span[0], Math.min(IM.span[1] - DAY, t));
    return IM.apply();
  };
  IM.setWindow = function (days) {
    S.w = days ? days * DAY : Infinity;
    if (IM.span) S.t = IM.span[1] - DAY;
    return IM.apply();
  };
  IM.setRange = function (a, b) { // the days from a to b (ms, both included)
    var lo = Math.max(IM.span[0], Math.min(a, b)), hi = Math.min(IM.span[1] - DAY, Math.max(a, b));
    S.t = hi;
    S.w = hi - lo + DAY;
    return IM.apply();
  };
  IM.toggleType = function (t, on) {
    S.hidden[t] = on === undefined ? !S.hidden[t] : !on;
    return IM.apply();
  };
  IM.setSide = function (s) { S.side = s || ""; return IM.apply(); };
  IM.setSource = function (s) { S.src = s || ""; return IM.apply(); };
  IM.state = S;

  // ---- the legend: each event type a toggle, with how many of it the other filters show
  function addLegend() {
    var box = document.getElementById("im-legend");
    el("div", "im-lh", box, "Event type");
    IM._legend = el("div", "im-types", box);
    if (!IM.cfg.types.length) el("div", "im-li", IM._legend, "no incidents");
    IM._legendItems = IM.cfg.types.map(function (t) {
      var b = el("button", "im-li im-type-toggle", IM._legend);
      b.type = "button";
      b.setAttribute("aria-pressed", "true");
      el("span", "im-dot", b).style.background = t[2];
      el("span", "im-lt", b, t[1]);
      var n = el("span", "im-n", b, "");
      b.onclick = function () { IM.toggleType(t[0]); };
      return { t: t[0], b: b, n: n };
    });
    el("div", "im-lh", box, "Location precision");
    var k1 = el("div", "im-li", box);
    el("span", "im-dot", k1).style.background = "#777";
    el("span", "", k1, "settlement (its centre)");
    var k2 = el("div", "im-li", box);
    el("span", "im-diamond", k2);
    el("span", "", k2, "district, oblast, country: somewhere in it");
    el("div", "im-note", box, "A number is how many incidents are there. Points are place centres, not strike coordinates.");
  }
  function drawLegend() {
    var c = {};
    IM.rows.forEach(function (r) { if (passes(r, true)) c[r.t] = (c[r.t] || 0) + 1; });
    (IM._legendItems || []).forEach(function (it) {
      it.n.textContent = String(c[it.t] || 0);
      it.b.classList.toggle("im-off", !!S.hidden[it.t]);
      it.b.setAttribute("aria-pressed", S.hidden[it.t] ? "false" : "true");
    });
  }

  // ---- names: the places with incidents shown (busiest first, more as the map zooms in),
  // and from zoom 10 the villages around them, so a strike's surroundings read without tiles
  function addLabels(map, control) {
    IM.labels = L.layerGroup().addTo(map);
    control.addOverlay(IM.labels, "Places with incidents");
  }
  function drawLabels() {
    if (!IM.labels) return;
    IM.labels.clearLayers();
    IM.places.filter(function (pl) { return pl.on.length && pl.level === "settlement"; })
      .sort(function (a, b) { return b.on.length - a.on.length || a.k - b.k; })
      .slice(0, IM.cfg.maxLabels).forEach(function (pl, rank) {
        var from = rank < 12 ? 3 : rank < 40 ? 7 : 9;
        var icon = L.divIcon({ className: "im-label im-from" + from, html: "", iconSize: null, iconAnchor: [-8, 8] });
        var m = L.marker([pl.lat, pl.lon], { icon: icon, interactive: false, keyboard: false, pane: "imNames" });
        m.on("add", function () { m.getElement().textContent = pl.name; });
        m.addTo(IM.labels);
      });
  }
  function addVillages(map, control, villages) {
    var layer = L.layerGroup().addTo(map);
    control.addOverlay(layer, "Villages around the incidents (zoom 10+)");
    function draw() {
      layer.clearLayers();
      if (map.getZoom() < 10 || !map.hasLayer(layer)) return;
      var b = map.getBounds().pad(0.1), n = 0;
      for (var k = 0; k < villages.length && n < 400; k++) {
        var v = villages[k];
        if (b.contains([v[0], v[1]])) {
          nameMarker([v[0], v[1]], v[2], "im-name-village", 10, 99).addTo(layer);
          n++;
        }
      }
    }
    map.on("moveend", draw);
    IM.villages = layer;
  }

  // ---- the incident list: every incident the filters show, sortable, linked to the map
  function addList() {
    var box = document.getElementById("im-list");
    var head = el("div", "im-list-head", box);
    IM._count = el("div", "im-count", head);
    var sort = el("div", "im-sort", head, "Sort: ");
    IM._sortButtons = [["date", "date"], ["type", "type"], ["place", "place"]].map(function (s) {
      var b = button(sort, "im-sort-" + s[0], s[1], "Sort the list by " + s[1], function () {
        S.sort = s[0];
        S.limit = LIST_STEP;
        IM.apply();
      });
      b.dataset.sort = s[0];
      return b;
    });
    var dl = el("div", "im-download", head, "Download shown: ");
    button(dl, "im-dl-geojson", "GeoJSON", "The incidents shown, as GeoJSON", function () { save("geojson"); });
    button(dl, "im-dl-csv", "CSV", "The incidents shown, as CSV", function () { save("csv"); });
    IM._rows = el("div", "im-rows", box);
  }
  function sortedShown() {
    var rows = IM.rows.filter(function (r) { return r.on; });
    var key = {
      date: newestFirst,
      type: function (a, b) { return IM.typeInfo[a.t].label.localeCompare(IM.typeInfo[b.t].label) || newestFirst(a, b); },
      place: function (a, b) { return IM.places[a.p].name.localeCompare(IM.places[b.p].name) || newestFirst(a, b); },
    }[S.sort];
    return rows.sort(key);
  }
  function drawList() {
    if (!IM._rows) return;
    var rows = sortedShown();
    IM._count.textContent = rows.length + " shown";
    IM._sortButtons.forEach(function (b) { b.classList.toggle("im-on", b.dataset.sort === S.sort); });
    var list = IM._rows;
    list.textContent = "";
    rows.slice(0, S.limit).forEach(function (r) {
      var row = el("div", "im-row", list);
      row.dataset.k = String(r.k);
      row.tabIndex = 0;
      el("span", "im-rd", row, r.d || "undated");
      var t = el("span", "im-rt", row, IM.typeInfo[r.t].label);
      t.style.borderLeftColor = IM.typeInfo[r.t].colour;
      el("span", "im-rp", row, IM.places[r.p].name);
      row.onclick = function () { IM.openIncident(r.k); };
      row.onkeydown = function (e) { if (e.key === "Enter") IM.openIncident(r.k); };
    });
    if (rows.length > S.limit) {
      button(list, "im-more", "Show " + Math.min(LIST_STEP, rows.length - S.limit) + " more", "", function () {
        S.limit += LIST_STEP;
        drawList();
      });
    }
  }
  IM.selectRows = function (pl, r) {
    var first = null;
    Array.prototype.forEach.call(IM._rows.children, function (row) {
      var x = IM.rows[Number(row.dataset.k)];
      var on = !!x && (r ? x === r : x.p === pl.k);
      row.classList.toggle("im-sel", on);
      if (on && !first) first = row;
    });
    if (first) first.scrollIntoView({ block: "nearest" });
    return !!first;
  };

  // ---- downloads: exactly the incidents shown, as GeoJSON or CSV
  var COLUMNS = ["id", "date", "date_end", "event_type", "event", "place", "place_local", "admin", "precision",
    "lat", "lon", "confidence", "claimants", "evidence", "source", "url"];
  function record(r) {
    var pl = IM.places[r.p];
    return {
      id: r.id, date: r.d || null, date_end: r.e ? fmt(r.e - DAY) : null, event_type: r.t, event: IM.typeInfo[r.t].label,
      place: pl.name, place_local: pl.local, admin: pl.sub, precision: pl.level, lat: pl.lat, lon: pl.lon,
      confidence: r.c, claimants: r.popup.who.join("; "), evidence: r.popup.ev.join(" | "), source: r.src,
      url: r.popup.url || null,
    };
  }
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    if (/^\s*[=+\-@]/.test(s) && typeof v === "string") s = "'" + s; // no formula when a sheet opens it
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  IM.exportShown = function (kind) {
    var recs = sortedShown().map(record);
    if (kind === "csv") {
      return "\ufeff" + [COLUMNS.join(",")].concat(recs.map(function (x) {
        return COLUMNS.map(function (c) { return csvCell(x[c]); }).join(",");
      })).join("\r\n") + "\r\n";
    }
    return JSON.stringify({ type: "FeatureCollection", features: recs.map(function (x) {
      return { type: "Feature", geometry: { type: "Point", coordinates: [x.lon, x.lat] }, properties: x };
    }) });
  };
  function save(kind) {
    var blob = new Blob([IM.exportShown(kind)], { type: kind === "csv" ? "text/csv;charset=utf-8" : "application/geo+json" });
    var a = el("a", "", document.body);
    a.href = URL.createObjectURL(blob);
    a.download = "incidents-shown." + kind;
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // ---- search: folded as the gazetteer folds (its rules shipped with the data), forgiving one
  // letter, over every spelling of each place; and words of the evidence
  var FOLD = null;
  function foldToken(w) {
    var f = IM.cfg.fold;
    if (!FOLD) {
      FOLD = {
        apos: new RegExp("[" + f.apostrophes.replace(/[\]\\^-]/g, "\\$&") + "]", "g"),
        latin: new RegExp(f.latin.map(function (r) { return r[0]; }).join("|"), "g"),
        map: {},
      };
      f.latin.forEach(function (r) { FOLD.map[r[0]] = r[1]; });
    }
    var low = w.toLowerCase().replace(FOLD.apos, "");
    if (/[\u0400-\u04FF]/.test(low)) return low.replace(/[\s\S]/g, function (c) { return c in f.cyrillic ? f.cyrillic[c] : c; });
    low = low.replace(/[\s\S]/g, function (c) { return f.pre[c] || c; }).normalize("NFKD").replace(/\p{M}/gu, "");
    return low.replace(FOLD.latin, function (m) { return FOLD.map[m]; }).replace(/(.)\1+/g, "$1");
  }
  IM.fold = function (text) {
    return (text.match(/\p{L}+(?:['’ʼ`′‘ʹ]\p{L}+)*/gu) || []).map(foldToken).join(" ");
  };
  function distance(a, b) { // Levenshtein, small strings
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  function nameScore(q, keys) {
    var best = 0;
    keys.forEach(function (k) {
      if (k.indexOf(q) === 0) best = Math.max(best, 3);
      else if (q.length >= 4) {
        for (var d = -1; d <= 1; d++) {
          if (distance(q, k.slice(0, q.length + d)) <= 1) best = Math.max(best, 1);
        }
      }
    });
    return best;
  }
  IM.search = function (text) {
    var q = IM.fold(text), words = text.trim().toLowerCase(), out = [];
    if (!q && !words) return out;
    IM.places.forEach(function (pl) {
      if (!pl.on.length) return;
      var s = q ? nameScore(q, pl.keys) : 0;
      if (s) out.push({ place: pl, score: s, how: "name" });
    });
    if (words.length >= 3) {
      IM.places.forEach(function (pl) {
        if (!pl.on.length || out.some(function (o) { return o.place === pl; })) return;
        var hits = pl.on.filter(function (r) { return r.popup.ev.join(" ").toLowerCase().indexOf(words) >= 0; });
        if (hits.length) out.push({ place: pl, score: 0, how: "text", rows: hits });
      });
    }
    return out.sort(function (a, b) { return b.score - a.score || b.place.on.length - a.place.on.length; }).slice(0, 10);
  };
  function addSearch(map) {
    var input = document.getElementById("im-search-input");
    var list = document.getElementById("im-search-list");
    function go(hit) {
      list.textContent = "";
      if (hit.rows) IM.openIncident(hit.rows[0].k);
      else {
        map.setView([hit.place.lat, hit.place.lon], Math.max(map.getZoom(), 10), { animate: false });
        var g = hit.place.marker._imGroup;
        var open = function () { IM.openPlace(hit.place, 0); IM.selectRows(hit.place); };
        if (g.zoomToShowLayer) g.zoomToShowLayer(hit.place.marker, open);
        else open();
      }
    }
    input.oninput = function () {
      list.textContent = "";
      if (input.value.trim().length < 2) return;
      IM.search(input.value).forEach(function (hit) {
        var a = el("a", "im-search-item", list, hit.place.name);
        if (hit.place.local) el("span", "im-search-local", a, " " + hit.place.local);
        if (hit.how === "text") el("span", "im-search-how", a, " · in the text (" + hit.rows.length + ")");
        a.href = "#";
        a.onclick = function (e) { e.preventDefault(); go(hit); };
      });
    };
    input.onkeydown = function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();
      var found = IM.search(input.value);
      if (found.length) go(found[0]);
    };
  }

  // ---- the time bar: bars stacked by event type over a date axis; drag across to choose days,
  // "zoom" to look closer at them; undated incidents a bin of their own
  function bins(a, b) { // bin starts covering [a, b): days, weeks or months, by the span
    var days = (b - a) / DAY, out = [], t = a, d;
    if (days <= 120 || days <= 731) {
      var step = days <= 120 ? DAY : 7 * DAY;
      for (; t < b; t += step) out.push(t);
    } else {
      d = new Date(a);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      for (; t < b; d = new Date(t), t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) out.push(t);
    }
    out.push(b);
    return out;
  }
  function binOf(edges, t) {
    var lo = 0, hi = edges.length - 2;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function addTimeBar(cfg) {
    var div = document.getElementById("im-time");
    div.hidden = false;
    var view = [cfg.span[0], cfg.span[1]];
    var H = 44, AX = 16;
    var bar = el("div", "im-hist-row", div);
    var hist = svg("svg", { "class": "im-hist", height: H + AX, "aria-label": "Incidents by date: drag to choose days" }, bar);
    IM.hist = hist;
    var undated = IM.rows.filter(function (r) { return r.s === null; }).length;
    var und = undated ? button(bar, "im-undated", "undated " + undated, "Incidents with no date: shown when all dates are", function () { IM.setWindow(0); }) : null;
    var row = el("div", "im-time-row", div);
    var play = button(row, "im-play", "", "Play the period day by day", null);
    // the icons are inline SVG: a font without the glyph would show an empty box
    function icon(kind) {
      play.textContent = "";
      var g = svg("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" }, play);
      if (kind === "play") svg("path", { d: "M2 1 L11 6 L2 11 Z", fill: "currentColor" }, g);
      else { svg("rect", { x: 2, y: 1, width: 3, height: 10, fill: "currentColor" }, g); svg("rect", { x: 7, y: 1, width: 3, height: 10, fill: "currentColor" }, g); }
      play.dataset.state = kind;
    }
    icon("play");
    var range = el("input", "im-range", row);
    range.type = "range";
    range.min = String(cfg.span[0]);
    range.max = String(cfg.span[1] - DAY);
    range.step = String(DAY);
    range.setAttribute("aria-label", "Date");
    var presets = el("div", "im-presets", div);
    var buttons = [["All", 0], ["30 days", 30], ["7 days", 7], ["24 h", 1]].map(function (p) {
      var b = button(presets, "im-preset", p[0], "", function () { IM.setWindow(p[1]); });
      b.dataset.days = String(p[1]);
      return b;
    });
    var zoom = button(presets, "im-zoom", "Zoom to the days chosen", "Look closer at the days chosen", function () {
      if (IM.all()) return;
      view = [Math.max(cfg.span[0], S.t - S.w + DAY), S.t + DAY];
      IM._time();
    });
    var reset = button(presets, "im-unzoom", "Whole period", "", function () { view = [cfg.span[0], cfg.span[1]]; IM._time(); });
    if (cfg.sources && cfg.sources.length > 1) {
      var sel = el("select", "im-source", presets);
      sel.setAttribute("aria-label", "Source");
      el("option", "", sel, "all sources").value = "";
      cfg.sources.forEach(function (s) { el("option", "", sel, s).value = s; });
      sel.onchange = function () { IM.setSource(sel.value); };
      IM._srcSel = sel;
    }
    if (cfg.sides && cfg.sides.length > 1) {
      var side = el("select", "im-side", presets);
      side.setAttribute("aria-label", "Claimant side");
      el("option", "", side, "all claimants").value = "";
      cfg.sides.forEach(function (s) { el("option", "", side, s[1]).value = s[0]; });
      side.onchange = function () { IM.setSide(side.value); };
      IM._sideSel = side;
    }
    var label = el("div", "im-time-label", presets);
    range.oninput = function () { IM.setTime(Number(range.value)); };
    var timer = null;
    play.onclick = function () {
      if (timer) { clearInterval(timer); timer = null; icon("play"); return; }
      var days = Math.max(1, Math.round((cfg.span[1] - cfg.span[0]) / DAY));
      var step = Math.max(DAY, Math.ceil(days / 60) * DAY);
      S.t = cfg.span[0];
      icon("pause");
      timer = setInterval(function () {
        IM.setTime(S.t + step);
        if (S.t >= cfg.span[1] - DAY) { clearInterval(timer); timer = null; icon("play"); }
      }, 250);
    };
    var edges = null;
    function x(t, W) { return (t - view[0]) / (view[1] - view[0]) * W; }
    IM._time = function () {
      var W = Math.max(200, hist.clientWidth || hist.parentNode.clientWidth || 800);
      hist.setAttribute("width", String(W));
      hist.textContent = "";
      edges = bins(view[0], view[1]);
      var n = edges.length - 1, stack = [], max = 1;
      for (var k = 0; k < n; k++) stack.push({});
      IM.rows.forEach(function (r) {
        if (r.s === null || !passes(r, false, true) || r.e <= view[0] || r.s >= view[1]) return;
        var a = binOf(edges, Math.max(r.s, view[0])), b = binOf(edges, Math.min(r.e - DAY, view[1] - DAY));
        for (var j = a; j <= b; j++) stack[j][r.t] = (stack[j][r.t] || 0) + 1;
      });
      stack.forEach(function (s) { var tot = 0; for (var t in s) tot += s[t]; max = Math.max(max, tot); });
      stack.forEach(function (s, j) {
        var x0 = x(edges[j], W), w = Math.max(1, x(edges[j + 1], W) - x0 - (n < 200 ? 1 : 0)), y = H;
        IM.cfg.types.forEach(function (t) {
          var c = s[t[0]];
          if (!c) return;
          var h = Math.max(1.5, (H - 4) * c / max);
          y -= h;
          var rect = svg("rect", { x: x0, y: y, width: w, height: h, fill: t[2], "class": "im-bar" }, hist);
          svg("title", {}, rect).textContent = fmt(edges[j]) + " · " + t[1] + ": " + c;
        });
      });
      axis(W);
      var lo = IM.all() ? view[0] : Math.max(view[0], S.t - S.w + DAY), hi = IM.all() ? view[1] : Math.min(view[1], S.t + DAY);
      if (hi > lo) svg("rect", { "class": "im-brush", x: x(lo, W), y: 0, width: Math.max(1, x(hi, W) - x(lo, W)), height: H }, hist);
      range.value = String(S.t);
      var from = IM.all() ? cfg.span[0] : Math.max(cfg.span[0], S.t - S.w + DAY);
      label.textContent = fmt(from) + " – " + fmt(S.t) + " · " + IM.shown + " shown" + (IM.all() && undated ? " (" + undated + " undated)" : "");
      buttons.forEach(function (b) {
        var d = Number(b.dataset.days);
        b.classList.toggle("im-on", S.t >= cfg.span[1] - DAY && (d ? S.w === d * DAY : S.w === Infinity));
      });
      if (und) und.classList.toggle("im-off", !IM.all());
      zoom.disabled = IM.all();
      reset.disabled = view[0] === cfg.span[0] && view[1] === cfg.span[1];
    };
    function axis(W) {
      var days = (view[1] - view[0]) / DAY, ticks = [], d = new Date(view[0]), t;
      var unit = days <= 14 ? "day" : days <= 120 ? "week" : days <= 1100 ? "month" : "year";
      if (unit === "day" || unit === "week") {
        for (t = view[0]; t < view[1]; t += (unit === "day" ? 1 : 7) * DAY) ticks.push([t, fmt(t)]);
      } else {
        var every = unit === "month" ? Math.max(1, Math.ceil(days / 30.4 / 10)) : Math.max(1, Math.ceil(days / 365 / 10));
        var y = d.getUTCFullYear(), m = unit === "month" ? d.getUTCMonth() + 1 : 12;
        for (;;) {
          t = Date.UTC(y, m, 1);
          if (t >= view[1]) break;
          if (t > view[0]) ticks.push([t, unit === "month" ? fmt(t).slice(0, 7) : String(new Date(t).getUTCFullYear())]);
          if (unit === "month") m += every; else y += every;
        }
      }
      svg("line", { x1: 0, x2: W, y1: H + 0.5, y2: H + 0.5, "class": "im-axis" }, hist);
      ticks.forEach(function (tk) {
        var px = x(tk[0], W);
        svg("line", { x1: px, x2: px, y1: H, y2: H + 4, "class": "im-axis" }, hist);
        var tx = svg("text", { x: px + 2, y: H + 13, "class": "im-tick" }, hist);
        tx.textContent = tk[1];
      });
    }
    function dayAt(ev) {
      var box = hist.getBoundingClientRect();
      var t = view[0] + (ev.clientX - box.left) / box.width * (view[1] - view[0]);
      return cfg.span[0] + Math.floor((Math.max(view[0], Math.min(view[1] - 1, t)) - cfg.span[0]) / DAY) * DAY;
    }
    var start = null;
    hist.addEventListener("pointerdown", function (ev) {
      start = dayAt(ev);
      hist.setPointerCapture(ev.pointerId);
      IM.setRange(start, start);
    });
    hist.addEventListener("pointermove", function (ev) { if (start !== null) IM.setRange(start, dayAt(ev)); });
    hist.addEventListener("pointerup", function (ev) {
      if (start !== null) IM.setRange(start, dayAt(ev));
      start = null;
    });
    window.addEventListener("resize", function () { IM._time(); });
  }

  // ---- the view in the URL: #hide=types&from=..&to=..&side=..&src=..&sort=..&at=lat,lon,zoom
  var writing = false;
  function writeHash() {
    if (!IM.map || !IM.places) return;
    var p = [], hidden = Object.keys(S.hidden).filter(function (t) { return S.hidden[t]; });
    if (hidden.length) p.push("hide=" + hidden.map(encodeURIComponent).join(","));
    if (!IM.all()) p.push("from=" + fmt(Math.max(IM.span[0], S.t - S.w + DAY)), "to=" + fmt(S.t));
    if (S.side) p.push("side=" + encodeURIComponent(S.side));
    if (S.src) p.push("src=" + encodeURIComponent(S.src));
    if (S.sort !== "date") p.push("sort=" + S.sort);
    var c = IM.map.getCenter();
    p.push("at=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + IM.map.getZoom());
    var h = "#" + p.join("&");
    if (location.hash === h) return;
    writing = true;
    try { history.replaceState(null, "", h); } catch (e) { try { location.replace(h); } catch (e2) { /* a sandboxed frame */ } }
    writing = false;
  }
  function readHash() {
    var h = (location.hash || "").replace(/^#/, "");
    if (!h) return;
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (k === "hide") v.split(",").forEach(function (t) { if (IM.typeInfo[t]) S.hidden[t] = true; });
      if (k === "side") S.side = v;
      if (k === "src") S.src = v;
      if (k === "sort" && /^(date|type|place)$/.test(v)) S.sort = v;
      if (k === "at") {
        var a = v.split(",").map(Number);
        if (a.length === 3 && a.every(isFinite)) IM.view = { center: [a[0], a[1]], zoom: a[2] };
      }
    });
    var from = /(?:^|&)from=(\d{4}-\d\d-\d\d)/.exec(h), to = /(?:^|&)to=(\d{4}-\d\d-\d\d)/.exec(h);
    if (from && to && IM.span) {
      var a = Date.parse(from[1]), b = Date.parse(to[1]);
      S.t = Math.max(IM.span[0], Math.min(IM.span[1] - DAY, b));
      S.w = Math.max(DAY, S.t - Math.max(IM.span[0], a) + DAY);
    }
    if (IM._sideSel) IM._sideSel.value = S.side;
    if (IM._srcSel) IM._srcSel.value = S.src;
  }
  window.addEventListener("hashchange", function () {
    if (writing || !IM.map) return;
    S.hidden = {};
    S.side = "";
    S.src = "";
    S.w = Infinity;
    if (IM.span) S.t = IM.span[1] - DAY;
    IM.view = null;
    readHash();
    if (IM.view) IM.map.setView(IM.view.center, IM.view.zoom, { animate: false });
    IM.apply();
  });

  function addPosition(map) {
    var C = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "im-position");
        map.on("mousemove", function (e) { div.textContent = e.latlng.lat.toFixed(4) + ", " + e.latlng.lng.toFixed(4); });
        return div;
      },
    });
    new C().addTo(map);
  }

  // A user's own folium.Marker with Leaflet's default icon: the pin as an inline SVG (the page
  // carries no image files)
  var PIN = "data:image/svg+xml," + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="25" height="41" viewBox="0 0 25 41">' +
    '<path d="M12.5 0C5.6 0 0 5.6 0 12.5 0 22 12.5 41 12.5 41S25 22 25 12.5C25 5.6 19.4 0 12.5 0z" fill="#2a81cb" stroke="#1b5b91"/>' +
    '<circle cx="12.5" cy="12.5" r="4.5" fill="#fff"/></svg>');
  L.Icon.Default.mergeOptions({ iconUrl: PIN, iconRetinaUrl: PIN, shadowUrl: PIN, shadowSize: [0, 0] });
  L.Icon.Default.imagePath = "";
})();
