// Forms keep what was typed when the network drops (docs/web.md). Every page works without this file.
//
// What a person types in a form that posts is kept in the tab's sessionStorage (gone when the tab
// closes: a shared computer in a kindergarten keeps nothing), under the page and the form's action.
// A form sent while the browser is offline is not sent: the person is told, and sends it again when
// the network is back. Coming back to the page (after a failed send, a reload, the back button) fills
// the empty fields again and says so. The form sent last forgets its draft when the server took it (the
// page it answers with carries ?ok=); a refused or lost send keeps it.
(function () {
  "use strict";
  var PREFIX = "stafett-utkast:";
  var SKIP = { hidden: 1, password: 1, submit: 1, button: 1, file: 1, checkbox: 1, radio: 1 };
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  function text(name) {
    var nn = document.documentElement.lang === "nn";
    var texts = {
      restored: nn ? "Vi tok vare på det du skreiv. Sjå over og send på nytt."
                   : "Vi tok vare på det du skrev. Se over og send på nytt.",
      offline: nn ? "Du er ikkje på nett. Det du skreiv, er teke vare på; send på nytt når nettet er tilbake."
                  : "Du er ikke på nett. Det du skrev, er tatt vare på; send på nytt når nettet er tilbake."
    };
    return texts[name];
  }

  function key(form) {
    return PREFIX + location.pathname + "|" + (form.getAttribute("action") || "");
  }

  function fields(form) {
    var out = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      var type = (el.type || "").toLowerCase();
      if (el.name && !SKIP[type] && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT")) {
        out.push(el);
      }
    }
    return out;
  }

  function save(form) {
    var values = {};
    var any = false;
    fields(form).forEach(function (el) {
      if (el.value) { values[el.name] = el.value; any = true; }
    });
    try {
      if (any) { store.setItem(key(form), JSON.stringify(values)); } else { store.removeItem(key(form)); }
    } catch (e) { /* storage full or refused: the form still works */ }
  }

  function say(form, message, kind) {
    var note = form.querySelector(".draft-note");
    if (!note) {
      note = document.createElement("div");
      note.className = "ds-alert draft-note";
      note.setAttribute("role", kind === "danger" ? "alert" : "status");
      var p = document.createElement("p");
      p.className = "ds-paragraph";
      note.appendChild(p);
      form.insertBefore(note, form.firstChild);
    }
    note.setAttribute("data-color", kind);
    note.firstChild.textContent = message;
  }

  function restore(form) {
    var saved;
    try { saved = JSON.parse(store.getItem(key(form)) || "null"); } catch (e) { saved = null; }
    if (!saved) { return; }
    var filled = false;
    fields(form).forEach(function (el) {
      if (!el.value && saved[el.name]) { el.value = saved[el.name]; filled = true; }
    });
    if (filled) { say(form, text("restored"), "info"); }
  }

  var SENT = PREFIX + "sendt";  // the draft of the form sent last, forgotten when the server took it

  function forgetSent() {
    var sent = store.getItem(SENT);
    if (sent) { store.removeItem(sent); }
    store.removeItem(SENT);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (/[?&]ok=/.test(location.search)) { forgetSent(); }  // the server took what was sent
    var forms = document.querySelectorAll("form[method='post']");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        if (!fields(form).length) { return; }
        restore(form);
        form.addEventListener("input", function () { save(form); });
        form.addEventListener("change", function () { save(form); });
        form.addEventListener("submit", function (event) {
          save(form);
          if (navigator.onLine === false) {
            event.preventDefault();
            say(form, text("offline"), "danger");
            return;
          }
          try { store.setItem(SENT, key(form)); } catch (e) { /* the draft stays until the tab closes */ }
        });
      })(forms[i]);
    }
  });
})();
