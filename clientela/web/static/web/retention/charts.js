// Draws the retention charts from the JSON that the retention templates embed.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") {
    return;
  }
  // Axis and tooltip numbers in the page's language (1.234,5 in Romanian), not the browser's.
  Chart.defaults.locale = document.documentElement.lang;
  function bars(canvasId, series) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: series.labels, datasets: [{ label: series.title, data: series.values, backgroundColor: "#2f6f5e" }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
    });
  }
  var charts = document.getElementById("retention-charts");
  if (charts) {
    var data = JSON.parse(charts.textContent);
    bars("p-alive-chart", data.p_alive);
    bars("clv-chart", data.clv);
  }
  var validation = document.getElementById("validation-data");
  var canvas = document.getElementById("validation-chart");
  if (validation && canvas) {
    var v = JSON.parse(validation.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: v.labels,
        datasets: [
          { label: v.actual_label, data: v.actual, borderColor: "#2f6f5e", pointRadius: 0 },
          { label: v.expected_label, data: v.expected, borderColor: "#b5542d", borderDash: [6, 4], pointRadius: 0 }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
    var conditional = document.getElementById("conditional-chart");
    if (conditional && v.conditional) {
      var c = v.conditional;
      new Chart(conditional, {
        type: "line",
        data: {
          labels: c.labels,
          datasets: [
            { label: c.actual_label, data: c.actual, borderColor: "#2f6f5e", backgroundColor: "#2f6f5e" },
            { label: c.predicted_label, data: c.predicted, borderColor: "#b5542d", backgroundColor: "#b5542d", borderDash: [6, 4] }
          ]
        },
        options: {
          maintainAspectRatio: false,
          scales: {
            x: { title: { display: true, text: c.x_title } },
            y: { beginAtZero: true, title: { display: true, text: c.y_title } }
          }
        }
      });
    }
  }
});
