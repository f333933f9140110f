/* Keeps what was typed on the new-ticket form across the asset picker.
 *
 * `Dodaj zasób` is a plain link to the picker page (it works without JavaScript); with
 * JavaScript the typed fields are stashed in sessionStorage on the way out and put back when the
 * picker returns to a fresh form. Loaded before editor.js, so the editor mounts over the
 * restored description.
 */
(function () {
  "use strict";

  var KEY = "clico-ticket-draft";
  var FIELDS = ["subject", "relation_type", "priority", "description", "format"];

  function field(form, name) { return form.elements.namedItem(name); }

  function stash(form) {
    var draft = {};
    FIELDS.forEach(function (name) {
      var input = field(form, name);
      if (input) { draft[name] = input.value; }
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }

  function restore(form) {
    var raw = null;
    try { raw = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
    var subject = field(form, "subject");
    // only into a fresh form: a form the server sent back already holds what was typed
    if (!raw || !subject || subject.value !== "" || form.querySelector(".field-error")) { return; }
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { return; }
    FIELDS.forEach(function (name) {
      var input = field(form, name);
      if (!input || typeof draft[name] !== "string") { return; }
      // the administrative form's default relation makes no sense once an asset is chosen
      if (name === "relation_type" && draft[name] === "portal") { return; }
      if (input.tagName === "SELECT" &&
          !Array.prototype.some.call(input.options, function (o) { return o.value === draft[name]; })) {
        return;
      }
      input.value = draft[name];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("ticket-form");
    if (!form) { return; }
    restore(form);
    var link = document.getElementById("add-asset");
    if (link) { link.addEventListener("click", function () { stash(form); }); }
    form.addEventListener("submit", function () {
      try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing to clear */ }
    });
  });
})();
