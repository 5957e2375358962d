// The timeline opens on today: a chart wider than its box (a phone shows about a year) is
// scrolled so that the today line sits in the middle of what shows beside the sticky labels.
document.querySelectorAll(".ponte-timeline[data-today-x]").forEach((box) => {
  const label = box.querySelector("thead .ponte-timeline-label");
  const chartShown = box.clientWidth - (label ? label.offsetWidth : 0);
  if (box.scrollWidth > box.clientWidth) {
    box.scrollLeft = Math.max(0, Number(box.dataset.todayX) - chartShown / 2);
  }
});
