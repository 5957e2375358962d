// @mentions in a comment (ponte.collaboration): typing "@" and a few letters in a textarea marked
// data-mentions offers the city's staff who match; a click, Enter or Tab writes "@username ".
// Without JavaScript the same "@username" typed by hand works: the server resolves it.
(function () {
  "use strict";

  var BEFORE_CARET = /(^|[^\w.+@-])@([\w.@+-]{0,30})$/;

  function setUp(picker) {
    var field = picker.querySelector("textarea[data-mentions]");
    if (!field || field.dataset.mentionsReady) {
      return;
    }
    field.dataset.mentionsReady = "1";
    var url = picker.dataset.mentionUrl;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    list.id = field.id + "-mentions";
    list.className = "ponte-mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", picker.dataset.label || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    field.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);

    function typed() {
      var found = BEFORE_CARET.exec(field.value.slice(0, field.selectionStart));
      return found ? found[2] : null;
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        field.setAttribute("aria-activedescendant", options[index].id);
      }
    }

    function choose(option) {
      var caret = field.selectionStart;
      var before = field.value.slice(0, caret).replace(/@[\w.@+-]*$/, "@" + option.dataset.username + " ");
      field.value = before + field.value.slice(caret);
      field.setSelectionRange(before.length, before.length);
      close();
      status.textContent = picker.dataset.chosen.replace("%s", option.dataset.name);
      field.focus();
    }

    function show(people) {
      close();
      people.forEach(function (person, i) {
        var option = document.createElement("li");
        var username = document.createElement("span");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.dataset.username = person.username;
        option.dataset.name = person.name;
        option.textContent = person.name + " ";
        username.className = "ponte-mention-username";
        username.textContent = "@" + person.username;
        option.appendChild(username);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // the textarea keeps the focus and its caret
          choose(option);
        });
        list.appendChild(option);
        options.push(option);
      });
      status.textContent = people.length ? picker.dataset.found.replace("%d", people.length) : picker.dataset.none;
      if (people.length) {
        list.hidden = false;
        highlight(0);
      }
    }

    function search() {
      var query = typed();
      if (query === null) {
        close();
        return;
      }
      var ask = ++asked;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ask === asked && typed() !== null) {
            show(data.results);
          }
        })
        .catch(close);
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll(".ponte-mention-picker").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
