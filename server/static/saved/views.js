/* A saved query's view, drawn from the JSON block #view-data into #view: a timeline or a bar
   chart (SVG drawn here), or a graph (cytoscape.js, served from this server). Text goes in
   with textContent only. When done, #view gets data-drawn="<view>" and data-count. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b8860b", "#2c3e50", "#e84393"];

  function svgElement(name, attributes, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function linked(parent, href, child) {
    if (!href) {
      parent.appendChild(child);
      return child;
    }
    var anchor = svgElement("a", { href: href });
    anchor.appendChild(child);
    parent.appendChild(anchor);
    return anchor;
  }

  function colours(keys) {
    var map = {};
    keys.forEach(function (key) {
      if (!(key in map)) {
        map[key] = PALETTE[Object.keys(map).length % PALETTE.length];
      }
    });
    return map;
  }

  function days(date) {
    return Date.parse(date + "T00:00:00Z") / 86400000;
  }

  function finish(holder, view, count) {
    holder.setAttribute("data-drawn", view);
    holder.setAttribute("data-count", String(count));
  }

  /* Timeline: an overview strip in proportion to time, then one line per item in date order. */
  function timeline(holder, data) {
    // `start` is the date's first day (2017 → 2017-01-01): where a partial date is placed.
    var items = data.items.filter(function (item) {
      return !isNaN(days(item.start));
    });
    items.sort(function (a, b) {
      return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
    });
    var width = Math.max(holder.clientWidth || 0, 640);
    var kinds = colours(items.map(function (item) { return item.kind || ""; }));
    var stripTop = 34;
    var rowHeight = 24;
    var listTop = stripTop + 64;
    var height = listTop + items.length * rowHeight + 10;
    var svg = svgElement("svg", {
      width: width,
      height: height,
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      "aria-label": "timeline of " + items.length + " dated items",
      class: "timeline-svg"
    });

    // The legend: one swatch per kind.
    var x = 0;
    Object.keys(kinds).forEach(function (kind) {
      svg.appendChild(svgElement("circle", { cx: x + 6, cy: 12, r: 5, fill: kinds[kind], class: "legend" }));
      var label = svgElement("text", { x: x + 15, y: 16, class: "legend-text" }, kind || "(no kind)");
      svg.appendChild(label);
      x += 24 + 7 * (kind || "(no kind)").length;
    });

    // The overview strip, in proportion to time.
    var first = days(items[0].start);
    var last = days(items[items.length - 1].start);
    var span = Math.max(last - first, 1);
    var left = 90;
    var right = width - 20;
    function position(start) {
      return left + ((days(start) - first) / span) * (right - left);
    }
    svg.appendChild(svgElement("line", { x1: left, y1: stripTop + 20, x2: right, y2: stripTop + 20, class: "axis" }));
    // A tick per month that has items, labelled where there is room.
    var months = {};
    items.forEach(function (item) {
      months[item.start.slice(0, 7)] = true;
    });
    var lastLabel = -Infinity;
    Object.keys(months).sort().forEach(function (month) {
      var at = position(month + "-01" < items[0].start ? items[0].start : month + "-01");
      svg.appendChild(svgElement("line", { x1: at, y1: stripTop + 14, x2: at, y2: stripTop + 26, class: "tick" }));
      if (at - lastLabel >= 64) {
        svg.appendChild(svgElement("text", { x: at, y: stripTop + 42, class: "tick-text", "text-anchor": "middle" }, month));
        lastLabel = at;
      }
    });
    items.forEach(function (item) {
      svg.appendChild(svgElement("circle", {
        cx: position(item.start), cy: stripTop + 20, r: 4, fill: kinds[item.kind || ""], class: "overview-mark"
      }));
    });

    // One line per item.
    var axisX = 100;
    svg.appendChild(svgElement("line", { x1: axisX, y1: listTop - 8, x2: axisX, y2: height - 6, class: "axis" }));
    var previous = null;
    items.forEach(function (item, index) {
      var y = listTop + index * rowHeight;
      if (item.date !== previous) {
        svg.appendChild(svgElement("text", { x: axisX - 12, y: y + 4, class: "date-text", "text-anchor": "end" }, item.date));
        previous = item.date;
      }
      var mark = svgElement("circle", { cx: axisX, cy: y, r: 6, fill: kinds[item.kind || ""], class: "event-mark" });
      var title = svgElement("title", {}, item.date + " · " + (item.kind ? item.kind + " · " : "") + item.label + (item.note ? " — " + item.note : ""));
      mark.appendChild(title);
      svg.appendChild(mark);
      var text = svgElement("text", { x: axisX + 14, y: y + 4, class: "event-text" });
      var name = svgElement("tspan", { class: "event-label" }, item.label);
      text.appendChild(name);
      if (item.kind) {
        text.appendChild(svgElement("tspan", { class: "event-kind", dx: 8 }, item.kind));
      }
      if (item.note) {
        text.appendChild(svgElement("tspan", { class: "event-note", dx: 8 }, item.note.length > 90 ? item.note.slice(0, 89) + "…" : item.note));
      }
      linked(svg, item.href, text);
    });
    holder.appendChild(svg);
    finish(holder, "timeline", items.length);
  }

  /* Bar chart: one horizontal bar per item, longest first as the query ordered them. */
  function bars(holder, data) {
    var items = data.items;
    var width = Math.max(holder.clientWidth || 0, 640);
    var labelWidth = Math.min(280, Math.round(width * 0.38));
    var rowHeight = 22;
    var top = 24;
    var height = top + items.length * rowHeight + 8;
    var most = Math.max.apply(null, items.map(function (item) { return item.value; }).concat([1]));
    var room = width - labelWidth - 70;
    var svg = svgElement("svg", {
      width: width,
      height: height,
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      "aria-label": "bar chart of " + data.measure + ", " + items.length + " bars",
      class: "bar-svg"
    });
    svg.appendChild(svgElement("text", { x: labelWidth + 8, y: 14, class: "measure-text" }, data.measure));
    items.forEach(function (item, index) {
      var y = top + index * rowHeight;
      var label = item.label.length > 42 ? item.label.slice(0, 41) + "…" : item.label;
      linked(svg, item.href, svgElement("text", { x: labelWidth, y: y + 14, "text-anchor": "end", class: "bar-label" }, label));
      var bar = svgElement("rect", {
        x: labelWidth + 8, y: y + 3, height: rowHeight - 7,
        width: Math.max(1, (item.value / most) * room), class: "bar"
      });
      bar.appendChild(svgElement("title", {}, item.label + ": " + item.value));
      svg.appendChild(bar);
      svg.appendChild(svgElement("text", {
        x: labelWidth + 14 + Math.max(1, (item.value / most) * room), y: y + 14, class: "bar-value"
      }, String(item.value)));
    });
    holder.appendChild(svg);
    finish(holder, "bar", items.length);
  }

  /* Graph: cytoscape.js, the bound thing in the middle; a click on a thing opens its page. */
  function graph(holder, data) {
    if (typeof cytoscape === "undefined") {
      holder.textContent = "The graph view needs cytoscape.js in this server's static folder (make setup installs it).";
      return;
    }
    var elements = [];
    data.nodes.forEach(function (node) {
      elements.push({ group: "nodes", data: node, classes: node.kind + (node.focus ? " focus" : "") });
    });
    data.edges.forEach(function (edge) {
      elements.push({ group: "edges", data: edge });
    });
    holder.classList.add("graph-canvas");
    var cy = cytoscape({
      container: holder,
      elements: elements,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
          "background-color": "#1f5fa8", "width": 14, "height": 14, "color": "#1d232a",
          "text-wrap": "ellipsis", "text-max-width": 140
        } },
        { selector: "node.literal", style: { "shape": "round-rectangle", "background-color": "#b0b8c1", "width": 10, "height": 10 } },
        { selector: "node.focus", style: { "background-color": "#c0392b", "width": 24, "height": 24, "font-weight": "bold", "font-size": 12 } },
        { selector: "edge", style: {
          "width": 1.2, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.7,
          "label": "data(label)", "font-size": 7, "color": "#5b6570", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1
        } }
      ],
      layout: {
        name: "concentric",
        animate: false,
        concentric: function (node) {
          return node.data("focus") ? 2 : 1;
        },
        levelWidth: function () {
          return 1;
        },
        minNodeSpacing: 34,
        spacingFactor: 1.1
      }
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    holder.setAttribute("data-nodes", String(cy.nodes().length));
    holder.setAttribute("data-edges", String(cy.edges().length));
    finish(holder, "graph", cy.nodes().length);
  }

  function draw() {
    var holder = document.getElementById("view");
    var block = document.getElementById("view-data");
    if (!holder || !block) {
      return;
    }
    var data = JSON.parse(block.textContent);
    var views = { timeline: timeline, bar: bars, graph: graph };
    if (views[data.view]) {
      views[data.view](holder, data);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
