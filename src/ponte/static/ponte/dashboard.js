// Dashboard charts with Chart.js (bundled from npm, served by the app). Every chart has its
// data table next to it, so nothing here is the only way to read a figure.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0066cc", "#008758", "#cc334d", "#a66300", "#5c6f82", "#17324d", "#8fb3d9"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var rows = data[canvas.dataset.chart] || [];
    var unit = canvas.dataset.unit;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return row.label.length > 48 ? row.label.slice(0, 47) + "…" : row.label; }),
        datasets: [{ data: rows.map(function (row) { return row.value; }),
                     backgroundColor: rows.map(function (_row, i) { return palette[i % palette.length]; }) }]
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false },
                   tooltip: { callbacks: { label: function (item) { return item.formattedValue + (unit ? " " + unit : ""); } } } },
        scales: { x: { beginAtZero: true, max: unit === "%" ? 100 : undefined } }
      }
    });
  });
})();
