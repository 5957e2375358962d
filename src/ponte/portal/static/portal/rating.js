// "Valuta questo sito": without JavaScript the whole form shows at once and works as a plain POST;
// with it, the reasons and the text appear once a star is chosen, and only the list that matches
// the stars (what was liked for 4-5 stars, what was hard for 1-3) as the Designers Italia model asks.
document.querySelectorAll("form.ponte-rating").forEach((form) => {
  const above = Number(form.dataset.positiveAbove);
  const step = form.querySelector("[data-rating-step]");
  const positive = form.querySelector('[data-rating-reasons="positive"]');
  const negative = form.querySelector('[data-rating-reasons="negative"]');
  const show = () => {
    const chosen = form.querySelector('input[name="stars"]:checked');
    step.classList.toggle("d-none", !chosen);
    if (!chosen) return;
    const liked = Number(chosen.value) > above;
    positive.classList.toggle("d-none", !liked);
    negative.classList.toggle("d-none", liked);
    // The list out of sight is not sent: the server reads what the person sees.
    (liked ? negative : positive).querySelectorAll("input").forEach((input) => {
      input.checked = false;
    });
  };
  form.querySelectorAll('input[name="stars"]').forEach((input) => input.addEventListener("change", show));
  show();
});
