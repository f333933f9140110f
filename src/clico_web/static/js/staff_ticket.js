/* Staff on a ticket's page: `Teraz przegląda` and `Wstaw szablon`.
 *
 * Presence: the page load already recorded the viewer; while the page stays open it posts
 * a beat (its CSRF token only) every 20 s and shows whom the server saw within the last
 * minute. Templates: without JavaScript the select submits a GET that reloads the page with
 * the filled template in the reply box; with the editor mounted, the filled template is
 * fetched and inserted where the cursor is, keeping what was typed. No inline script (CSP).
 */
(function () {
  "use strict";

  var EVERY = window.clicoPresenceEvery || 20000;

  function startPresence() {
    var box = document.getElementById("presence");
    var names = document.getElementById("presence-names");
    var token = document.querySelector("#reply-form input[name=csrf_token]");
    if (!box || !names || !token) { return; }
    function beat() {
      var body = new URLSearchParams();
      body.set("csrf_token", token.value);
      fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin",
                               headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !Array.isArray(data.viewing)) { return; }
          names.textContent = data.viewing.join(", ");
          box.hidden = data.viewing.length === 0;
        })
        .catch(function () { /* offline for a moment: the next beat tries again */ });
    }
    window.setInterval(beat, EVERY);
  }

  function startTemplates() {
    var form = document.getElementById("insert-template");
    var select = document.getElementById("f-template");
    if (!form || !select) { return; }
    form.addEventListener("submit", function (event) {
      var textarea = document.getElementById("f-body");
      var quill = textarea && textarea.clicoEditor;
      if (!quill) { return; }  // no editor: the GET fills the box
      event.preventDefault();
      var url = "/staff/templates/" + encodeURIComponent(select.value) + "/filled?ticket="
        + encodeURIComponent(form.dataset.ticket);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          var range = quill.getSelection(true);
          var index = range ? range.index : Math.max(quill.getLength() - 1, 0);
          // the server sanitised the template and escaped the filled-in values
          quill.clipboard.dangerouslyPasteHTML(index, data.html, "user");
        })
        .catch(function () { form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startPresence();
    startTemplates();
  });
})();
