// Draws the revenue-per-month bar chart from the JSON the dashboard template embeds.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("revenue-data");
  var canvas = document.getElementById("revenue-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  // Axis and tooltip numbers in the page's language (1.234,5 in Romanian), not the browser's.
  Chart.defaults.locale = document.documentElement.lang;
  var data = JSON.parse(source.textContent);
  var money = new Intl.NumberFormat(document.documentElement.lang, {
    style: "currency",
    currency: data.currency,
    maximumFractionDigits: 0
  });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ data: data.values, backgroundColor: "#2f6f5e" }]
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (item) { return money.format(item.parsed.y); } } }
      },
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return money.format(v); } } } }
    }
  });
});
