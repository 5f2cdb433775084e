/* Fourfold — the entry grid's paste parser: fills the grid from cells copied from a
   spreadsheet, as fourfold/intake/paste.py does on the server when JavaScript is off. */
(function () {
  "use strict";

  function cells(line) {
    return line.split("\t").map(function (c) { return c.trim(); });
  }

  function parse(text, codes, periods) {
    var out = { values: {}, comments: {}, problems: [] };
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    if (!lines.some(function (l) { return l.trim(); })) {
      out.problems.push("nothing was pasted");
      return out;
    }
    var known = {};
    codes.forEach(function (c) { known[c] = true; });
    var header = cells(lines[0]).map(function (c) { return c.toLowerCase().replace(/ /g, "_"); });
    if (header.indexOf("kpi") >= 0 && header.indexOf("actual") >= 0) {
      var col = {};
      header.forEach(function (name, i) { col[name] = i; });
      lines.slice(1).forEach(function (line, i) {
        var r = cells(line);
        if (!r.some(Boolean)) return;
        var at = function (name) { return name in col && col[name] < r.length ? r[col[name]] : ""; };
        var code = at("kpi");
        if (!known[code]) { out.problems.push("line " + (i + 2) + ": KPI '" + code + "' is not in this grid"); return; }
        if ("period" in col && at("period") !== periods[code]) return;
        out.values[code] = at("actual");
        if (at("comment")) out.comments[code] = at("comment");
      });
      return out;
    }
    var rows = lines.map(cells);
    var filled = rows.filter(function (r) { return r.some(Boolean); });
    if (filled.every(function (r) { return r.length >= 2 && known[r[0]]; })) {
      filled.forEach(function (r) {
        out.values[r[0]] = r[1];
        if (r.length > 2 && r[2]) out.comments[r[0]] = r[2];
      });
      return out;
    }
    if (rows.every(function (r) { return r.length === 1; })) {
      if (rows.length > codes.length) {
        out.problems.push(rows.length + " values were pasted for the " + codes.length + " KPIs of this grid");
        return out;
      }
      rows.forEach(function (r, i) { if (r[0]) out.values[codes[i]] = r[0]; });
      return out;
    }
    out.problems.push("paste one column of values in the order of the grid, two columns (KPI code and value), or rows with a header kpi, period, actual");
    return out;
  }

  function fill(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll("tr.entry-row"));
    var codes = rows.map(function (tr) { return tr.dataset.code; });
    var periods = {};
    rows.forEach(function (tr) { periods[tr.dataset.code] = tr.dataset.period; });
    var result = parse(form.querySelector("#paste").value, codes, periods);
    var status = form.querySelector("#paste-status");
    if (result.problems.length) {
      status.textContent = "The paste was not used: " + result.problems.join("; ") + ".";
      status.classList.add("field__error");
      return;
    }
    var count = 0;
    rows.forEach(function (tr) {
      var code = tr.dataset.code;
      var inputs = tr.querySelectorAll("input[type=text]");
      if (code in result.values) {
        inputs[0].value = result.values[code];
        inputs[0].dispatchEvent(new Event("change", { bubbles: true }));
        count += 1;
      }
      if (code in result.comments) inputs[1].value = result.comments[code];
    });
    status.classList.remove("field__error");
    status.textContent = count + (count === 1 ? " value" : " values") + " filled in: check them, then save.";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#paste-button") : null;
    if (!button) return;
    event.preventDefault();
    fill(button.form);
  });

  window.fourfoldPaste = parse;
})();
