// "Copy" buttons: data-copy-target names the id of the field whose value goes to the clipboard.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy"); // a page over plain HTTP has no clipboard API
    }
    button.textContent = button.dataset.copiedLabel;
  });
});
