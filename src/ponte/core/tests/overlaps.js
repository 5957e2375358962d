/* The labels of the page's forms that lie over a control or another label, as sentences. */
() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" &&
      !el.closest(".ponte-hp, [hidden], .ts-hidden-accessible");
  };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.htmlFor ? "[for=" + el.htmlFor + "]" : ""} “${(el.innerText || el.value || el.name || "").trim().slice(0, 40)}”`;
  const scope = document.querySelector("main") || document.body;
  const labels = [...scope.querySelectorAll("form label, form legend")].filter(shown);
  const controls = [...scope.querySelectorAll("form input:not([type=hidden]), form select, form textarea, form button, form .ts-control")].filter(shown);
  const overlap = (a, b) => {
    const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    return w > 1 && h > 1;
  };
  // A label may overlap its own checkbox or radio button only (Bootstrap Italia draws the box in
  // the label); a label over its own text field hides what is typed.
  const own = (label, control) => label.contains(control) || control.contains(label) ||
    (label.htmlFor === control.id && ["checkbox", "radio"].includes(control.type));
  const found = [];
  labels.forEach((label, i) => {
    controls.forEach((control) => {
      if (!own(label, control) && overlap(label, control)) found.push(`${name(label)} over ${name(control)}`);
    });
    labels.slice(i + 1).forEach((other) => {
      if (!label.contains(other) && !other.contains(label) && overlap(label, other)) found.push(`${name(label)} over ${name(other)}`);
    });
  });
  return found;
}
