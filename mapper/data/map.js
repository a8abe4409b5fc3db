/* incident-mapper page controls: time window with presets, play, source filter, place search,
   place labels. Plain Leaflet 1.9, no other dependency. Every string shown here was escaped by
   the Python side before it was embedded; nothing from a report is inserted as raw HTML here
   except those pre-escaped strings. */
(function () {
  var IM = (window.IM = window.IM || { layers: [] });
  var DAY = 86400000;

  function fmt(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  // A point per settlement incident; districts and regions as areas (their outline when the
  // page has one, else a circle), in a pane below the points.
  IM.pointToLayer = function (feature, latlng) {
    var p = feature.properties;
    if (p.precision === "settlement") {
      return L.circleMarker(latlng, { radius: p.r, color: "#222", weight: 1, fillColor: p.c, fillOpacity: 0.9 });
    }
    var style = { color: p.c, weight: 2, opacity: 0.85, fillColor: p.c, fillOpacity: 0.2, pane: "imAreas" };
    // a dashed edge says "somewhere in here"; on canvas it costs ~0.1 ms an area, so big maps go solid
    if (IM.dashAreas !== false) style.dashArray = "6 4";
    if (p.poly !== undefined && IM.polys && IM.polys[p.poly]) {
      return L.geoJSON(IM.polys[p.poly], { style: function () { return style; } }).getLayers()[0];
    }
    return L.circle(latlng, Object.assign({ radius: p.m }, style));
  };

  // Popups and tooltips are bound on first use: binding 20,000 up front costs seconds.
  IM.onEachFeature = function (feature, layer) {
    var p = feature.properties;
    layer.once("click", function (e) {
      layer.bindPopup(p.popup, { maxWidth: 380 }).openPopup(e.latlng);
    });
    layer.once("mouseover", function (e) {
      layer.bindTooltip(p.tip, { sticky: true }).openTooltip(e.latlng);
    });
    layer.openPopup = function () {
      if (!layer.getPopup()) layer.bindPopup(p.popup, { maxWidth: 380 });
      return L.Layer.prototype.openPopup.apply(layer, arguments);
    };
    IM.layers.push(layer);
  };

  // One overlay per event type, from JSON text (see render.py), listed in the layer control.
  // With IM.cluster, the type's points go into a marker-cluster group and its areas beside it.
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
    if (cfg.labels && cfg.labels.length) addLabels(map, cfg.labels, cfg.control);
    addSearch(map);
    if (cfg.span) addTimeControl(map, cfg);
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
      var show = (!IM.span || (p.s <= t && (w === Infinity || p.e > t - w + DAY))) && (!src || p.src === src);
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

  // A Leaflet control whose box does not pass clicks and scrolls on to the map.
  function panel(map, position, className, build) {
    var C = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var div = L.DomUtil.create("div", className + " leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        build(div);
        return div;
      },
    });
    return new C().addTo(map);
  }

  function addTimeControl(map, cfg) {
    IM.timeControl = panel(map, "bottomleft", "im-time", function (div) {
      var row = L.DomUtil.create("div", "im-time-row", div);
      var play = L.DomUtil.create("button", "im-btn", row);
      play.type = "button";
      play.title = "Play the period day by day";
      play.textContent = "▶";
      var range = L.DomUtil.create("input", "im-range", row);
      range.type = "range";
      range.min = String(cfg.span[0]);
      range.max = String(cfg.span[1] - DAY);
      range.step = String(DAY);
      range.value = String(IM.t);
      range.setAttribute("aria-label", "Date");
      IM._range = range;
      var presets = L.DomUtil.create("div", "im-presets", div);
      [["All", 0], ["30 days", 30], ["7 days", 7], ["24 h", 1]].forEach(function (p, i) {
        var b = L.DomUtil.create("button", "im-btn im-preset" + (i === 0 ? " im-on" : ""), presets);
        b.type = "button";
        b.textContent = p[0];
        b.dataset.days = String(p[1]);
        b.onclick = function () {
          Array.prototype.forEach.call(presets.querySelectorAll(".im-preset"), function (x) {
            x.classList.remove("im-on");
          });
          b.classList.add("im-on");
          IM.setWindow(p[1]);
        };
      });
      if (cfg.sources && cfg.sources.length > 1) {
        var sel = L.DomUtil.create("select", "im-source", presets);
        sel.setAttribute("aria-label", "Source");
        var all = document.createElement("option");
        all.value = "";
        all.textContent = "all sources";
        sel.appendChild(all);
        cfg.sources.forEach(function (s) {
          var o = document.createElement("option");
          o.value = s;
          o.textContent = s;
          sel.appendChild(o);
        });
        sel.onchange = function () {
          IM.source = sel.value;
          IM.apply();
        };
      }
      IM._label = L.DomUtil.create("div", "im-time-label", div);
      range.oninput = function () {
        IM.setTime(Number(range.value));
      };
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
    });
  }

  function addSearch(map) {
    IM.searchControl = panel(map, "topleft", "im-search", function (div) {
      var input = L.DomUtil.create("input", "im-search-input", div);
      input.type = "search";
      input.placeholder = "Find a place…";
      input.setAttribute("aria-label", "Find a place");
      var list = L.DomUtil.create("div", "im-search-list", div);
      input.oninput = function () {
        var q = input.value.trim().toLowerCase();
        list.innerHTML = "";
        if (q.length < 2) return;
        var seen = {}, n = 0;
        IM.all.forEach(function (l) {
          var p = l.feature.properties;
          if (n >= 8 || seen[p.name] || p.search.indexOf(q) < 0) return;
          seen[p.name] = 1;
          n++;
          var a = L.DomUtil.create("a", "im-search-item", list);
          a.href = "#";
          a.textContent = p.name;
          a.onclick = function (e) {
            e.preventDefault();
            map.setView(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter(), Math.max(map.getZoom(), 10));
            if (l._imGroup.zoomToShowLayer) l._imGroup.zoomToShowLayer(l, function () { l.openPopup(); });
            else if (l._map) l.openPopup();
            list.innerHTML = "";
          };
        });
      };
    });
  }

  function addLabels(map, labels, control) {
    var g = L.layerGroup();
    labels.forEach(function (x) {
      L.marker([x[0], x[1]], {
        icon: L.divIcon({ className: "im-label", html: x[2], iconSize: null, iconAnchor: [-8, 8] }),
        interactive: false,
        keyboard: false,
      }).addTo(g);
    });
    g.addTo(map);
    // names only where they can be read: hidden when zoomed out over the whole region
    var toggle = function () {
      map.getContainer().classList.toggle("im-zoom-low", map.getZoom() < 8);
    };
    map.on("zoomend", toggle);
    toggle();
    if (control) control.addOverlay(g, "Place names");
    IM.labels = g;
  }
})();
