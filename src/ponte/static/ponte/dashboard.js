// Dashboard charts with Chart.js (bundled from npm, served by the app). Every chart has its
// data table next to it, so nothing here is the only way to read a figure: long labels are
// wrapped (and cut with "…" past three lines), the tooltip shows them whole.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0066cc", "#008758", "#cc334d", "#a66300", "#5c6f82", "#17324d", "#8fb3d9"];
  var language = document.documentElement.lang || "it";
  var plain = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  var MAX_LINES = 3;

  function wrap(text, width) {
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    if (lines.length > MAX_LINES) {
      lines = lines.slice(0, MAX_LINES);
      lines[MAX_LINES - 1] = lines[MAX_LINES - 1].slice(0, width - 1) + "…";
    }
    return lines;
  }

  // "533 mila €", "1,2 Mln €": the words come translated on the canvas (data-thousand, …)
  function euros(value, canvas) {
    var units = [[1e9, canvas.dataset.billion], [1e6, canvas.dataset.million], [1e3, canvas.dataset.thousand]];
    for (var i = 0; i < units.length; i++) {
      var scaled = Math.abs(value) / units[i][0];
      if (scaled >= 0.9995) {
        var digits = scaled < 9.95 ? 1 : 0;
        var text = new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(scaled);
        return (value < 0 ? "-" : "") + units[i][1].replace("%(amount)s", text);
      }
    }
    return plain.format(value) + " €";
  }

  function amount(value, unit, canvas) {
    if (unit === "€") { return euros(value, canvas); }
    return plain.format(value) + (unit ? " " + unit : "");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var rows = data[canvas.dataset.chart] || [];
    var unit = canvas.dataset.unit;
    // a phone gives the labels fewer characters a line; each line and each bar gets its height
    var narrow = canvas.parentNode.clientWidth < 500;
    var width = narrow ? 16 : 30;
    var labels = rows.map(function (row) { return wrap(row.label, width); });
    var lines = labels.reduce(function (sum, label) { return sum + label.length; }, 0);
    canvas.parentNode.style.height = Math.max(200, 60 + rows.length * 14 + lines * 13) + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ data: rows.map(function (row) { return row.value; }),
                     backgroundColor: rows.map(function (_row, i) { return palette[i % palette.length]; }) }]
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        locale: language,
        plugins: { legend: { display: false },
                   tooltip: { callbacks: {
                     title: function (items) { return rows[items[0].dataIndex].label; },
                     label: function (item) { return amount(item.raw, unit, canvas); } } } },
        scales: {
          x: { beginAtZero: true, max: unit === "%" ? 100 : undefined,
               ticks: { maxRotation: 0, maxTicksLimit: narrow ? 4 : 7,
                        callback: function (value) { return amount(value, unit, canvas); } } },
          y: { ticks: { autoSkip: false, font: { size: 11 } } }
        }
      }
    });
  });
})();
