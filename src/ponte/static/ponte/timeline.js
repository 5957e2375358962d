// The timeline opens on today: when the today line would be out of sight (a phone shows about a
// year), the chart is scrolled so that it sits in the middle of what shows beside the labels.
document.querySelectorAll(".ponte-timeline[data-today-x]").forEach((box) => {
  const label = box.querySelector("thead .ponte-timeline-label");
  const chartShown = box.clientWidth - (label ? label.offsetWidth : 0);
  const today = Number(box.dataset.todayX);
  if (today > chartShown - 40) {
    box.scrollLeft = Math.max(0, today - chartShown / 2);
  }
});
