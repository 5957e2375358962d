/* Long choice lists become searchable with Tom Select (served from node_modules, no CDN).
   Progressive enhancement: without JavaScript the plain <select> works; with it, typing filters
   the options, arrows and Enter choose, Backspace removes the last chosen item, and the chosen
   items of a multiple list show as removable chips. Marked on the server by
   ponte.core.forms.style_for_bootstrap_italia (data-autocomplete="single|multiple"). */
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }
  var italian = (document.documentElement.lang || "it").indexOf("it") === 0;
  var texts = italian
    ? { empty: "Nessun risultato per", remove: "Rimuovi", placeholder: "Scrivi per cercare…" }
    : { empty: "No results for", remove: "Remove", placeholder: "Type to search…" };
  var SINGLE_THRESHOLD = 12; // same as ponte.core.forms.AUTOCOMPLETE_THRESHOLD

  function escape(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  document.querySelectorAll("select[data-autocomplete]").forEach(function (select) {
    var multiple = select.multiple;
    // A list searched on the server (ponte.core.choices) holds only its chosen options.
    var remote = select.getAttribute("data-choices-url");
    if (!remote && !multiple && select.options.length <= SINGLE_THRESHOLD) { return; }
    var plugins = multiple ? { remove_button: { title: texts.remove } } : {};
    // Tom Select moves the label to its own search box; the original list, kept for the form,
    // keeps its name for assistive technology from the same label.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
    }
    var searched = !remote ? {} : {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      preload: "focus",
      load: function (query, callback) {
        fetch(remote + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
    };
    new window.TomSelect(select, Object.assign({
      plugins: plugins,
      maxOptions: null,
      allowEmptyOption: !multiple,
      hidePlaceholder: multiple,
      placeholder: multiple ? texts.placeholder : undefined,
      closeAfterSelect: !multiple,
      // Filter on every keystroke. Tom Select's default waits 300 ms, and that pending refresh
      // later opens the list and takes the focus back: an option picked within those 300 ms left
      // the list to steal the focus from the next field, whose typing then went into this one.
      refreshThrottle: 0,
      render: {
        no_results: function (data) {
          return '<div class="no-results">' + texts.empty + " “" + escape(data.input) + "”</div>";
        },
      },
    }, searched));
  });
})();
