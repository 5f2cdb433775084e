/* Fourfold — the charts of the KPI and objective pages (Apache ECharts, served by the app).
   Each chart reads its numbers from a <script type="application/json"> whose id the
   container names in data-chart; the same numbers are on the page as a table. */
(function () {
  "use strict";

  var INK = "#17202b";
  var MUTED = "#5d6a78";
  var LINE = "#dbe1e8";
  var ACTUAL = "#1d3557";
  var compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 });
  var full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

  function number(value) {
    return value === null || value === undefined ? "—" : full.format(value);
  }

  function axisBase(labels) {
    return {
      type: "category",
      data: labels,
      boundaryGap: false,
      axisLine: { lineStyle: { color: LINE } },
      axisTick: { show: false },
      axisLabel: { color: MUTED, hideOverlap: true, alignMinLabel: "left", alignMaxLabel: "right" },
    };
  }

  function currentLine(index) {
    if (index === null || index === undefined) {
      return undefined;
    }
    return {
      silent: true,
      symbol: "none",
      label: { show: false },
      lineStyle: { color: MUTED, type: "dotted", width: 1 },
      data: [{ xAxis: index }],
    };
  }

  // An initiative's milestones on a KPI's chart: a line at each, a diamond at its top.
  function milestoneLines(marks) {
    if (!marks || !marks.length) {
      return undefined;
    }
    return {
      silent: false,
      symbol: ["none", "diamond"],
      symbolSize: 10,
      label: { show: false },
      tooltip: { show: true, formatter: function (p) { return p.name; } },
      data: marks.map(function (m) {
        var color = m.done ? INK : m.late ? "#c62828" : MUTED;
        return {
          xAxis: m.at, name: m.name + (m.done ? " (done)" : m.late ? " (overdue)" : " (to do)"),
          lineStyle: { color: color, type: m.done ? "solid" : "dashed", width: 1.2 },
          itemStyle: { color: color },
        };
      }),
    };
  }

  // An initiative's progress: complete against planned, and spent as a share of the budget.
  function progressOption(d) {
    var names = ["Complete", "Planned"];
    var series = [
      { name: "Complete", type: "line", data: d.complete, symbol: "circle", symbolSize: 6,
        lineStyle: { width: 2.5, color: ACTUAL }, itemStyle: { color: ACTUAL } },
      { name: "Planned", type: "line", data: d.planned, symbol: "none",
        lineStyle: { width: 1.5, type: "dashed", color: "#3d4a58" }, itemStyle: { color: "#3d4a58" } },
    ];
    if (d.spent) {
      names.push("Spent of budget");
      series.push({ name: "Spent of budget", type: "bar", data: d.spent, barMaxWidth: 28,
                    itemStyle: { color: "#e09a00", opacity: 0.55 } });
    }
    return {
      animation: false,
      aria: { enabled: false },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { data: names, top: 0, left: 0, textStyle: { color: INK } },
      tooltip: tooltip(names, "%"),
      xAxis: { type: "category", data: d.labels, axisLine: { lineStyle: { color: LINE } },
               axisTick: { show: false }, axisLabel: { color: MUTED, hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
               splitLine: { lineStyle: { color: "#eef1f4" } },
               axisLabel: { color: MUTED, formatter: "{value} %" } },
      series: series,
    };
  }

  function tooltip(names, unit) {
    return {
      trigger: "axis",
      formatter: function (items) {
        var shown = items.filter(function (item) {
          return names.indexOf(item.seriesName) >= 0;
        });
        if (!shown.length) {
          return "";
        }
        var lines = [shown[0].axisValueLabel];
        shown.forEach(function (item) {
          lines.push(item.marker + item.seriesName + ": " + number(item.value) + (unit ? " " + unit : ""));
        });
        return lines.join("<br>");
      },
    };
  }

  function kpiOption(d) {
    var series = [];
    var named = ["Actual"];
    if (d.bands.length) {
      // The bands are stacked areas: an invisible base at the axis bottom, then each status.
      series.push({
        name: "base", type: "line", data: d.base, stack: "bands", step: "middle",
        symbol: "none", silent: true, lineStyle: { width: 0 }, areaStyle: { opacity: 0 },
      });
      d.bands.forEach(function (band) {
        series.push({
          name: band.name, type: "line", data: band.data, stack: "bands", step: "middle",
          symbol: "none", silent: true, lineStyle: { width: 0 },
          areaStyle: { color: band.color, opacity: d.opacity },
        });
      });
    }
    if (d.target) {
      named.push("Target");
      series.push({
        name: "Target", type: "line", data: d.target, step: "middle", symbol: "none", z: 3,
        lineStyle: { type: "dashed", width: 1.5, color: "#3d4a58" }, itemStyle: { color: "#3d4a58" },
      });
    }
    if (d.low) {
      named.push("Low", "High");
      [["Low", d.low], ["High", d.high]].forEach(function (pair) {
        series.push({
          name: pair[0], type: "line", data: pair[1], step: "middle", symbol: "none", z: 3,
          lineStyle: { type: "dashed", width: 1.2, color: "#3d4a58" }, itemStyle: { color: "#3d4a58" },
        });
      });
    }
    series.push({
      name: "Actual", type: "line", data: d.actual, z: 4, symbol: "circle", symbolSize: 5,
      connectNulls: false, lineStyle: { width: 2.5, color: ACTUAL }, itemStyle: { color: ACTUAL },
      markLine: milestoneLines(d.milestones) || currentLine(d.current),
    });
    return {
      animation: false,
      aria: { enabled: false },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { data: named, top: 0, left: 0,
                textStyle: { color: INK } },
      tooltip: tooltip(named, d.unit),
      xAxis: axisBase(d.labels),
      yAxis: {
        type: "value", min: d.min, max: d.max, scale: true,
        splitLine: { lineStyle: { color: "#eef1f4" } },
        axisLabel: { color: MUTED, formatter: function (v) { return compact.format(v); } },
      },
      series: series,
    };
  }

  function objectiveOption(d) {
    var areas = d.bands.map(function (band) {
      return [
        { yAxis: band.from, itemStyle: { color: band.color, opacity: d.opacity } },
        { yAxis: band.to },
      ];
    });
    return {
      animation: false,
      aria: { enabled: false },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: tooltip(["Score"], "/ 10"),
      xAxis: axisBase(d.labels),
      yAxis: {
        type: "value", min: 0, max: 10,
        splitLine: { lineStyle: { color: "#eef1f4" } },
        axisLabel: { color: MUTED },
      },
      series: [{
        name: "Score", type: "line", data: d.scores, symbol: "circle", symbolSize: 5,
        lineStyle: { width: 2.5, color: ACTUAL }, itemStyle: { color: ACTUAL },
        markArea: { silent: true, data: areas },
        markLine: currentLine(d.current),
      }],
    };
  }

  // A fan chart: the history, the target (or the target range), and the forecast's median
  // with its 80 % interval as a band, stacked on an invisible series at its lower edge.
  function forecastOption(d) {
    var FAN = "#4c6ef5";
    var series = [
      { name: "fan-base", type: "line", data: d.fan_low, stack: "fan", symbol: "none",
        silent: true, lineStyle: { width: 0 }, areaStyle: { opacity: 0 } },
      { name: "80 % interval", type: "line", data: d.fan_width, stack: "fan", symbol: "none",
        silent: true, lineStyle: { width: 0 }, itemStyle: { color: FAN, opacity: 0.35 },
        areaStyle: { color: FAN, opacity: 0.18 } },
    ];
    if (d.target) {
      series.push({
        name: "Target", type: "line", data: d.target, step: "middle", symbol: "none", z: 3,
        lineStyle: { type: "dashed", width: 1.5, color: "#3d4a58" }, itemStyle: { color: "#3d4a58" },
      });
    }
    if (d.low) {
      [["Low", d.low], ["High", d.high]].forEach(function (pair) {
        series.push({
          name: pair[0], type: "line", data: pair[1], step: "middle", symbol: "none", z: 3,
          lineStyle: { type: "dashed", width: 1.2, color: "#3d4a58" }, itemStyle: { color: "#3d4a58" },
        });
      });
    }
    series.push({
      name: "Forecast", type: "line", data: d.median, z: 4, symbol: "none", connectNulls: false,
      lineStyle: { width: 2, type: "dashed", color: FAN }, itemStyle: { color: FAN },
    });
    series.push({
      name: "Actual", type: "line", data: d.actual, z: 5, symbol: "circle", symbolSize: 5,
      connectNulls: false, lineStyle: { width: 2.5, color: ACTUAL }, itemStyle: { color: ACTUAL },
    });
    var shown = ["Actual", "Forecast", "Target", "Low", "High"];
    return {
      animation: false,
      aria: { enabled: false },
      // The legend is the page's own list under the chart: it wraps on a phone.
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: tooltip(shown, d.unit),
      xAxis: axisBase(d.labels),
      yAxis: {
        type: "value", min: d.min, max: d.max, scale: true,
        splitLine: { lineStyle: { color: "#eef1f4" } },
        axisLabel: { color: MUTED, formatter: function (v) { return compact.format(v); } },
      },
      series: series,
    };
  }

  var OPTIONS = {
    kpi: kpiOption, objective: objectiveOption, forecast: forecastOption, progress: progressOption
  };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.getInstanceByDom(element) || echarts.init(element, null, { renderer: "svg" });
    chart.setOption((OPTIONS[data.kind] || kpiOption)(data), true);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
