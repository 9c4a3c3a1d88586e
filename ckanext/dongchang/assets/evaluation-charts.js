/* Draws the evaluation charts from the JSON the page embeds; each chart has its table beside it. */
(function () {
  var holder = document.getElementById("dongchang-evaluation-data");
  if (!holder || typeof Chart === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var labels = JSON.parse(document.getElementById("dongchang-evaluation-labels").textContent);
  function bar(id, keys, stacked) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: keys.map(function (key) { return { label: labels[key], data: data.series[key] }; })
      },
      options: { responsive: true, animation: false,
                 scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } } }
    });
  }
  data.charts.forEach(function (chart) { bar(chart.id, chart.keys, chart.stacked); });
})();
