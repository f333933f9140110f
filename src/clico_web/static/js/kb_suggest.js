/* Suggestions beside a new ticket: as the subject is typed, up to five knowledge base
 * articles for the chosen asset's vendor replace the aside's content (a fragment the server
 * renders and escapes). Without JavaScript, `Sprawdź w bazie wiedzy` posts the form and the
 * page comes back with the same list. No inline script: the CSP is default-src 'self'. */
(function () {
  "use strict";
  var aside = document.getElementById("kb-suggestions");
  var subject = document.getElementById("f-subject");
  if (!aside || !subject || !window.fetch) { return; }
  var asset = document.querySelector("input[name=asset_id]");
  var timer = null;
  var latest = 0;
  function refresh() {
    var ticket = ++latest;
    var query = "subject=" + encodeURIComponent(subject.value) +
      "&asset=" + encodeURIComponent(asset ? asset.value : "");
    fetch(aside.getAttribute("data-source") + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && ticket === latest) {
          var parsed = new DOMParser().parseFromString(html, "text/html");
          aside.replaceChildren.apply(aside, Array.prototype.slice.call(parsed.body.childNodes));
        }
      })
      .catch(function () { /* the button still works */ });
  }
  subject.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
